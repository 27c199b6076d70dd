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
LOOP_NET = '''class FullyConnectedNet:
    """{affine - [batchnorm] - relu - [dropout]} x (L - 1) - affine - softmax, layers called one by one."""

    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10,
                 dropout=0, use_batchnorm=False, reg=0.0,
                 weight_scale=1e-2, dtype=np.float32, seed=None):
        self.use_batchnorm = use_batchnorm
        self.use_dropout = dropout > 0
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}
        self.bn_params = []

        layer_dims = [input_dim] + hidden_dims + [num_classes]
        for l in range(self.num_layers):
            self.params['W' + str(l + 1)] = np.random.normal(0, weight_scale, (layer_dims[l], layer_dims[l + 1]))
            self.params['b' + str(l + 1)] = np.zeros(layer_dims[l + 1])
            if self.use_batchnorm and l < self.num_layers - 1:
                self.params['gamma' + str(l + 1)] = np.ones(layer_dims[l + 1])
                self.params['beta' + str(l + 1)] = np.zeros(layer_dims[l + 1])
                self.bn_params.append({'mode': 'train'})

        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {'mode': 'train', 'p': dropout}
            if seed is not None:
                self.dropout_param['seed'] = seed

        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        X = X.astype(self.dtype)
        mode = 'test' if y is None else 'train'
        if self.use_dropout:
            self.dropout_param['mode'] = mode
        if self.use_batchnorm:
            for bn_param in self.bn_params:
                bn_param['mode'] = mode

        L = self.num_layers
        caches = []
        out = X
        for l in range(1, L):
            layer_cache = {}
            out, layer_cache['affine'] = affine_forward(out, self.params['W' + str(l)], self.params['b' + str(l)])
            if self.use_batchnorm:
                out, layer_cache['bn'] = batchnorm_forward(out, self.params['gamma' + str(l)],
                                                           self.params['beta' + str(l)], self.bn_params[l - 1])
            out, layer_cache['relu'] = relu_forward(out)
            if self.use_dropout:
                out, layer_cache['dropout'] = dropout_forward(out, self.dropout_param)
            caches.append(layer_cache)
        scores, last_cache = affine_forward(out, self.params['W' + str(L)], self.params['b' + str(L)])

        if mode == 'test':
            return scores

        grads = {}
        loss, dout = softmax_loss(scores, y)
        loss += 0.5 * self.reg * sum(np.sum(self.params['W' + str(l)] ** 2) for l in range(1, L + 1))

        dout, grads['W' + str(L)], grads['b' + str(L)] = affine_backward(dout, last_cache)
        for l in reversed(range(1, L)):
            layer_cache = caches.pop()
            if self.use_dropout:
                dout = dropout_backward(dout, layer_cache['dropout'])
            dout = relu_backward(dout, layer_cache['relu'])
            if self.use_batchnorm:
                dout, grads['gamma' + str(l)], grads['beta' + str(l)] = batchnorm_backward(dout, layer_cache['bn'])
            dout, grads['W' + str(l)], grads['b' + str(l)] = affine_backward(dout, layer_cache['affine'])

        for l in range(1, L + 1):
            grads['W' + str(l)] += self.reg * self.params['W' + str(l)]
        return loss, grads
'''

# The sandwich of the affine_batchnorm_relu cell written with a dict cache, and a net that calls the sandwich
# functions of cs231n/layer_utils.py (affine_relu_*) and the cell's, with hand-written inverted dropout that
# seeds numpy as dropout_forward does.
SANDWICH_DICT_CACHE = '''def affine_batchnorm_relu_forward(x, w, b, gamma, beta, bn_param):
    """affine - batchnorm - relu, the three caches kept in a dict."""
    affine_out, affine_cache = affine_forward(x, w, b)
    bn_out, bn_cache = batchnorm_forward(affine_out, gamma, beta, bn_param)
    out, relu_cache = relu_forward(bn_out)
    return out, {'affine': affine_cache, 'bn': bn_cache, 'relu': relu_cache}


def affine_batchnorm_relu_backward(dout, cache):
    """Backward through relu, batchnorm, affine."""
    dbn = relu_backward(dout, cache['relu'])
    daffine, dgamma, dbeta = batchnorm_backward(dbn, cache['bn'])
    dx, dw, db = affine_backward(daffine, cache['affine'])
    return dx, dw, db, dgamma, dbeta
'''

SANDWICH_NET_LINES = (
    ("            if self.use_dropout:\n"
     "                h, caches['dropout%d' % i] = dropout_forward(h, self.dropout_param)",
     "            if self.use_dropout:\n"
     "                p = self.dropout_param['p']\n"
     "                if 'seed' in self.dropout_param:\n"
     "                    np.random.seed(self.dropout_param['seed'])\n"
     "                mask = None\n"
     "                if self.dropout_param['mode'] == 'train':\n"
     "                    mask = (np.random.rand(*h.shape) >= p) / (1 - p)\n"
     "                    h = (h * mask).astype(h.dtype)\n"
     "                caches['dropout%d' % i] = mask"),
    ("                dh = dropout_backward(dh, caches['dropout%d' % i])",
     "                dh = dh * caches['dropout%d' % i]"),
    ('''        for i in range(1, L + 1):
            W = self.params['W%d' % i]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads['W%d' % i] += self.reg * W
''', '''        weights = [self.params['W%d' % i] for i in range(1, L + 1)]
        loss += 0.5 * self.reg * sum(np.linalg.norm(W) ** 2 for W in weights)
        for i, W in enumerate(weights, start=1):
            grads['W%d' % i] += self.reg * W
'''),
)


# The net writes affine and ReLU by hand (X reshaped to rows, np.maximum, a mask of the positive units), names
# its parameters with f-strings and keeps the caches in a dict keyed by (kind, layer).
HANDWRITTEN_NET = """class FullyConnectedNet:
    \"\"\"{affine - [batchnorm] - relu - [dropout]} x (L - 1) - affine - softmax, affine and ReLU by hand.\"\"\"

    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10,
                 dropout=0, use_batchnorm=False, reg=0.0,
                 weight_scale=1e-2, dtype=np.float32, seed=None):
        self.use_batchnorm = use_batchnorm
        self.use_dropout = dropout > 0
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        sizes = [input_dim, *hidden_dims, num_classes]
        for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            self.params[f'W{i}'] = (weight_scale * np.random.randn(d_in, d_out)).astype(dtype)
            self.params[f'b{i}'] = np.zeros(d_out, dtype=dtype)
            if use_batchnorm and i != self.num_layers:
                self.params[f'gamma{i}'] = np.ones(d_out, dtype=dtype)
                self.params[f'beta{i}'] = np.zeros(d_out, dtype=dtype)

        self.bn_params = [{'mode': 'train'} for _ in hidden_dims] if use_batchnorm else []
        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {'mode': 'train', 'p': dropout}
            if seed is not None:
                self.dropout_param['seed'] = seed

    def loss(self, X, y=None):
        X = X.astype(self.dtype)
        mode = 'test' if y is None else 'train'
        if self.use_dropout:
            self.dropout_param['mode'] = mode
        for bn_param in self.bn_params:
            bn_param['mode'] = mode

        L = self.num_layers
        cache = {}
        h = X.reshape(X.shape[0], -1)
        for i in range(1, L):
            cache[('in', i)] = h
            a = h.dot(self.params[f'W{i}']) + self.params[f'b{i}']
            if self.use_batchnorm:
                a, cache[('bn', i)] = batchnorm_forward(a, self.params[f'gamma{i}'], self.params[f'beta{i}'],
                                                        self.bn_params[i - 1])
            cache[('relu', i)] = a > 0
            h = np.maximum(0, a)
            if self.use_dropout:
                h, cache[('drop', i)] = dropout_forward(h, self.dropout_param)
        cache[('in', L)] = h
        scores = h.dot(self.params[f'W{L}']) + self.params[f'b{L}']

        if y is None:
            return scores

        loss, dout = softmax_loss(scores, y)
        grads = {}
        for i in range(L, 0, -1):
            if i < L:
                if self.use_dropout:
                    dout = dropout_backward(dout, cache[('drop', i)])
                dout = dout * cache[('relu', i)]
                if self.use_batchnorm:
                    dout, grads[f'gamma{i}'], grads[f'beta{i}'] = batchnorm_backward(dout, cache[('bn', i)])
            W = self.params[f'W{i}']
            h = cache[('in', i)]
            grads[f'W{i}'] = h.T.dot(dout) + self.reg * W
            grads[f'b{i}'] = dout.sum(axis=0)
            dout = dout.dot(W.T)
            loss += 0.5 * self.reg * np.sum(W ** 2)
        return loss, grads
"""

# A cache that is a small class with named fields, the variance from np.var with keepdims and the normalized
# input divided rather than multiplied; the closed-form backward reads the fields by name.
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
    CorrectVariant('net_loop_cache_list', 'the net: a loop over layers with a list of per-layer cache dicts, '
                   'affine, batchnorm, relu and dropout_forward called one by one, bn_params appended, weights '
                   'drawn with np.random.normal, L2 summed with a generator (source: CS231n assignment 2 fc_net.py '
                   'solutions, ' + ZLOTUS.replace('layers.py', 'classifiers/fc_net.py') + ')',
                   {'fc_net': LOOP_NET}),
    CorrectVariant('sandwich_dict_cache_own_dropout', 'the affine-batchnorm-relu sandwich with a dict cache, the net '
                   "hand-writes inverted dropout seeded as dropout_forward is, L2 as np.linalg.norm(W) ** 2 summed "
                   'over a list of weights (source: the affine_bn_relu_forward helpers of CS231n layer_utils.py '
                   'solutions, ' + ZLOTUS.replace('layers.py', 'layer_utils.py') + ')',
                   {'affine_batchnorm_relu': SANDWICH_DICT_CACHE, **patch(REFERENCE, 'fc_net', *SANDWICH_NET_LINES)}),
    CorrectVariant('net_handwritten_affine_relu', 'the net computes affine and ReLU itself (X reshaped to rows, '
                   'np.maximum and a mask of the positive units), f-string names, caches in a dict keyed by '
                   '(kind, layer), one backward loop that adds each layer\'s L2 term (source: CS231n assignment 2 '
                   'fc_net.py solutions that skip layer_utils, ' + STUDY_NOTE + ')',
                   {'fc_net': HANDWRITTEN_NET}),
    CorrectVariant('cache_object_np_var_keepdims', 'np.var(x, axis=0, keepdims=True), np.divide, running averages '
                   'squeezed back to (D,), a small class as the cache and the closed-form backward reading it by '
                   'name (source: ' + CSDN_LEEZED + ')',
                   _pair((CLASS_CACHE_FORWARD, CLASS_CACHE_BACKWARD))),
])
