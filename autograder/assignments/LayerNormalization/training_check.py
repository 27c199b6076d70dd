"""The layer-norm net trained on the grader's synthetic task: accuracy, judged against its own layer."""
from autograder.assignments.LayerNormalization.net_checks import NET
from autograder.assignments.LayerNormalization.settings import SEED, TOL_NET, hidden_rng
from autograder.grading import synthetic
from autograder.grading.checking import check
from autograder.grading.training import TrainedNet, training_outcome

TASK_SEED = 5150
TRAINING_SEEDS = (4517, 4518)
# Measured over 60 seeds (`python -m autograder.assignments.LayerNormalization.calibrate`, docs/layernorm.md):
# the reference's held-out accuracy on this task has minimum 0.676 and mean 0.713 for one run (0.701 for the
# better of two); without normalization the mean is 0.39 and the maximum 0.557. The check keeps the better of
# two runs: full credit 0.10 below the reference's worst pair.
FULL_CREDIT_ACCURACY = 0.60
NO_CREDIT_ACCURACY = 0.45


def training_task():
    return synthetic.training_task(
        TASK_SEED, dict(hidden_dims=[100] * 5, normalization='layernorm', weight_scale=2e-2),
        dict(update_rule='adam', optim_config={'learning_rate': 1e-3}, num_epochs=8, batch_size=50),
        FULL_CREDIT_ACCURACY, NO_CREDIT_ACCURACY)


def _logic_case():
    """A small layer-norm net on which the student's net must compute the reference logic over their own layer
    for a training shortfall to be the layer's."""
    rng = hidden_rng(9)
    kwargs = dict(hidden_dims=[20, 20], input_dim=15, num_classes=10, normalization='layernorm', weight_scale=5e-2)
    return kwargs, SEED + 19, rng.standard_normal((8, 15)), rng.integers(10, size=8), TOL_NET


TRAINED = TrainedNet(NET, ('layernorm_forward', 'layernorm_backward'), 'layer-norm', 'layer norm', _logic_case)


@check("FullyConnectedNet with normalization='layernorm': a deep net trains to good accuracy",
       points=10, needs=('FullyConnectedNet',), short='ln training', column='train')
def layernorm_net_training(student):
    return training_outcome(student, training_task(), TRAINING_SEEDS, TRAINED)
