"""Layer normalization: the layer's forward and backward pass, a fully connected net that can use it, and an
experiment comparing it with batch normalization across batch sizes."""
from autograder.assignment import Assignment, AttackTargets, Question

ASSIGNMENT = Assignment(
    name='LayerNormalization',
    title='Layer normalization',
    package=__name__,
    questions=(
        Question('answer_batch_size', 'Question 1 (batch size)', 10),
        Question('answer_analogies', 'Question 2 (preprocessing analogies)', 5),
        Question('answer_when_layernorm_fails', 'Question 3 (when layer norm works poorly)', 5),
    ),
    # What the notebook's first code cell imports, so every submission's code runs after it.
    setup_source='import numpy as np\nfrom cs231n.layers import *\nfrom cs231n.layer_utils import *\n'
                 'from cs231n.solver import Solver\n',
    attack_targets=AttackTargets(forward=('layernorm_forward', 'def layernorm_forward(x, gamma, beta, ln_param):'),
                                 backward=('layernorm_backward', 'def layernorm_backward(dout, cache):'),
                                 net='fc_net'),
    training_checks=('layernorm_net_training',),
)
