"""Mistakes in batch norm's forward pass and running averages (its backward's:
``held_out_backward.py``; the net's: ``held_out_net.py``) reported in public, written afresh and kept apart from the
diagnosis's tuning (docs/validation.md, "The held-out part").

Each description ends with its source and its public address: a Q&A thread, an issue or pull request, a
library's documentation (facts carry over, code does not). The rate at which a bug's own mistake is named is
measured on those still marked ``held_out``; a bug a mistake family was written after (its first measurement
showed no family for it) has moved to the known part, ``held_out`` dropped.
"""
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.correct import REFERENCE, REFERENCE_VARIANCE, RUNNING_UPDATE
from autograder.validation.kinds import Bug, of_assignment, patch

EPS_DEFAULT = "eps = bn_param.get('eps', 1e-5)"
MOMENTUM_DEFAULT = "momentum = bn_param.get('momentum', 0.9)"
KERAS_BN_DOCS = 'https://www.tensorflow.org/api_docs/python/tf/keras/layers/BatchNormalization'

# One helper normalizes in both modes, and divides by the square of (var + eps) where its root belongs.
SQUARED_VARIANCE_LAYER = '''def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch norm forward pass with one normalize helper for both modes."""
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))

    def normalize(v, mean, var):
        denom = (var + eps) ** 2
        return (v - mean) / denom, denom

    if mode == 'train':
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        x_hat, denom = normalize(x, mu, var)
        out = gamma * x_hat + beta
        cache = (x_hat, x - mu, denom, gamma)
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
    elif mode == 'test':
        x_hat, _ = normalize(x, running_mean, running_var)
        out = gamma * x_hat + beta
        cache = None
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache
'''

# The batch's statistics computed once up front and the running averages updated after the if, in every mode.
UPDATE_IN_EVERY_MODE_LAYER = '''def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch norm forward pass; the batch statistics are computed once, before the mode is looked at."""
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))

    batch_mean = np.mean(x, axis=0)
    batch_var = np.var(x, axis=0)
    cache = None
    if mode == 'train':
        std = np.sqrt(batch_var + eps)
        x_hat = (x - batch_mean) / std
        out = gamma * x_hat + beta
        cache = (x_hat, x - batch_mean, std, gamma)
    elif mode == 'test':
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_hat + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = momentum * running_mean + (1 - momentum) * batch_mean
    bn_param['running_var'] = momentum * running_var + (1 - momentum) * batch_var
    return out, cache
'''

# Keras' names for the running averages: moving_mean and moving_variance, read and written under those keys.
KERAS_NAMES = (
    ("    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))\n"
     "    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))\n",
     "    running_mean = bn_param.get('moving_mean', np.zeros(D, dtype=x.dtype))\n"
     "    running_var = bn_param.get('moving_variance', np.zeros(D, dtype=x.dtype))\n"),
    ("    bn_param['running_mean'] = running_mean\n    bn_param['running_var'] = running_var\n",
     "    bn_param['moving_mean'] = running_mean\n    bn_param['moving_variance'] = running_var\n"),
)

# dgamma and dbeta averaged over the batch, both of them.
MEAN_OVER_N_TWICE = (
    ('sample_mean = x.mean(axis=0)', 'sample_mean = np.mean(x, axis=0) / N'),
)

# Train mode's standard deviation as sqrt(max(var, eps)) instead of sqrt(var + eps).
VARIANCE_CLAMPED = (
    ('std = np.sqrt(sample_var + eps)', 'std = np.sqrt(np.maximum(sample_var, eps))  # keep the variance away from 0'),
)

# Mean and variance with no axis: two scalars over every element of the batch, and a backward whose mean and
# variance branches sum over every element to match.
WHOLE_BATCH_STATISTICS = (
    ('sample_mean = x.mean(axis=0)', 'sample_mean = np.mean(x)'),
    (REFERENCE_VARIANCE, 'sample_var = np.var(x)'),
)

WHOLE_BATCH_BACKWARD = '''def batchnorm_backward(dout, cache):
    """Backward pass through the graph of the forward: one mean and one variance over the batch."""
    x_hat, xc, std, gamma = cache
    m = dout.size  # the number of values the mean and the variance average
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dxc = dx_hat / std
    dvar = -0.5 * np.sum(dx_hat * xc) / std ** 3
    dxc += 2.0 * xc * dvar / m
    dx = dxc - np.sum(dxc) / m
    return dx, dgamma, dbeta
'''

# The first train call starts the running averages at its own batch's statistics.
FIRST_BATCH_STARTS_AVERAGES = (
    (RUNNING_UPDATE, """        if 'running_mean' in bn_param:
            running_mean = momentum * running_mean + (1 - momentum) * sample_mean
            running_var = momentum * running_var + (1 - momentum) * sample_var
        else:
            # no averages yet: start them at this batch's statistics
            running_mean, running_var = sample_mean, sample_var
    elif"""),
)

# A cumulative (simple) average of every batch seen, counted in bn_param, in place of the exponential one.
CUMULATIVE_AVERAGE = (
    (RUNNING_UPDATE, """        seen = bn_param.get('num_batches_tracked', 0) + 1
        bn_param['num_batches_tracked'] = seen
        # average over all the batches seen so far
        running_mean = running_mean + (sample_mean - running_mean) / seen
        running_var = running_var + (sample_var - running_var) / seen
    elif"""),
)

# The forward caches the batch variance; the backward recomputes the standard deviation from it without eps.
MEAN_AFTER_DIVISION = (
    ('x_hat = xc * (1.0 / std)  # one division per feature, then a multiplication per element',
     'x_hat = x - sample_mean / std'),
)

# Train mode divides by the variance (plus eps) where its square root belongs.
TRAIN_STD_AS_VARIANCE = (
    ('std = np.sqrt(sample_var + eps)', 'std = sample_var + eps  # spread of each feature'),
)

# eps folded into the batch variance once, so the running variance averages var + eps.
EPS_FOLDED_INTO_VARIANCE = (
    (REFERENCE_VARIANCE, REFERENCE_VARIANCE + ' + eps  # eps added once, here'),
    ('std = np.sqrt(sample_var + eps)', 'std = np.sqrt(sample_var)'),
)

# Test mode divides by the running variance plus eps, no square root.
TEST_DIVIDES_BY_VARIANCE = (
    ('x_hat = (x - running_mean) / np.sqrt(running_var + eps)', 'x_hat = (x - running_mean) / (running_var + eps)'),
)

# dgamma from the centred input multiplied by the standard deviation instead of divided by it.
FOURTH_ROOT_SCALE = (
    ('x_hat = xc * (1.0 / std)  # one division per feature, then a multiplication per element',
     'x_hat = xc * std ** -0.5  # scale = sqrt(var + eps) ^ -0.5'),
)

# The variance as the mean of x squared, never centred; x_hat still subtracts the mean.
UNCENTRED_SECOND_MOMENT = (
    (REFERENCE_VARIANCE, 'sample_var = np.mean(x ** 2, axis=0)'),
)

# The running mean scaled by N / (N - 1) along with the running variance.
BOTH_AVERAGES_BESSEL = (
    (RUNNING_UPDATE, """        adjust = N / max(N - 1.0, 1.0)  # unbiased estimate
        running_mean = momentum * running_mean + (1 - momentum) * adjust * sample_mean
        running_var = momentum * running_var + (1 - momentum) * adjust * sample_var
    elif"""),
)

# Adam's bias correction on the running averages: raw averages kept under keys of their own, counted steps, and
# the corrected values stored as the running averages.
DEBIASED_AVERAGES = (
    (RUNNING_UPDATE, """        t = bn_param.get('t', 0) + 1
        avg_mean = bn_param.get('avg_mean', np.zeros(D, dtype=x.dtype))
        avg_var = bn_param.get('avg_var', np.zeros(D, dtype=x.dtype))
        avg_mean = momentum * avg_mean + (1 - momentum) * sample_mean
        avg_var = momentum * avg_var + (1 - momentum) * sample_var
        bn_param['t'], bn_param['avg_mean'], bn_param['avg_var'] = t, avg_mean, avg_var
        # zero-debias the averages, as Adam does for its moments
        running_mean = avg_mean / (1 - momentum ** t)
        running_var = avg_var / (1 - momentum ** t)
    elif"""),
)

# A closed-form backward that reads the batch size from dout.shape[1], the number of features.
BUGS_HELD_OUT = of_assignment(ASSIGNMENT, [
    Bug('normalizes_by_squared_variance', 'a normalize helper shared by both modes divides by (var + eps) ** 2 '
        'instead of its square root (source: jax-ml/jax issue 442, "stax.BatchNorm incorrect normalization", '
        'z = (x - mean) / (var + epsilon)**2, "the square in the denominator should probably be a square root", '
        'https://github.com/jax-ml/jax/issues/442)',
        {'batchnorm_forward': SQUARED_VARIANCE_LAYER},
        loses_in='batchnorm_forward_train',
        explanation='x - mean is divided by the square of (var + eps) instead of its square root',
        hint='Check the power your code raises var + eps to before dividing.'),
    Bug('eps_default_lasagne', "eps defaults to 1e-4, Lasagne's and Theano's default (source: Lasagne's "
        'BatchNormLayer, epsilon=1e-4 by default, http://lasagne.readthedocs.io/en/latest/modules/layers/'
        'normalization.html; Theano PR 5190, epsilon=1e-4 in its batch normalization ops, '
        'https://github.com/Theano/Theano/pull/5190)',
        patch(REFERENCE, 'batchnorm_forward', (EPS_DEFAULT, "eps = bn_param.get('eps', 1e-4)")),
        loses_in='batchnorm_forward_train', held_out=True, family='eps_default[1e-4]',
        explanation="eps defaults to another value than 1e-5 when bn_param has no 'eps'",
        hint='Check the default your code gives eps against the docstring.'),
    Bug('running_averages_updated_in_test_mode', 'the batch statistics are computed before the mode is read and the '
        'running averages are updated after the if, so test mode moves them too (source: mf1024/Batch-'
        'Renormalization-PyTorch issue 1, "Only update running averages during training", '
        'https://github.com/mf1024/Batch-Renormalization-PyTorch/issues/1)',
        {'batchnorm_forward': UPDATE_IN_EVERY_MODE_LAYER},
        loses_in='batchnorm_running_stats_test_mode',
        explanation='test mode updates the running averages with the test batch',
        hint='Check which statements run when mode is test.'),
    Bug('running_var_averages_std', 'the running variance averages the standard deviation sqrt(var + eps), not '
        'the variance (source: soumith/cudnn.torch PR 109, "NVIDIA says they are still computing '
        '/sqrt(sigma^2+eps) instead of sigma^2 in running_var", https://github.com/soumith/cudnn.torch/pull/109; '
        "torch/nn PR 609, the old running_std, https://github.com/torch/nn/pull/609)",
        patch(REFERENCE, 'batchnorm_forward', (RUNNING_UPDATE, RUNNING_UPDATE.replace(
            '(1 - momentum) * sample_var', '(1 - momentum) * std'))),
        loses_in='batchnorm_running_stats_test_mode', held_out=True, family='std_for_variance:running[std]',
        explanation='the running variance averages the standard deviation instead of the variance',
        hint='Check which statistic of the batch each running average accumulates.'),
    Bug('momentum_default_tensorflow', "momentum defaults to 0.999, TensorFlow's batch_norm decay (source: "
        'tensorlayer/TensorLayer issue 104, "the default setting of TF is 0.999", '
        'https://github.com/tensorlayer/TensorLayer/issues/104)',
        patch(REFERENCE, 'batchnorm_forward', (MOMENTUM_DEFAULT, "momentum = bn_param.get('momentum', 0.999)")),
        loses_in='batchnorm_running_stats_test_mode', held_out=True, family='momentum_default[0.999]',
        explanation="momentum defaults to another value than 0.9 when bn_param has no 'momentum'",
        hint='Check the default your code gives momentum against the docstring.'),
    Bug('running_averages_keras_names', "the running averages kept under Keras' names, bn_param['moving_mean'] and "
        "bn_param['moving_variance'] (source: Keras' BatchNormalization, whose running statistics are its "
        'moving_mean and moving_variance, ' + KERAS_BN_DOCS + ')',
        patch(REFERENCE, 'batchnorm_forward', *KERAS_NAMES),
        loses_in='batchnorm_running_stats_test_mode',
        explanation="the running averages are kept under other keys than 'running_mean' and 'running_var'",
        hint='Compare the keys your code reads and writes in bn_param with the docstring.'),
    Bug('mean_divided_by_batch_size', 'the batch mean divided by the batch size a second time, '
        'np.mean(x, axis=0) / N, and the variance taken around it (source: ethanscho/interview-followups-, a NumPy '
        'batch normalization whose mu = np.mean(x_flatten, axis=0) / batch_size, '
        'https://github.com/ethanscho/interview-followups-)',
        patch(REFERENCE, 'batchnorm_forward', *MEAN_OVER_N_TWICE),
        loses_in='batchnorm_forward_train',
        explanation='the batch mean is divided by the batch size N once more after np.mean',
        hint='Check what np.mean already divides by.'),
    Bug('variance_clamped_at_eps', 'train mode divides by sqrt(max(var, eps)) instead of sqrt(var + eps) '
        '(source: vacancy/Synchronized-BatchNorm-PyTorch issue 43, "use sqrt(max(var, eps)) instead of '
        'sqrt(var + eps)", https://github.com/vacancy/Synchronized-BatchNorm-PyTorch/issues/43)',
        patch(REFERENCE, 'batchnorm_forward', *VARIANCE_CLAMPED),
        loses_in='batchnorm_forward_train',
        explanation='the variance is clamped below at eps instead of having eps added to it',
        hint='Compare how your code combines the variance and eps with the formula in the docstring.'),
    Bug('statistics_over_whole_batch', 'np.mean(x) and np.var(x) without an axis: one mean and one variance over '
        'every element of the batch, not one per feature, with a backward that sums over every element to match (source: ap229997/Conditional-Batch-Norm issue 5, "Mean '
        'and variance over all the dimensions?", https://github.com/ap229997/Conditional-Batch-Norm/issues/5)',
        {**patch(REFERENCE, 'batchnorm_forward', *WHOLE_BATCH_STATISTICS), 'batchnorm_backward': WHOLE_BATCH_BACKWARD},
        loses_in='batchnorm_forward_train',
        explanation='a single mean and variance over the whole batch normalize every feature',
        hint='Check the shapes of your mean and variance against gamma.'),
    Bug('running_averages_start_at_first_batch', "the first train call sets the running averages to its batch's "
        'statistics instead of averaging them into zeros (source: google/flax issue 1360, "Wrong moving average '
        'from BatchNorm": for the first batch it "should just be the mean/var of the batch", '
        'https://github.com/google/flax/issues/1360)',
        patch(REFERENCE, 'batchnorm_forward', *FIRST_BATCH_STARTS_AVERAGES),
        loses_in='batchnorm_running_stats_test_mode',
        explanation="the first batch's statistics replace the running averages instead of being averaged into zeros",
        hint="Check what the running averages hold after the first train call when bn_param had none."),
    Bug('cumulative_running_average', 'the running averages are the plain average of every batch seen, counted in '
        "bn_param, as PyTorch does with momentum=None, instead of the momentum's exponential average (source: "
        'PyTorch BatchNorm1d docs, "momentum ... Can be set to None for cumulative moving average (i.e. simple '
        'average)", https://pytorch.org/docs/stable/generated/torch.nn.BatchNorm1d.html)',
        patch(REFERENCE, 'batchnorm_forward', *CUMULATIVE_AVERAGE),
        loses_in='batchnorm_running_stats_test_mode',
        explanation='the running averages are a cumulative average of the batches instead of an exponential one '
                    'with momentum',
        hint='Check how momentum enters your running averages.'),
    Bug('mean_subtracted_after_division', 'x_hat written as x - mean / std, without parentheses, so only the mean '
        'is divided by the standard deviation (source: LBANN/lbann PR 1172, "Fixing incorrect parentheses in '
        'entry-wise batchnorm", https://github.com/LBANN/lbann/pull/1172; wenwenyu/PICK-pytorch issue 97, a '
        'normalization "lack of a pair of parentheses" around the subtraction, '
        'https://github.com/wenwenyu/PICK-pytorch/issues/97)',
        patch(REFERENCE, 'batchnorm_forward', *MEAN_AFTER_DIVISION),
        loses_in='batchnorm_forward_train',
        explanation='only the mean is divided by the standard deviation and the result subtracted from x',
        hint='Check the order in which your code subtracts and divides when it computes x_hat.'),
    Bug('train_divides_by_variance', "train mode divides x - mean by the batch variance (plus eps) instead of its "
        'square root (source: rinuboney/ladder issue 17, a batch normalization z_est_bn = (z_est - m) / v with v '
        'the variance from tf.nn.moments, "v is variance, not the standard deviation", '
        'https://github.com/rinuboney/ladder/issues/17)',
        patch(REFERENCE, 'batchnorm_forward', *TRAIN_STD_AS_VARIANCE),
        loses_in='batchnorm_forward_train', held_out=True, family='variance_for_std:train',
        explanation='x - mean is divided by the batch variance plus eps instead of its square root',
        hint='Check whether what your code divides by in train mode is a variance or a standard deviation.'),
    Bug('running_var_keeps_eps', 'eps folded into the batch variance once, so the running variance averages '
        'var + eps and test mode adds eps a second time (source: keras-team/keras-contrib PR 287, the running '
        'variance "greater than actual value by eps * (1 - momentum)" after each batch, '
        'https://github.com/keras-team/keras-contrib/pull/287; chainer/chainer PR 7104, proposing to "exclude '
        '`eps` from `running_var`" in batch renormalization, https://github.com/chainer/chainer/pull/7104)',
        patch(REFERENCE, 'batchnorm_forward', *EPS_FOLDED_INTO_VARIANCE),
        loses_in='batchnorm_running_stats_test_mode', held_out=True,
        explanation='the running variance averages the batch variance plus eps',
        hint='Check which quantity your running variance accumulates, and where eps is added.'),
    Bug('test_mode_divides_by_variance', 'test mode divides x - running_mean by running_var + eps, without the '
        "square root (source: tensorflow/tensorflow issue 48039, Keras' documented inference formula "
        '(batch - moving_mean) / (moving_var + epsilon) * gamma + beta, "I think a square operation is missing", the square root, '
        'https://github.com/tensorflow/tensorflow/issues/48039)',
        patch(REFERENCE, 'batchnorm_forward', *TEST_DIVIDES_BY_VARIANCE),
        loses_in='batchnorm_running_stats_test_mode', held_out=True, family='variance_for_std:test',
        explanation='test mode divides by the running variance plus eps instead of its square root',
        hint='Compare what test mode divides by with what train mode divides by.'),
    Bug('scaled_by_fourth_root', 'x - mean multiplied by sqrt(var + eps) ** -0.5, the inverse fourth root of '
        'var + eps, where the inverse square root belongs (source: kaldi-asr/kaldi issue 1861, a BatchNormComponent '
        'comment giving scale = sqrt(var + epsilon)^{-0.5} where (var + epsilon)^{-0.5} was meant, '
        'https://github.com/kaldi-asr/kaldi/issues/1861)',
        patch(REFERENCE, 'batchnorm_forward', *FOURTH_ROOT_SCALE),
        loses_in='batchnorm_forward_train', family='normalizer_formula[x - mean,(var + eps) ** 0.25,x_hat]',
        explanation='x - mean is multiplied by sqrt(var + eps) ** -0.5, dividing by the fourth root of var + eps '
                    'instead of its square root',
        hint='Check the power of var + eps your code ends up dividing by.'),
    Bug('variance_of_uncentred_square', 'the batch variance taken as the mean of x squared, without subtracting '
        'the batch mean first, while x_hat is still centred (source: COGMAR/RotEqNet PR 2, "bug fix on '
        'VectorBatchNorm": its variance was the mean of the squared input, never centred, '
        'https://github.com/COGMAR/RotEqNet/pull/2)',
        patch(REFERENCE, 'batchnorm_forward', *UNCENTRED_SECOND_MOMENT),
        loses_in='batchnorm_forward_train', family='normalizer_formula[x - mean,sqrt(mean(x ** 2) + eps),variance]',
        explanation='the variance is the mean of x squared, without the mean subtracted first',
        hint='Check what your variance measures the spread around.'),
    Bug('running_mean_bessel_scaled', "the unbiased correction N / (N - 1) applied to both running averages, the "
        "running mean's as well as the running variance's (source: chainer/chainer issue 332, \"Unbiased estimation "
        'in batch normalization function": avg_mean was scaled by m / (m - 1) too, "only the avg_var needs to be '
        'scaled", https://github.com/chainer/chainer/issues/332)',
        patch(REFERENCE, 'batchnorm_forward', *BOTH_AVERAGES_BESSEL),
        loses_in='batchnorm_running_stats_test_mode',
        explanation='the batch mean and variance are scaled by N / (N - 1) before they enter the running averages',
        hint='Compare what enters each running average with the formula in the docstring.'),
    Bug('running_averages_zero_debiased', "the running averages bias-corrected as Adam's moments are: raw averages "
        'kept under their own keys and divided by 1 - momentum ** t before they are stored (source: '
        'tensorflow/tensorflow issue 6270, zero_debias in assign_moving_average "significantly changes the '
        'behavior", https://github.com/tensorflow/tensorflow/issues/6270; keras-team/keras PR 9003, debiased '
        'batch norm moving averages, https://github.com/keras-team/keras/pull/9003)',
        patch(REFERENCE, 'batchnorm_forward', *DEBIASED_AVERAGES),
        loses_in='batchnorm_running_stats_test_mode', held_out=True,
        explanation='the running averages are divided by 1 - momentum ** t, a bias correction the docstring does '
                    'not have',
        hint="Check the running averages your code stores against the docstring's update, step by step."),
])

__all__ = ['BUGS_HELD_OUT']
