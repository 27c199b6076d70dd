"""Batch normalization: the forward and backward pass of the layer, and a fully connected net that uses it."""
from autograder.assignment import Assignment, AttackTargets, Question
from autograder.grading.tolerances import TOL_FLOAT32, TOL_NET

ASSIGNMENT = Assignment(
    name='BatchNormalization',
    title='Batch normalization',
    package=__name__,
    questions=(Question('answer_initialization', 'Question (weight scales)', 10),),
    # What the notebook's first code cell imports, so every submission's code runs after it.
    setup_source='import numpy as np\nfrom cs231n.layers import *\nfrom cs231n.layer_utils import *\n'
                 'from cs231n.solver import Solver\n',
    attack_targets=AttackTargets(forward=('batchnorm_forward', 'def batchnorm_forward(x, gamma, beta, bn_param):'),
                                 backward=('batchnorm_backward', 'def batchnorm_backward(dout, cache):'),
                                 net='fc_net'),
    training_checks=('fc_net_training',),
    # A known mistake explains a value when it agrees with the student's as closely as the net checks ask.
    diagnosis_tolerances=(TOL_NET, TOL_FLOAT32),
)
