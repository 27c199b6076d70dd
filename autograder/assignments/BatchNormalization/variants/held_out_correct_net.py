"""More correct fully connected nets with batch norm, in the styles public CS231n assignment-2 solutions are
written in (the layer's: ``held_out_correct.py``): each must earn full credit, and none may be given a
diagnosis; each description names the style's source."""
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.correct import REFERENCE
from autograder.assignments.BatchNormalization.variants.held_out_correct import STUDY_NOTE, ZLOTUS
from autograder.validation.kinds import CorrectVariant, of_assignment, patch

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
CORRECT_HELD_OUT_NET = of_assignment(ASSIGNMENT, [
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
])
