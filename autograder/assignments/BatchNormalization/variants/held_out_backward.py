"""Mistakes in batch norm's backward pass reported in public, written afresh and kept apart from the
diagnosis's tuning (docs/validation.md, "The held-out part").

Each description ends with its source and its public address: a Q&A thread, an issue or pull request, a
library's documentation (facts carry over, code does not). The rate at which a bug's own mistake is named is
measured on those still marked ``held_out``; a bug a mistake family was written after (its first measurement
showed no family for it) has moved to the known part, ``held_out`` dropped.
"""
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.correct import REFERENCE
from autograder.validation.kinds import Bug, of_assignment, patch

GRADIENTS_OVER_BATCH = (
    ('    dbeta = dout.sum(axis=0)\n    dgamma = np.sum(dout * x_hat, axis=0)\n',
     '    dbeta = dout.sum(axis=0) / N\n    dgamma = np.sum(dout * x_hat, axis=0) / N\n'),
)

# dout rebound to gamma * dout first, and dbeta and dgamma read the rebound name.
DOUT_REBOUND = (
    ('    dbeta = dout.sum(axis=0)\n    dgamma = np.sum(dout * x_hat, axis=0)\n    dx_hat = dout * gamma\n',
     '    dout = dout * gamma  # gradient with respect to x_hat\n'
     '    dbeta = dout.sum(axis=0)\n    dgamma = np.sum(dout * x_hat, axis=0)\n    dx_hat = dout\n'),
)

VARIANCE_CACHE_FORWARD = (
    ('        cache = (x_hat, xc, std, gamma)\n', '        cache = (x, sample_mean, sample_var, gamma)\n'),
)

STD_WITHOUT_EPS_BACKWARD = '''def batchnorm_backward(dout, cache):
    """Closed-form backward pass from the cached batch statistics."""
    x, mu, var, gamma = cache
    N = x.shape[0]
    std = np.sqrt(var)
    x_hat = (x - mu) / std
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx = gamma / (N * std) * (N * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta
'''

# The forward caches the inverse standard deviation; the backward reads that entry as the variance.
INVERSE_STD_CACHE_FORWARD = (
    ('        cache = (x_hat, xc, std, gamma)\n', '        cache = (x, sample_mean, 1.0 / std, gamma)\n'),
)

INVERSE_STD_READ_AS_VARIANCE = '''def batchnorm_backward(dout, cache):
    """Closed-form backward pass."""
    x, mu, var, gamma = cache
    N = x.shape[0]
    inv_std = 1.0 / np.sqrt(var + 1e-5)
    x_hat = (x - mu) * inv_std
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx = (gamma * inv_std / N) * (N * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta
'''

# Biases started at 0.01 so that every ReLU fires at first.
DGAMMA_TIMES_STD = (
    ('dgamma = np.sum(dout * x_hat, axis=0)', 'dgamma = np.sum(dout * xc * std, axis=0)'),
)

# A closed-form backward whose N * dx_hat term reads the feature's summed gradient instead of each row's own.
SUMMED_TERM_BACKWARD = '''def batchnorm_backward(dout, cache):
    """Closed-form backward pass, written from the per-feature sums."""
    x_hat, _, std, gamma = cache
    N = dout.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    sum_dx_hat = np.sum(dx_hat, axis=0)
    sum_dx_hat_x_hat = np.sum(dx_hat * x_hat, axis=0)
    dx = (N * sum_dx_hat - sum_dx_hat - x_hat * sum_dx_hat_x_hat) / (N * std)
    return dx, dgamma, dbeta
'''

# The regularization loop stops one layer short: the output layer's weights are left out.
BATCH_SIZE_FROM_FEATURE_AXIS = '''def batchnorm_backward(dout, cache):
    """Closed-form backward pass."""
    x_hat, xc, std, gamma = cache
    N = dout.shape[1]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx = (gamma / (N * std)) * (N * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta
'''

# The closed form's factor gamma / (N * std) written without its parentheses: gamma / N * std.
STD_IN_NUMERATOR_BACKWARD = '''def batchnorm_backward(dout, cache):
    """Closed-form backward pass."""
    x_hat, xc, std, gamma = cache
    N = dout.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx = gamma / N * std * (N * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta
'''

# np.random.normal(weight_scale, ...): weight_scale passed where the mean goes, the standard deviation left at 1.
BUGS_HELD_OUT_BACKWARD = of_assignment(ASSIGNMENT, [
    Bug('gamma_beta_gradients_over_batch', 'dgamma and dbeta both divided by the batch size (source: cthorey/CS231 '
        'issue 9, "Shouldn\'t Batch Norm Derivatives, be normalized by batch_size", dbeta = np.sum(dout, axis=0) '
        '/ batch_size, https://github.com/cthorey/CS231/issues/9; wjbKimberly/cs231n_spring_2017_assignment '
        'issue 7, https://github.com/wjbKimberly/cs231n_spring_2017_assignment/issues/7)',
        patch(REFERENCE, 'batchnorm_backward', *GRADIENTS_OVER_BATCH),
        loses_in='batchnorm_backward',
        explanation='dgamma and dbeta are divided by the batch size N',
        hint='Every example adds its own term to dgamma and dbeta: check how those terms combine.'),
    Bug('dout_rebound_before_param_gradients', 'dout rebound to dout * gamma before dgamma and dbeta are taken from '
        'it (source: denizyuret/Knet.jl issue 288, a batch norm backward whose dy is rebound to g .* dy part-way, '
        'so the gradients computed on either side of that line read different values, '
        'https://github.com/denizyuret/Knet.jl/issues/288)',
        patch(REFERENCE, 'batchnorm_backward', *DOUT_REBOUND),
        loses_in='batchnorm_backward',
        explanation='dgamma and dbeta are computed from dout already multiplied by gamma',
        hint='Check which upstream gradient dgamma and dbeta are summed from.'),
    Bug('backward_std_without_eps', 'the forward caches the batch variance and the backward recomputes the standard '
        'deviation from it as sqrt(var), leaving out the eps the forward added (source: Theano PR 5190, on the '
        'batch normalization gradient op: cuDNN asks its backward for the epsilon and says "it must be the same than '
        'in the forward pass", https://github.com/Theano/Theano/pull/5190)',
        {**patch(REFERENCE, 'batchnorm_forward', *VARIANCE_CACHE_FORWARD), 'batchnorm_backward': STD_WITHOUT_EPS_BACKWARD},
        loses_in='batchnorm_backward',
        explanation='the backward divides by sqrt(var) without the eps the forward added to the variance',
        hint='Check that the backward normalizes with exactly the standard deviation the forward used.'),
    Bug('inverse_std_read_as_variance', 'the forward caches the inverse standard deviation and the backward reads '
        'that entry as the variance, computing 1 / sqrt(cached + eps) from it (source: flagos-ai/FlagGems issue '
        '5222, a batch norm backward that "believes the argument is a variance and derives inv_std = '
        'rsqrt(save_var + eps)" from a saved inverse std, https://github.com/flagos-ai/FlagGems/issues/5222)',
        {**patch(REFERENCE, 'batchnorm_forward', *INVERSE_STD_CACHE_FORWARD),
         'batchnorm_backward': INVERSE_STD_READ_AS_VARIANCE},
        loses_in='batchnorm_backward', held_out=True,
        explanation="the backward takes the cached inverse standard deviation for the variance",
        hint='Check that your backward reads each cached value as what the forward stored there.'),
    Bug('dgamma_scaled_by_std', 'dgamma summed from dout * (x - mean) * std, the standard deviation multiplied '
        'where it divides (source: tensorflow/tensorflow issue 14676, the XLA BatchNormGrad documentation gave '
        'the gradient of gamma as sum(dy * (x - mu) * sqrt(var + eps)) instead of dividing by sqrt(var + eps), '
        'https://github.com/tensorflow/tensorflow/issues/14676)',
        patch(REFERENCE, 'batchnorm_backward', *DGAMMA_TIMES_STD),
        loses_in='batchnorm_backward',
        explanation='dgamma multiplies x - mean by the standard deviation instead of dividing by it',
        hint='Write out how out depends on gamma and compare your dgamma with it.'),
    Bug('closed_form_summed_dout_term', "a closed-form backward whose N * dx_hat term uses the feature's gradient "
        "summed over the batch instead of each row's own (source: ROCm/MIOpen issue 104, a per-activation batch "
        "norm backward whose tmp2 = N * dxhat - tmp1 took dxhat, the batch's sum of scale * dy, where each "
        "element's dy * scale belongs, https://github.com/ROCm/MIOpen/issues/104)",
        {'batchnorm_backward': SUMMED_TERM_BACKWARD},
        loses_in='batchnorm_backward', family='dx_formula[dx = ((n - 1) * mean(dx_hat) - x_hat * mean(dx_hat * x_hat)) / std]',
        explanation="the N * dx_hat term of dx uses the sum of dx_hat over the batch instead of each row's own value",
        hint='In the closed form, check which terms are per example and which are sums over the batch.'),
    Bug('backward_batch_size_from_feature_axis', 'a closed-form backward that takes the batch size N from '
        'dout.shape[1], the number of features (source: flagos-ai/FlagGems issue 5392, a normalization backward '
        'whose sizes came from the wrong dimension of the input, "silently wrong gradients", '
        'https://github.com/flagos-ai/FlagGems/issues/5392)',
        {'batchnorm_backward': BATCH_SIZE_FROM_FEATURE_AXIS},
        loses_in='batchnorm_backward', held_out=True, family='dx_paths_count',
        explanation='dx uses the number of features where the batch size N belongs',
        hint='Check which axis of dout gives the number of examples the statistics average over.'),
    Bug('closed_form_std_in_numerator', "the closed form's factor gamma / (N * std) written gamma / N * std, so dx "
        'is multiplied by the standard deviation instead of divided by it (source: LBANN/lbann PR 1172, "Fixing '
        'incorrect parentheses in entry-wise batchnorm", https://github.com/LBANN/lbann/pull/1172)',
        {'batchnorm_backward': STD_IN_NUMERATOR_BACKWARD},
        loses_in='batchnorm_backward', family='dx_formula[dx = (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat)) * std]',
        explanation='dx is multiplied by the standard deviation where it should be divided by it',
        hint='Check the parentheses around the factor in front of your closed-form dx.'),
])

__all__ = ['BUGS_HELD_OUT_BACKWARD']
