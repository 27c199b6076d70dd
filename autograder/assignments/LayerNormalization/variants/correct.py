"""Correct implementations of layer normalization and its net, other than the reference: each must earn full
credit. Each is the reference (``REFERENCE``) with what a student would write instead: whole cells, or edits
of the reference's lines (``autograder.validation.kinds.patch``).
"""
from autograder.assignments.LayerNormalization import ASSIGNMENT
from autograder.validation.kinds import CorrectVariant, of_assignment, patch

REFERENCE = ASSIGNMENT.reference_cells()


TRANSPOSED_BATCHNORM = '''def layernorm_forward(x, gamma, beta, ln_param):
    """Layer norm as batch norm of the transposed input."""
    eps = ln_param.get('eps', 1e-5)
    xt = x.T                                   # (D, N): one column per example
    mean = xt.mean(axis=0)
    var = xt.var(axis=0)
    std = np.sqrt(var + eps)
    xt_hat = (xt - mean) / std
    out = (xt_hat * gamma[:, None] + beta[:, None]).T
    return out, (xt_hat, std, gamma)


def layernorm_backward(dout, cache):
    """Batch norm's closed-form backward on the transposed gradient."""
    xt_hat, std, gamma = cache
    D = xt_hat.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * xt_hat.T, axis=0)
    dxt_hat = (dout * gamma).T
    dxt = (D * dxt_hat - dxt_hat.sum(axis=0) - xt_hat * np.sum(dxt_hat * xt_hat, axis=0)) / (D * std)
    return dxt.T, dgamma, dbeta
'''

STEP_BY_STEP = '''def layernorm_forward(x, gamma, beta, ln_param):
    """Layer norm one graph node at a time."""
    eps = ln_param.get('eps', 1e-5)
    mu = np.mean(x, axis=1, keepdims=True)
    xmu = x - mu
    sq = xmu ** 2
    var = np.mean(sq, axis=1, keepdims=True)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    out = gamma * xhat + beta
    return out, {'xhat': xhat, 'xmu': xmu, 'ivar': ivar, 'sqrtvar': sqrtvar, 'var': var, 'eps': eps,
                 'gamma': gamma}


def layernorm_backward(dout, cache):
    """Backpropagation node by node."""
    xhat, xmu, ivar, sqrtvar, gamma = cache['xhat'], cache['xmu'], cache['ivar'], cache['sqrtvar'], cache['gamma']
    D = dout.shape[1]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * xhat, axis=0)
    dxhat = dout * gamma
    divar = np.sum(dxhat * xmu, axis=1, keepdims=True)
    dxmu1 = dxhat * ivar
    dsqrtvar = -divar / sqrtvar ** 2
    dvar = 0.5 * dsqrtvar / sqrtvar
    dsq = np.ones_like(dout) * dvar / D
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -np.sum(dx1, axis=1, keepdims=True)
    dx2 = np.ones_like(dout) * dmu / D
    return dx1 + dx2, dgamma, dbeta
'''

CLOSED_FORM_BACKWARD = '''def layernorm_backward(dout, cache):
    """dx = gamma / (D * std) * (D * dout - sum(dout * gamma) - x_hat * sum(dout * gamma * x_hat)), per row."""
    x_hat, std, gamma = cache
    D = dout.shape[1]
    g = dout * gamma
    dx = (D * g - g.sum(axis=1, keepdims=True) - x_hat * (g * x_hat).sum(axis=1, keepdims=True)) / (D * std)
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
'''

REFERENCE_VARIANCE = "    var = np.einsum('ij,ij->i', xc, xc)[:, None] / D\n"

NET_WITH_IFS = (
    ("""            norm_cache = None
            if normalize is not None:
                a, norm_cache = normalize(a, self.params['gamma%d' % i], self.params['beta%d' % i],
                                          self.bn_params[i - 1])""",
     """            norm_cache = None
            if self.normalization == 'batchnorm':
                a, norm_cache = batchnorm_forward(a, self.params['gamma%d' % i], self.params['beta%d' % i],
                                                  self.bn_params[i - 1])
            elif self.normalization == 'layernorm':
                a, norm_cache = layernorm_forward(a, self.params['gamma%d' % i], self.params['beta%d' % i],
                                                  self.bn_params[i - 1])"""),
    ("""            if normalize_backward is not None:
                da, grads['gamma%d' % i], grads['beta%d' % i] = normalize_backward(da, norm_cache)""",
     """            if self.normalization == 'batchnorm':
                da, grads['gamma%d' % i], grads['beta%d' % i] = batchnorm_backward(da, norm_cache)
            elif self.normalization == 'layernorm':
                da, grads['gamma%d' % i], grads['beta%d' % i] = layernorm_backward(da, norm_cache)"""),
)

CORRECT = of_assignment(ASSIGNMENT, [
    CorrectVariant('reference', 'the reference: per-row statistics with keepdims, mean-centred backward'),
    CorrectVariant('transposed_batchnorm', 'batch norm of the transposed input, closed-form backward',
        {'layernorm_forward': TRANSPOSED_BATCHNORM.split('\n\n\n')[0] + '\n',
         'layernorm_backward': TRANSPOSED_BATCHNORM.split('\n\n\n')[1]}),
    CorrectVariant('step_by_step_graph', 'forward and backward one graph node at a time, dict cache with the '
        'inverse std', {'layernorm_forward': STEP_BY_STEP.split('\n\n\n')[0] + '\n',
                        'layernorm_backward': STEP_BY_STEP.split('\n\n\n')[1]}),
    CorrectVariant('closed_form_backward', 'the closed-form backward with sums over the features',
        {'layernorm_backward': CLOSED_FORM_BACKWARD}),
    CorrectVariant('one_pass_variance', 'variance as E[x^2] - E[x]^2 in one pass (float64)',
        patch(REFERENCE, 'layernorm_forward', (REFERENCE_VARIANCE,
              '    var = np.mean(x * x, axis=1, keepdims=True) - mean ** 2  # one pass\n'))),
    CorrectVariant('net_with_ifs', 'the net calls each normalization by name instead of through a table',
        patch(REFERENCE, 'fc_net', *NET_WITH_IFS)),
    CorrectVariant('net_keeps_float32', 'the net never casts X itself and keeps the default float32',
        patch(REFERENCE, 'fc_net', ("        X = X.astype(self.dtype)\n", ""))),
    CorrectVariant('layernorm_dicts_hold_a_mode', "the layer-norm dicts say {'mode': 'train'} too",
        patch(REFERENCE, 'fc_net', ("            self.bn_params = [{} for _ in range(self.num_layers - 1)]",
                                    "            self.bn_params = [{'mode': 'train'} for _ in range(self.num_layers - 1)]"))),
])
