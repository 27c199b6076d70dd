"""Further mistakes in the fully connected net with batch norm reported in public, written afresh and kept apart
from the diagnosis's tuning (docs/validation.md, "The held-out part"), like ``held_out_net.py``,
``held_out_net_more.py`` and ``held_out_student_net.py``.

Each description ends with its source and its public address: a Q&A thread, an issue or pull request, a
library's documentation (facts carry over, code does not). The rate at which a bug's own mistake is named is
measured on those still marked ``held_out``; a bug a mistake family was written after (its first measurement
showed no family for it) moves to the known part, ``held_out`` dropped.
"""
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.correct import REFERENCE
from autograder.validation.kinds import Bug, of_assignment, patch

# The loop's condition stops batch norm one layer early: the last hidden layer is a plain affine - relu.
LAST_HIDDEN_NOT_NORMALIZED = (
    ('            if self.use_batchnorm:\n                h, caches',
     '            if self.use_batchnorm and i < L - 1:\n                h, caches'),
    ('            if self.use_batchnorm:\n                dh, grads',
     '            if self.use_batchnorm and i < L - 1:\n                dh, grads'),
)

# gamma drawn uniformly from [-0.05, 0.05], like the weights, instead of starting at ones.
GAMMA_UNIFORM_SMALL = (
    ("                self.params['gamma%d' % i] = np.ones(d_out)\n",
     "                self.params['gamma%d' % i] = np.random.uniform(-0.05, 0.05, d_out)\n"),
)

# The sandwich's backward returns (dx, dw, db, dgamma, dbeta); the net unpacks beta's gradient first.
GAMMA_BETA_GRADIENTS_SWAPPED = (
    ("grads['gamma%d' % i], grads['beta%d' % i] = \\", "grads['beta%d' % i], grads['gamma%d' % i] = \\"),
)

BUGS_HELD_OUT_FORUM_NET = of_assignment(ASSIGNMENT, [
    Bug('last_hidden_layer_not_normalized', 'the loop over the hidden layers applies batch norm only while '
        'i < L - 1, so the last hidden layer is a plain affine - relu and its gamma and beta are never used '
        '(source: apache/mxnet pull request 6203, "Fixed the bug that batchnorm has no effect on one last '
        'layer(fully connected) of deep speech 2", https://github.com/apache/mxnet/pull/6203)',
        patch(REFERENCE, 'fc_net', *LAST_HIDDEN_NOT_NORMALIZED),
        loses_in='fc_net_loss_and_gradients', also_loses_in=('fc_net_test_mode',), held_out=True,
        explanation='the last hidden layer skips batch norm because the loop\'s condition stops one layer too '
                    'early',
        hint='Check the range of layers your batch-norm branch runs for: does it reach the last hidden layer?'),
    Bug('gamma_initialised_uniform_small', 'gamma is drawn uniformly from [-0.05, 0.05] instead of starting at '
        'ones (source: keras-team/keras pull request 1861, "fix initialization of BatchNormalization": '
        '"Currently the scaling parameter gamma is uniformly sampled between -0.05 and 0.05", '
        'https://github.com/keras-team/keras/pull/1861)',
        patch(REFERENCE, 'fc_net', *GAMMA_UNIFORM_SMALL),
        loses_in='fc_net_init', held_out=True,
        explanation='gamma starts as small random values in [-0.05, 0.05] instead of ones',
        hint='Check how you initialize each batch-norm scale: what value makes batch norm start as a plain '
             'normalization?'),
    Bug('gamma_beta_gradients_swapped_in_net', 'the net unpacks the sandwich\'s backward with beta\'s gradient '
        'where gamma\'s belongs and gamma\'s where beta\'s belongs (source: Oneflow-Inc/oneflow pull request '
        '6149, "fix backward index for gamma beta": the weight and bias gradients were assigned the wrong way '
        'round, "weight, bias的梯度赋错了", https://github.com/Oneflow-Inc/oneflow/pull/6149)',
        patch(REFERENCE, 'fc_net', *GAMMA_BETA_GRADIENTS_SWAPPED),
        loses_in='fc_net_loss_and_gradients', held_out=True, family='gamma_beta_gradients_swapped',
        explanation='grads[\'gamma\'] receives the gradient of beta and grads[\'beta\'] that of gamma, because the '
                    'backward\'s outputs are unpacked in the wrong order',
        hint='Compare the order in which your sandwich backward returns its gradients with the order you unpack '
             'them.'),
])
