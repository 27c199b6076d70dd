"""Mistakes (and right answers) in the batch-norm layer that students and libraries report in public, written
afresh for this release (the net's: ``reported_net.py``).

Each description ends with its source and its public address: a forum or Q&A thread, an issue, a student's
repository, a library's documentation (facts carry over, code does not). Variants marked ``held_out`` are kept apart from the diagnosis's tuning: the rate at
which their own mistake is named is measured on them alone (docs/validation.md).
"""
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.correct import REFERENCE, REFERENCE_VARIANCE, RUNNING_UPDATE
from autograder.validation.kinds import Bug, CorrectVariant, of_assignment, patch

EPS_DEFAULT = "eps = bn_param.get('eps', 1e-5)"
TRAIN_STD = 'std = np.sqrt(sample_var + eps)'
TEST_NORMALIZE = 'x_hat = (x - running_mean) / np.sqrt(running_var + eps)'
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

# The graph's backward with the variance's path into the mean summed over every axis at once (no axis=0): the
# sum of the centred batch is zero in every column, so the term vanishes either way.
GRAPH_BACKWARD_MEAN_TERM_ALL_AXES = GRAPH_BACKWARD_WITH_MEAN_TERM.replace(
    'dvar * np.mean(-2.0 * xc, axis=0)', 'dvar * np.sum(-2.0 * xc) / N')

# The graph's backward without the variance's path into the mean at all (it is zero in exact arithmetic).
GRAPH_BACKWARD_WITHOUT_MEAN_TERM = GRAPH_BACKWARD_WITH_MEAN_TERM.replace(
    "    # The variance's own path into the mean: zero in exact arithmetic, kept as the graph has it.\n", '').replace(
    ' + dvar * np.mean(-2.0 * xc, axis=0)', '')

# dx as if the batch's mean and variance were constants: only the direct path through x_hat.
BACKWARD_STATISTICS_AS_CONSTANTS = '''def batchnorm_backward(dout, cache):
    x_hat, xc, std, gamma = cache
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx = dout * gamma / std
    return dx, dgamma, dbeta
'''

REDDIT_HX87Z3 = 'https://www.reddit.com/r/cs231n/comments/hx87z3/batchnorm_w12_gradient_error_1e0_but_e8_when/'
KERAS_BN_DOCS = 'https://www.tensorflow.org/api_docs/python/tf/keras/layers/BatchNormalization'
TORCH_BN_DOCS = 'https://pytorch.org/docs/stable/generated/torch.nn.BatchNorm1d.html'


def test_branch(lines):
    """The reference forward with its test branch's normalization replaced by ``lines``."""
    return patch(REFERENCE, 'batchnorm_forward', ('        ' + TEST_NORMALIZE + '\n', lines))


CORRECT_REPORTED = of_assignment(ASSIGNMENT, [
    CorrectVariant('np_var_of_the_batch', 'np.var over the batch, numpy\'s biased default (source: torchedup.dev '
                   '"BatchNorm: Training / Inference Mode", https://torchedup.dev/problems/batchnorm-train-eval)',
                   patch(REFERENCE, 'batchnorm_forward', (REFERENCE_VARIANCE, 'sample_var = np.var(x, axis=0)'))),
    CorrectVariant('graph_backward_with_mean_term', "the graph's backward keeping the variance's path into the mean "
                   '(source: the bn_backward snippet on http://101.133.132.119:8080/code/snippet/detail/144158ekx '
                   'and reddit r/cs231n "Batchnorm W1,2 gradient error 1e0", ' + REDDIT_HX87Z3 + ')',
                   {'batchnorm_backward': GRAPH_BACKWARD_WITH_MEAN_TERM}),
    CorrectVariant('mean_term_summed_over_all_axes', "the graph's backward whose variance-to-mean term sums -2 (x - mean) "
                   'over every axis, not per feature: zero either way (source: reddit r/cs231n "Batchnorm W1,2 '
                   'gradient error 1e0", the poster\'s dmean_x, ' + REDDIT_HX87Z3 + ')',
                   {'batchnorm_backward': GRAPH_BACKWARD_MEAN_TERM_ALL_AXES}),
    CorrectVariant('mean_path_without_variance_term', "the graph's backward with dmean = sum(-dx_hat / std) alone, "
                   "the variance's path into the mean left out (source: mlpack PR 2474's review of its batch norm "
                   'backward, "there should be 2 terms" in step 4, https://github.com/mlpack/mlpack/pull/2474)',
                   {'batchnorm_backward': GRAPH_BACKWARD_WITHOUT_MEAN_TERM}),
])

BUGS_REPORTED = of_assignment(ASSIGNMENT, [
    Bug('eps_default_keras', "eps defaults to 1e-3 (source: Keras' BatchNormalization, epsilon=0.001 by default, "
        + KERAS_BN_DOCS + ')',
        patch(REFERENCE, 'batchnorm_forward', (EPS_DEFAULT, "eps = bn_param.get('eps', 1e-3)")),
        loses_in='batchnorm_forward_train',
        explanation="eps defaults to another value than 1e-5 when bn_param has no 'eps'",
        hint='Check the default your code gives eps against the docstring.'),
    Bug('eps_default_adam', "eps defaults to 1e-8, Adam's epsilon (source: the assignment's optim.py, adam and "
        "rmsprop with config.setdefault('epsilon', 1e-8), as published in "
        'https://github.com/lightaime/cs231n/blob/HEAD/assignment2/cs231n/optim.py)',
        patch(REFERENCE, 'batchnorm_forward', (EPS_DEFAULT, "eps = bn_param.get('eps', 1e-8)")),
        loses_in='batchnorm_forward_train',
        explanation="eps defaults to another value than 1e-5 when bn_param has no 'eps'",
        hint='Check the default your code gives eps against the docstring.'),
    Bug('eps_default_chainer', "eps defaults to 2e-5 (source: Chainer's batch_normalization, eps=2e-5 by default, "
        'https://docs.chainer.org/en/v2.0.2/reference/generated/chainer.functions.batch_normalization.html)',
        patch(REFERENCE, 'batchnorm_forward', (EPS_DEFAULT, "eps = bn_param.get('eps', 2e-5)")),
        loses_in='batchnorm_forward_train',
        explanation="eps defaults to another value than 1e-5 when bn_param has no 'eps'",
        hint='Check the default your code gives eps against the docstring.'),
    Bug('eps_outside_sqrt_both_modes', 'eps added after the square root, in train and test mode (source: '
        'tf.keras.backend.batch_normalization documents output = (x - mean) / (sqrt(var) + epsilon), '
        'https://www.tensorflow.org/versions/r2.3/api_docs/python/tf/keras/backend/batch_normalization; a student\'s '
        'notes write xhat = (x - sample_mean) / (np.sqrt(sample_var) + eps), '
        'https://github.com/shijiaxin/cs231n_winter2016/blob/HEAD/note_assignment2.md)',
        patch(REFERENCE, 'batchnorm_forward', (TRAIN_STD, 'std = np.sqrt(sample_var) + eps'),
              (TEST_NORMALIZE, 'x_hat = (x - running_mean) / (np.sqrt(running_var) + eps)')),
        loses_in='batchnorm_forward_train', held_out=True, family='eps_outside_root:both',
        explanation='eps is added after the square root',
        hint='Check where eps enters the standard deviation.'),
    Bug('momentum_on_the_batch', 'running averages weight the batch by momentum (source: cs231n/cs231n.github.io '
        'issue 180, "misleading guidance in batchnorm_forward", https://github.com/cs231n/cs231n.github.io/issues/180)',
        patch(REFERENCE, 'batchnorm_forward', (RUNNING_UPDATE, RUNNING_UPDATE.replace(
            'momentum * running_mean + (1 - momentum) * sample_mean',
            'momentum * sample_mean + (1 - momentum) * running_mean').replace(
            'momentum * running_var + (1 - momentum) * sample_var',
            'momentum * sample_var + (1 - momentum) * running_var'))),
        loses_in='batchnorm_running_stats_test_mode', held_out=True,
        explanation='momentum and (1 - momentum) are swapped in the running averages',
        hint='Check which term momentum multiplies in the running averages.'),
    Bug('momentum_default_pytorch', "momentum defaults to 0.1, PyTorch's default, in this release's convention "
        '(source: PyTorch BatchNorm1d, momentum=0.1 by default, ' + TORCH_BN_DOCS + ')',
        patch(REFERENCE, 'batchnorm_forward', ("momentum = bn_param.get('momentum', 0.9)",
                                                "momentum = bn_param.get('momentum', 0.1)")),
        loses_in='batchnorm_running_stats_test_mode', held_out=True, family='momentum_default[0.1]',
        explanation="momentum defaults to another value than 0.9 when bn_param has no 'momentum'",
        hint='Check the default your code gives momentum against the docstring.'),
    Bug('running_var_unbiased', 'the running variance keeps the unbiased batch variance, as PyTorch does '
        '(source: PyTorch BatchNorm1d docs, "the value stored in the moving average of the variance is calculated '
        'via the unbiased estimator", ' + TORCH_BN_DOCS + ')',
        patch(REFERENCE, 'batchnorm_forward', (RUNNING_UPDATE, RUNNING_UPDATE.replace(
            '(1 - momentum) * sample_var', '(1 - momentum) * sample_var * N / (N - 1)'))),
        loses_in='batchnorm_running_stats_test_mode', held_out=True, family='unbiased_variance:running',
        explanation='the running variance is built from the unbiased batch variance',
        hint='Check which variance your running average accumulates.'),
    Bug('test_mode_on_batch_statistics', 'test mode normalizes with the batch statistics (source: torchedup.dev '
        '"Using batch stats in inference mode (the original sin)", https://torchedup.dev/problems/batchnorm-train-eval; '
        'openai/CLIP issue 193, accuracy that depends on the batch size, https://github.com/openai/CLIP/issues/193)',
        test_branch("        x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)\n"),
        loses_in='batchnorm_running_stats_test_mode',
        explanation='test mode normalizes with the statistics of the batch',
        hint='Ask what test mode should normalize a single example with.'),
    Bug('dgamma_keepdims', 'dgamma and dbeta summed with keepdims=True: shape (1, D) (source: reddit r/cs231n '
        '"Batchnorm W1,2 gradient error 1e0", ' + REDDIT_HX87Z3 + ')',
        patch(REFERENCE, 'batchnorm_backward', ('dbeta = dout.sum(axis=0)', 'dbeta = dout.sum(axis=0, keepdims=True)'),
              ('dgamma = np.sum(dout * x_hat, axis=0)', 'dgamma = np.sum(dout * x_hat, axis=0, keepdims=True)')),
        loses_in='batchnorm_backward',
        explanation='dgamma and dbeta have shape (1, D)',
        hint='Compare the shapes of dgamma and dbeta with gamma and beta.'),
    Bug('dx_statistics_as_constants', "dx only through x_hat, as if the batch's mean and variance did not depend on x "
        '(source: facebookresearch/CrypTen PR 143, "the backward() implementation ignores the fact that the mean and '
        'variance are a function of the input", https://github.com/facebookresearch/CrypTen/pull/143)',
        {'batchnorm_backward': BACKWARD_STATISTICS_AS_CONSTANTS},
        loses_in='batchnorm_backward', held_out=True, family='dx_direct_path_only',
        explanation="dx leaves out both the mean's and the variance's paths, as if they were constants",
        hint="Remember that the batch's mean and variance are functions of x too."),
    Bug('keras_momentum_default', "momentum defaults to 0.99 (source: Keras' BatchNormalization, momentum=0.99 by "
        'default, ' + KERAS_BN_DOCS + ')',
        patch(REFERENCE, 'batchnorm_forward', ("momentum = bn_param.get('momentum', 0.9)",
                                                "momentum = bn_param.get('momentum', 0.99)")),
        loses_in='batchnorm_running_stats_test_mode',
        explanation="momentum defaults to another value than 0.9 when bn_param has no 'momentum'",
        hint='Check the default your code gives momentum against the docstring.'),
])

__all__ = ['BUGS_REPORTED', 'CORRECT_REPORTED']
