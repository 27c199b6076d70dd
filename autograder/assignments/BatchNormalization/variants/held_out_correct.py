"""More correct implementations of batch normalization and its net, in the styles public CS231n assignment-2
solutions and notes are written in: each must earn full credit, and none may be given a diagnosis.

They are written afresh for this release (styles and facts carry over, code does not) and follow its stated
names and shapes; each description names the public source or style it follows.
"""
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.correct import REFERENCE, RUNNING_UPDATE
from autograder.validation.kinds import CorrectVariant, of_assignment, patch

KRATZERT = 'https://kratzert.github.io/2016/02/12/understanding-the-gradient-flow-through-the-batch-normalization-layer.html'
STUDY_NOTE = ('https://deep-learning-study-note.readthedocs.io/en/latest/Part%202%20(Modern%20Practical%20Deep%20Networks)/'
              '8%20Optimization%20for%20Training%20Deep%20Models/Batch%20Normalization.html')
PROGRAMMERTEACH = 'https://programmerteach.com/p/cs231n-assignment2-q2-batch-normalization'
CSDN_LEEZED = 'https://blog.csdn.net/leezed525/article/details/132092685'
ZLOTUS = 'https://github.com/zlotus/cs231n (assignment2/cs231n/layers.py)'
STATS_SE = 'https://stats.stackexchange.com/questions/328242/matrix-form-of-backpropagation-with-batch-normalization'

# The blog's nine steps forward, the cache a dict of every node, the running averages stored at the end.
GRAPH_DICT_FORWARD = '''def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch norm forward in the blog's steps, every node kept in a dict."""
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)

    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == 'train':
        # step 1: mean of each feature
        mu = 1. / N * np.sum(x, axis=0)
        # step 2: subtract it from every example
        xmu = x - mu
        # step 3-4: the (biased) variance
        sq = xmu ** 2
        var = 1. / N * np.sum(sq, axis=0)
        # step 5-6: the denominator and its inverse
        sqrtvar = np.sqrt(var + eps)
        ivar = 1. / sqrtvar
        # step 7-9: normalize, scale, shift
        xhat = xmu * ivar
        gammax = gamma * xhat
        out = gammax + beta
        cache = {'xhat': xhat, 'gamma': gamma, 'xmu': xmu, 'ivar': ivar, 'sqrtvar': sqrtvar, 'var': var,
                 'eps': eps}
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
    elif mode == 'test':
        xhat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * xhat + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache
'''

GRAPH_DICT_BACKWARD = '''def batchnorm_backward(dout, cache):
    """The blog's steps 9 to 0 backwards, through the ivar and sqrtvar nodes."""
    xhat, gamma, xmu = cache['xhat'], cache['gamma'], cache['xmu']
    ivar, sqrtvar, var, eps = cache['ivar'], cache['sqrtvar'], cache['var'], cache['eps']
    N, D = dout.shape
    # step 9: out = gammax + beta
    dbeta = np.sum(dout, axis=0)
    dgammax = dout
    # step 8: gammax = gamma * xhat
    dgamma = np.sum(dgammax * xhat, axis=0)
    dxhat = dgammax * gamma
    # step 7: xhat = xmu * ivar
    divar = np.sum(dxhat * xmu, axis=0)
    dxmu1 = dxhat * ivar
    # step 6: ivar = 1 / sqrtvar
    dsqrtvar = -1. / (sqrtvar ** 2) * divar
    # step 5: sqrtvar = sqrt(var + eps)
    dvar = 0.5 * 1. / np.sqrt(var + eps) * dsqrtvar
    # step 4: var = mean(sq)
    dsq = 1. / N * np.ones((N, D)) * dvar
    # step 3: sq = xmu ** 2
    dxmu2 = 2 * xmu * dsq
    # step 2: xmu = x - mu, two branches into x
    dx1 = dxmu1 + dxmu2
    dmu = -1 * np.sum(dxmu1 + dxmu2, axis=0)
    # step 1: mu = mean(x)
    dx2 = 1. / N * np.ones((N, D)) * dmu
    # step 0: both paths into x
    dx = dx1 + dx2
    return dx, dgamma, dbeta
'''

# keepdims on every statistic, the cache in (1, D) shapes, reshaped to (D,) only where the release states (D,).
KEEPDIMS_FORWARD = '''def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch statistics kept as (1, D) rows throughout; (D,) running averages."""
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)

    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))

    if mode == 'train':
        mean = np.mean(x, axis=0, keepdims=True)                  # (1, D)
        var = np.mean((x - mean) ** 2, axis=0, keepdims=True)     # (1, D)
        inv_std = 1.0 / np.sqrt(var + eps)                        # (1, D)
        x_norm = (x - mean) * inv_std                             # (N, D)
        out = gamma.reshape(1, D) * x_norm + beta.reshape(1, D)
        cache = (x_norm, inv_std, gamma.reshape(1, D))
        running_mean = momentum * running_mean + (1 - momentum) * mean.reshape(D)
        running_var = momentum * running_var + (1 - momentum) * var.reshape(D)
    elif mode == 'test':
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
        cache = None
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache
'''

KEEPDIMS_BACKWARD = '''def batchnorm_backward(dout, cache):
    """Closed form with keepdims sums, the parameter gradients reshaped to (D,) at the end."""
    x_norm, inv_std, gamma = cache
    N, D = dout.shape
    dbeta = np.sum(dout, axis=0, keepdims=True)
    dgamma = np.sum(dout * x_norm, axis=0, keepdims=True)
    dx = (1.0 / N) * gamma * inv_std * (N * dout - dbeta - x_norm * dgamma)
    return dx, dgamma.reshape(D), dbeta.reshape(D)
'''

# x.var, a helper for the batch statistics, setdefault for the running averages, momentum read once.
HELPER_FORWARD = '''def _batch_statistics(x):
    """Per-feature mean and biased variance of a minibatch."""
    return x.mean(axis=0), x.var(axis=0)


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch norm whose statistics come from a helper; running averages made with setdefault."""
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    D = x.shape[1]
    bn_param.setdefault('running_mean', np.zeros(D, dtype=x.dtype))
    bn_param.setdefault('running_var', np.zeros(D, dtype=x.dtype))

    if mode == 'train':
        sample_mean, sample_var = _batch_statistics(x)
        x_hat = (x - sample_mean) / np.sqrt(sample_var + eps)
        out = gamma * x_hat + beta
        cache = (x, x_hat, sample_mean, sample_var, gamma, eps)
        bn_param['running_mean'] = momentum * bn_param['running_mean'] + (1 - momentum) * sample_mean
        bn_param['running_var'] = momentum * bn_param['running_var'] + (1 - momentum) * sample_var
    elif mode == 'test':
        x_hat = (x - bn_param['running_mean']) / np.sqrt(bn_param['running_var'] + eps)
        out = gamma * x_hat + beta
        cache = None
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    return out, cache
'''

# The one-line closed form from (x - mu) and (var + eps) ** -0.5, as many notebooks write it.
ONE_LINE_BACKWARD = '''def batchnorm_backward(dout, cache):
    """The closed form in one expression, from the raw x, its mean and its variance."""
    x, x_hat, mu, var, gamma, eps = cache
    N = x.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(x_hat * dout, axis=0)
    dx = (1. / N) * gamma * (var + eps) ** (-1. / 2.) * (
        N * dout - np.sum(dout, axis=0)
        - (x - mu) * (var + eps) ** (-1.0) * np.sum(dout * (x - mu), axis=0))
    return dx, dgamma, dbeta
'''

# Normalization done in place on a fresh copy of x, float32 kept float32 (every constant a Python float).
IN_PLACE_COPY_FORWARD = '''def batchnorm_forward(x, gamma, beta, bn_param):
    """Normalizes a copy of x in place; never touches x, gamma or beta."""
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))

    if mode == 'train':
        mu = x.mean(axis=0)
        x_hat = x.copy()
        x_hat -= mu
        var = (x_hat ** 2).sum(axis=0) / N
        std = np.sqrt(var + eps)
        x_hat /= std
        out = x_hat * gamma
        out += beta
        cache = (x_hat, std, gamma)
        bn_param['running_mean'] = momentum * running_mean + (1.0 - momentum) * mu
        bn_param['running_var'] = momentum * running_var + (1.0 - momentum) * var
    elif mode == 'test':
        out = x - running_mean
        out /= np.sqrt(running_var + eps)
        out = out * gamma
        out += beta
        cache = None
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    return out, cache
'''

# Sums written as products with a vector of ones; the mean-centred closed form.
MATMUL_SUMS_BACKWARD = '''def batchnorm_backward(dout, cache):
    """Closed form whose sums over the batch are products with a vector of ones."""
    x_hat, std, gamma = cache
    N = dout.shape[0]
    ones = np.ones(N, dtype=dout.dtype)
    dbeta = ones.dot(dout)
    dgamma = ones.dot(dout * x_hat)
    dx_hat = dout * gamma
    dx = (dx_hat - ones.dot(dx_hat) / N - x_hat * (ones.dot(dx_hat * x_hat) / N)) / std
    return dx, dgamma, dbeta
'''

# Test mode folds gamma into the scale; the running averages written back straight into bn_param.
FOLDED_TEST_LINES = (
    ("        x_hat = (x - running_mean) / np.sqrt(running_var + eps)\n"
     "        out = gamma * x_hat + beta\n",
     "        scale = gamma / np.sqrt(running_var + eps)\n"
     "        out = (x - running_mean) * scale + beta\n"),
    (RUNNING_UPDATE, RUNNING_UPDATE.replace('        running_mean =', "        bn_param['running_mean'] =")
                                   .replace('        running_var =', "        bn_param['running_var'] =")),
    ("\n    bn_param['running_mean'] = running_mean\n    bn_param['running_var'] = running_var\n", "\n"),
)

# The net: a loop over layers with a list of caches, the layers called one by one, dropout_forward, bn_params
# appended, L2 summed with a generator.
CLASS_CACHE_FORWARD = """class BatchNormCache:
    \"\"\"What the backward pass needs, by name.\"\"\"

    def __init__(self, x_hat, std, gamma):
        self.x_hat = x_hat
        self.std = std
        self.gamma = gamma


def batchnorm_forward(x, gamma, beta, bn_param):
    \"\"\"Batch norm with np.var(keepdims=True) and a cache object.\"\"\"
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))

    if mode == 'train':
        mean = np.mean(x, axis=0, keepdims=True)
        var = np.var(x, axis=0, keepdims=True)
        std = np.sqrt(var + eps)
        x_hat = np.divide(x - mean, std)
        out = gamma * x_hat + beta
        cache = BatchNormCache(x_hat, std, gamma)
        bn_param['running_mean'] = momentum * running_mean + (1 - momentum) * np.squeeze(mean, axis=0)
        bn_param['running_var'] = momentum * running_var + (1 - momentum) * np.squeeze(var, axis=0)
    elif mode == 'test':
        out = gamma * np.divide(x - running_mean, np.sqrt(running_var + eps)) + beta
        cache = None
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    return out, cache
"""

CLASS_CACHE_BACKWARD = """def batchnorm_backward(dout, cache):
    \"\"\"dx = gamma / (N * std) * (N * dout - sum(dout) - x_hat * sum(dout * x_hat)).\"\"\"
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * cache.x_hat).sum(axis=0)
    dx = cache.gamma / (N * cache.std) * (N * dout - dbeta - cache.x_hat * dgamma)
    return dx, dgamma, dbeta
"""


def _pair(both):
    """The cells of a (forward, backward) pair."""
    forward, backward = both
    return {'batchnorm_forward': forward, 'batchnorm_backward': backward}


CORRECT_HELD_OUT = of_assignment(ASSIGNMENT, [
    CorrectVariant('graph_dict_cache', 'forward in the nine steps of "Understanding the backward pass through '
                   'Batch Normalization Layer", every node in a dict cache, and the backward through its ivar and '
                   'sqrtvar nodes, steps 9 to 0 (source: F. Kratzert\'s blog, ' + KRATZERT + ')',
                   _pair((GRAPH_DICT_FORWARD, GRAPH_DICT_BACKWARD))),
    CorrectVariant('keepdims_rows_closed_form', 'keepdims on every statistic, (1, D) caches, the closed-form backward '
                   'with keepdims sums and dgamma, dbeta reshaped to (D,) at the end (source: the matrix form of '
                   'batch-norm backprop, ' + STATS_SE + ')',
                   _pair((KEEPDIMS_FORWARD, KEEPDIMS_BACKWARD))),
    CorrectVariant('statistics_helper_setdefault', 'a helper function returning x.mean(axis=0), x.var(axis=0), '
                   'running averages created with bn_param.setdefault and updated in bn_param, and the one-line '
                   'closed form with (var + eps) ** (-1. / 2.) (source: CS231n assignment 2 write-ups, ' +
                   PROGRAMMERTEACH + ' and ' + CSDN_LEEZED + ')',
                   _pair((HELPER_FORWARD, ONE_LINE_BACKWARD))),
    CorrectVariant('in_place_on_a_copy', 'x normalized in place on x.copy() (-=, /=, +=), Python-float constants '
                   'so float32 stays float32, the mean-centred backward with sums as products with a vector of ones '
                   '(source: ' + ZLOTUS + ' and ' + STUDY_NOTE + ')',
                   _pair((IN_PLACE_COPY_FORWARD, MATMUL_SUMS_BACKWARD))),
    CorrectVariant('folded_test_scale', 'test mode as (x - running_mean) * (gamma / sqrt(running_var + eps)) + beta, '
                   'the running averages written into bn_param inside the train branch (source: the folded '
                   'inference scale of batch norm in CS231n write-ups, ' + PROGRAMMERTEACH + ')',
                   patch(REFERENCE, 'batchnorm_forward', *FOLDED_TEST_LINES)),
    CorrectVariant('cache_object_np_var_keepdims', 'np.var(x, axis=0, keepdims=True), np.divide, running averages '
                   'squeezed back to (D,), a small class as the cache and the closed-form backward reading it by '
                   'name (source: ' + CSDN_LEEZED + ')',
                   _pair((CLASS_CACHE_FORWARD, CLASS_CACHE_BACKWARD))),
])
