"""Correct implementations of batch normalization and its net, other than the reference: each must earn full
credit. Each is the reference (``REFERENCE``) with what a student would write instead: whole cells, or edits
of the reference's lines (``autograder.validation.kinds.patch``).
"""
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.validation.kinds import CorrectVariant, of_assignment, patch

REFERENCE = ASSIGNMENT.reference_cells()


# The train-mode update of the running averages, as code (the docstring states the same formula).
RUNNING_UPDATE = '''        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
    elif'''

CLOSED_FORM_BACKWARD = '''def batchnorm_backward(dout, cache):
    """Closed-form batch norm backward pass: dx (N, D), dgamma (D,), dbeta (D,)."""
    x_hat, _, std, gamma = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx = (gamma / (N * std)) * (N * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta
'''

INVERSE_STD_LAYER = '''def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch norm forward pass that caches the inverse standard deviation."""
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    D = x.shape[1]
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))
    cache = None
    if mode == 'train':
        mu = np.mean(x, axis=0)
        var = np.var(x, axis=0)
        inv_std = 1.0 / np.sqrt(var + eps)
        x_hat = (x - mu) * inv_std
        out = x_hat * gamma + beta
        cache = {'x_hat': x_hat, 'inv_std': inv_std, 'gamma': gamma}
        bn_param['running_mean'] = momentum * running_mean + (1 - momentum) * mu
        bn_param['running_var'] = momentum * running_var + (1 - momentum) * var
    elif mode == 'test':
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    else:
        raise ValueError('unknown mode ' + str(mode))
    return out, cache
'''

INVERSE_STD_BACKWARD = '''def batchnorm_backward(dout, cache):
    """Backward pass for the inverse-std cache, mean-centred form."""
    x_hat, inv_std, gamma = cache['x_hat'], cache['inv_std'], cache['gamma']
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dx = inv_std * (dx_hat - dx_hat.mean(axis=0) - x_hat * np.mean(dx_hat * x_hat, axis=0))
    return dx, dgamma, dbeta
'''

REFERENCE_VARIANCE = "sample_var = np.einsum('ij,ij->j', xc, xc) / N"

ONE_PASS_FORWARD_LINES = (
    (REFERENCE_VARIANCE, 'sample_var = np.mean(x * x, axis=0) - sample_mean ** 2  # one pass: E[x^2] - E[x]^2'),
)

INLINE_NET_LOSS = (
    ('''            if self.use_batchnorm:
                h, caches['hidden%d' % i] = affine_batchnorm_relu_forward(
                    h, W, b, self.params['gamma%d' % i], self.params['beta%d' % i], self.bn_params[i - 1])
            else:''', '''            if self.use_batchnorm:
                a, fc_cache = affine_forward(h, W, b)
                a, bn_cache = batchnorm_forward(a, self.params['gamma%d' % i], self.params['beta%d' % i],
                                                self.bn_params[i - 1])
                h, relu_cache = relu_forward(a)
                caches['hidden%d' % i] = (fc_cache, bn_cache, relu_cache)
            else:'''),
    ('''                dh, grads['W%d' % i], grads['b%d' % i], grads['gamma%d' % i], grads['beta%d' % i] = \\
                    affine_batchnorm_relu_backward(dh, caches['hidden%d' % i])''', '''                fc_cache, bn_cache, relu_cache = caches['hidden%d' % i]
                da = relu_backward(dh, relu_cache)
                da, grads['gamma%d' % i], grads['beta%d' % i] = batchnorm_backward(da, bn_cache)
                dh, grads['W%d' % i], grads['b%d' % i] = affine_backward(da, fc_cache)'''),
)

IS_LITERAL_LAYER_LINES = (
    ("    if mode == 'train':\n", "    if mode is 'train':\n"),
    ("    elif mode == 'test':\n", "    elif mode is 'test':\n"),
)

STEP_BY_STEP_LAYER = '''def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch norm forward pass, one small step at a time, every intermediate cached."""
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))
    if mode == 'train':
        mu = 1. / N * np.sum(x, axis=0)
        xmu = x - mu
        sq = xmu ** 2
        var = 1. / N * np.sum(sq, axis=0)
        sqrtvar = np.sqrt(var + eps)
        ivar = 1. / sqrtvar
        xhat = xmu * ivar
        gammax = gamma * xhat
        out = gammax + beta
        cache = (xhat, gamma, xmu, ivar, sqrtvar, var, eps)
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
    elif mode == 'test':
        out = gamma * ((x - running_mean) / np.sqrt(running_var + eps)) + beta
        cache = None
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache
'''

STEP_BY_STEP_BACKWARD = '''def batchnorm_backward(dout, cache):
    """Backward pass through each step of the forward's graph."""
    xhat, gamma, xmu, ivar, sqrtvar, var, eps = cache
    N, D = dout.shape
    dbeta = np.sum(dout, axis=0)
    dgammax = dout
    dgamma = np.sum(dgammax * xhat, axis=0)
    dxhat = dgammax * gamma
    divar = np.sum(dxhat * xmu, axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -1. / (sqrtvar ** 2) * divar
    dvar = 0.5 * 1. / np.sqrt(var + eps) * dsqrtvar
    dsq = 1. / N * np.ones((N, D)) * dvar
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -1 * np.sum(dxmu1 + dxmu2, axis=0)
    dx2 = 1. / N * np.ones((N, D)) * dmu
    dx = dx1 + dx2
    return dx, dgamma, dbeta
'''

INVVAR_BACKWARD = '''def batchnorm_backward(dout, cache):
    """Closed form from the inverse standard deviation."""
    x_hat, xc, std, gamma = cache
    N = dout.shape[0]
    invvar = 1.0 / std
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx = (1.0 / N) * gamma * invvar * (N * dout - np.sum(dout, axis=0)
                                       - xc * invvar ** 2 * np.sum(dout * xc, axis=0))
    return dx, dgamma, dbeta
'''

KEEPDIMS_LAYER_LINES = (
    ('sample_mean = x.mean(axis=0)', 'sample_mean = x.mean(axis=0, keepdims=True)'),
    (REFERENCE_VARIANCE, 'sample_var = np.mean(xc ** 2, axis=0, keepdims=True)'),
    (RUNNING_UPDATE, RUNNING_UPDATE.replace('* sample_mean', '* sample_mean.ravel()')
                                   .replace('* sample_var', '* sample_var.ravel()')),
)

IN_PLACE_RUNNING_LINES = (
    ("    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))\n"
     "    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))\n",
     "    running_mean = bn_param.setdefault('running_mean', np.zeros(D, dtype=x.dtype))\n"
     "    running_var = bn_param.setdefault('running_var', np.zeros(D, dtype=x.dtype))\n"),
    (RUNNING_UPDATE, '''        running_mean *= momentum
        running_mean += (1 - momentum) * sample_mean
        running_var *= momentum
        running_var += (1 - momentum) * sample_var
    elif'''),
)

MODE_CHECKED_FIRST_LINES = (
    ("    mode = bn_param['mode']\n",
     "    mode = bn_param['mode']\n"
     "    if mode not in ('train', 'test'):\n"
     "        raise ValueError('mode must be train or test, not %r' % (mode,))\n"),
)

HANDWRITTEN_DROPOUT_LINES = (
    ("                h, caches['dropout%d' % i] = dropout_forward(h, self.dropout_param)",
     "                keep = (np.random.rand(*h.shape) > self.dropout_param['p']) / (1 - self.dropout_param['p'])\n"
     "                if self.dropout_param['mode'] == 'test':\n"
     "                    keep = np.ones_like(h)\n"
     "                h = h * keep\n"
     "                caches['dropout%d' % i] = keep"),
    ("                dh = dropout_backward(dh, caches['dropout%d' % i])",
     "                dh = dh * caches['dropout%d' % i]"),
)

MODES_VIA_UPDATE_LINES = (
    ("        for bn_param in self.bn_params:\n            bn_param['mode'] = mode\n",
     "        for bn_param in self.bn_params:\n            bn_param.update(mode=mode)\n"),
)

BN_PARAMS_APPEND_LINES = (
    ("                self.params['beta%d' % i] = np.zeros(d_out)\n",
     "                self.params['beta%d' % i] = np.zeros(d_out)\n"
     "                self.bn_params.append({'mode': 'train'})\n"),
    ("        self.params = {}\n", "        self.params = {}\n        self.bn_params = []\n"),
    ("        self.bn_params = []\n        if self.use_batchnorm:\n"
     "            self.bn_params = [{'mode': 'train'} for _ in range(self.num_layers - 1)]\n", ""),
)


CORRECT = of_assignment(ASSIGNMENT, [
    CorrectVariant('reference', 'the reference: computational-graph backward, sandwich layers'),
    CorrectVariant('closed_form_backward', 'the simplified closed-form backward pass',
        {'batchnorm_backward': CLOSED_FORM_BACKWARD}),
    CorrectVariant('inverse_std_cache', 'a forward that caches the inverse standard deviation in a dict',
        {'batchnorm_forward': INVERSE_STD_LAYER, 'batchnorm_backward': INVERSE_STD_BACKWARD}),
    CorrectVariant('one_pass_variance', 'variance as E[x^2] - E[x]^2 in one pass',
        patch(REFERENCE, 'batchnorm_forward', *ONE_PASS_FORWARD_LINES)),
    CorrectVariant('net_without_sandwich', 'the net calls affine, batchnorm and relu one by one',
        patch(REFERENCE, 'fc_net', *INLINE_NET_LOSS)),
    CorrectVariant('net_keeps_float32', 'the net never casts X itself and keeps the default float32',
        patch(REFERENCE, 'fc_net', ("        X = X.astype(self.dtype)\n", ""))),
    CorrectVariant('mode_is_literal', "`mode is 'train'`: works as in the notebook (the feedback warns)",
        patch(REFERENCE, 'batchnorm_forward', *IS_LITERAL_LAYER_LINES)),
    CorrectVariant('step_by_step_graph', 'forward and backward one graph node at a time, seven-part cache',
        {'batchnorm_forward': STEP_BY_STEP_LAYER, 'batchnorm_backward': STEP_BY_STEP_BACKWARD}),
    CorrectVariant('inverse_variance_backward', 'closed-form backward written with the inverse std',
        {'batchnorm_backward': INVVAR_BACKWARD}),
    CorrectVariant('keepdims_statistics', 'batch statistics with keepdims=True, running averages of shape (D,)',
        patch(REFERENCE, 'batchnorm_forward', *KEEPDIMS_LAYER_LINES)),
    CorrectVariant('running_averages_in_place', 'setdefault and in-place updates of the running averages',
        patch(REFERENCE, 'batchnorm_forward', *IN_PLACE_RUNNING_LINES)),
    CorrectVariant('mode_checked_first', 'the mode is validated before anything else',
        patch(REFERENCE, 'batchnorm_forward', *MODE_CHECKED_FIRST_LINES)),
    CorrectVariant('handwritten_dropout', 'the net writes its own inverted dropout',
        patch(REFERENCE, 'fc_net', *HANDWRITTEN_DROPOUT_LINES)),
    CorrectVariant('modes_via_update', "bn_param.update(mode=mode) instead of item assignment",
        patch(REFERENCE, 'fc_net', *MODES_VIA_UPDATE_LINES)),
    CorrectVariant('bn_params_appended', 'one bn_param appended per layer while the parameters are built',
        patch(REFERENCE, 'fc_net', *BN_PARAMS_APPEND_LINES)),
    CorrectVariant('one_pass_closed_form', 'one-pass variance with the closed-form backward',
        {**patch(REFERENCE, 'batchnorm_forward', *ONE_PASS_FORWARD_LINES), 'batchnorm_backward': CLOSED_FORM_BACKWARD}),
])
