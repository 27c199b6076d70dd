"""More mistakes in batch norm's layer reported in public: its forward pass and running averages, and its
backward pass, written afresh and kept apart from the diagnosis's tuning (docs/validation.md, "The held-out
part"), like ``held_out.py`` and ``held_out_backward.py``.

Each description ends with its source and its public address: a Q&A thread, an issue or pull request, a
library's documentation (facts carry over, code does not). The rate at which a bug's own mistake is named is
measured on those still marked ``held_out``; a bug a mistake family was written after (its first measurement
showed no family for it) moves to the known part, ``held_out`` dropped.
"""
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.correct import REFERENCE, RUNNING_UPDATE
from autograder.validation.kinds import Bug, of_assignment, patch

TEST_MODE_NORMALIZE = '        x_hat = (x - running_mean) / np.sqrt(running_var + eps)\n'
TEST_MODE_OUTPUT = '        out = gamma * x_hat + beta\n        cache = None\n'
RUNNING_VAR_UPDATE = '        running_var = momentum * running_var + (1 - momentum) * sample_var\n    elif'
TRAIN_OUTPUT = '        out = x_hat * gamma\n        out += beta\n'

# Test mode adds beta with np.add and never keeps the sum.
TEST_MODE_SUM_DISCARDED = (
    (TEST_MODE_OUTPUT, '        out = gamma * x_hat\n        np.add(out, beta)\n        cache = None\n'),
)

# Test mode computes the inverse standard deviation, then divides by it as if it were the standard deviation.
TEST_MODE_INVERSE_STD_AS_STD = (
    (TEST_MODE_NORMALIZE,
     '        inv_std = 1.0 / np.sqrt(running_var + eps)\n        x_hat = (x - running_mean) / inv_std\n'),
)

# Only the running mean is updated in train mode; the running variance keeps its starting zeros.
RUNNING_VAR_NOT_UPDATED = (
    (RUNNING_VAR_UPDATE, '    elif'),
)

# Each train-mode call replaces the running averages with the batch's own statistics.
RUNNING_STATS_REPLACED = (
    (RUNNING_UPDATE, '        running_mean = sample_mean\n        running_var = sample_var\n    elif'),
)

# The running variance is a one-pass E[x^2] - E[x]^2 with the N / (N - 1) correction on E[x^2] only.
BESSEL_ON_SECOND_MOMENT = (
    (RUNNING_VAR_UPDATE,
     '        unbiased_var = N / (N - 1.0) * np.mean(x * x, axis=0) - sample_mean ** 2\n'
     '        running_var = momentum * running_var + (1 - momentum) * unbiased_var\n    elif'),
)

# gamma and beta trade places in the train-mode output.
GAMMA_BETA_SWAPPED_OUTPUT = (
    (TRAIN_OUTPUT, '        out = x_hat * beta\n        out += gamma\n'),
)

GRAPH_TAIL = ('    # xc = x - mean(x): the mean\'s branch spreads -sum(dxc) / N back over every row\n'
              '    dx = dxc - dxc.sum(axis=0) / N\n')

# The mean's branch of dx sums dxc over the whole array, not over each feature's column.
MEAN_BRANCH_WHOLE_ARRAY = (
    (GRAPH_TAIL, '    # xc = x - mean(x): the mean\'s branch\n    dx = dxc - dxc.sum() / N\n'),
)

GRAPH_BODY = ('    # x_hat = xc / std, and std = sqrt(var + eps), var = mean(xc ** 2)\n'
              '    dxc = dx_hat / std\n'
              '    dstd = -np.sum(dx_hat * xc, axis=0) / std ** 2\n'
              '    dvar = 0.5 * dstd / std\n'
              '    dxc += 2.0 * xc * dvar / N\n\n' + GRAPH_TAIL)

# dx from each element's own derivative d x_hat_i / d x_i (the quotient rule with mean and variance depending on
# x_i), leaving out what x_i does to the other rows' x_hat through the shared mean and variance.
DIAGONAL_JACOBIAN = (
    (GRAPH_BODY,
     '    # d x_hat_i / d x_i by the quotient rule: (1 - 1/N) / std - xc_i ** 2 / (N * std ** 3)\n'
     '    dxhat_dx = (1.0 - 1.0 / N) / std - xc ** 2 / (N * std ** 3)\n'
     '    dx = dx_hat * dxhat_dx\n'),
)

# dgamma averages dout * x_hat over the batch while dbeta sums dout.
DGAMMA_AVERAGED = (
    ('    dgamma = np.sum(dout * x_hat, axis=0)\n    dx_hat = dout * gamma\n',
     '    dgamma = np.mean(dout * x_hat, axis=0)\n    dx_hat = dout * gamma\n'),
)

# The forward scales and shifts x_hat in place to make out, so the x_hat it caches is out.
X_HAT_SCALED_IN_PLACE = (
    (TRAIN_OUTPUT, '        out = x_hat\n        out *= gamma\n        out += beta\n'),
)

# The closed form written without its division by the standard deviation.
CLOSED_FORM_WITHOUT_INV_STD = '''def batchnorm_backward_alt(dout, cache):
    """Closed-form backward pass."""
    x_hat, _, std, gamma = cache
    N = dout.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx = (gamma / N) * (N * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta


def batchnorm_backward(dout, cache):
    """The same gradients as the closed form."""
    return batchnorm_backward_alt(dout, cache)
'''

BUGS_HELD_OUT_LAYER_MORE = of_assignment(ASSIGNMENT, [
    Bug('test_mode_beta_sum_discarded', 'test mode adds beta with np.add but never keeps the result, so the '
        'test-mode output has no shift (source: nntrainer/nntrainer issue 771, "bn layer inference bug": the layer '
        '"uses Tensor add() but does not store the output updated tensor back to the variable in inference mode", '
        'https://github.com/nntrainer/nntrainer/issues/771)',
        patch(REFERENCE, 'batchnorm_forward', *TEST_MODE_SUM_DISCARDED),
        loses_in='batchnorm_running_stats_test_mode', family='test_output_formula[out = gamma * x_hat]',
        explanation='test mode computes gamma * x_hat + beta but discards the sum, so beta is never added',
        hint='Check that every result in the test-mode branch is assigned to the output it should change.'),
    Bug('test_mode_divides_by_inverse_std', 'test mode computes 1 / sqrt(running_var + eps) and then divides by '
        'it, multiplying by the standard deviation instead of dividing by it (source: ROCm/rocm-libraries pull '
        'request 2492, "BN fwd inference was incorrectly using invVariance tensor as variance", '
        'https://github.com/ROCm/rocm-libraries/pull/2492)',
        patch(REFERENCE, 'batchnorm_forward', *TEST_MODE_INVERSE_STD_AS_STD),
        loses_in='batchnorm_running_stats_test_mode', held_out=True, family='test_normalizer_formula[x - running_mean,(running_var + eps) ** -0.5,x_hat]',
        explanation='test mode divides x - running_mean by the inverse standard deviation, so it multiplies by '
                    'sqrt(running_var + eps) instead of dividing by it',
        hint='Compare what your test-mode denominator holds with what the normalization divides by.'),
    Bug('running_var_never_updated', 'train mode updates the running mean but not the running variance, which '
        'stays at its starting zeros (source: keras-team/keras-core pull request 339, "Fix Batch Norm Variance", '
        '"Fixes #338 by updating self.moving_variance in training", '
        'https://github.com/keras-team/keras-core/pull/339)',
        patch(REFERENCE, 'batchnorm_forward', *RUNNING_VAR_NOT_UPDATED),
        loses_in='batchnorm_running_stats_test_mode', family='running_update_formula[running_mean = momentum * running_mean + (1 - momentum) * the batch mean,running_var = running_var]',
        explanation='train mode never updates running_var, so test mode divides by sqrt(0 + eps)',
        hint='Check that both running averages are updated in train mode.'),
    Bug('running_stats_replaced_by_batch', 'each train-mode call stores the batch mean and variance as the '
        'running averages, with no exponential averaging (source: keras-team/keras issue 13117, after training on '
        'one batch "the moving_average parameter always takes the values of that batch ... rather than updating '
        'the initial value", https://github.com/keras-team/keras/issues/13117)',
        patch(REFERENCE, 'batchnorm_forward', *RUNNING_STATS_REPLACED),
        loses_in='batchnorm_running_stats_test_mode', held_out=True, family='running_is_batch',
        explanation="the running averages are replaced by each batch's mean and variance instead of being "
                    'averaged with momentum',
        hint='Compare your running-average update with the formula in the docstring.'),
    Bug('running_var_bessel_on_second_moment', 'the running variance fed a one-pass estimate N / (N - 1) * E[x^2] '
        '- E[x]^2: the correction scales the second moment only, not the variance (source: BVLC/caffe pull '
        'request 3299, the moving average "saves m/(m-1)E(X)^2 and subtracts E(X)^2", '
        'https://github.com/BVLC/caffe/pull/3299)',
        patch(REFERENCE, 'batchnorm_forward', *BESSEL_ON_SECOND_MOMENT),
        loses_in='batchnorm_running_stats_test_mode', held_out=True,
        explanation='the running variance averages N / (N - 1) * mean(x ** 2) - mean(x) ** 2 instead of the batch '
                    'variance',
        hint='Check which variance enters the running average and how it is computed.'),
    Bug('gamma_beta_swapped_in_output', 'the train-mode output computed as beta * x_hat + gamma, the scale and '
        'the shift in each other\'s place (source: d2l-ai/d2l-zh pull request 534, gamma and beta "should be '
        'initialized as 1 and 0, but the annotation is reversed, which may results into misunderstanding", '
        'https://github.com/d2l-ai/d2l-zh/pull/534)',
        patch(REFERENCE, 'batchnorm_forward', *GAMMA_BETA_SWAPPED_OUTPUT),
        loses_in='batchnorm_forward_train',
        explanation='in train mode x_hat is multiplied by beta and shifted by gamma, the two parameters in each '
                    "other's place",
        hint='Check which parameter scales x_hat and which one shifts it.'),
    Bug('mean_branch_summed_over_whole_array', "the mean's branch of dx sums dxc over the whole array instead of "
        "over each feature's column (source: flagos-ai/FlagGems pull request 59, a normalization backward whose "
        'reductions tl.sum(dx_part2) had no axis and were fixed to sum "axis=1, keep_dims=True", '
        'https://github.com/flagos-ai/FlagGems/pull/59)',
        patch(REFERENCE, 'batchnorm_backward', *MEAN_BRANCH_WHOLE_ARRAY),
        loses_in='batchnorm_backward', held_out=True, family='dx_paths_whole_array[mean]',
        explanation="the mean's branch of dx sums over every element of the batch instead of over each feature's "
                    'column',
        hint="Check the axis of every sum in the mean's branch of dx."),
    Bug('dx_diagonal_jacobian_only', 'dx taken as dx_hat times d x_hat_i / d x_i, each element\'s own derivative '
        'by the quotient rule, leaving out how x_i changes the other rows\' x_hat through the shared mean and '
        'variance (source: a Data Science Stack Exchange question mirrored at geeksmental.com, "Batch '
        'normalization backpropagation doubts": "Applying the quotient rule I expected ... '
        '1/(sigma^2+eps) [(N-1)/N sqrt(sigma^2+eps) - (x_i-mu)^2 / (N sqrt(sigma^2+eps))]", '
        'https://geeksmental.com/question/batch-normalization-backpropagation-doubts)',
        patch(REFERENCE, 'batchnorm_backward', *DIAGONAL_JACOBIAN),
        loses_in='batchnorm_backward', held_out=True,
        explanation="dx keeps only each element's own derivative of x_hat and leaves out the terms through which it "
                    "changes every other row's x_hat via the batch mean and variance",
        hint='Every x_hat in a column depends on every x in that column; check that dx sums over all of them.'),
    Bug('dgamma_averaged_over_batch', 'dgamma averages dout * x_hat over the batch while dbeta sums dout '
        '(source: wjbKimberly/cs231n_spring_2017_assignment issue 7, "dgamma=np.sum(dout*x_,axis=0) should be '
        'mean???", https://github.com/wjbKimberly/cs231n_spring_2017_assignment/issues/7)',
        patch(REFERENCE, 'batchnorm_backward', *DGAMMA_AVERAGED),
        loses_in='batchnorm_backward', held_out=True, family='returned_factor[dgamma,1 / N]',
        explanation='dgamma is the mean of dout * x_hat over the batch instead of its sum',
        hint='gamma is used by every row of the batch; check how its gradient gathers them.'),
    Bug('x_hat_overwritten_in_place', 'the forward scales and shifts x_hat in place (out = x_hat; out *= gamma; '
        'out += beta), so the x_hat it caches is the output and the backward differentiates with it (source: '
        'tenstorrent/tt-metal pull request 45578, the update "writes those buffers in place, so when a caller passes '
        'the same tensor in two roles ... clobbered weight/bias before the op got to read them", '
        'https://github.com/tenstorrent/tt-metal/pull/45578)',
        patch(REFERENCE, 'batchnorm_forward', *X_HAT_SCALED_IN_PLACE),
        loses_in='batchnorm_backward', held_out=True,
        explanation='the forward scales and shifts x_hat in place to make out, so the cached x_hat is the output '
                    'and dgamma and dx are computed from it',
        hint='Check whether the arrays you cache are changed after you put them in the cache.'),
    Bug('closed_form_without_inverse_std', 'the closed-form dx written without its division by the standard '
        'deviation (source: chainer/chainer pull request 3479, "inv_std is missing in backward of '
        'FixedBatchNormalization if it use cudnn", https://github.com/chainer/chainer/pull/3479)',
        {'batchnorm_backward': CLOSED_FORM_WITHOUT_INV_STD},
        loses_in='batchnorm_backward', held_out=True, family='dx_formula[dx = (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat))]',
        explanation='dx is missing its factor 1 / sqrt(var + eps)',
        hint='Differentiate x_hat = (x - mean) / sqrt(var + eps) and check every factor of your dx.'),
])

__all__ = ['BUGS_HELD_OUT_LAYER_MORE']
