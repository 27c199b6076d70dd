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
])

__all__ = ['BUGS_HELD_OUT']
