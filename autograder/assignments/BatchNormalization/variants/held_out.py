"""Mistakes in batch normalization and its net reported in public, written afresh and kept apart from the
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

REG_LOOP = ('''        for i in range(1, L + 1):
            W = self.params['W%d' % i]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads['W%d' % i] += self.reg * W
''')

# The penalty and its gradient on the output layer's weights alone.
L2_OUTPUT_LAYER_ONLY = (
    (REG_LOOP, '''        W_out = self.params['W%d' % L]
        loss += 0.5 * self.reg * np.sum(W_out * W_out)
        grads['W%d' % L] += self.reg * W_out
'''),
)

# The penalty in the loss, nothing in the gradients.
REG_ONLY_IN_LOSS = (
    (REG_LOOP, '''        reg_loss = 0.0
        for i in range(1, L + 1):
            W = self.params['W%d' % i]
            reg_loss += 0.5 * self.reg * np.sum(W * W)
        loss += reg_loss
'''),
)

# Inverted dropout in training, and the test-time activations scaled by the keep probability as well.
DROPOUT_SCALED_AT_TEST = (
    ("                h, caches['dropout%d' % i] = dropout_forward(h, self.dropout_param)\n",
     "                h, caches['dropout%d' % i] = dropout_forward(h, self.dropout_param)\n"
     "                if mode == 'test':\n"
     "                    h = h * (1 - self.dropout_param['p'])  # scale by the keep probability at test time\n"),
)

# The batch mean divided by the batch size a second time; the variance is taken around that mean.
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
BIASES_AT_001 = (
    ("self.params['b%d' % i] = np.zeros(d_out)", "self.params['b%d' % i] = 0.01 * np.ones(d_out)  # ReLUs start active"),
)

# He initialization in place of weight_scale.
HE_INIT = (
    ("self.params['W%d' % i] = weight_scale * np.random.randn(d_in, d_out)",
     "self.params['W%d' % i] = np.random.randn(d_in, d_out) * np.sqrt(2.0 / d_in)  # He init for ReLU"),
)

# Dropout computed into a new name that the next layer never reads; its backward still applies the mask.
DROPOUT_OUTPUT_UNUSED = (
    ("                h, caches['dropout%d' % i] = dropout_forward(h, self.dropout_param)\n",
     "                h_drop, caches['dropout%d' % i] = dropout_forward(h, self.dropout_param)\n"),
)

# x_hat written without parentheses: the mean divided by the standard deviation, then subtracted from x.
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
L2_SKIPS_OUTPUT_LAYER = (
    ('        for i in range(1, L + 1):\n            W = self.params', '        for i in range(1, L):\n            W = self.params'),
)

# Dropout applied in the forward pass; its mask never applied to the gradient on the way back.
DROPOUT_BACKWARD_SKIPPED = (
    ("            if self.use_dropout:\n                dh = dropout_backward(dh, caches['dropout%d' % i])\n", ''),
)

# gamma and beta started at each other's values: gamma at zeros, beta at ones.
GAMMA_BETA_STARTS_SWAPPED = (
    ("self.params['gamma%d' % i] = np.ones(d_out)", "self.params['gamma%d' % i] = np.zeros(d_out)"),
    ("self.params['beta%d' % i] = np.zeros(d_out)", "self.params['beta%d' % i] = np.ones(d_out)"),
)

# x - mean multiplied by sqrt(var + eps) ** -0.5, the fourth root's inverse, where the inverse square root belongs.
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
WEIGHT_SCALE_AS_MEAN = (
    ("self.params['W%d' % i] = weight_scale * np.random.randn(d_in, d_out)",
     "self.params['W%d' % i] = np.random.normal(weight_scale, size=(d_in, d_out))"),
)

# Dropout applied to the output layer's scores as well, and its mask on dscores on the way back.
DROPOUT_ON_SCORES = (
    ("        scores, caches['output'] = affine_forward(h, self.params['W%d' % L], self.params['b%d' % L])\n",
     "        scores, caches['output'] = affine_forward(h, self.params['W%d' % L], self.params['b%d' % L])\n"
     "        if self.use_dropout:\n"
     "            scores, caches['dropout_out'] = dropout_forward(scores, self.dropout_param)\n"),
    ("        loss, dscores = softmax_loss(scores, y)\n",
     "        loss, dscores = softmax_loss(scores, y)\n"
     "        if self.use_dropout:\n"
     "            dscores = dropout_backward(dscores, caches['dropout_out'])\n"),
)

# The scores turned into probabilities before softmax_loss, which applies its own softmax; dscores goes straight
# back into the last affine layer.
SOFTMAX_BEFORE_LOSS = (
    ("        loss, dscores = softmax_loss(scores, y)\n",
     "        probs = np.exp(scores - scores.max(axis=1, keepdims=True))\n"
     "        probs /= probs.sum(axis=1, keepdims=True)\n"
     "        loss, dscores = softmax_loss(probs, y)\n"),
)

# The penalty 0.5 * reg * sum(W ** 2) in the loss, and 2 * reg * W, the gradient of reg * sum(W ** 2), in grads.
L2_GRADIENT_DOUBLED = (
    ("grads['W%d' % i] += self.reg * W", "grads['W%d' % i] += 2 * self.reg * W"),
)

# The penalty and its gradient divided by the batch size, as the data loss is.
L2_OVER_BATCH = (
    (REG_LOOP, '''        N = X.shape[0]
        for i in range(1, L + 1):
            W = self.params['W%d' % i]
            loss += 0.5 * self.reg * np.sum(W * W) / N
            grads['W%d' % i] += self.reg * W / N
'''),
)

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
    Bug('l2_on_output_layer_only', "the L2 penalty and its gradient cover the output layer's weights only (source: "
        'Stack Overflow "TensorFlow - regularization with L2 loss, how to apply to all weights, not just last '
        'one?", https://stackoverflow.com/questions/38286717/)',
        patch(REFERENCE, 'fc_net', *L2_OUTPUT_LAYER_ONLY),
        loses_in='fc_net_loss_and_gradients', held_out=True, family='l2_layers[last]',
        explanation="only the last layer's weights are regularized",
        hint='Check which weight matrices the regularization term covers.'),
    Bug('l2_missing_from_gradients', 'the L2 penalty added to the loss but not its gradient to grads (source: Data '
        'Science Stack Exchange "Why would we add regularization loss to the gradient itself", '
        'https://datascience.stackexchange.com/questions/111993/)',
        patch(REFERENCE, 'fc_net', *REG_ONLY_IN_LOSS),
        loses_in='fc_net_loss_and_gradients', held_out=True, family='l2_weighting[0.5,0]',
        explanation='the weight gradients leave out the regularization term',
        hint='Every term of the loss contributes to the gradients: check the regularization term.'),
    Bug('dropout_scaled_at_test_time', 'inverted dropout in training and, at test time, the activations also '
        'multiplied by the keep probability 1 - p (source: keras-team/keras PR 8069, "At test time ... the '
        'weights are multiplied by p", closed since "The scaling happens at training time", '
        'https://github.com/keras-team/keras/pull/8069; karpathy/convnetjs PR 106, '
        'https://github.com/karpathy/convnetjs/pull/106)',
        patch(REFERENCE, 'fc_net', *DROPOUT_SCALED_AT_TEST),
        loses_in='fc_net_test_mode', held_out=True, family='dropout_test_scaled[(1 - p)]',
        explanation='the test-time activations are scaled by 1 - p on top of inverted dropout',
        hint='Check what dropout should do at test time when its training pass already rescales.'),
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
    Bug('biases_start_at_0_01', "the biases start at 0.01 so that every ReLU fires at first (source: Stack Overflow "
        '"Initial bias values for a neural network", quoting the CS231n notes: "some people like to use small '
        'constant value such as 0.01 for all biases", https://stackoverflow.com/questions/44883861/)',
        patch(REFERENCE, 'fc_net', *BIASES_AT_001),
        loses_in='fc_net_init',
        explanation='the biases start at 0.01 instead of zero',
        hint="Compare your biases' starting value with the docstring."),
    Bug('he_init_ignores_weight_scale', 'the weights drawn with He initialization, randn * sqrt(2 / d_in), whatever '
        'weight_scale says (source: the CS231n notes recommend w = np.random.randn(n) * sqrt(2.0/n) for ReLU '
        'networks, https://cs231n.github.io/neural-networks-2/)',
        patch(REFERENCE, 'fc_net', *HE_INIT),
        loses_in='fc_net_init', held_out=True, family='weight_scale[he]',
        explanation='the weights ignore weight_scale and use sqrt(2 / d_in) as their standard deviation',
        hint="Check which argument of the constructor sets the weights' scale."),
    Bug('dropout_output_unused', "dropout's output is stored under a new name the next layer never reads, while the "
        "backward still applies dropout's mask (source: ageron/handson-ml issue 304, a dropout layer fc1_drop "
        'built but the output layer built from fc1, https://github.com/ageron/handson-ml/issues/304)',
        patch(REFERENCE, 'fc_net', *DROPOUT_OUTPUT_UNUSED),
        loses_in='fc_net_loss_and_gradients',
        explanation="dropout's output is never passed on to the next layer",
        hint='Follow the variable each hidden layer hands to the next one when dropout is on.'),
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
        loses_in='batchnorm_backward', held_out=True,
        explanation="the N * dx_hat term of dx uses the sum of dx_hat over the batch instead of each row's own value",
        hint='In the closed form, check which terms are per example and which are sums over the batch.'),
    Bug('l2_skips_output_layer', "the regularization loop runs over range(1, L): the output layer's weights get "
        'neither the penalty nor its gradient (source: lightaime/cs231n PR 2, a regularization term that left out '
        "the last layer's weights W3, https://github.com/lightaime/cs231n/pull/2; ufal/npfl114 PR 44, L2 not "
        'applied to the last layer, https://github.com/ufal/npfl114/pull/44)',
        patch(REFERENCE, 'fc_net', *L2_SKIPS_OUTPUT_LAYER),
        loses_in='fc_net_loss_and_gradients', held_out=True, family='l2_layers[hidden]',
        explanation="the output layer's weights are left out of the regularization",
        hint='Check that the regularization loop reaches every weight matrix.'),
    Bug('dropout_backward_skipped', "dropout applied in the forward pass, but its mask never applied to the "
        'gradient on the way back (source: ddbourgin/numpy-ml issue 94, "Backpropagation of dropout wrapper does '
        'not apply the mask", https://github.com/ddbourgin/numpy-ml/issues/94)',
        patch(REFERENCE, 'fc_net', *DROPOUT_BACKWARD_SKIPPED),
        loses_in='fc_net_loss_and_gradients',
        explanation="the backward pass skips dropout's mask",
        hint='Every layer of the forward pass needs its backward step, in reverse order.'),
    Bug('gamma_beta_starts_swapped', 'gamma and beta started at each other\'s values, gamma at zeros and beta at '
        'ones (source: d2l-ai/d2l-zh PR 534, "gamma and beta ... should be initialized as 1 and 0, but the '
        'annotation is reversed", https://github.com/d2l-ai/d2l-zh/pull/534)',
        patch(REFERENCE, 'fc_net', *GAMMA_BETA_STARTS_SWAPPED),
        loses_in='fc_net_init', held_out=True, family='initial_values[swapped]',
        explanation='gamma starts at zeros and beta at ones',
        hint="Compare the starting values of gamma and beta with the docstring."),
    Bug('scaled_by_fourth_root', 'x - mean multiplied by sqrt(var + eps) ** -0.5, the inverse fourth root of '
        'var + eps, where the inverse square root belongs (source: kaldi-asr/kaldi issue 1861, a BatchNormComponent '
        'comment giving scale = sqrt(var + epsilon)^{-0.5} where (var + epsilon)^{-0.5} was meant, '
        'https://github.com/kaldi-asr/kaldi/issues/1861)',
        patch(REFERENCE, 'batchnorm_forward', *FOURTH_ROOT_SCALE),
        loses_in='batchnorm_forward_train', held_out=True,
        explanation='x - mean is multiplied by sqrt(var + eps) ** -0.5, dividing by the fourth root of var + eps '
                    'instead of its square root',
        hint='Check the power of var + eps your code ends up dividing by.'),
    Bug('variance_of_uncentred_square', 'the batch variance taken as the mean of x squared, without subtracting '
        'the batch mean first, while x_hat is still centred (source: COGMAR/RotEqNet PR 2, "bug fix on '
        'VectorBatchNorm": its variance was the mean of the squared input, never centred, '
        'https://github.com/COGMAR/RotEqNet/pull/2)',
        patch(REFERENCE, 'batchnorm_forward', *UNCENTRED_SECOND_MOMENT),
        loses_in='batchnorm_forward_train', held_out=True,
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
        loses_in='batchnorm_backward', held_out=True,
        explanation='dx is multiplied by the standard deviation where it should be divided by it',
        hint='Check the parentheses around the factor in front of your closed-form dx.'),
    Bug('weight_scale_as_mean', 'the weights drawn with np.random.normal(weight_scale, size=...): weight_scale '
        'lands in the mean argument and the standard deviation stays 1 (source: aiUIUC/pyAIUtils issue 25, '
        'random_normal_initializer(stddev) "but the first argument should be mean", '
        'https://github.com/aiUIUC/pyAIUtils/issues/25)',
        patch(REFERENCE, 'fc_net', *WEIGHT_SCALE_AS_MEAN),
        loses_in='fc_net_init', held_out=True,
        explanation='the weights are drawn with mean weight_scale and standard deviation 1',
        hint='Check which parameter of the random generator weight_scale is passed to.'),
    Bug('dropout_on_scores', "dropout applied to the output layer's scores too, with its mask on dscores on the "
        'way back (source: maddin79/darch issue 12, "the dropout should only be applied to the hidden layers but '
        'not the output layer", https://github.com/maddin79/darch/issues/12)',
        patch(REFERENCE, 'fc_net', *DROPOUT_ON_SCORES),
        loses_in='fc_net_loss_and_gradients', held_out=True, family='dropout_placement[scores]',
        explanation="dropout is applied to the output layer's scores as well as to the hidden layers",
        hint='Check which layers dropout follows in {affine - [batchnorm] - relu - [dropout]} x (L - 1) - affine.'),
    Bug('softmax_before_loss', 'the scores turned into probabilities with a softmax before softmax_loss, which '
        'applies its own (source: danielkelshaw/ConcreteDropout issue 11, "is softmax required?": logits passed '
        'through softmax before a loss that applies log_softmax itself, '
        'https://github.com/danielkelshaw/ConcreteDropout/issues/11)',
        patch(REFERENCE, 'fc_net', *SOFTMAX_BEFORE_LOSS),
        loses_in='fc_net_loss_and_gradients', held_out=True,
        explanation='softmax_loss is given probabilities instead of the raw scores',
        hint='Check what softmax_loss expects as its first argument and what your net gives it.'),
    Bug('l2_gradient_doubled', 'the penalty 0.5 * reg * sum(W ** 2) in the loss but 2 * reg * W in the gradients, '
        'the derivative of the penalty without the half (source: cs231n/cs231n.github.io issue 89, the extra factor '
        '0.5 in the loss "causes erroneous results and headaches when the effect of regularization ... is added in '
        'gradient calculation", https://github.com/cs231n/cs231n.github.io/issues/89; jingtinghuang/CS231n-'
        'Spring-2017 issue 3, "Missing factor of 2 in gradient of L2 regularization", '
        'https://github.com/jingtinghuang/CS231n-Spring-2017/issues/3)',
        patch(REFERENCE, 'fc_net', *L2_GRADIENT_DOUBLED),
        loses_in='fc_net_loss_and_gradients', held_out=True, family='l2_weighting[0.5,2]',
        explanation="the weights' regularization gradient is 2 * reg * W while the loss has 0.5 * reg * sum(W ** 2)",
        hint='Differentiate the regularization term your loss adds and compare it with what you add to grads.'),
    Bug('l2_divided_by_batch_size', 'the L2 penalty and its gradient divided by the batch size, as the data loss '
        'is (source: dennybritz/nn-from-scratch issue 13, "gradient checks do not match": the regularization term '
        'was averaged over the data batch, "The correct implementation should average only the log loss", '
        'https://github.com/dennybritz/nn-from-scratch/issues/13)',
        patch(REFERENCE, 'fc_net', *L2_OVER_BATCH),
        loses_in='fc_net_loss_and_gradients', held_out=True,
        explanation='the regularization term and its gradient are divided by the batch size',
        hint='Check which parts of the loss are averaged over the batch.'),
])

__all__ = ['BUGS_HELD_OUT']
