"""The fully connected net trained on a small task: accuracy, judged against its own layer."""
from autograder.assignments.BatchNormalization import datasets
from autograder.assignments.BatchNormalization.net_checks import NET
from autograder.assignments.BatchNormalization.settings import SEED, TOL_NET, hidden_rng
from autograder.grading.checking import check
from autograder.grading.training import TrainedNet, training_outcome


def _logic_case():
    """A small batch-norm net on which the student's net must compute the reference logic over their own layer
    for a training shortfall to be the layer's."""
    rng = hidden_rng(9)
    kwargs = dict(hidden_dims=[20, 20], input_dim=15, num_classes=10, use_batchnorm=True, reg=0.0,
                  weight_scale=5e-2)
    return kwargs, SEED + 9, rng.standard_normal((8, 15)), rng.integers(10, size=8), TOL_NET


TRAINED = TrainedNet(NET, ('batchnorm_forward', 'batchnorm_backward'), 'batch-norm', 'batch norm', _logic_case)


@check('FullyConnectedNet: a deep batch-norm net trains to good accuracy',
       points=10, needs=('FullyConnectedNet',), short='training', column='train')
def fc_net_training(student):
    return training_outcome(student, datasets.training_task(), datasets.TRAINING_SEEDS, TRAINED)
