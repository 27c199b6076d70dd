"""Further mistakes in batch norm's layer reported in public: its forward pass and running averages, and its
backward pass, written afresh and kept apart from the diagnosis's tuning (docs/validation.md, "The held-out
part"), like ``held_out.py``, ``held_out_backward.py`` and ``held_out_layer_more.py``.

Each description ends with its source and its public address: a Q&A thread, an issue or pull request, a
library's documentation (facts carry over, code does not). The rate at which a bug's own mistake is named is
measured on those still marked ``held_out``; a bug a mistake family was written after (its first measurement
showed no family for it) moves to the known part, ``held_out`` dropped.
"""
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.correct import REFERENCE, RUNNING_UPDATE
from autograder.validation.kinds import Bug, of_assignment, patch

TEST_MODE_LINES = ('        x_hat = (x - running_mean) / np.sqrt(running_var + eps)\n'
                   '        out = gamma * x_hat + beta\n')
TRAIN_OUTPUT = '        out = x_hat * gamma\n        out += beta\n'

# Test mode folded into one scale per feature, gamma / sqrt(running_var + eps), with the shift
# beta - running_mean * scale left out.
FOLDED_SCALE_WITHOUT_SHIFT = (
    (TEST_MODE_LINES,
     '        scale = gamma / np.sqrt(running_var + eps)  # fold the normalization into one multiplier\n'
     '        out = scale * x\n'),
)

# Test mode passes x through unchanged, as if batch norm, like dropout, did nothing at test time.
TEST_MODE_IDENTITY = (
    (TEST_MODE_LINES, '        # at test time batch norm is switched off\n        out = x\n'),
)

# Train mode divides x by the batch's standard deviation without subtracting the batch mean first.
TRAIN_NOT_CENTRED = (
    ('        x_hat = xc * (1.0 / std)  # one division per feature, then a multiplication per element\n',
     '        x_hat = x / std\n'),
)

# Train mode shifts x_hat by beta but never scales it by gamma.
TRAIN_WITHOUT_GAMMA = (
    (TRAIN_OUTPUT, '        out = x_hat + beta\n'),
)

# The running averages add each batch's statistics without the factor (1 - momentum).
WITHOUT_ONE_MINUS_MOMENTUM = (
    (RUNNING_UPDATE,
     '        running_mean = momentum * running_mean + sample_mean\n'
     '        running_var = momentum * running_var + sample_var\n    elif'),
)

# dbeta is started at zeros and never filled in.
DBETA_LEFT_AT_ZERO = (
    ('    dbeta = dout.sum(axis=0)\n    dgamma = np.sum(dout * x_hat, axis=0)\n',
     '    dbeta = np.zeros_like(gamma)\n    dgamma = np.sum(dout * x_hat, axis=0)\n'),
)

# The closed form with the mean of dout * gamma subtracted once on its own and once more with the variance's term.
CLOSED_FORM_MEAN_TWICE = '''def batchnorm_backward(dout, cache):
    """Backward pass in closed form."""
    x_hat, _, std, gamma = cache
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    mean_term = np.mean(dx_hat, axis=0)
    dx = dx_hat - mean_term
    # take off the mean's term and the variance's term
    dx -= mean_term + x_hat * np.mean(dx_hat * x_hat, axis=0)
    dx /= std
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """The same closed form."""
    return batchnorm_backward(dout, cache)
'''

# The variance's branch divides by N - 1, as if the forward had used the unbiased variance.
VARIANCE_BRANCH_N_MINUS_ONE = (
    ('    dxc += 2.0 * xc * dvar / N\n', '    dxc += 2.0 * xc * dvar / (N - 1)\n'),
)

# The gradient of the standard deviation is gathered over the rows with = where -= belongs, so only the last
# row's contribution is kept.
VARIANCE_BRANCH_LAST_ROW = (
    ('    dstd = -np.sum(dx_hat * xc, axis=0) / std ** 2\n',
     '    dstd = np.zeros_like(std)\n'
     '    for i in range(N):\n'
     '        dstd = -dx_hat[i] * xc[i] / std ** 2\n'),
)

BUGS_HELD_OUT_STUDENT_LAYER = of_assignment(ASSIGNMENT, [
    Bug('test_mode_folded_scale_without_shift', 'test mode folds the normalization into one scale per feature, '
        'gamma / sqrt(running_var + eps), and multiplies x by it, leaving out the shift '
        'beta - running_mean * scale (source: jiazhihao/TASO pull request 47, "current fuse_conv_batchnorm only '
        'fuse gamma/sqrt(var+eps) with weight. ignore the bias beta - gamma*mean/sqrt(var + eps)", '
        'https://github.com/jiazhihao/TASO/pull/47)',
        patch(REFERENCE, 'batchnorm_forward', *FOLDED_SCALE_WITHOUT_SHIFT),
        loses_in='batchnorm_running_stats_test_mode', family='test_output_formula[out = gamma * x / std]',
        explanation='test mode multiplies x by gamma / sqrt(running_var + eps) but never subtracts the running '
                    'mean nor adds beta',
        hint='Expand your test-mode formula and check that every term of gamma * x_hat + beta is still there.'),
    Bug('test_mode_identity', 'test mode returns x unchanged, as if batch norm were switched off at test time '
        '(source: jiazhihao/TASO pull request 47, the inference call\'s settings "means identity" instead of '
        'bnScale * (x - estimatedMean) / sqrt(epsilon + estimatedVariance) + bnBias, '
        'https://github.com/jiazhihao/TASO/pull/47)',
        patch(REFERENCE, 'batchnorm_forward', *TEST_MODE_IDENTITY),
        loses_in='batchnorm_running_stats_test_mode', family='test_output_formula[out = x]',
        explanation='test mode returns x unchanged instead of normalizing it with the running mean and variance '
                    'and applying gamma and beta',
        hint='At test time batch norm still normalizes, scales and shifts; check what your test branch returns.'),
    Bug('train_mode_never_centres', 'train mode divides x by the batch standard deviation without subtracting '
        'the batch mean, so only the scale of each feature is normalized (source: COGMAR/RotEqNet pull request 2, '
        '"bug fix on VectorBatchNorm": "we do not want to subtract the [mean] such that only the vector magnitudes '
        'are scaled", https://github.com/COGMAR/RotEqNet/pull/2)',
        patch(REFERENCE, 'batchnorm_forward', *TRAIN_NOT_CENTRED),
        loses_in='batchnorm_forward_train', held_out=True, family='mean_not_subtracted[scaled only]',
        explanation='x_hat is x / sqrt(var + eps): the batch mean is never subtracted from x before the division',
        hint='Check that the quantity you divide by the standard deviation is centred on the batch mean.'),
    Bug('train_output_without_gamma', 'train mode adds beta to x_hat but never multiplies by gamma (source: '
        'jonbruner/generative-adversarial-networks issue 4, "gamma is actually not used here, since the parameter '
        'scale is by default put as False", https://github.com/jonbruner/generative-adversarial-networks/issues/4)',
        patch(REFERENCE, 'batchnorm_forward', *TRAIN_WITHOUT_GAMMA),
        loses_in='batchnorm_forward_train', family='output_formula[out = x_hat + beta]',
        explanation='the train-mode output is x_hat + beta, leaving out the scale gamma',
        hint='Check that the train-mode output both scales and shifts the normalized input.'),
    Bug('running_averages_without_one_minus_momentum', 'the running averages add each batch\'s mean and '
        'variance whole, momentum * running + batch, without the factor (1 - momentum), so they grow towards '
        '1 / (1 - momentum) times the statistics (source: KaihuaTang/Long-Tailed-Recognition.pytorch issue 8, '
        '"embed_mean grow to inf": "The momentum form of moving average will scale the magnitude of embed_mean '
        '1 / (1 - mu) times", https://github.com/KaihuaTang/Long-Tailed-Recognition.pytorch/issues/8)',
        patch(REFERENCE, 'batchnorm_forward', *WITHOUT_ONE_MINUS_MOMENTUM),
        loses_in='batchnorm_running_stats_test_mode', held_out=True, family='running_update_formula[running_mean = momentum * running_mean + the batch mean,running_var = momentum * running_var + the batch variance]',
        explanation='the running averages add the batch statistics without multiplying them by (1 - momentum)',
        hint='Check the weights your running-average update gives the old average and the new batch.'),
    Bug('dbeta_left_at_zero', 'dbeta is created as zeros and never assigned, while dgamma and dx are computed '
        '(source: apache/mxnet issue 18499, "The wrong gradient of Batch Norm": "the gradient of gamma and beta '
        'are not assigned to any value by mistake", beta\'s gradient printed as zeros, '
        'https://github.com/apache/mxnet/issues/18499)',
        patch(REFERENCE, 'batchnorm_backward', *DBETA_LEFT_AT_ZERO),
        loses_in='batchnorm_backward', held_out=True, family='parameter_gradient_formula[sum(dout * x_hat),0]',
        explanation='dbeta is returned as zeros instead of the sum of dout over the batch',
        hint='Check that every gradient you return is actually computed from dout.'),
    Bug('closed_form_mean_subtracted_twice', 'the closed-form dx subtracts the mean of dout * gamma twice: once '
        'on its own and once more with the variance\'s term (source: tenstorrent/tt-metal issue 53204, '
        '"layernorm_bw computes wrong dx: mean(dy*gamma) subtracted twice", the same closed form as batch norm\'s '
        'with the mean taken over the other axis, https://github.com/tenstorrent/tt-metal/issues/53204)',
        {'batchnorm_backward': CLOSED_FORM_MEAN_TWICE},
        loses_in='batchnorm_backward', held_out=True, family='dx_path_factor:mean[2]',
        explanation='dx subtracts the batch mean of dout * gamma twice instead of once',
        hint='Count how many times each term of the closed form appears in your dx.'),
    Bug('variance_branch_over_n_minus_one', 'the variance\'s branch of dx divides by N - 1, as for the unbiased '
        'variance, while the forward uses the plain variance dividing by N (source: Lasagne/Lasagne issue 141, '
        'working out for an implementation the paper\'s "unbiased variance estimate", m / (m - 1) times the '
        'batch variance, https://github.com/Lasagne/Lasagne/issues/141)',
        patch(REFERENCE, 'batchnorm_backward', *VARIANCE_BRANCH_N_MINUS_ONE),
        loses_in='batchnorm_backward', family='dx_formula[dx = (dx_hat - mean(dx_hat) - n/(n-1) * x_hat * mean(dx_hat * x_hat)) / std]',
        explanation='the variance\'s branch of dx divides by N - 1 although the forward\'s variance divides by N',
        hint='Check the variance\'s branch of dx against the variance your forward actually computes.'),
    Bug('variance_branch_last_row_only', 'the gradient of the standard deviation is summed over the rows in a '
        'loop that assigns with = instead of accumulating, so only the last row\'s contribution is kept (source: '
        'williamleif/GraphSAGE issue 21, a term "re-assigned" where "It should be self.loss += ...", '
        'https://github.com/williamleif/GraphSAGE/issues/21)',
        patch(REFERENCE, 'batchnorm_backward', *VARIANCE_BRANCH_LAST_ROW),
        loses_in='batchnorm_backward', held_out=True,
        explanation='the variance\'s gradient keeps only the last row\'s term because the loop assigns instead '
                    'of accumulating over the batch',
        hint='Follow the loop over the batch in the variance\'s branch: what does each pass do to the total?'),
])
