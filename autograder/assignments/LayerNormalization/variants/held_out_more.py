"""More mistakes in layer normalization reported in public, written afresh and kept apart from the diagnosis's
tuning (docs/validation.md, "The held-out part"), like ``held_out.py``.

Each description ends with its source and its public address (facts carry over, code does not). The rate at which a
bug's own mistake is named is measured on those still marked ``held_out``; a bug a mistake family was written
after (its first measurement showed no family for it) moves to the known part, ``held_out`` dropped.
"""
from autograder.assignments.LayerNormalization import ASSIGNMENT
from autograder.assignments.LayerNormalization.variants.correct import REFERENCE, REFERENCE_VARIANCE
from autograder.validation.kinds import Bug, of_assignment, patch

# Each example centred by its own mean but scaled by each feature's variance over the batch (axis 0); the backward
# follows that forward's graph node by node.
VARIANCE_OVER_BATCH = (
    (REFERENCE_VARIANCE + '    std = np.sqrt(var + eps)\n    x_hat = xc / std\n    out = gamma * x_hat + beta\n'
     '    cache = (x_hat, std, gamma)\n',
     '    xc_batch = x - x.mean(axis=0)\n'
     '    var = np.mean(xc_batch ** 2, axis=0)\n'
     '    std = np.sqrt(var + eps)\n    x_hat = xc / std\n    out = gamma * x_hat + beta\n'
     '    cache = (xc, xc_batch, std, gamma)\n'),
)
VARIANCE_OVER_BATCH_BACKWARD = '''def layernorm_backward(dout, cache):
    """Backward pass, one node of the forward's graph at a time."""
    xc, xc_batch, std, gamma = cache
    N, D = dout.shape
    x_hat = xc / std
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dxc = dx_hat / std
    dstd = -np.sum(dx_hat * xc, axis=0) / std ** 2
    dvar = 0.5 * dstd / std
    dx = dxc - dxc.mean(axis=1, keepdims=True) + 2.0 * xc_batch * dvar / N
    return dx, dgamma, dbeta
'''

# The backward starts dgamma and dbeta at zeros and never accumulates into them.
PARAM_GRADIENTS_LEFT_AT_ZERO = (
    ('    dbeta = dout.sum(axis=0)\n    dgamma = np.sum(dout * x_hat, axis=0)\n',
     '    dbeta = np.zeros_like(gamma)\n    dgamma = np.zeros_like(gamma)\n'),
)

# gamma kept in the direct term and the mean's branch, but the variance's branch projects dout, not dout * gamma.
PROJECTION_WITHOUT_GAMMA = (
    ('- x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)) / std',
     '- x_hat * np.mean(dout * x_hat, axis=1, keepdims=True)) / std'),
)

# The inverse standard deviation computed, then divided by as if it were the standard deviation; the backward
# follows that forward's graph node by node.
DIVIDES_BY_INVERSE_STD = (
    ('    std = np.sqrt(var + eps)\n    x_hat = xc / std\n    out = gamma * x_hat + beta\n'
     '    cache = (x_hat, std, gamma)\n',
     '    rstd = 1.0 / np.sqrt(var + eps)\n    x_hat = xc / rstd  # y = (x - mean) / rstd\n'
     '    out = gamma * x_hat + beta\n    cache = (xc, rstd, gamma)\n'),
)
DIVIDES_BY_INVERSE_STD_BACKWARD = '''def layernorm_backward(dout, cache):
    """Backward pass, one node of the forward's graph at a time."""
    xc, rstd, gamma = cache
    D = dout.shape[1]
    x_hat = xc / rstd
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dxc = dx_hat / rstd
    drstd = -np.sum(dx_hat * xc, axis=1, keepdims=True) / rstd ** 2
    dvar = -0.5 * rstd ** 3 * drstd
    dxc += 2.0 * xc * dvar / D
    dx = dxc - dxc.mean(axis=1, keepdims=True)
    return dx, dgamma, dbeta
'''

BUGS_HELD_OUT_MORE = of_assignment(ASSIGNMENT, [
    Bug('variance_over_batch_axis', "each example centred by its own mean but divided by each feature's standard "
        'deviation over the batch, the variance taken along axis 0 as batch norm does, and the backward derived '
        'from that forward (source: GokuMohandas/fast-weights issue 9, "Layer normalization not done '
        'correctly": the statistics "are incorrectly calculated as they would be for batch normalization", '
        'reduction_indices=0, '
        'https://github.com/GokuMohandas/fast-weights/issues/9)',
        {**patch(REFERENCE, 'layernorm_forward', *VARIANCE_OVER_BATCH),
         'layernorm_backward': VARIANCE_OVER_BATCH_BACKWARD},
        loses_in='layernorm_forward_values', held_out=True,
        explanation="the variance is taken over the batch (axis 0) for each feature instead of over each "
                    "example's features",
        hint='Check the axis of every statistic: layer norm computes both per example.'),
    Bug('param_gradients_left_at_zero', 'dgamma and dbeta returned as zeros, never computed, so gamma and beta '
        'never learn (source: harvard-edge/cs249r_book pull request 1504, "grad_gamma and grad_beta are always '
        'None -- LayerNorm silently never learns its scale and shift parameters during training", '
        'https://github.com/harvard-edge/cs249r_book/pull/1504)',
        patch(REFERENCE, 'layernorm_backward', *PARAM_GRADIENTS_LEFT_AT_ZERO),
        loses_in='layernorm_backward', held_out=True, family='parameter_gradient_formula[0,0]',
        explanation='dgamma and dbeta are left at zero instead of being summed from dout over the examples',
        hint='Check that the backward computes a gradient for every parameter of the forward.'),
    Bug('projection_without_gamma', "the variance's branch of dx projects dout on x_hat where dout * gamma "
        'belongs; the direct term and the mean\'s branch keep gamma (source: karpathy/llm.c pull request 763, '
        'review: "I have found a bug in my own RMSNorm impl. where I forgot to multiply by the weight in the '
        'backward pass", in the sum of weight * dout * inp, https://github.com/karpathy/llm.c/pull/763)',
        patch(REFERENCE, 'layernorm_backward', *PROJECTION_WITHOUT_GAMMA),
        loses_in='layernorm_backward', held_out=True, family='dx_formula[dx = (dx_hat - mean(dx_hat) - x_hat * mean(dout * x_hat)) / std]',
        explanation="the variance's branch of dx uses dout instead of dout * gamma",
        hint='Every branch of dx starts from the gradient with respect to x_hat; check each one.'),
    Bug('divides_by_inverse_std', 'the forward computes rstd = 1 / sqrt(var + eps) and then divides x - mean by '
        'it, and the backward is derived from that forward (source: tenstorrent/tt-metal pull request 12633, '
        'review of a layer norm kernel: "y = (x - mean) / rstd" corrected to "y = (x - mean) * rstd", '
        'https://github.com/tenstorrent/tt-metal/pull/12633)',
        {**patch(REFERENCE, 'layernorm_forward', *DIVIDES_BY_INVERSE_STD),
         'layernorm_backward': DIVIDES_BY_INVERSE_STD_BACKWARD},
        loses_in='layernorm_forward_values', held_out=True, family='normalizer_formula[x - mean,(var + eps) ** -0.5,x_hat]',
        explanation='x - mean is divided by the inverse standard deviation, so it is multiplied by '
                    'sqrt(var + eps) instead of divided by it',
        hint='Check whether your normalization divides by the standard deviation or by its inverse.'),
])

__all__ = ['BUGS_HELD_OUT_MORE']
