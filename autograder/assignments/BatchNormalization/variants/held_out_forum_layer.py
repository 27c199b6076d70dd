"""Further mistakes in batch norm's layer reported in public: its forward pass and running averages, and its
backward pass, written afresh and kept apart from the diagnosis's tuning (docs/validation.md, "The held-out
part"), like ``held_out.py``, ``held_out_backward.py``, ``held_out_layer_more.py`` and
``held_out_student_layer.py``.

Each description ends with its source and its public address: a Q&A thread, an issue or pull request, a
library's documentation (facts carry over, code does not). The rate at which a bug's own mistake is named is
measured on those still marked ``held_out``; a bug a mistake family was written after (its first measurement
showed no family for it) moves to the known part, ``held_out`` dropped.
"""
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.correct import REFERENCE, RUNNING_UPDATE
from autograder.validation.kinds import Bug, of_assignment, patch

TRAIN_OUTPUT = '        out = x_hat * gamma\n        out += beta\n'
RUNNING_MEAN_LINE = '        running_mean = momentum * running_mean + (1 - momentum) * sample_mean\n'
CACHE_AND_UPDATE = ('        cache = (x_hat, xc, std, gamma)\n\n'
                    '        running_mean = momentum * running_mean + (1 - momentum) * sample_mean\n'
                    '        running_var = momentum * running_var + (1 - momentum) * sample_var\n')

# The running averages are fed the mean and variance of the layer's output instead of the batch statistics.
RUNNING_FROM_OUTPUT = (
    (RUNNING_UPDATE,
     '        running_mean = momentum * running_mean + (1 - momentum) * out.mean(axis=0)\n'
     '        running_var = momentum * running_var + (1 - momentum) * out.var(axis=0)\n    elif'),
)

# The running "variance" averages the inverse standard deviation of each batch.
RUNNING_INVERSE_STD = (
    (RUNNING_UPDATE,
     RUNNING_MEAN_LINE + '        running_var = momentum * running_var + (1 - momentum) * (1.0 / std)\n    elif'),
)

# The shift is added inside the scale: gamma * (x_hat + beta).
SHIFT_INSIDE_SCALE = (
    (TRAIN_OUTPUT, '        out = gamma * (x_hat + beta)\n'),
)

# A wrong name in one of the two look-alike lines: the running mean decays the running variance.
RUNNING_MEAN_FROM_RUNNING_VAR = (
    (RUNNING_UPDATE,
     '        running_mean = momentum * running_var + (1 - momentum) * sample_mean\n'
     '        running_var = momentum * running_var + (1 - momentum) * sample_var\n    elif'),
)

# The cache keeps the standard deviation of the running variance, which the backward then divides by.
BACKWARD_RUNNING_STD = (
    (CACHE_AND_UPDATE,
     '        running_mean = momentum * running_mean + (1 - momentum) * sample_mean\n'
     '        running_var = momentum * running_var + (1 - momentum) * sample_var\n'
     '        # the backward uses the standard deviation the layer keeps for test time\n'
     '        cache = (x_hat, xc, np.sqrt(running_var + eps), gamma)\n'),
)

# The graph backward counts every element of the batch, N * D, where the batch size N belongs.
COUNT_EVERY_ELEMENT = (
    ('    x_hat, xc, std, gamma = cache\n    N = dout.shape[0]\n',
     '    x_hat, xc, std, gamma = cache\n    N = dout.size  # number of values the statistics are taken over\n'),
)

# The mean's gradient gets the paper's term dvar * mean(-2 * (x - mu)), written with x uncentred.
MEAN_TERM_UNCENTRED_FORWARD = (
    ('        cache = (x_hat, xc, std, gamma)\n', '        cache = (x_hat, xc, std, gamma, x)\n'),
)
MEAN_TERM_UNCENTRED_BACKWARD = (
    ('    x_hat, xc, std, gamma = cache\n', '    x_hat, xc, std, gamma, x = cache\n'),
    ('    dx = dxc - dxc.sum(axis=0) / N\n',
     '    dmu = -np.sum(dxc, axis=0) + dvar * np.mean(-2.0 * x, axis=0)\n'
     '    dx = dxc + dmu / N\n'),
)

# The closed form written with sums where the mean of dx_hat * x_hat belongs.
CLOSED_FORM_PROJECTION_SUMMED = '''def batchnorm_backward(dout, cache):
    """Closed form: dx = (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat)) / std."""
    x_hat, _, std, gamma = cache
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dx = (dx_hat - np.mean(dx_hat, axis=0) - x_hat * np.sum(dx_hat * x_hat, axis=0)) / std
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """Already in closed form above."""
    return batchnorm_backward(dout, cache)
'''

BUGS_HELD_OUT_FORUM_LAYER = of_assignment(ASSIGNMENT, [
    Bug('running_averages_from_output', 'the running mean and variance average the mean and variance of the '
        'layer\'s output, gamma * x_hat + beta, instead of the batch statistics of its input (source: '
        'sainatarajan/adabn-pytorch issue 1, "the __call__ method seems to be processing the outputs of '
        'BatchNorm layers rather than the inputs", the statistics then used to update running_mean and '
        'running_var, https://github.com/sainatarajan/adabn-pytorch/issues/1)',
        patch(REFERENCE, 'batchnorm_forward', *RUNNING_FROM_OUTPUT),
        loses_in='batchnorm_running_stats_test_mode', held_out=True,
        explanation='the running averages are updated with the mean and variance of the output instead of the '
                    'batch mean and variance of x',
        hint='Check which array the statistics in your running-average update are taken from.'),
    Bug('running_var_averages_inverse_std', 'the running variance averages each batch\'s inverse standard '
        'deviation, 1 / sqrt(var + eps), while test mode reads it as a variance (source: torch/nn pull request '
        '700, documenting the running estimate as "running_inv_std = (1 - alpha) * running_inv_std + alpha * '
        'batch_inv_std", answered "now it\'s the variance that is updated by moving averages", '
        'https://github.com/torch/nn/pull/700)',
        patch(REFERENCE, 'batchnorm_forward', *RUNNING_INVERSE_STD),
        loses_in='batchnorm_running_stats_test_mode', family='running_update_formula[running_mean = momentum * running_mean + (1 - momentum) * the batch mean,running_var = momentum * running_var + (1 - momentum) * the inverse standard deviation 1 / sqrt(var + eps)]',
        explanation='the running variance averages the inverse standard deviation of each batch instead of its '
                    'variance',
        hint='Check what quantity your running variance accumulates and what test mode expects it to be.'),
    Bug('train_output_shift_inside_scale', 'the train-mode output adds beta before scaling, gamma * (x_hat + '
        'beta), so the shift is multiplied by gamma too (source: rinuboney/ladder issue 20, the batch-normalized '
        'layer computed as "tf.nn.softmax(weights[\'gamma\'][l-1] * (z+weights[\'beta\'][l-1]))", '
        'https://github.com/rinuboney/ladder/issues/20)',
        patch(REFERENCE, 'batchnorm_forward', *SHIFT_INSIDE_SCALE),
        loses_in='batchnorm_forward_train', family='output_formula[out = gamma * x_hat + gamma * beta]',
        explanation='the train-mode output is gamma * (x_hat + beta): beta is added before the scale instead of '
                    'after it',
        hint='Check the order of the scale and the shift in your train-mode output.'),
    Bug('running_mean_decays_running_var', 'the running mean\'s update decays running_var instead of '
        'running_mean, a wrong name in one of two look-alike lines (source: NVIDIA/apex pull request 233, '
        '"Fix a typo in optimized_sync_batchnorm_kernel.py": "in line 54, running_var should be '
        'running_variance", a wrong name in the running-statistics update, https://github.com/NVIDIA/apex/pull/233)',
        patch(REFERENCE, 'batchnorm_forward', *RUNNING_MEAN_FROM_RUNNING_VAR),
        loses_in='batchnorm_running_stats_test_mode', held_out=True,
        explanation='the running mean is updated from momentum * running_var instead of momentum * '
                    'running_mean',
        hint='Read each running-average line and check that it decays its own previous value.'),
    Bug('backward_std_from_running_variance', 'the train-mode cache keeps sqrt(running_var + eps), so the '
        'backward divides by the running standard deviation instead of the batch\'s own (source: torch/nn pull '
        'request 768, "I\'m confused why the back-prop of batchnormalization uses save_mean and save_std. '
        'Shouldn\'t we use running_mean and running_std?", https://github.com/torch/nn/pull/768)',
        patch(REFERENCE, 'batchnorm_forward', *BACKWARD_RUNNING_STD),
        loses_in='batchnorm_backward', held_out=True,
        explanation='the backward divides by the standard deviation of the running variance instead of that of '
                    'the batch the forward normalized with',
        hint='Check which standard deviation your backward pass uses: the one the train-mode output was computed '
             'with?'),
    Bug('backward_count_is_every_element', 'the graph backward divides the mean\'s and the variance\'s branches '
        'by the number of elements N * D instead of the batch size N (source: pjreddie/darknet issue 1634, '
        '"Questions about batchnorm_backward_layer", the branches divided "/ (spatial * batch)" where the paper '
        'has "/ batch", https://github.com/pjreddie/darknet/issues/1634)',
        patch(REFERENCE, 'batchnorm_backward', *COUNT_EVERY_ELEMENT),
        loses_in='batchnorm_backward', held_out=True,
        explanation='the backward divides by the number of elements N * D where the batch size N belongs',
        hint='Over how many values is each feature\'s mean taken? Use that count in the backward.'),
    Bug('mean_gradient_variance_term_uncentred', 'the gradient of the batch mean includes the paper\'s term '
        'dvar * mean(-2 * (x - mu)), but written with x uncentred, which does not vanish (source: '
        'pjreddie/darknet issue 1723, "mean delta is also related to variance", adding to the mean\'s gradient '
        'the variance\'s term summed over x - mean, https://github.com/pjreddie/darknet/issues/1723)',
        {**patch(REFERENCE, 'batchnorm_forward', *MEAN_TERM_UNCENTRED_FORWARD),
         **patch(REFERENCE, 'batchnorm_backward', *MEAN_TERM_UNCENTRED_BACKWARD)},
        loses_in='batchnorm_backward', held_out=True,
        explanation='the mean\'s gradient adds dvar * mean(-2 * x) with x uncentred, where the paper\'s term is '
                    'dvar * mean(-2 * (x - mean)), which is zero',
        hint='Check the variance\'s contribution to the mean\'s gradient: is x centred there?'),
    Bug('closed_form_projection_summed', 'the closed-form dx subtracts x_hat times the sum of dx_hat * x_hat over '
        'the batch where its mean belongs (source: BVLC/caffe issue 3912, the closed form quoted as "dE(Y)/dX = '
        '(dE/dY - mean(dE/dY) - mean(dE/dY \\cdot Y) \\cdot Y) ./ sqrt(var(X) + eps)", '
        'https://github.com/BVLC/caffe/issues/3912)',
        {'batchnorm_backward': CLOSED_FORM_PROJECTION_SUMMED},
        loses_in='batchnorm_backward', held_out=True, family='dx_path_factor:variance[N]',
        explanation='dx subtracts x_hat * sum(dx_hat * x_hat) where the closed form has x_hat * '
                    'mean(dx_hat * x_hat)',
        hint='Compare each term of your closed form with the formula: a sum or a mean over the batch?'),
])
