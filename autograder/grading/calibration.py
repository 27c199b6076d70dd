"""Reprint the measurements a training check's thresholds are set from.

An assignment's ``calibrate.py`` names the settings to train its reference net with (the check's own, and
one without the layer, which must stay below no credit) and calls ``main``: the reference is trained on the
check's task once per seed, and the held-out accuracy is printed for one run and for the better of two,
which is what the check scores (``autograder.grading.training``).
"""
import argparse
import time

import numpy as np

from autograder.grading.synthetic import accuracy
from cs231n.solver import Solver


def accuracies(reference_class, task, seeds):
    """The held-out accuracy of ``reference_class(**task.net_kwargs)`` trained once per seed (0 for a net
    whose scores are not finite)."""
    out = []
    for seed in range(seeds):
        np.random.seed(seed)
        net = reference_class(**task.net_kwargs)
        Solver(net, dict(task.train_data), verbose=False, **task.solver_kwargs).train()
        out.append(accuracy(net.loss(task.X_eval), task) or 0.0)
    return np.array(out)


def main(description, training, reference_class, settings, seeds, argv=None):
    """Print the distribution for each of ``settings`` {label: net keyword arguments over the check's}."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument('--seeds', type=int, default=seeds)
    args = parser.parse_args(argv)
    print('training check: full credit >= %.2f, none <= %.2f'
          % (training.full_credit_accuracy, training.no_credit_accuracy))
    for label, net_kwargs in settings.items():
        start = time.time()
        acc = accuracies(reference_class, training.task(**net_kwargs), args.seeds)
        best_of_two = np.maximum(acc[0::2], acc[1::2])
        print('%-22s one run: min %.3f  1%% %.3f  mean %.3f  max %.3f  std %.3f | better of two: min %.3f  '
              'mean %.3f | %.2f s/run' % (label, acc.min(), np.percentile(acc, 1), acc.mean(), acc.max(), acc.std(),
                                         best_of_two.min(), best_of_two.mean(), (time.time() - start) / args.seeds))
