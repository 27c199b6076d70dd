"""More correct implementations of layer normalization, in the styles public CS231n assignment-2 solutions
are written in: each must earn full credit, and none may be given a diagnosis.

They are written afresh for this release (styles and facts carry over, code does not) and follow its stated
names and shapes; each description names the public source or style it follows.
"""
from autograder.assignments.LayerNormalization import ASSIGNMENT
from autograder.validation.kinds import CorrectVariant, of_assignment

KRATZERT = 'https://kratzert.github.io/2016/02/12/understanding-the-gradient-flow-through-the-batch-normalization-layer.html'
MLBITES = 'https://github.com/taesiri/MLBites (db/layernorm_forward_backward_numpy)'

# The notebook's hint taken literally: layer norm is batch norm of the transposed input, so the layer calls the
# student's own batchnorm_forward / batchnorm_backward on x.T (unit scale, zero shift, a fresh train-mode dict),
# then scales and shifts per feature itself.
VIA_BATCHNORM_FORWARD = '''def layernorm_forward(x, gamma, beta, ln_param):
    """Layer norm as the batch norm of x.T, gamma and beta applied afterwards."""
    eps = ln_param.get('eps', 1e-5)
    N = x.shape[0]
    xt_hat, bn_cache = batchnorm_forward(x.T, np.ones(N, dtype=x.dtype), np.zeros(N, dtype=x.dtype),
                                         {'mode': 'train', 'eps': eps})
    x_hat = xt_hat.T
    out = gamma * x_hat + beta
    cache = (bn_cache, x_hat, gamma)
    return out, cache
'''

VIA_BATCHNORM_BACKWARD = '''def layernorm_backward(dout, cache):
    """Batch norm's backward on the transposed gradient of x_hat."""
    bn_cache, x_hat, gamma = cache
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dxt, _, _ = batchnorm_backward((dout * gamma).T, bn_cache)
    return dxt.T, dgamma, dbeta
'''

# keepdims statistics from x.var, and the closed form written for one example at a time.
ROW_LOOP_FORWARD = '''def layernorm_forward(x, gamma, beta, ln_param):
    """Per-example statistics with keepdims."""
    eps = ln_param.get('eps', 1e-5)
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    ivar = 1.0 / np.sqrt(var + eps)
    xhat = (x - mu) * ivar
    out = gamma * xhat + beta
    cache = (xhat, ivar, gamma)
    return out, cache
'''

ROW_LOOP_BACKWARD = '''def layernorm_backward(dout, cache):
    """The closed form, one example (row) at a time."""
    xhat, ivar, gamma = cache
    N, D = dout.shape
    dx = np.zeros_like(dout)
    for i in range(N):
        g = dout[i] * gamma
        dx[i] = ivar[i, 0] / D * (D * g - np.sum(g) - xhat[i] * np.sum(g * xhat[i]))
    dgamma = np.sum(dout * xhat, axis=0)
    dbeta = np.sum(dout, axis=0)
    return dx, dgamma, dbeta
'''

# Statistics without keepdims, reshaped to columns; the backward node by node with the sums along axis 1.
RESHAPED_GRAPH_FORWARD = '''def layernorm_forward(x, gamma, beta, ln_param):
    """Row statistics reshaped to (N, 1) columns."""
    eps = ln_param.get('eps', 1e-5)
    N, D = x.shape
    x_mean = np.mean(x, axis=1).reshape(N, 1)
    x_var = np.var(x, axis=1).reshape(N, 1)
    xmu = x - x_mean
    std = np.sqrt(x_var + eps)
    xhat = xmu / std
    out = gamma * xhat + beta
    cache = (xmu, std, xhat, gamma)
    return out, cache
'''

RESHAPED_GRAPH_BACKWARD = '''def layernorm_backward(dout, cache):
    """Batch norm's graph, node by node, with the statistics' sums along the features."""
    xmu, std, xhat, gamma = cache
    N, D = dout.shape
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    dstd = -np.sum(dxhat * xmu, axis=1).reshape(N, 1) / std ** 2
    dvar = dstd / (2 * std)
    dxmu = dxhat / std + 2.0 * xmu * dvar / D
    dmean = -np.sum(dxmu, axis=1).reshape(N, 1)
    dx = dxmu + dmean / D
    return dx, dgamma, dbeta
'''


# The net: one dict per hidden layer in a list of caches, the normalization chosen with if/elif, bn_params
# appended as the parameters are built ({'mode': 'train'} for batch norm, {} for layer norm), L2 from a generator.
LOOP_NET = """class FullyConnectedNet:
    \"\"\"{affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax.\"\"\"

    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10,
                 dropout=0, normalization=None, reg=0.0,
                 weight_scale=1e-2, dtype=np.float32, seed=None):
        if normalization not in (None, 'batchnorm', 'layernorm'):
            raise ValueError('unknown normalization %r' % (normalization,))
        self.normalization = normalization
        self.use_dropout = dropout > 0
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}
        self.bn_params = []

        dims = [input_dim] + list(hidden_dims) + [num_classes]
        for l in range(self.num_layers):
            self.params['W' + str(l + 1)] = weight_scale * np.random.randn(dims[l], dims[l + 1])
            self.params['b' + str(l + 1)] = np.zeros(dims[l + 1])
            if self.normalization and l < self.num_layers - 1:
                self.params['gamma' + str(l + 1)] = np.ones(dims[l + 1])
                self.params['beta' + str(l + 1)] = np.zeros(dims[l + 1])
                self.bn_params.append({'mode': 'train'} if self.normalization == 'batchnorm' else {})

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
        if self.normalization == 'batchnorm':
            for bn_param in self.bn_params:
                bn_param['mode'] = mode

        L = self.num_layers
        caches = []
        out = X
        for l in range(1, L):
            c = {}
            out, c['fc'] = affine_forward(out, self.params['W' + str(l)], self.params['b' + str(l)])
            if self.normalization == 'batchnorm':
                out, c['norm'] = batchnorm_forward(out, self.params['gamma' + str(l)], self.params['beta' + str(l)],
                                                   self.bn_params[l - 1])
            elif self.normalization == 'layernorm':
                out, c['norm'] = layernorm_forward(out, self.params['gamma' + str(l)], self.params['beta' + str(l)],
                                                   self.bn_params[l - 1])
            out, c['relu'] = relu_forward(out)
            if self.use_dropout:
                out, c['drop'] = dropout_forward(out, self.dropout_param)
            caches.append(c)
        scores, fc_cache = affine_forward(out, self.params['W' + str(L)], self.params['b' + str(L)])

        if mode == 'test':
            return scores

        grads = {}
        loss, dout = softmax_loss(scores, y)
        loss += 0.5 * self.reg * sum(np.sum(self.params['W' + str(l)] ** 2) for l in range(1, L + 1))
        dout, grads['W' + str(L)], grads['b' + str(L)] = affine_backward(dout, fc_cache)
        for l in range(L - 1, 0, -1):
            c = caches[l - 1]
            if self.use_dropout:
                dout = dropout_backward(dout, c['drop'])
            dout = relu_backward(dout, c['relu'])
            if self.normalization == 'batchnorm':
                dout, grads['gamma' + str(l)], grads['beta' + str(l)] = batchnorm_backward(dout, c['norm'])
            elif self.normalization == 'layernorm':
                dout, grads['gamma' + str(l)], grads['beta' + str(l)] = layernorm_backward(dout, c['norm'])
            dout, grads['W' + str(l)], grads['b' + str(l)] = affine_backward(dout, c['fc'])
        for l in range(1, L + 1):
            grads['W' + str(l)] += self.reg * self.params['W' + str(l)]
        return loss, grads
"""


def _pair(forward, backward):
    return {'layernorm_forward': forward, 'layernorm_backward': backward}


CORRECT_HELD_OUT = of_assignment(ASSIGNMENT, [
    CorrectVariant('via_batchnorm_of_the_transpose', "the layer calls the notebook's own batchnorm_forward and "
                   'batchnorm_backward on x.T with unit scale, zero shift and a fresh train-mode dict, then applies '
                   'gamma and beta itself (source: the layer normalization notebook\'s hint that layer norm is batch '
                   'norm of the transposed data, as CS231n assignment-2 solutions implement it, and ' + KRATZERT + ')',
                   _pair(VIA_BATCHNORM_FORWARD, VIA_BATCHNORM_BACKWARD)),
    CorrectVariant('closed_form_per_row_loop', 'keepdims statistics from x.var(axis=1, keepdims=True), the inverse '
                   'std cached, and the closed-form backward written for one row at a time in a Python loop '
                   '(source: the per-sample form of the LayerNorm backward, ' + MLBITES + ')',
                   _pair(ROW_LOOP_FORWARD, ROW_LOOP_BACKWARD)),
    CorrectVariant('reshaped_columns_graph', 'row statistics without keepdims reshaped to (N, 1), and the graph '
                   "backward node by node (std, var, mean) with the sums along axis 1 (source: the batch-norm graph of "
                   + KRATZERT + ' with the axes swapped, as CS231n layernorm_backward solutions write it)',
                   _pair(RESHAPED_GRAPH_FORWARD, RESHAPED_GRAPH_BACKWARD)),
    CorrectVariant('net_loop_cache_list', 'the net: a list of per-layer cache dicts, the normalization chosen '
                   "with if/elif, bn_params appended while the parameters are built ({'mode': 'train'} for batch "
                   'norm, {} for layer norm), L2 summed with a generator (source: CS231n assignment 2 fc_net.py '
                   'solutions with normalization="layernorm", https://github.com/zlotus/cs231n)',
                   {'fc_net': LOOP_NET}),
])
