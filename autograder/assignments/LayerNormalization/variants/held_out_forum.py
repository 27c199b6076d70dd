"""Further mistakes in layer normalization reported in public, written afresh and kept apart from the diagnosis's
tuning (docs/validation.md, "The held-out part"), like ``held_out.py``, ``held_out_more.py`` and
``held_out_student.py``.

Each description ends with its source and its public address (facts carry over, code does not). The rate at which a
bug's own mistake is named is measured on those still marked ``held_out``; a bug a mistake family was written
after (its first measurement showed no family for it) moves to the known part, ``held_out`` dropped.
"""
from autograder.assignments.LayerNormalization import ASSIGNMENT
from autograder.assignments.LayerNormalization.variants.correct import REFERENCE
from autograder.validation.kinds import Bug, of_assignment, patch

DX_LINES = ('    dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True)\n'
            '          - x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)) / std\n')
STD_LINE = '    std = np.sqrt(var + eps)\n'
CACHE_LINE = '    cache = (x_hat, std, gamma)\n'
UNPACK_LINE = '    x_hat, std, gamma = cache\n'

# The mean is left on batch norm's axis (each feature over the examples) while the variance is taken per example
# around it; the backward is that forward's own.
MEAN_OVER_BATCH_AXIS = (
    ('    mean = x.mean(axis=1, keepdims=True)\n', '    mean = x.mean(axis=0, keepdims=True)\n'),
)
MEAN_OVER_BATCH_AXIS_BACKWARD = (
    (DX_LINES,
     '    dxc = (dx_hat - x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)) / std\n'
     '    dx = dxc - dxc.mean(axis=0, keepdims=True)\n'),
)

# eps goes under the square root and is added once more to the standard deviation; the backward is that
# forward's own.
EPS_TWICE = (
    (STD_LINE, '    root = np.sqrt(var + eps)\n    std = root + eps  # keep the division safe\n'),
    (CACHE_LINE, '    cache = (x_hat, std, gamma, root)\n'),
)
EPS_TWICE_BACKWARD = (
    (UNPACK_LINE, '    x_hat, std, gamma, root = cache\n'),
    (DX_LINES,
     '    dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True)\n'
     '          - x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True) * std / root) / std\n'),
)

# eps lands on the feature count, sum / (D + eps), instead of on the variance; the backward is that forward's own.
EPS_ON_FEATURE_COUNT = (
    ("    var = np.einsum('ij,ij->i', xc, xc)[:, None] / D\n",
     "    count = D + eps\n    var = np.einsum('ij,ij->i', xc, xc)[:, None] / count\n"),
    (STD_LINE, '    std = np.sqrt(var)\n'),
    (CACHE_LINE, '    cache = (x_hat, std, gamma, count)\n'),
)
EPS_ON_FEATURE_COUNT_BACKWARD = (
    (UNPACK_LINE, '    x_hat, std, gamma, count = cache\n'),
    (DX_LINES,
     '    dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True)\n'
     '          - x_hat * np.sum(dx_hat * x_hat, axis=1, keepdims=True) / count) / std\n'),
)

BUGS_HELD_OUT_FORUM = of_assignment(ASSIGNMENT, [
    Bug('mean_over_batch_axis', 'the mean is still taken over the batch (axis 0), as in batch norm, while the '
        'variance is taken over each example\'s features around it (source: GokuMohandas/fast-weights issue 9, '
        '"Layer normalization not done correctly": in one model the "mean and standard deviation are '
        'incorrectly calculated as they would be for batch normalization", with reduction_indices=0, '
        'https://github.com/GokuMohandas/fast-weights/issues/9)',
        {**patch(REFERENCE, 'layernorm_forward', *MEAN_OVER_BATCH_AXIS),
         **patch(REFERENCE, 'layernorm_backward', *MEAN_OVER_BATCH_AXIS_BACKWARD)},
        loses_in='layernorm_forward_values', held_out=True, family='statistic_wrong_axis[mean]',
        explanation='the mean subtracted is each feature\'s mean over the batch (axis 0) instead of each example\'s '
                    'mean over its features (axis 1)',
        hint='Check the axis of every statistic in your forward: layer norm takes each one over an example\'s '
             'features.'),
    Bug('eps_added_twice', 'eps is added to the variance under the square root and once more to the standard '
        'deviation, (x - mean) / (sqrt(var + eps) + eps) (source: keras-team/keras pull request 2961, the '
        'sample-wise normalization "std = K.sqrt(K.var(x, axis=-1, keepdims=True) + self.epsilon); x_normed = '
        '(x - m) / (std + self.epsilon)", a reviewer asking "Is that OK that self.epsilon is added twice", '
        'https://github.com/keras-team/keras/pull/2961)',
        {**patch(REFERENCE, 'layernorm_forward', *EPS_TWICE),
         **patch(REFERENCE, 'layernorm_backward', *EPS_TWICE_BACKWARD)},
        loses_in='layernorm_forward_values', family='normalizer_formula[x - mean,sqrt(var + eps) + eps,x_hat]',
        explanation='eps is added twice: once to the variance under the square root and again to the standard '
                    'deviation',
        hint='Count how many times eps enters your denominator.'),
    Bug('eps_on_feature_count', 'each example\'s variance divides its sum of squares by D + eps, and no eps is '
        'added to the variance itself (source: xlite-dev/LeetCUDA issue 309, '
        '"LayerNorm核函数中epsilon位置可能错误": '
        '"s_variance = rsqrtf(variance / ((float)K + epsilon))", epsilon added to the feature count K instead of '
        'to the variance, https://github.com/xlite-dev/LeetCUDA/issues/309)',
        {**patch(REFERENCE, 'layernorm_forward', *EPS_ON_FEATURE_COUNT),
         **patch(REFERENCE, 'layernorm_backward', *EPS_ON_FEATURE_COUNT_BACKWARD)},
        loses_in='layernorm_forward_values', held_out=True,
        explanation='eps is added to the number of features D in the variance\'s denominator instead of to the '
                    'variance before the square root',
        hint='Check where eps goes in your variance and standard deviation.'),
])
