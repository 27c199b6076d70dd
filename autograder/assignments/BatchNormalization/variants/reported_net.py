"""Mistakes in the net (its parameters, its bn_params, dropout beside batch norm) that students and libraries
report in public, written afresh for this release.

Each description ends with its source, a public address (facts carry over, code does not). Variants marked
``held_out`` are kept apart from the diagnosis's tuning (docs/validation.md).
"""
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.correct import HANDWRITTEN_DROPOUT_LINES, REFERENCE
from autograder.validation.kinds import Bug, of_assignment, patch

BN_CALL = '''                h, caches['hidden%d' % i] = affine_batchnorm_relu_forward(
                    h, W, b, self.params['gamma%d' % i], self.params['beta%d' % i], self.bn_params[i - 1])'''
DROPOUT_CALL = "                h, caches['dropout%d' % i] = dropout_forward(h, self.dropout_param)\n"
DROPOUT_BACK = "                dh = dropout_backward(dh, caches['dropout%d' % i])\n"

# Dropout placed before batch norm: affine, dropout, batch norm, ReLU.
DROPOUT_BEFORE_BN_FORWARD = '''                a, fc_cache = affine_forward(h, W, b)
                if self.use_dropout:
                    a, caches['dropout%d' % i] = dropout_forward(a, self.dropout_param)
                a, bn_cache = batchnorm_forward(a, self.params['gamma%d' % i], self.params['beta%d' % i],
                                                self.bn_params[i - 1])
                h, relu_cache = relu_forward(a)
                caches['hidden%d' % i] = (fc_cache, bn_cache, relu_cache)'''
DROPOUT_BEFORE_BN_BACKWARD = (
    ("            if self.use_dropout:\n                dh = dropout_backward(dh, caches['dropout%d' % i])\n"
     "            if self.use_batchnorm:\n"
     "                dh, grads['W%d' % i], grads['b%d' % i], grads['gamma%d' % i], grads['beta%d' % i] = \\\n"
     "                    affine_batchnorm_relu_backward(dh, caches['hidden%d' % i])\n",
     "            if self.use_dropout and not self.use_batchnorm:\n"
     "                dh = dropout_backward(dh, caches['dropout%d' % i])\n"
     "            if self.use_batchnorm:\n"
     "                fc_cache, bn_cache, relu_cache = caches['hidden%d' % i]\n"
     "                da = relu_backward(dh, relu_cache)\n"
     "                da, grads['gamma%d' % i], grads['beta%d' % i] = batchnorm_backward(da, bn_cache)\n"
     "                if self.use_dropout:\n"
     "                    da = dropout_backward(da, caches['dropout%d' % i])\n"
     "                dh, grads['W%d' % i], grads['b%d' % i] = affine_backward(da, fc_cache)\n"),
)


def dropout_before_batchnorm():
    source = REFERENCE['fc_net'].replace(BN_CALL, DROPOUT_BEFORE_BN_FORWARD)
    source = source.replace("            if self.use_dropout:\n" + DROPOUT_CALL,
                            "            if self.use_dropout and not self.use_batchnorm:\n" + DROPOUT_CALL)
    source = patch({'fc_net': source}, 'fc_net', *DROPOUT_BEFORE_BN_BACKWARD)['fc_net']
    return {'fc_net': source}


# Gamma and beta regularized like the weights, in the loss and in their gradients.
L2_ON_GAMMA_BETA = (
    ("            grads['W%d' % i] += self.reg * W\n",
     "            grads['W%d' % i] += self.reg * W\n"
     "        for i in range(1, L):\n"
     "            if self.use_batchnorm:\n"
     "                for kind in ('gamma', 'beta'):\n"
     "                    p = self.params['%s%d' % (kind, i)]\n"
     "                    loss += 0.5 * self.reg * np.sum(p * p)\n"
     "                    grads['%s%d' % (kind, i)] += self.reg * p\n"),
)

BUGS_REPORTED_NET = of_assignment(ASSIGNMENT, [
    Bug('bn_mode_never_set', "the net never sets bn_param['mode'] (source: vlfeat/matconvnet issue 409, the same "
        'probabilities for every test image, https://github.com/vlfeat/matconvnet/issues/409; fxia22/pointnet.pytorch '
        'PR 19, eval mode never set, https://github.com/fxia22/pointnet.pytorch/pull/19)',
        patch(REFERENCE, 'fc_net', ("        for bn_param in self.bn_params:\n            bn_param['mode'] = mode\n", '')),
        loses_in='fc_net_test_mode',
        explanation="bn_param['mode'] is never set, so batch norm stays in train mode",
        hint='Check what loss() tells each bn_param at test time.'),
    Bug('bn_params_list_times', "bn_params built as [{'mode': 'train'}] * (L - 1): one dict repeated, not L - 1 "
        'dicts (source: Stack Overflow "List of lists changes reflected across sublists unexpectedly", '
        'https://stackoverflow.com/questions/240178/)',
        patch(REFERENCE, 'fc_net', ("self.bn_params = [{'mode': 'train'} for _ in range(self.num_layers - 1)]",
                                    "self.bn_params = [{'mode': 'train'}] * (self.num_layers - 1)")),
        loses_in='fc_net_test_mode', held_out=True,
        explanation='every layer shares one bn_param dict',
        hint='Check how many distinct bn_param dicts your net creates.'),
    Bug('row_biases', "biases created with shape (1, H), a row vector added to every row of scores (source: "
        "yolunghiu/machine-learning's notes on assignment 2, self.params['b1'] = "
        'np.zeros((1, hidden_dim)), https://github.com/yolunghiu/machine-learning/blob/HEAD/4.DL/cs231/lecture/'
        'Assignment2/README.md)',
        patch(REFERENCE, 'fc_net', ("self.params['b%d' % i] = np.zeros(d_out)",
                                    "self.params['b%d' % i] = np.zeros((1, d_out))")),
        loses_in='fc_net_init',
        explanation='the biases have shape (1, H)',
        hint='Compare the shape of each bias with the docstring.'),
    Bug('l2_on_gamma_beta', 'the L2 penalty also covers gamma and beta (source: torch/torch7 issue 846, weight decay '
        'that "also penalizes Batch Norm params (gamma and beta)", https://github.com/torch/torch7/issues/846; '
        'google-research/bert issue 289, https://github.com/google-research/bert/issues/289)',
        patch(REFERENCE, 'fc_net', *L2_ON_GAMMA_BETA),
        loses_in='fc_net_loss_and_gradients',
        explanation='gamma and beta are regularized as well as the weights',
        hint='Check which parameters the release regularizes.'),
    Bug('dropout_mixed_convention', 'a hand-written dropout that keeps each unit with probability p but divides by '
        '(1 - p), the two conventions mixed (source: v-iashin/CS231n PR 8, "making p be the probability of keeping '
        'the unit instead of the probability of dropping it", https://github.com/v-iashin/CS231n/pull/8; '
        'lightaime/cs231n issue 1, https://github.com/lightaime/cs231n/issues/1)',
        patch(REFERENCE, 'fc_net', *[(a, b.replace("> self.dropout_param['p'])", "< self.dropout_param['p'])"))
                                     for a, b in HANDWRITTEN_DROPOUT_LINES]),
        loses_in='fc_net_loss_and_gradients',
        explanation='units are kept with probability p',
        hint='Check what p means in the docstring.'),
    Bug('dropout_before_batchnorm', 'dropout between the affine layer and batch norm (source: luigibonati/mlcolvar '
        'PR 205 "Moved the dropout layer after the normalization", https://github.com/luigibonati/mlcolvar/pull/205; '
        'FengAoWang/TMO-Net issue 12, https://github.com/FengAoWang/TMO-Net/issues/12)',
        dropout_before_batchnorm(), loses_in='fc_net_loss_and_gradients',
        explanation='dropout is applied before batch norm instead of after the ReLU',
        hint='Check where dropout sits in {affine - batchnorm - relu - dropout}.'),
    Bug('dropout_skipped_with_batchnorm', 'dropout only when batch norm is off (source: issue 22, real nets that '
        '"skip dropout only when both are on")',
        patch(REFERENCE, 'fc_net', ("            if self.use_dropout:\n" + DROPOUT_CALL,
                                    "            if self.use_dropout and not self.use_batchnorm:\n" + DROPOUT_CALL),
              ("            if self.use_dropout:\n" + DROPOUT_BACK,
               "            if self.use_dropout and not self.use_batchnorm:\n" + DROPOUT_BACK)),
        loses_in='fc_net_loss_and_gradients',
        explanation='dropout is left out when batch norm is on',
        hint='Check that every option of the net works together with the others.'),
    Bug('dropout_cache_shared_with_batchnorm', "dropout's cache stored under the hidden layer's key (source: issue 22, "
        'real nets that "crash only when both are on")',
        patch(REFERENCE, 'fc_net', (DROPOUT_CALL, "                h, caches['hidden%d' % i] = dropout_forward(h, self.dropout_param)\n"),
              (DROPOUT_BACK, "                dh = dropout_backward(dh, caches['hidden%d' % i])\n")),
        loses_in='fc_net_loss_and_gradients',
        explanation="dropout's cache overwrites the hidden layer's cache",
        hint='Check that each layer keeps its own cache when batch norm and dropout are both on.'),
    Bug('dropout_on_the_input', 'dropout applied to the input X as well (source: issue 22, "Dropout applied to the '
        'input layer")',
        patch(REFERENCE, 'fc_net', ("        h = X\n", "        h = X\n        if self.use_dropout:\n"
                                    "            h, caches['dropout0'] = dropout_forward(h, self.dropout_param)\n")),
        loses_in='fc_net_loss_and_gradients',
        explanation='dropout is applied to the input as well as to the hidden layers',
        hint='Check where dropout belongs: after each hidden ReLU only.'),
])

__all__ = ['BUGS_REPORTED_NET']
