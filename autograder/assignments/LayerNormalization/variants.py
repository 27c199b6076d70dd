"""Correct variants and realistic bugs of layer normalization, written as the notebook's solution cells.

Each variant replaces some of the reference cells (``Assignment.reference_cells``) with what a student might
write. A bug names the check that must lose points for it: the check whose title describes the mistake; it
may also cost the training check's points when it is a mistake in the net (``autograder.validation.variant
.collateral``).
"""
from autograder.assignments.LayerNormalization import ASSIGNMENT
from autograder.validation.variant import Variant, of_assignment, patch

REFERENCE = ASSIGNMENT.reference_cells()


# ---------------------------------------------------------------- correct

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

CORRECT = [
    Variant('reference', 'correct', 'the reference: per-row statistics with keepdims, mean-centred backward'),
    Variant('transposed_batchnorm', 'correct', 'batch norm of the transposed input, closed-form backward',
            {'layernorm_forward': TRANSPOSED_BATCHNORM.split('\n\n\n')[0] + '\n',
             'layernorm_backward': TRANSPOSED_BATCHNORM.split('\n\n\n')[1]}),
    Variant('step_by_step_graph', 'correct', 'forward and backward one graph node at a time, dict cache with the '
            'inverse std', {'layernorm_forward': STEP_BY_STEP.split('\n\n\n')[0] + '\n',
                            'layernorm_backward': STEP_BY_STEP.split('\n\n\n')[1]}),
    Variant('closed_form_backward', 'correct', 'the closed-form backward with sums over the features',
            {'layernorm_backward': CLOSED_FORM_BACKWARD}),
    Variant('one_pass_variance', 'correct', 'variance as E[x^2] - E[x]^2 in one pass (float64)',
            patch(REFERENCE, 'layernorm_forward', (REFERENCE_VARIANCE,
                  '    var = np.mean(x * x, axis=1, keepdims=True) - mean ** 2  # one pass\n'))),
    Variant('net_with_ifs', 'correct', 'the net calls each normalization by name instead of through a table',
            patch(REFERENCE, 'fc_net', *NET_WITH_IFS)),
    Variant('net_keeps_float32', 'correct', 'the net never casts X itself and keeps the default float32',
            patch(REFERENCE, 'fc_net', ("        X = X.astype(self.dtype)\n", ""))),
    Variant('layernorm_dicts_hold_a_mode', 'correct', "the layer-norm dicts say {'mode': 'train'} too",
            patch(REFERENCE, 'fc_net', ("            self.bn_params = [{} for _ in range(self.num_layers - 1)]",
                                        "            self.bn_params = [{'mode': 'train'} for _ in range(self.num_layers - 1)]"))),
]

# ---------------------------------------------------------------- bugs

BUGS = [
    Variant('batch_axis', 'bug', 'normalizes each feature over the batch (axis 0), forward and backward alike',
            {**patch(REFERENCE, 'layernorm_forward',
                     ('mean = x.mean(axis=1, keepdims=True)', 'mean = x.mean(axis=0, keepdims=True)'),
                     (REFERENCE_VARIANCE, '    var = np.mean(xc * xc, axis=0, keepdims=True)\n')),
             **patch(REFERENCE, 'layernorm_backward',
                     ('dx_hat.mean(axis=1, keepdims=True)', 'dx_hat.mean(axis=0, keepdims=True)'),
                     ('np.mean(dx_hat * x_hat, axis=1, keepdims=True)', 'np.mean(dx_hat * x_hat, axis=0, keepdims=True)'))},
            loses_in='layernorm_forward_values',
            explanation='each feature is normalized over the batch (axis 0), as batch norm does',
            hint='Layer norm normalizes each example over its own features: check the axis of your mean and '
                 'variance.'),
    Variant('eps_missing', 'bug', 'no eps in the normalization',
            patch(REFERENCE, 'layernorm_forward', ('std = np.sqrt(var + eps)', 'std = np.sqrt(var)')),
            loses_in='layernorm_forward_values',
            explanation='eps is not added to the variance',
            hint='Check where eps enters the formula for x_hat.'),
    Variant('eps_outside_sqrt', 'bug', 'eps added after the square root',
            patch(REFERENCE, 'layernorm_forward', ('std = np.sqrt(var + eps)', 'std = np.sqrt(var) + eps')),
            loses_in='layernorm_forward_values',
            explanation='eps is added to the standard deviation instead of the variance',
            hint='Check where eps enters the formula for x_hat: inside or outside the square root?'),
    Variant('eps_ignored', 'bug', "ln_param['eps'] is never read",
            patch(REFERENCE, 'layernorm_forward', ("eps = ln_param.get('eps', 1e-5)", 'eps = 1e-5')),
            loses_in='layernorm_forward_values',
            explanation="ln_param's eps is ignored",
            hint="Read eps from ln_param, with 1e-5 as the default."),
    Variant('forward_mutates_x', 'bug', 'x -= mean: the forward centres its input in place',
            patch(REFERENCE, 'layernorm_forward', ('    xc = x - mean\n', '    x -= mean\n    xc = x\n')),
            loses_in='layernorm_forward_values',
            explanation='the forward changes its input x in place',
            hint='Compute into new arrays; the caller still needs x.'),
    Variant('dx_missing_mean_term', 'bug', "dx ignores the path through each example's mean",
            patch(REFERENCE, 'layernorm_backward', ('dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True)\n',
                                                    'dx = (dx_hat\n')),
            loses_in='layernorm_backward',
            explanation="dx leaves out the path through each example's mean",
            hint='x reaches x_hat directly, through the mean and through the variance: add up all three paths.'),
    Variant('dx_missing_variance_term', 'bug', "dx ignores the path through each example's variance",
            patch(REFERENCE, 'layernorm_backward',
                  ('\n          - x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)) / std', ') / std')),
            loses_in='layernorm_backward',
            explanation="dx leaves out the path through each example's variance",
            hint='x reaches x_hat directly, through the mean and through the variance: add up all three paths.'),
    Variant('dgamma_wrong_axis', 'bug', 'dgamma summed over the features (axis 1) instead of the examples',
            patch(REFERENCE, 'layernorm_backward', ('dgamma = np.sum(dout * x_hat, axis=0)',
                                                    'dgamma = np.sum(dout * x_hat, axis=1)')),
            loses_in='layernorm_backward',
            explanation='dgamma is summed over the features instead of the examples',
            hint='gamma has one entry per feature: over which axis do its contributions add up?'),
    Variant('dbeta_as_mean', 'bug', 'dbeta averages dout instead of summing it',
            patch(REFERENCE, 'layernorm_backward', ('dbeta = dout.sum(axis=0)', 'dbeta = dout.mean(axis=0)')),
            loses_in='layernorm_backward',
            explanation='dbeta averages dout over the examples instead of summing it',
            hint='Every example adds its own contribution to dbeta.'),
    Variant('gamma_ignored_in_dx', 'bug', 'dx forgets to multiply by gamma',
            patch(REFERENCE, 'layernorm_backward', ('dx_hat = dout * gamma', 'dx_hat = dout')),
            loses_in='layernorm_backward',
            explanation='dx leaves out the factor gamma',
            hint='Follow the chain rule from out back to x_hat: what multiplies x_hat on the way?'),
    Variant('layernorm_after_last_affine', 'bug', 'the output layer is layer normalized too',
            patch(REFERENCE, 'fc_net',
                  ('if normalization is not None and i < self.num_layers:', 'if normalization is not None:'),
                  ("            self.bn_params = [{} for _ in range(self.num_layers - 1)]",
                   "            self.bn_params = [{} for _ in range(self.num_layers)]"),
                  ("        scores, caches['output'] = affine_forward(h, self.params['W%d' % L], self.params['b%d' % L])\n",
                   "        scores, caches['output'] = affine_forward(h, self.params['W%d' % L], self.params['b%d' % L])\n"
                   "        if self.normalization == 'layernorm':\n"
                   "            scores, caches['output_ln'] = layernorm_forward(\n"
                   "                scores, self.params['gamma%d' % L], self.params['beta%d' % L], {})\n"),
                  ("        loss, dscores = softmax_loss(scores, y)\n",
                   "        loss, dscores = softmax_loss(scores, y)\n"
                   "        if self.normalization == 'layernorm':\n"
                   "            dscores, grads['gamma%d' % L], grads['beta%d' % L] = layernorm_backward(\n"
                   "                dscores, caches['output_ln'])\n")),
            loses_in='layernorm_net_loss', also_loses_in=('layernorm_net_parameters',),
            explanation="the output layer's scores are layer normalized too",
            hint='Check which layers the architecture puts normalization after.'),
    Variant('layernorm_ignored', 'bug', "the net ignores normalization='layernorm' and builds a plain net",
            patch(REFERENCE, 'fc_net', ('        self.normalization = normalization\n',
                                        "        normalization = None if normalization == 'layernorm' else normalization\n"
                                        '        self.normalization = normalization\n')),
            loses_in='layernorm_net_parameters', also_loses_in=('layernorm_net_loss',),
            explanation="normalization='layernorm' is ignored",
            hint="Check what your constructor and loss do when normalization is 'layernorm'."),
    Variant('layernorm_after_relu', 'bug', 'affine - relu - layernorm instead of affine - layernorm - relu',
            patch(REFERENCE, 'fc_net',
                  ("            norm_cache = None\n", "            a, relu_cache = relu_forward(a)\n"
                                                   "            norm_cache = None\n"),
                  ("            h, relu_cache = relu_forward(a)\n", "            h = a\n"),
                  ("            da = relu_backward(dh, relu_cache)\n", "            da = dh\n"),
                  ("            dh, grads['W%d' % i], grads['b%d' % i] = affine_backward(da, fc_cache)",
                   "            da = relu_backward(da, relu_cache)\n"
                   "            dh, grads['W%d' % i], grads['b%d' % i] = affine_backward(da, fc_cache)")),
            loses_in='layernorm_net_loss',
            explanation='layer norm comes after the ReLU instead of before it',
            hint='Check the order affine - layernorm - relu in every hidden layer.'),
    Variant('batchnorm_for_layernorm', 'bug', "the net calls batch norm when normalization='layernorm'",
            patch(REFERENCE, 'fc_net', ("{'batchnorm': batchnorm_forward, 'layernorm': layernorm_forward}",
                                        "{'batchnorm': batchnorm_forward, 'layernorm': batchnorm_forward}"),
                  ("{'batchnorm': batchnorm_backward, 'layernorm': layernorm_backward}",
                   "{'batchnorm': batchnorm_backward, 'layernorm': batchnorm_backward}")),
            loses_in='layernorm_net_loss',
            explanation="the net runs batch norm where normalization='layernorm' asks for layer norm",
            hint='Check which layer function each normalization calls.'),
    Variant('gamma_starts_at_zero', 'bug', 'gamma starts at zero',
            patch(REFERENCE, 'fc_net', ("self.params['gamma%d' % i] = np.ones(d_out)",
                                        "self.params['gamma%d' % i] = np.zeros(d_out)")),
            loses_in='layernorm_net_parameters',
            explanation='gamma starts at zero',
            hint="Think about what a zero gamma does to every layer's output at the start."),
    Variant('l2_without_half', 'bug', 'reg * sum(W**2) without the factor 0.5',
            patch(REFERENCE, 'fc_net', ('loss += 0.5 * self.reg * np.sum(W * W)', 'loss += self.reg * np.sum(W * W)'),
                  ("grads['W%d' % i] += self.reg * W", "grads['W%d' % i] += 2 * self.reg * W")),
            loses_in='layernorm_net_loss',
            explanation='the regularization term lacks the factor 0.5',
            hint="Compare your loss's regularization term with the formula in the docstring."),
    Variant('no_gamma_beta_gradients', 'bug', 'grads has no entries for gamma and beta',
            patch(REFERENCE, 'fc_net', ("da, grads['gamma%d' % i], grads['beta%d' % i] = normalize_backward(da, norm_cache)",
                                        "da, _, _ = normalize_backward(da, norm_cache)")),
            loses_in='layernorm_net_loss',
            explanation='grads has no entries for gamma and beta',
            hint='Every parameter in params needs its gradient in grads.'),
]


CORRECT[:] = of_assignment(ASSIGNMENT, CORRECT)
BUGS[:] = of_assignment(ASSIGNMENT, BUGS)
