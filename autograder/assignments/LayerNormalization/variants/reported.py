"""Mistakes (and right answers) reported in public discussions of layer normalization, written afresh.

Each description ends with its source and its public address (facts carry over, code does not). Variants
marked ``held_out`` are kept apart from the diagnosis's tuning (docs/validation.md).
"""
from autograder.assignments.LayerNormalization import ASSIGNMENT
from autograder.assignments.LayerNormalization.variants.correct import REFERENCE, REFERENCE_VARIANCE
from autograder.validation.kinds import Bug, CorrectVariant, of_assignment, patch

TRANSPOSED = '''def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get('eps', 1e-5)
    xt = x.T                                   # features x examples: batch norm's statistics, per column
    mean = xt.mean(axis=0)
    xc = xt - mean
    var = (xc ** 2).mean(axis=0)
    std = np.sqrt(var + eps)
    x_hat = (xc / std).T
    return gamma * x_hat + beta, (x_hat, std[:, None], gamma)


def layernorm_backward(dout, cache):
    x_hat, std, gamma = cache
    dgamma = np.sum(dout * x_hat, axis=0)
    dbeta = np.sum(dout, axis=0)
    dxt = (dout * gamma).T                      # batch norm's backward, per column, then back
    xt_hat = x_hat.T
    N = dxt.shape[0]
    dx = (N * dxt - dxt.sum(axis=0) - xt_hat * np.sum(dxt * xt_hat, axis=0)) / (N * std.T)
    return dx.T, dgamma, dbeta
'''

EPS_DEFAULT = "eps = ln_param.get('eps', 1e-5)"

# The row sums of the backward (the mean's and the variance's branches) taken over the whole array, not per row.
BACKWARD_WHOLE_ARRAY_SUMS = (
    ("dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True)", "dx = (dx_hat - dx_hat.mean()"),
    ("- x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)) / std", "- x_hat * np.mean(dx_hat * x_hat)) / std"),
)

CORRECT_REPORTED = of_assignment(ASSIGNMENT, [
    CorrectVariant('transposed_batch_norm', "layer norm as batch norm of the transposed input (source: "
                   'PaddlePaddle issue 7174, "layer normalization is just transpose the input X first, and then the '
                   'left calculation is the same as in batch normalization", '
                   'https://github.com/PaddlePaddle/Paddle/issues/7174)', {
                       'layernorm_forward': TRANSPOSED.split('\n\n\n')[0] + '\n',
                       'layernorm_backward': TRANSPOSED.split('\n\n\n')[1]}),
    CorrectVariant('last_axis', 'the statistics over axis=-1, the last axis, which for (N, D) input is axis 1 '
                   '(source: tensorflow/docs PR 1737, "Correct the LayerNormalization axis from 1 to -1", answered '
                   'that the default is already -1, https://github.com/tensorflow/docs/pull/1737)',
                   patch(REFERENCE, 'layernorm_forward', ('mean = x.mean(axis=1, keepdims=True)',
                                                          'mean = x.mean(axis=-1, keepdims=True)'),
                         (REFERENCE_VARIANCE, '    var = np.mean(xc * xc, axis=-1, keepdims=True)\n'))),
])

BUGS_REPORTED = of_assignment(ASSIGNMENT, [
    Bug('batch_axis_forward_only', 'the forward normalizes over the batch (axis 0); the backward is the right one '
        '(source: issue 22, real layer sets whose right backward lost points to a wrong-axis forward; statistics '
        'over the wrong axes reported against Keras\' LayerNormalization in keras-team/tf-keras issue 173, '
        'https://github.com/keras-team/tf-keras/issues/173)',
        patch(REFERENCE, 'layernorm_forward', ('mean = x.mean(axis=1, keepdims=True)', 'mean = x.mean(axis=0, keepdims=True)'),
              (REFERENCE_VARIANCE, '    var = np.mean(xc * xc, axis=0, keepdims=True)\n')),
        loses_in='layernorm_forward_values',
        explanation='each feature is normalized over the batch (axis 0), as batch norm does',
        hint='Layer norm normalizes each example over its own features: check the axis of your mean and variance.'),
    Bug('unbiased_variance', "the variance divides by D - 1, torch.var's default (source: PyTorch torch.var docs, "
        'correction=1 by default, https://pytorch.org/docs/stable/generated/torch.var.html)',
        patch(REFERENCE, 'layernorm_forward', (REFERENCE_VARIANCE, '    var = x.var(axis=1, ddof=1, keepdims=True)\n')),
        loses_in='layernorm_forward_values', held_out=True, family='unbiased_variance',
        explanation='the variance is the unbiased one (dividing by D - 1)',
        hint='Layer norm divides by the number of features D: check which variance your code computes.'),
    Bug('eps_default_keras', "eps defaults to 1e-3 (source: Keras' LayerNormalization, epsilon=0.001 by default, "
        'https://www.tensorflow.org/api_docs/python/tf/keras/layers/LayerNormalization)',
        patch(REFERENCE, 'layernorm_forward', ("eps = ln_param.get('eps', 1e-5)", "eps = ln_param.get('eps', 1e-3)")),
        loses_in='layernorm_forward_values', held_out=True, family='eps_default[1e-3]',
        explanation="eps defaults to another value than 1e-5 when ln_param has no 'eps'",
        hint='Check the default your code gives eps against the docstring.'),
    Bug('eps_default_flax', "eps defaults to 1e-6 (source: Flax's LayerNorm, epsilon=1e-06 by default, "
        'https://flax.readthedocs.io/en/v0.6.10/api_reference/_autosummary/flax.linen.LayerNorm.html)',
        patch(REFERENCE, 'layernorm_forward', (EPS_DEFAULT, "eps = ln_param.get('eps', 1e-6)")),
        loses_in='layernorm_forward_values', held_out=True, family='eps_default[1e-6]',
        explanation="eps defaults to another value than 1e-5 when ln_param has no 'eps'",
        hint='Check the default your code gives eps against the docstring.'),
    Bug('eps_default_bert', "eps defaults to 1e-12, BERT's layer_norm_eps (source: Hugging Face BertConfig, "
        'layer_norm_eps defaults to 1e-12, https://huggingface.co/docs/transformers/model_doc/bert)',
        patch(REFERENCE, 'layernorm_forward', (EPS_DEFAULT, "eps = ln_param.get('eps', 1e-12)")),
        loses_in='layernorm_forward_values',
        explanation="eps defaults to another value than 1e-5 when ln_param has no 'eps'",
        hint='Check the default your code gives eps against the docstring.'),
    Bug('backward_sums_whole_array', "the backward's mean and variance branches summed over the whole array, not "
        'over each row (source: flagos-ai/FlagGems PR 59, a layer_norm backward whose tl.sum had no axis, '
        'https://github.com/flagos-ai/FlagGems/pull/59)',
        patch(REFERENCE, 'layernorm_backward', *BACKWARD_WHOLE_ARRAY_SUMS),
        loses_in='layernorm_backward',
        explanation="the mean's and the variance's branches of dx are summed over the whole batch, not per example",
        hint='Layer norm statistics are per example: check the axis of the sums in your backward.'),
])

__all__ = ['BUGS_REPORTED', 'CORRECT_REPORTED']
