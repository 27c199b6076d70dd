"""The fully connected net trained on the grader's synthetic task: accuracy, judged against its own layer."""
from autograder.assignments.BatchNormalization.net_checks import REFERENCE_NET
from autograder.assignments.BatchNormalization.settings import SEED, hidden_rng
from autograder.grading.checking import check
from autograder.grading.training import Training, TrainedNet, training_outcome

# Measured with `python -m autograder.assignments.BatchNormalization.calibrate` (100 seeds each, float32 and
# float64): the reference's held-out accuracy has mean 0.67 and minimum 0.58 for one training run, minimum 0.65
# for the better of two runs; without batch norm the better of two averages 0.42. The check keeps the better of
# two runs; full credit sits 0.10 below the reference's worst pair (about four standard deviations of one run).
TRAINING = Training({'use_batchnorm': True}, full_credit_accuracy=0.55, no_credit_accuracy=0.40, seeds=(8231, 8232))


TRAINED_NET = TrainedNet(REFERENCE_NET, ('batchnorm_forward', 'batchnorm_backward'), 'batch-norm', 'batch norm',
                     logic_kwargs=dict(hidden_dims=[20, 20], input_dim=15, num_classes=10, use_batchnorm=True,
                                       reg=0.0, weight_scale=5e-2),
                     logic_seed=SEED + 9, logic_rng=lambda: hidden_rng(9))


@check('FullyConnectedNet: a deep batch-norm net trains to good accuracy',
       points=10, needs=('FullyConnectedNet',), short='training', column='train')
def fc_net_training(student):
    return training_outcome(student, TRAINING, TRAINED_NET)
