"""Reprint the measurements the training check's thresholds are set from.

    python -m autograder.assignments.LayerNormalization.calibrate [--seeds 60]

Trains the reference on the training check's task over many seeds (layer norm, no normalization, batch norm)
and prints the held-out accuracy for one run and for the better of two, which is what
``training_check.layernorm_net_training`` scores. docs/layernorm.md records the last output.
"""
import argparse
import time

import numpy as np

from autograder.assignments.LayerNormalization.training_check import training_task
from autograder.grading import synthetic
from cs231n.solver import Solver
from solutions.LayerNormalization.fc_net import FullyConnectedNet


def accuracies(task, seeds, normalization):
    out = []
    for seed in range(seeds):
        np.random.seed(seed)
        net = FullyConnectedNet(**dict(task.net_kwargs, normalization=normalization))
        Solver(net, dict(task.train_data), verbose=False, **task.solver_kwargs).train()
        out.append(synthetic.accuracy(net.loss(task.X_eval), task))
    return np.array(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, default=60)
    args = parser.parse_args(argv)
    task = training_task()
    print('training check: full credit >= %.2f, none <= %.2f' % (task.full_credit_accuracy, task.no_credit_accuracy))
    for normalization in ('layernorm', None, 'batchnorm'):
        start = time.time()
        acc = accuracies(task, args.seeds, normalization)
        best_of_two = np.maximum(acc[0::2], acc[1::2])
        print('normalization=%-9s one run: min %.3f  mean %.3f  max %.3f | better of two: min %.3f  mean %.3f | '
              '%.2f s/run' % (normalization, acc.min(), acc.mean(), acc.max(), best_of_two.min(), best_of_two.mean(),
                              (time.time() - start) / args.seeds))


if __name__ == '__main__':
    main()
