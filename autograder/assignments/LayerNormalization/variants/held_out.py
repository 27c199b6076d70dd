"""Mistakes in layer normalization reported in public, written afresh and kept apart from the diagnosis's tuning
(docs/validation.md, "The held-out part").

Each description ends with its source and its public address (facts carry over, code does not). The rate at which a
bug's own mistake is named is measured on those still marked ``held_out``; a bug a mistake family was written
after (its first measurement showed no family for it) has moved to the known part, ``held_out`` dropped.
"""
from autograder.assignments.LayerNormalization import ASSIGNMENT
from autograder.assignments.LayerNormalization.variants.correct import REFERENCE, REFERENCE_VARIANCE
from autograder.validation.kinds import Bug, of_assignment, patch

# T5's "layer norm": each example scaled by its root mean square, never centred; a backward that is the true
# derivative of that forward.
RMS_FORWARD = '''def layernorm_forward(x, gamma, beta, ln_param):
    """Layer norm: each example scaled by the root mean square of its features."""
    eps = ln_param.get('eps', 1e-5)
    ms = np.mean(x * x, axis=1, keepdims=True)
    rms = np.sqrt(ms + eps)
    x_hat = x / rms
    out = gamma * x_hat + beta
    return out, (x_hat, rms, gamma)
'''

RMS_BACKWARD = '''def layernorm_backward(dout, cache):
    """Backward pass of the forward above."""
    x_hat, rms, gamma = cache
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dx = (dx_hat - x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)) / rms
    return dx, dgamma, dbeta
'''

# The Annotated Transformer's LayerNorm: the unbiased standard deviation, eps added to it after the root.
UNBIASED_STD_PLUS_EPS = (
    (REFERENCE_VARIANCE + '    std = np.sqrt(var + eps)\n',
     '    std = x.std(axis=1, ddof=1, keepdims=True) + eps\n'),
)

# std written as (var + eps) ** 2 where the root belongs.
SQUARED_NOT_ROOTED = (
    ('    std = np.sqrt(var + eps)\n', '    std = (var + eps) ** 2\n'),
)

# A closed-form backward whose feature count is read from the batch axis.
FEATURE_COUNT_FROM_BATCH_AXIS = '''def layernorm_backward(dout, cache):
    """Closed-form backward, per example."""
    x_hat, std, gamma = cache
    D = dout.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    g = dout * gamma
    dx = (D * g - g.sum(axis=1, keepdims=True)
          - x_hat * np.sum(g * x_hat, axis=1, keepdims=True)) / (D * std)
    return dx, dgamma, dbeta
'''

# np.std taken for the variance: each example divided by sqrt(std + eps).
STD_TAKEN_FOR_VARIANCE = (
    (REFERENCE_VARIANCE + '    std = np.sqrt(var + eps)\n',
     '    std_dev = x.std(axis=1, keepdims=True)\n    std = np.sqrt(std_dev + eps)\n'),
)

# Batch norm's divisor kept: each example's sums over its features divided by the number of examples N.
ROW_SUMS_OVER_BATCH_SIZE = (
    ('    D = x.shape[1]\n    mean = x.mean(axis=1, keepdims=True)\n    xc = x - mean\n' + REFERENCE_VARIANCE,
     '    N, D = x.shape\n    mean = np.sum(x, axis=1, keepdims=True) / N\n    xc = x - mean\n'
     '    var = np.sum(xc ** 2, axis=1, keepdims=True) / N\n'),
)

# The backward returns the two parameter gradients in each other's place.
PARAM_GRADIENTS_SWAPPED = (
    ('    return dx, dgamma, dbeta', '    return dx, dbeta, dgamma'),
)

# Batch norm's closed-form backward pasted in: the mean's and the variance's branches summed over the batch (axis 0).
BACKWARD_FROM_BATCHNORM = '''def layernorm_backward(dout, cache):
    """Backward pass: the closed form from batch normalization."""
    x_hat, std, gamma = cache
    N = dout.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dx = (N * dx_hat - np.sum(dx_hat, axis=0) - x_hat * np.sum(dx_hat * x_hat, axis=0)) / (N * std)
    return dx, dgamma, dbeta
'''

# One mean and one variance over every element of the batch; the backward's branches sum over the whole array
# to match.
WHOLE_ARRAY_FORWARD = (
    ('mean = x.mean(axis=1, keepdims=True)', 'mean = x.mean()'),
    (REFERENCE_VARIANCE, '    var = np.mean(xc ** 2)\n'),
)
WHOLE_ARRAY_BACKWARD = (
    ("dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True)", "dx = (dx_hat - dx_hat.mean()"),
    ("- x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)) / std", "- x_hat * np.mean(dx_hat * x_hat)) / std"),
)

# dx as if each example's mean and standard deviation were constants.
STATISTICS_AS_CONSTANTS_BACKWARD = '''def layernorm_backward(dout, cache):
    """Backward pass through x_hat = (x - mean) / std."""
    x_hat, std, gamma = cache
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx = dout * gamma / std
    return dx, dgamma, dbeta
'''

# gamma kept in the direct term of dx but left out of the mean's and the variance's branches, which read dout.
BRANCHES_FROM_DOUT = (
    ("dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True)\n          - x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)) / std",
     "dx = (dx_hat - dout.mean(axis=1, keepdims=True)\n          - x_hat * np.mean(dout * x_hat, axis=1, keepdims=True)) / std"),
)

# Each example's variance as the mean of its squared features, never centred; x_hat still subtracts the mean.
UNCENTRED_ROW_MOMENT = (
    (REFERENCE_VARIANCE, '    var = np.mean(x ** 2, axis=1, keepdims=True)\n'),
)

BUGS_HELD_OUT = of_assignment(ASSIGNMENT, [
    Bug('rms_norm_without_centring', "each example divided by its root mean square and never centred, T5's "
        '"layer norm", with the backward of that forward (source: huggingface/transformers issue 20224, '
        '"Question about layer norm in T5": "there is no bias and no subtraction of mean in layer norm", '
        'https://github.com/huggingface/transformers/issues/20224)',
        {'layernorm_forward': RMS_FORWARD, 'layernorm_backward': RMS_BACKWARD},
        loses_in='layernorm_forward_values',
        explanation="each example's mean is never subtracted: it is divided by its root mean square",
        hint='Check that each example is centred before it is scaled.'),
    Bug('unbiased_std_plus_eps', "the Annotated Transformer's LayerNorm: the unbiased standard deviation (ddof=1) "
        'with eps added after the root (source: harvardnlp/annotated-transformer PR 119, "use biased estimate of '
        'std in layernorm", https://github.com/harvardnlp/annotated-transformer/pull/119; codertimo/BERT-pytorch '
        'issue 30, "{standard deviation + epsilon}" copied from it, '
        'https://github.com/codertimo/BERT-pytorch/issues/30)',
        patch(REFERENCE, 'layernorm_forward', *UNBIASED_STD_PLUS_EPS),
        loses_in='layernorm_forward_values',
        explanation='each example is divided by its unbiased standard deviation plus eps',
        hint='Check which variance you take and where eps enters it.'),
    Bug('std_as_squared_variance', 'the scale written as (var + eps) ** 2 instead of its square root (source: '
        '131250208/TPlinker-joint-extraction issue 37, std = (variance + self.epsilon) **2, "I think it should be '
        '** 0.5", https://github.com/131250208/TPlinker-joint-extraction/issues/37)',
        patch(REFERENCE, 'layernorm_forward', *SQUARED_NOT_ROOTED),
        loses_in='layernorm_forward_values',
        explanation='each example is divided by the square of (var + eps) instead of its square root',
        hint='Check the power your code raises var + eps to.'),
    Bug('backward_feature_count_from_batch_axis', "a closed-form backward that takes the feature count D from "
        "dout.shape[0], the batch's size (source: flagos-ai/FlagGems issue 5392, a layer_norm_backward that "
        'takes its row count from input.shape[0], so the normalized size comes out wrong: "silently wrong '
        'gradients", '
        'https://github.com/flagos-ai/FlagGems/issues/5392)',
        {'layernorm_backward': FEATURE_COUNT_FROM_BATCH_AXIS},
        loses_in='layernorm_backward',
        explanation='the backward divides by the number of examples where the number of features belongs',
        hint='Check which axis of dout gives the number of features each example is normalized over.'),
    Bug('sqrt_of_std', 'each example divided by sqrt(std + eps), the standard deviation from np.std put where the '
        'variance belongs (source: hyunwoongko/transformer issue 7, "LayerNorm implement", proposing out = (x - mean) '
        '/ math.sqrt(std + self.eps) with std = x.std(-1), https://github.com/hyunwoongko/transformer/issues/7)',
        patch(REFERENCE, 'layernorm_forward', *STD_TAKEN_FOR_VARIANCE),
        loses_in='layernorm_forward_values',
        explanation='each example is divided by the square root of its standard deviation (plus eps) instead of the '
                    'square root of its variance',
        hint='Check whether the quantity under your square root is a variance or already a standard deviation.'),
    Bug('row_sums_over_batch_size', "each example's sums over its features divided by the number of examples N, "
        "batch norm's divisor, for both its mean and its variance (source: spcl/substation PR 2, \"fix mean / std "
        'calculation in layernorm sdfg": the moments were divided by the batch and sequence sizes instead of the '
        'normalized size N, https://github.com/spcl/substation/pull/2)',
        patch(REFERENCE, 'layernorm_forward', *ROW_SUMS_OVER_BATCH_SIZE),
        loses_in='layernorm_forward_values',
        explanation="each example's mean and variance divide its sums by the number of examples instead of the "
                    'number of features',
        hint='Check what each mean and variance divides its sum by.'),
    Bug('param_gradients_swapped', 'the backward returns dx, dbeta, dgamma: the two parameter gradients in each '
        "other's place (source: Oneflow-Inc/oneflow PR 6149, \"fix backward index for gamma beta\": layer norm's "
        "weight and bias gradients came out swapped against PyTorch's, https://github.com/Oneflow-Inc/oneflow/pull/6149)",
        patch(REFERENCE, 'layernorm_backward', *PARAM_GRADIENTS_SWAPPED),
        loses_in='layernorm_backward',
        explanation="dgamma and dbeta are returned in each other's place",
        hint='Compare the order of your return values with the docstring.'),
    Bug('backward_copied_from_batchnorm', "batch norm's closed-form backward pasted in: the mean's and the "
        "variance's branches summed over the examples (axis 0) instead of over each example's features (source: "
        'mlpack/mlpack PR 1389, "Layer Normalization follows directly from Batch Normalization ... so shouldn\'t '
        'the procedure for calculating Gradients also be the same?", https://github.com/mlpack/mlpack/pull/1389; '
        'mlpack/mlpack PR 1930, a failing LayerNorm gradient test "because LayerNorm directly borrows from '
        'BatchNorm", https://github.com/mlpack/mlpack/pull/1930)',
        {'layernorm_backward': BACKWARD_FROM_BATCHNORM},
        loses_in='layernorm_backward', held_out=True, family='dx_paths_wrong_axis[mean+variance,0]',
        explanation="dx's mean and variance branches are summed over the examples, as in batch norm, instead of over "
                    "each example's features",
        hint="Layer norm's statistics are per example: check the axis of every sum in dx."),
    Bug('statistics_over_whole_array', 'one mean and one variance over every element of the batch, examples and '
        'features together, with a backward whose branches sum over the whole array to match (source: '
        'Lasagne/Lasagne issue 736, "Call for Layer Normalization": a layer norm built on BatchNormLayer that '
        'also normalized over the batch axis, "Unlike @icemansina\'s implementation, my version do not normalize '
        'over batch axis (0th axis)", https://github.com/Lasagne/Lasagne/issues/736)',
        {**patch(REFERENCE, 'layernorm_forward', *WHOLE_ARRAY_FORWARD),
         **patch(REFERENCE, 'layernorm_backward', *WHOLE_ARRAY_BACKWARD)},
        loses_in='layernorm_forward_values',
        explanation='a single mean and variance over the whole batch normalize every example',
        hint='Check the shapes of your mean and variance: one per example.'),
    Bug('backward_statistics_as_constants', "dx only through x_hat, as if each example's mean and standard "
        'deviation did not depend on x (source: pytorch/functorch PR 807, layer norm\'s saved mean and rstd "don\'t '
        'propagate the gradients from the input", so they had to be recomputed from the input, '
        'https://github.com/pytorch/functorch/pull/807)',
        {'layernorm_backward': STATISTICS_AS_CONSTANTS_BACKWARD},
        loses_in='layernorm_backward', held_out=True, family='dx_direct_path_only',
        explanation="dx leaves out the paths through each example's mean and variance, as if they were constants",
        hint="Remember that each example's mean and variance are functions of x too."),
    Bug('branches_without_gamma', "gamma in the direct term of dx only: the mean's and the variance's branches "
        'are taken from dout instead of dout * gamma (source: denizyuret/Knet.jl issue 288, "Batchnorm backward on '
        'cpu doesn\'t seem to take care about scales": dy is multiplied by the scales g, but the unscaled dy * ivar '
        'computes dx, https://github.com/denizyuret/Knet.jl/issues/288)',
        patch(REFERENCE, 'layernorm_backward', *BRANCHES_FROM_DOUT),
        loses_in='layernorm_backward', family='dx_formula[dx = (dx_hat - mean(dout) - x_hat * mean(dout * x_hat)) / std]',
        explanation="the mean's and the variance's branches of dx leave out the factor gamma",
        hint='Follow the chain rule from out back to x_hat in every term of dx.'),
    Bug('row_variance_uncentred', "each example's variance taken as the mean of its squared features, without "
        'subtracting its mean first, while x_hat is still centred (source: COGMAR/RotEqNet PR 2, "bug fix on '
        'VectorBatchNorm": a normalization whose variance was the mean of the squared input, never centred, '
        'https://github.com/COGMAR/RotEqNet/pull/2)',
        patch(REFERENCE, 'layernorm_forward', *UNCENTRED_ROW_MOMENT),
        loses_in='layernorm_forward_values', family='normalizer_formula[x - mean,sqrt(mean(x ** 2) + eps),x_hat]',
        explanation="each example's variance is the mean of its squared features, without its mean subtracted",
        hint='Check what your variance measures the spread around.'),
])

__all__ = ['BUGS_HELD_OUT']
