"""Further mistakes in layer normalization reported in public, written afresh and kept apart from the diagnosis's
tuning (docs/validation.md, "The held-out part"), like ``held_out.py`` and ``held_out_more.py``.

Each description ends with its source and its public address (facts carry over, code does not). The rate at which a
bug's own mistake is named is measured on those still marked ``held_out``; a bug a mistake family was written
after (its first measurement showed no family for it) moves to the known part, ``held_out`` dropped.
"""
from autograder.assignments.LayerNormalization import ASSIGNMENT
from autograder.assignments.LayerNormalization.variants.correct import REFERENCE
from autograder.validation.kinds import Bug, of_assignment, patch

DX_LINES = ('    dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True)\n'
            '          - x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)) / std\n')
PARAM_LINES = '    dbeta = dout.sum(axis=0)\n    dgamma = np.sum(dout * x_hat, axis=0)\n    dx_hat = dout * gamma\n'

# The projection mean(dx_hat * x_hat) over each example's features is gathered in a loop that assigns instead of
# accumulating, so only the last feature's term is kept.
PROJECTION_LAST_FEATURE = (
    (DX_LINES,
     '    D = dout.shape[1]\n'
     '    proj = np.zeros((dout.shape[0], 1))\n'
     '    for j in range(D):\n'
     '        proj = dx_hat[:, j:j + 1] * x_hat[:, j:j + 1] / D\n'
     '    dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True) - x_hat * proj) / std\n'),
)

# The forward returns x_hat, never scaled by gamma nor shifted by beta; the backward is that forward's own.
WITHOUT_SCALE_AND_SHIFT = (
    ('    out = gamma * x_hat + beta\n', '    out = x_hat\n'),
)
WITHOUT_SCALE_AND_SHIFT_BACKWARD = (
    (PARAM_LINES,
     '    dbeta = np.zeros_like(gamma)\n    dgamma = np.zeros_like(gamma)\n    dx_hat = dout\n'),
)

# The forward caches its output; the backward recovers x_hat as out / gamma, leaving beta in.
X_HAT_FROM_OUTPUT = (
    ('    cache = (x_hat, std, gamma)\n', '    cache = (out, std, gamma)\n'),
)
X_HAT_FROM_OUTPUT_BACKWARD = (
    ('    x_hat, std, gamma = cache\n',
     '    out, std, gamma = cache\n    x_hat = out / gamma  # undo the scale to get the normalized input back\n'),
)

BUGS_HELD_OUT_STUDENT = of_assignment(ASSIGNMENT, [
    Bug('projection_from_last_feature_only', 'the variance\'s branch of dx gathers mean(dx_hat * x_hat) over each '
        'example\'s features in a loop that assigns instead of accumulating, so only the last feature\'s term '
        'survives (source: tenstorrent/tt-metal issue 53204, layernorm_bw: "only the last block\'s contribution to '
        'mean(dy·γ·x̂) survived", https://github.com/tenstorrent/tt-metal/issues/53204)',
        patch(REFERENCE, 'layernorm_backward', *PROJECTION_LAST_FEATURE),
        loses_in='layernorm_backward', held_out=True,
        explanation='the mean of dx_hat * x_hat over each example\'s features keeps only the last feature\'s term '
                    'because the loop assigns instead of accumulating',
        hint='Follow the loop over the features in the variance\'s branch: what does each pass do to the total?'),
    Bug('forward_without_scale_and_shift', 'the forward returns the normalized x_hat without multiplying by gamma '
        'or adding beta (source: tiny-dnn/tiny-dnn issue 292, "Why doesn\'t the batch normalization layer apply '
        'scaling and shifting like in the original paper?", a normalization layer ported without its scale and '
        'bias, https://github.com/tiny-dnn/tiny-dnn/issues/292)',
        {**patch(REFERENCE, 'layernorm_forward', *WITHOUT_SCALE_AND_SHIFT),
         **patch(REFERENCE, 'layernorm_backward', *WITHOUT_SCALE_AND_SHIFT_BACKWARD)},
        loses_in='layernorm_forward_values', family='output_formula[out = x_hat]',
        explanation='the output is x_hat itself, never scaled by gamma nor shifted by beta',
        hint='Check that your output applies the learnable scale and shift after normalizing.'),
    Bug('x_hat_recovered_without_beta', 'the forward caches its output and the backward recovers x_hat as '
        'out / gamma, forgetting to subtract beta first (source: deepspeedai/DeepSpeed pull request 692, the '
        'invertible LayerNorm backward: "gradients of gamma and beta are to be computed, we need to get '
        'val = (output-beta) / gamma", https://github.com/deepspeedai/DeepSpeed/pull/692)',
        {**patch(REFERENCE, 'layernorm_forward', *X_HAT_FROM_OUTPUT),
         **patch(REFERENCE, 'layernorm_backward', *X_HAT_FROM_OUTPUT_BACKWARD)},
        loses_in='layernorm_backward', held_out=True,
        explanation='the backward recovers x_hat from the output as out / gamma without first subtracting beta',
        hint='Check how the backward gets x_hat back: the output is gamma * x_hat + beta.'),
])
