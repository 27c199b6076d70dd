"""Reprint the measurements the training check's thresholds are set from.

    python -m autograder.assignments.BatchNormalization.calibrate [--seeds 100]

Trains the reference on the training check's task over many seeds (float32 and float64, with and without
batch norm; ``autograder.grading.calibration``). docs/checks.md records the last output.
"""
import numpy as np

from autograder.assignments.BatchNormalization.training_check import TRAINING
from autograder.grading import calibration
from solutions.BatchNormalization.fc_net import FullyConnectedNet

SETTINGS = {'batchnorm float32': dict(dtype=np.float32), 'batchnorm float64': dict(dtype=np.float64),
            'no batchnorm float32': dict(use_batchnorm=False, dtype=np.float32)}

if __name__ == '__main__':
    calibration.main(__doc__, TRAINING, FullyConnectedNet, SETTINGS, seeds=100)
