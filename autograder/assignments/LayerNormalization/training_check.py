"""The layer-norm net trained on the grader's synthetic task: accuracy, judged against its own layer."""
from autograder.assignments.LayerNormalization.net_checks import REFERENCE_NET
from autograder.assignments.LayerNormalization.settings import SEED, hidden_rng
from autograder.grading.checking import check
from autograder.grading.training import Training, TrainedNet, training_outcome

# Measured over 60 seeds (`python -m autograder.assignments.LayerNormalization.calibrate`, docs/layernorm.md):
# the reference's held-out accuracy on this task has minimum 0.676 and mean 0.713 for one run (0.701 for the
# better of two); without normalization the mean is 0.39 and the maximum 0.557. The check keeps the better of
# two runs: full credit 0.10 below the reference's worst pair.
TRAINING = Training({'normalization': 'layernorm'}, full_credit_accuracy=0.60, no_credit_accuracy=0.45,
                    seeds=(4517, 4518))


TRAINED_NET = TrainedNet(REFERENCE_NET, ('layernorm_forward', 'layernorm_backward'), 'layer-norm', 'layer norm',
                     logic_kwargs=dict(hidden_dims=[20, 20], input_dim=15, num_classes=10, normalization='layernorm',
                                       weight_scale=5e-2),
                     logic_seed=SEED + 19, logic_rng=lambda: hidden_rng(9))


@check("FullyConnectedNet with normalization='layernorm': a deep net trains to good accuracy",
       points=10, needs=('FullyConnectedNet',), short='ln training', column='train')
def layernorm_net_training(student):
    return training_outcome(student, TRAINING, TRAINED_NET)
