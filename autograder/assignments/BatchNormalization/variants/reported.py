"""Mistakes (and right answers) students and libraries report in public, written afresh for this release.

Each description ends with its source: a forum or Q&A thread, an issue, a library's documentation (facts carry
over, code does not). Variants marked ``held_out`` are kept apart from the diagnosis's tuning: the rate at
which their own mistake is named is measured on them alone (docs/validation.md).
"""
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.correct import REFERENCE, REFERENCE_VARIANCE, RUNNING_UPDATE
from autograder.validation.kinds import Bug, CorrectVariant, of_assignment, patch

EPS_DEFAULT = "eps = bn_param.get('eps', 1e-5)"
TRAIN_STD = 'std = np.sqrt(sample_var + eps)'
TEST_NORMALIZE = 'x_hat = (x - running_mean) / np.sqrt(running_var + eps)'
BN_CALL = '''                h, caches['hidden%d' % i] = affine_batchnorm_relu_forward(
                    h, W, b, self.params['gamma%d' % i], self.params['beta%d' % i], self.bn_params[i - 1])'''
DROPOUT_CALL = "                h, caches['dropout%d' % i] = dropout_forward(h, self.dropout_param)\n"
DROPOUT_BACK = "                dh = dropout_backward(dh, caches['dropout%d' % i])\n"

GRAPH_BACKWARD_WITH_MEAN_TERM = '''def batchnorm_backward(dout, cache):
    x_hat, xc, std, gamma = cache
    N = dout.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dvar = np.sum(dx_hat * xc, axis=0) * -0.5 * std ** -3
    # The variance's own path into the mean: zero in exact arithmetic, kept as the graph has it.
    dmean = np.sum(-dx_hat / std, axis=0) + dvar * np.mean(-2.0 * xc, axis=0)
    dx = dx_hat / std + dvar * 2.0 * xc / N + dmean / N
    return dx, dgamma, dbeta
'''

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


def test_branch(lines):
    """The reference forward with its test branch's normalization replaced by ``lines``."""
    return patch(REFERENCE, 'batchnorm_forward', ('        ' + TEST_NORMALIZE + '\n', lines))


CORRECT_REPORTED = of_assignment(ASSIGNMENT, [
    CorrectVariant('np_var_of_the_batch', 'np.var over the batch, numpy\'s biased default (source: torchedup.dev '
                   '"BatchNorm: Training / Inference Mode", "np.var defaults to biased, fine")',
                   patch(REFERENCE, 'batchnorm_forward', (REFERENCE_VARIANCE, 'sample_var = np.var(x, axis=0)'))),
    CorrectVariant('graph_backward_with_mean_term', "the graph's backward keeping the variance's path into the mean "
                   '(source: the bn_backward snippet on 101.133.132.119/code/snippet/detail/144158ekx and '
                   'reddit r/cs231n "Batchnorm W1,2 gradient error 1e0", hx87z3)',
                   {'batchnorm_backward': GRAPH_BACKWARD_WITH_MEAN_TERM}),
])

BUGS_REPORTED = of_assignment(ASSIGNMENT, [
    Bug('eps_default_keras', "eps defaults to 1e-3 (source: Keras' BatchNormalization, epsilon=0.001 by default, "
        'tensorflow.org api_docs tf/keras/layers/BatchNormalization)',
        patch(REFERENCE, 'batchnorm_forward', (EPS_DEFAULT, "eps = bn_param.get('eps', 1e-3)")),
        loses_in='batchnorm_forward_train',
        explanation="eps defaults to another value than 1e-5 when bn_param has no 'eps'",
        hint='Check the default your code gives eps against the docstring.'),
    Bug('eps_default_adam', "eps defaults to 1e-8, Adam's epsilon (source: cs231n/optim.py's adam and rmsprop, "
        "config.setdefault('epsilon', 1e-8))",
        patch(REFERENCE, 'batchnorm_forward', (EPS_DEFAULT, "eps = bn_param.get('eps', 1e-8)")),
        loses_in='batchnorm_forward_train',
        explanation="eps defaults to another value than 1e-5 when bn_param has no 'eps'",
        hint='Check the default your code gives eps against the docstring.'),
    Bug('eps_outside_sqrt_both_modes', 'eps added after the square root, in train and test mode (source: '
        'tf.contrib.keras.backend.batch_normalization documents output = (x - mean) / (sqrt(var) + epsilon))',
        patch(REFERENCE, 'batchnorm_forward', (TRAIN_STD, 'std = np.sqrt(sample_var) + eps'),
              (TEST_NORMALIZE, 'x_hat = (x - running_mean) / (np.sqrt(running_var) + eps)')),
        loses_in='batchnorm_forward_train', held_out=True, family='eps_outside_root:both',
        explanation='eps is added after the square root',
        hint='Check where eps enters the standard deviation.'),
    Bug('momentum_on_the_batch', 'running averages weight the batch by momentum (source: cs231n/cs231n.github.io '
        'issue 180, "misleading guidance in batchnorm_forward")',
        patch(REFERENCE, 'batchnorm_forward', (RUNNING_UPDATE, RUNNING_UPDATE.replace(
            'momentum * running_mean + (1 - momentum) * sample_mean',
            'momentum * sample_mean + (1 - momentum) * running_mean').replace(
            'momentum * running_var + (1 - momentum) * sample_var',
            'momentum * sample_var + (1 - momentum) * running_var'))),
        loses_in='batchnorm_running_stats_test_mode', held_out=True,
        explanation='momentum and (1 - momentum) are swapped in the running averages',
        hint='Check which term momentum multiplies in the running averages.'),
    Bug('running_var_unbiased', 'the running variance keeps the unbiased batch variance, as PyTorch does '
        '(source: PyTorch BatchNorm1d docs, "the value stored in the moving average of the variance is calculated '
        'via the unbiased estimator")',
        patch(REFERENCE, 'batchnorm_forward', (RUNNING_UPDATE, RUNNING_UPDATE.replace(
            '(1 - momentum) * sample_var', '(1 - momentum) * sample_var * N / (N - 1)'))),
        loses_in='batchnorm_running_stats_test_mode', held_out=True, family='unbiased_variance:running',
        explanation='the running variance is built from the unbiased batch variance',
        hint='Check which variance your running average accumulates.'),
    Bug('test_mode_on_batch_statistics', 'test mode normalizes with the batch statistics (source: torchedup.dev '
        '"Using batch stats in inference mode (the original sin)"; openai/CLIP issue 193, accuracy that depends '
        'on the batch size)',
        test_branch("        x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)\n"),
        loses_in='batchnorm_running_stats_test_mode',
        explanation='test mode normalizes with the statistics of the batch',
        hint='Ask what test mode should normalize a single example with.'),
    Bug('dgamma_keepdims', 'dgamma and dbeta summed with keepdims=True: shape (1, D) (source: reddit r/cs231n '
        '"Batchnorm W1,2 gradient error 1e0", hx87z3)',
        patch(REFERENCE, 'batchnorm_backward', ('dbeta = dout.sum(axis=0)', 'dbeta = dout.sum(axis=0, keepdims=True)'),
              ('dgamma = np.sum(dout * x_hat, axis=0)', 'dgamma = np.sum(dout * x_hat, axis=0, keepdims=True)')),
        loses_in='batchnorm_backward', held_out=True,
        explanation='dgamma and dbeta have shape (1, D)',
        hint='Compare the shapes of dgamma and dbeta with gamma and beta.'),
    Bug('bn_mode_never_set', "the net never sets bn_param['mode'] (source: vlfeat/matconvnet issue 409, the same "
        'probabilities for every test image; fxia22/pointnet.pytorch PR 19, eval mode never set)',
        patch(REFERENCE, 'fc_net', ("        for bn_param in self.bn_params:\n            bn_param['mode'] = mode\n", '')),
        loses_in='fc_net_test_mode',
        explanation="bn_param['mode'] is never set, so batch norm stays in train mode",
        hint='Check what loss() tells each bn_param at test time.'),
    Bug('keras_momentum_default', "momentum defaults to 0.99 (source: Keras' BatchNormalization, momentum=0.99 by "
        'default, tensorflow.org api_docs)',
        patch(REFERENCE, 'batchnorm_forward', ("momentum = bn_param.get('momentum', 0.9)",
                                                "momentum = bn_param.get('momentum', 0.99)")),
        loses_in='batchnorm_running_stats_test_mode', held_out=True,
        explanation="momentum defaults to another value than 0.9 when bn_param has no 'momentum'",
        hint='Check the default your code gives momentum against the docstring.'),
    Bug('dropout_before_batchnorm', 'dropout between the affine layer and batch norm (source: luigibonati/mlcolvar '
        'PR 205 "Moved the dropout layer after the normalization"; FengAoWang/TMO-Net issue 12)',
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
        loses_in='fc_net_loss_and_gradients', held_out=True,
        explanation='dropout is applied to the input as well as to the hidden layers',
        hint='Check where dropout belongs: after each hidden ReLU only.'),
])

__all__ = ['BUGS_REPORTED', 'CORRECT_REPORTED']
