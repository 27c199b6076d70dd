"""Reprint the measurements the checks' thresholds are set from.

    python -m autograder.assignments.BatchNormalization.calibrate [--seeds 100]

Trains the reference on the training check's task over many seeds (float32
and float64, with and without batch norm) and prints the held-out accuracy
distribution for one run and for the better of two, which is what
``checks.fc_net_training`` scores. docs/checks.md records the last output.
"""
import argparse
import time

import numpy as np

from autograder.assignments.BatchNormalization import datasets
from cs231n.solver import Solver
from solutions.BatchNormalization.fc_net import FullyConnectedNet


def accuracies(task, seeds, use_batchnorm, dtype):
    out = []
    for seed in range(seeds):
        np.random.seed(seed)
        kwargs = dict(task.net_kwargs, use_batchnorm=use_batchnorm, dtype=dtype)
        net = FullyConnectedNet(**kwargs)
        Solver(net, task.train_data, verbose=False, **task.solver_kwargs).train()
        out.append(np.mean(np.argmax(net.loss(task.X_eval), axis=1) == task.y_eval))
    return np.array(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, default=100)
    args = parser.parse_args(argv)
    task = datasets.training_task()
    print('training check: full credit >= %.2f, none <= %.2f' % (task.full_credit_accuracy, task.no_credit_accuracy))
    for use_batchnorm, dtype in ((True, np.float32), (True, np.float64), (False, np.float32)):
        start = time.time()
        acc = accuracies(task, args.seeds, use_batchnorm, dtype)
        best_of_two = np.maximum(acc[0::2], acc[1::2])
        print('batchnorm=%-5s %-7s one run: min %.3f  1%% %.3f  mean %.3f  std %.3f | better of two: min %.3f  '
              'mean %.3f | %.2f s/run' % (use_batchnorm, np.dtype(dtype).name, acc.min(), np.percentile(acc, 1),
                                         acc.mean(), acc.std(), best_of_two.min(), best_of_two.mean(),
                                         (time.time() - start) / args.seeds))


if __name__ == '__main__':
    main()
