"""Reprint the measurements the training check's thresholds are set from.

    python -m autograder.assignments.LayerNormalization.calibrate [--seeds 60]

Trains the reference on the training check's task over many seeds (layer norm, no normalization, batch
norm; ``autograder.grading.calibration``). docs/layernorm.md records the last output.
"""
from autograder.assignments.LayerNormalization.training_check import TRAINING
from autograder.grading import calibration
from solutions.LayerNormalization.fc_net import FullyConnectedNet

SETTINGS = {'layernorm': {}, 'no normalization': dict(normalization=None), 'batchnorm': dict(normalization='batchnorm')}

if __name__ == '__main__':
    calibration.main(__doc__, TRAINING, FullyConnectedNet, SETTINGS, seeds=60)
