"""Correct variants and realistic bugs, written as the notebook's solution cells.

Each variant starts from the reference cells (``ASSIGNMENT.reference_cells()``) and changes what a student
would change (``autograder.validation.variant.patch``). A bug names the check that must lose points for it:
the check whose title describes the mistake.

A catalogue (16 correct variants, 41 bugs with their explanations and hints), hence its length: each entry
is read on its own, and splitting the list would only scatter it.
"""
from dataclasses import replace

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.validation.variant import Variant, of_assignment, patch

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

CORRECT = [
    Variant('reference', 'correct', 'the reference: computational-graph backward, sandwich layers'),
    Variant('closed_form_backward', 'correct', 'the simplified closed-form backward pass',
            {'batchnorm_backward': CLOSED_FORM_BACKWARD}),
    Variant('inverse_std_cache', 'correct', 'a forward that caches the inverse standard deviation in a dict',
            {'batchnorm_forward': INVERSE_STD_LAYER, 'batchnorm_backward': INVERSE_STD_BACKWARD}),
    Variant('one_pass_variance', 'correct', 'variance as E[x^2] - E[x]^2 in one pass',
            patch(REFERENCE, 'batchnorm_forward', *ONE_PASS_FORWARD_LINES)),
    Variant('net_without_sandwich', 'correct', 'the net calls affine, batchnorm and relu one by one',
            patch(REFERENCE, 'fc_net', *INLINE_NET_LOSS)),
    Variant('net_keeps_float32', 'correct', 'the net never casts X itself and keeps the default float32',
            patch(REFERENCE, 'fc_net', ("        X = X.astype(self.dtype)\n", ""))),
]

BUGS = [
    Variant('unbiased_variance', 'bug', 'variance with ddof=1',
            patch(REFERENCE, 'batchnorm_forward', (REFERENCE_VARIANCE, 'sample_var = np.var(x, axis=0, ddof=1)')),
            loses_in='batchnorm_forward_train',
            explanation='the batch variance is the unbiased one (dividing by N - 1)',
            hint='Batch norm divides by the number of examples N: check which variance your code computes.'),
    Variant('eps_missing_train', 'bug', 'no eps in the train-mode normalization',
            patch(REFERENCE, 'batchnorm_forward', ('std = np.sqrt(sample_var + eps)', 'std = np.sqrt(sample_var)')),
            loses_in='batchnorm_forward_train',
            explanation='eps is left out of the train-mode normalization',
            hint='Look at what happens to a feature whose variance is almost zero.'),
    Variant('eps_missing_test', 'bug', 'no eps in the test-mode normalization',
            patch(REFERENCE, 'batchnorm_forward', ('np.sqrt(running_var + eps)', 'np.sqrt(running_var)')),
            loses_in='batchnorm_running_stats_test_mode',
            explanation='eps is left out of the test-mode normalization',
            hint='Compare the test-mode formula with the train-mode one, term by term.'),
    Variant('running_stats_not_stored', 'bug', 'running averages computed but not written back',
            patch(REFERENCE, 'batchnorm_forward', ("    bn_param['running_mean'] = running_mean\n"
                                        "    bn_param['running_var'] = running_var\n", '')),
            loses_in='batchnorm_running_stats_test_mode',
            explanation='the running averages are computed but never stored back in bn_param',
            hint='Check what the caller can see in bn_param after the call returns.'),
    Variant('momentum_swapped', 'bug', 'running = (1 - momentum) * running + momentum * batch',
            patch(REFERENCE, 'batchnorm_forward',
                  (RUNNING_UPDATE, RUNNING_UPDATE.replace('momentum * running_mean + (1 - momentum) * sample_mean',
                                                          '(1 - momentum) * running_mean + momentum * sample_mean')
                                                 .replace('momentum * running_var + (1 - momentum) * sample_var',
                                                          '(1 - momentum) * running_var + momentum * sample_var'))),
            loses_in='batchnorm_running_stats_test_mode',
            explanation='momentum and (1 - momentum) are swapped in the running averages',
            hint='Ask which part of the running average should change slowly from batch to batch.'),
    Variant('test_mode_batch_statistics', 'bug', 'test mode normalizes with the batch mean and variance',
            patch(REFERENCE, 'batchnorm_forward', ('x_hat = (x - running_mean) / np.sqrt(running_var + eps)',
                                        'x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)')),
            loses_in='batchnorm_running_stats_test_mode',
            explanation="test mode normalizes with the batch's own mean and variance",
            hint='Think about what test mode should do with a batch of one example.'),
    Variant('wrong_axis', 'bug', 'normalizes each example (axis=1) instead of each feature, forward and backward alike',
            {**patch(REFERENCE, 'batchnorm_forward', ('sample_mean = x.mean(axis=0)', 'sample_mean = x.mean(axis=1, keepdims=True)'),
                     (REFERENCE_VARIANCE, 'sample_var = np.mean(xc ** 2, axis=1, keepdims=True)'),
                     # The running averages are written from x per feature, as the docstring states them.
                     (RUNNING_UPDATE, RUNNING_UPDATE.replace('* sample_mean', '* x.mean(axis=0)')
                                                    .replace('* sample_var', '* x.var(axis=0)'))),
             **patch(REFERENCE, 'batchnorm_backward', ('    N = dout.shape[0]\n', '    N = dout.shape[1]\n'),
                     ('np.sum(dx_hat * xc, axis=0)', 'np.sum(dx_hat * xc, axis=1, keepdims=True)'),
                     ('dx = dxc - dxc.sum(axis=0) / N', 'dx = dxc - dxc.sum(axis=1, keepdims=True) / N'))},
            loses_in='batchnorm_forward_train',
            explanation='each example (a row) is normalized instead of each feature (a column)',
            hint='Check the axis of every mean and variance against the shapes in the docstring.'),
    Variant('dgamma_without_xhat', 'bug', 'dgamma sums dout alone',
            patch(REFERENCE, 'batchnorm_backward', ('dgamma = np.sum(dout * x_hat, axis=0)', 'dgamma = np.sum(dout, axis=0)')),
            loses_in='batchnorm_backward',
            explanation='dgamma sums dout alone, without x_hat',
            hint='Write out how out depends on gamma, element by element.'),
    Variant('dx_missing_mean_term', 'bug', 'dx ignores the path through the batch mean',
            patch(REFERENCE, 'batchnorm_backward', ('dx = dxc - dxc.sum(axis=0) / N', 'dx = dxc')),
            loses_in='batchnorm_backward',
            explanation='the gradient through the batch mean is left out',
            hint='Look again at how x_hat depends on the mean.'),
    Variant('dx_missing_variance_term', 'bug', 'dx ignores the path through the batch variance',
            patch(REFERENCE, 'batchnorm_backward', ('dxc += 2.0 * xc * dvar / N', 'pass')),
            loses_in='batchnorm_backward',
            explanation='the gradient through the batch variance is left out',
            hint='Look again at how x_hat depends on the variance, and the variance on x.'),
    Variant('dbeta_as_mean', 'bug', 'dbeta averages dout instead of summing it',
            patch(REFERENCE, 'batchnorm_backward', ('dbeta = dout.sum(axis=0)', 'dbeta = dout.mean(axis=0)')),
            loses_in='batchnorm_backward',
            explanation='dbeta averages dout over the batch instead of summing it',
            hint='Every example of the batch adds beta to its output: how do their gradients combine?'),
    Variant('gamma_ignored_in_dx', 'bug', 'dx forgets to multiply by gamma',
            patch(REFERENCE, 'batchnorm_backward', ('dx_hat = dout * gamma', 'dx_hat = dout')),
            loses_in='batchnorm_backward',
            explanation='dx leaves out the factor gamma',
            hint='Follow the chain rule from out back to x_hat: what multiplies x_hat on the way?'),
    Variant('batchnorm_after_last_affine', 'bug', 'the output layer is batch normalized too',
            patch(REFERENCE, 'fc_net',
                  ('if use_batchnorm and i < self.num_layers:', 'if use_batchnorm:'),
                  ("self.bn_params = [{'mode': 'train'} for _ in range(self.num_layers - 1)]",
                   "self.bn_params = [{'mode': 'train'} for _ in range(self.num_layers)]"),
                  ("        scores, caches['output'] = affine_forward(h, self.params['W%d' % L], self.params['b%d' % L])\n",
                   "        scores, caches['output'] = affine_forward(h, self.params['W%d' % L], self.params['b%d' % L])\n"
                   "        if self.use_batchnorm:\n"
                   "            scores, caches['output_bn'] = batchnorm_forward(\n"
                   "                scores, self.params['gamma%d' % L], self.params['beta%d' % L], self.bn_params[L - 1])\n"),
                  ("        loss, dscores = softmax_loss(scores, y)\n",
                   "        loss, dscores = softmax_loss(scores, y)\n"
                   "        if self.use_batchnorm:\n"
                   "            dscores, grads['gamma%d' % L], grads['beta%d' % L] = batchnorm_backward(\n"
                   "                dscores, caches['output_bn'])\n")),
            loses_in='fc_net_loss_and_gradients', also_loses_in=('fc_net_init',),
            explanation="the output layer's scores are batch normalized too",
            hint='Check which layers the architecture puts batch norm after.'),
    Variant('batchnorm_after_relu', 'bug', 'affine - relu - batchnorm instead of affine - batchnorm - relu',
            patch(REFERENCE, 'fc_net', *[(a, b.replace('''                a, fc_cache = affine_forward(h, W, b)
                a, bn_cache = batchnorm_forward(a,''', '''                a, fc_cache = affine_forward(h, W, b)
                a, relu_cache = relu_forward(a)
                a, bn_cache = batchnorm_forward(a,''').replace('''                h, relu_cache = relu_forward(a)
''', '''                h = a
''').replace('''                da = relu_backward(dh, relu_cache)
                da, grads['gamma%d' % i], grads['beta%d' % i] = batchnorm_backward(da, bn_cache)''', '''                da, grads['gamma%d' % i], grads['beta%d' % i] = batchnorm_backward(dh, bn_cache)
                da = relu_backward(da, relu_cache)''')) for a, b in INLINE_NET_LOSS]),
            loses_in='fc_net_loss_and_gradients',
            explanation='batch norm comes after the ReLU instead of before it',
            hint='Check the order affine - batchnorm - relu in every hidden layer.'),
    Variant('mode_key_typo', 'bug', "bn_param[mode] = mode: the net never switches batch norm to test mode",
            patch(REFERENCE, 'fc_net', ("bn_param['mode'] = mode", 'bn_param[mode] = mode')),
            loses_in='fc_net_test_mode',
            explanation='the net never switches batch norm to test mode',
            hint='Look closely at how loss() sets the mode in each bn_param dict.'),
    Variant('shared_bn_param', 'bug', 'one bn_param dict shared by every layer',
            patch(REFERENCE, 'fc_net', ("self.bn_params = [{'mode': 'train'} for _ in range(self.num_layers - 1)]",
                             "shared = {'mode': 'train'}\n"
                             "            self.bn_params = [shared for _ in range(self.num_layers - 1)]")),
            loses_in='fc_net_test_mode',
            explanation='every layer shares one bn_param dict',
            hint='Check how many distinct bn_param dicts your net creates.'),
    Variant('l2_without_half', 'bug', 'reg * sum(W**2) without the factor 0.5',
            patch(REFERENCE, 'fc_net', ('loss += 0.5 * self.reg * np.sum(W * W)', 'loss += self.reg * np.sum(W * W)'),
                  ("grads['W%d' % i] += self.reg * W", "grads['W%d' % i] += 2 * self.reg * W")),
            loses_in='fc_net_loss_and_gradients',
            explanation='the regularization term lacks the factor 0.5',
            hint="Compare your loss's regularization term with the formula in the docstring."),
    Variant('l2_on_biases', 'bug', 'biases are regularized too',
            patch(REFERENCE, 'fc_net', ("            grads['W%d' % i] += self.reg * W\n",
                             "            grads['W%d' % i] += self.reg * W\n"
                             "            b = self.params['b%d' % i]\n"
                             "            loss += 0.5 * self.reg * np.sum(b * b)\n"
                             "            grads['b%d' % i] += self.reg * b\n")),
            loses_in='fc_net_loss_and_gradients',
            explanation='the biases are regularized too',
            hint='Check which parameters the regularization term should include.'),
    Variant('no_gamma_beta_gradients', 'bug', 'grads has no entries for gamma and beta',
            patch(REFERENCE, 'fc_net', ("dh, grads['W%d' % i], grads['b%d' % i], grads['gamma%d' % i], grads['beta%d' % i] = \\",
                             "dh, grads['W%d' % i], grads['b%d' % i], _, _ = \\")),
            loses_in='fc_net_loss_and_gradients',
            explanation='grads has no entries for gamma and beta',
            hint='Every parameter in params needs its gradient in grads.'),
    Variant('gamma_initialised_to_zero', 'bug', 'gamma starts at zero',
            patch(REFERENCE, 'fc_net', ("self.params['gamma%d' % i] = np.ones(d_out)", "self.params['gamma%d' % i] = np.zeros(d_out)")),
            loses_in='fc_net_init',
            explanation='gamma starts at zero',
            hint="Think about what a zero gamma does to every layer's output at the start."),
    Variant('use_batchnorm_ignored', 'bug', 'batch norm is always on, whatever use_batchnorm says',
            patch(REFERENCE, 'fc_net', ('self.use_batchnorm = use_batchnorm', 'self.use_batchnorm = use_batchnorm = True')),
            loses_in='fc_net_init', also_loses_in=('fc_net_loss_and_gradients',),
            explanation='batch norm is used whatever use_batchnorm says',
            hint='Check what your constructor and loss do when use_batchnorm is False.'),
]



# ---------------------------------------------------------------- more correct implementations

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

CORRECT += [
    Variant('mode_is_literal', 'correct', "`mode is 'train'`: works as in the notebook (the feedback warns)",
            patch(REFERENCE, 'batchnorm_forward', *IS_LITERAL_LAYER_LINES)),
    Variant('step_by_step_graph', 'correct', 'forward and backward one graph node at a time, seven-part cache',
            {'batchnorm_forward': STEP_BY_STEP_LAYER, 'batchnorm_backward': STEP_BY_STEP_BACKWARD}),
    Variant('inverse_variance_backward', 'correct', 'closed-form backward written with the inverse std',
            {'batchnorm_backward': INVVAR_BACKWARD}),
    Variant('keepdims_statistics', 'correct', 'batch statistics with keepdims=True, running averages of shape (D,)',
            patch(REFERENCE, 'batchnorm_forward', *KEEPDIMS_LAYER_LINES)),
    Variant('running_averages_in_place', 'correct', 'setdefault and in-place updates of the running averages',
            patch(REFERENCE, 'batchnorm_forward', *IN_PLACE_RUNNING_LINES)),
    Variant('mode_checked_first', 'correct', 'the mode is validated before anything else',
            patch(REFERENCE, 'batchnorm_forward', *MODE_CHECKED_FIRST_LINES)),
    Variant('handwritten_dropout', 'correct', 'the net writes its own inverted dropout',
            patch(REFERENCE, 'fc_net', *HANDWRITTEN_DROPOUT_LINES)),
    Variant('modes_via_update', 'correct', "bn_param.update(mode=mode) instead of item assignment",
            patch(REFERENCE, 'fc_net', *MODES_VIA_UPDATE_LINES)),
    Variant('bn_params_appended', 'correct', 'one bn_param appended per layer while the parameters are built',
            patch(REFERENCE, 'fc_net', *BN_PARAMS_APPEND_LINES)),
    Variant('one_pass_closed_form', 'correct', 'one-pass variance with the closed-form backward',
            {**patch(REFERENCE, 'batchnorm_forward', *ONE_PASS_FORWARD_LINES), 'batchnorm_backward': CLOSED_FORM_BACKWARD}),
]


# ---------------------------------------------------------------- more realistic bugs

ZERO_BASED_NAMES = '''        dims = [input_dim] + list(hidden_dims) + [num_classes]
        for i in range(self.num_layers):
            d_in, d_out = dims[i], dims[i + 1]
            self.params['W%d' % i] = weight_scale * np.random.randn(d_in, d_out)
            self.params['b%d' % i] = np.zeros(d_out)
            if use_batchnorm and i < self.num_layers - 1:
                self.params['BN%dgamma' % i] = np.ones(d_out)
                self.params['BN%dbeta' % i] = np.zeros(d_out)
'''

ZERO_BASED_LOSS = '''        L = self.num_layers
        caches = {}
        h = X
        for i in range(L - 1):
            W, b = self.params['W%d' % i], self.params['b%d' % i]
            if self.use_batchnorm:
                h, caches[i] = affine_batchnorm_relu_forward(
                    h, W, b, self.params['BN%dgamma' % i], self.params['BN%dbeta' % i], self.bn_params[i])
            else:
                h, caches[i] = affine_relu_forward(h, W, b)
            if self.use_dropout:
                h, caches['dropout%d' % i] = dropout_forward(h, self.dropout_param)
        scores, caches['output'] = affine_forward(h, self.params['W%d' % (L - 1)], self.params['b%d' % (L - 1)])

        if mode == 'test':
            return scores

        grads = {}
        loss, dscores = softmax_loss(scores, y)
        dh, grads['W%d' % (L - 1)], grads['b%d' % (L - 1)] = affine_backward(dscores, caches['output'])
        for i in range(L - 2, -1, -1):
            if self.use_dropout:
                dh = dropout_backward(dh, caches['dropout%d' % i])
            if self.use_batchnorm:
                dh, grads['W%d' % i], grads['b%d' % i], grads['BN%dgamma' % i], grads['BN%dbeta' % i] = \\
                    affine_batchnorm_relu_backward(dh, caches[i])
            else:
                dh, grads['W%d' % i], grads['b%d' % i] = affine_relu_backward(dh, caches[i])

        for i in range(L):
            W = self.params['W%d' % i]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads['W%d' % i] += self.reg * W
        return loss, grads
'''


def _zero_based_net():
    source = REFERENCE['fc_net']
    init_start = source.index("        dims = [input_dim]")
    init_end = source.index("        # Each batch normalization layer")
    source = source[:init_start] + ZERO_BASED_NAMES + '\n' + source[init_end:]
    loss_start = source.index("        L = self.num_layers\n        caches = {}")
    return {'fc_net': source[:loss_start] + ZERO_BASED_LOSS}


BUGS += [
    Variant('forward_mutates_x', 'bug', 'x -= mean: the forward centres its input in place',
            patch(REFERENCE, 'batchnorm_forward', ('        xc = x - sample_mean\n', '        x -= sample_mean\n        xc = x\n')),
            loses_in='batchnorm_forward_train'),
    Variant('backward_mutates_dout', 'bug', 'dout *= gamma: the backward scales its input in place',
            patch(REFERENCE, 'batchnorm_backward', ('    dx_hat = dout * gamma\n', '    dout *= gamma\n    dx_hat = dout\n')),
            loses_in='batchnorm_backward'),
    Variant('train_uses_running_statistics', 'bug', 'train mode normalizes with the running averages once they exist',
            patch(REFERENCE, 'batchnorm_forward', ('        std = np.sqrt(sample_var + eps)\n',
                                        "        if 'running_mean' in bn_param:\n"
                                        "            xc = x - bn_param['running_mean']\n"
                                        "            std = np.sqrt(bn_param['running_var'] + eps)\n"
                                        "        else:\n"
                                        "            std = np.sqrt(sample_var + eps)\n")),
            loses_in='batchnorm_forward_train'),
    Variant('running_var_starts_at_ones', 'bug', 'running_var defaults to ones instead of zeros',
            patch(REFERENCE, 'batchnorm_forward', ("bn_param.get('running_var', np.zeros(D, dtype=x.dtype))",
                                        "bn_param.get('running_var', np.ones(D, dtype=x.dtype))")),
            loses_in='batchnorm_running_stats_test_mode'),
    Variant('running_stats_1xD', 'bug', 'running averages stored with shape (1, D)',
            patch(REFERENCE, 'batchnorm_forward', ('sample_mean = x.mean(axis=0)', 'sample_mean = x.mean(axis=0, keepdims=True)'),
                  (REFERENCE_VARIANCE, 'sample_var = np.mean(xc ** 2, axis=0, keepdims=True)')),
            loses_in='batchnorm_running_stats_test_mode'),
    Variant('float32_forward', 'bug', 'the forward casts x to float32 and computes in single precision',
            patch(REFERENCE, 'batchnorm_forward', ("    mode = bn_param['mode']\n",
                                        "    mode = bn_param['mode']\n    x = x.astype(np.float32)\n")),
            loses_in='batchnorm_forward_train'),
    Variant('eps_outside_sqrt', 'bug', 'eps added after the square root',
            patch(REFERENCE, 'batchnorm_forward', ('std = np.sqrt(sample_var + eps)', 'std = np.sqrt(sample_var) + eps')),
            loses_in='batchnorm_forward_train'),
    Variant('test_mode_without_gamma', 'bug', 'test mode returns x_hat, forgetting gamma and beta',
            patch(REFERENCE, 'batchnorm_forward', ('        out = gamma * x_hat + beta\n', '        out = x_hat\n')),
            loses_in='batchnorm_running_stats_test_mode'),
    Variant('invalid_mode_generic_exception', 'bug', 'an unknown mode raises Exception, not ValueError',
            patch(REFERENCE, 'batchnorm_forward', ('raise ValueError(', 'raise Exception(')),
            loses_in='batchnorm_invalid_mode'),
    Variant('dmu_as_mean', 'bug', "the mean's branch of dx uses a mean where a sum belongs (cascades into training)",
            patch(REFERENCE, 'batchnorm_backward', ('dx = dxc - dxc.sum(axis=0) / N', 'dx = dxc - dxc.mean(axis=0) / N')),
            loses_in='batchnorm_backward'),
    Variant('dropout_mode_never_set', 'bug', "the net never sets dropout_param['mode']: dropout runs at test time",
            patch(REFERENCE, 'fc_net', ("        if self.use_dropout:\n            self.dropout_param['mode'] = mode\n", '')),
            loses_in='fc_net_test_mode'),
    Variant('dropout_not_rescaled', 'bug', 'a hand-written dropout whose kept units are not divided by (1 - p)',
            patch(REFERENCE, 'fc_net', *[(a, b.replace(") / (1 - self.dropout_param['p'])", ')'))
                              for a, b in HANDWRITTEN_DROPOUT_LINES]),
            loses_in='fc_net_loss_and_gradients'),
    Variant('dropout_keeps_with_p', 'bug', 'a hand-written dropout that keeps each unit with probability p',
            patch(REFERENCE, 'fc_net', *[(a, b.replace("> self.dropout_param['p']) / (1 - self.dropout_param['p'])",
                                            "< self.dropout_param['p']) / self.dropout_param['p']"))
                              for a, b in HANDWRITTEN_DROPOUT_LINES]),
            loses_in='fc_net_loss_and_gradients'),
    Variant('dropout_ignored', 'bug', 'the net never applies dropout',
            patch(REFERENCE, 'fc_net', ("            if self.use_dropout:\n                h, caches['dropout%d' % i] = "
                             "dropout_forward(h, self.dropout_param)\n", ''),
                  ("            if self.use_dropout:\n                dh = dropout_backward(dh, caches['dropout%d' % i])\n",
                   '')),
            loses_in='fc_net_loss_and_gradients'),
    Variant('dropout_param_other_name', 'bug', 'the dropout settings live in self.dropout, not self.dropout_param',
            patch(REFERENCE, 'fc_net', ('        self.dropout_param = {}\n', '        self.dropout = {}\n'),
                  ("            self.dropout_param = {'mode': 'train', 'p': dropout}\n",
                   "            self.dropout = {'mode': 'train', 'p': dropout}\n"),
                  ("                self.dropout_param['seed'] = seed\n", "                self.dropout['seed'] = seed\n"),
                  ("            self.dropout_param['mode'] = mode\n", "            self.dropout['mode'] = mode\n"),
                  ("dropout_forward(h, self.dropout_param)", "dropout_forward(h, self.dropout)")),
            loses_in='fc_net_init'),
    Variant('bn_params_recreated', 'bug', 'loss() builds new bn_params dicts on every call',
            patch(REFERENCE, 'fc_net', ("        for bn_param in self.bn_params:\n            bn_param['mode'] = mode\n",
                             "        self.bn_params = [{'mode': mode} for _ in self.bn_params]\n")),
            loses_in='fc_net_test_mode'),
    Variant('zero_based_names', 'bug', 'parameters named W0..W2, b0..b2, BN0gamma, BN0beta (numbered from 0)',
            _zero_based_net(), loses_in='fc_net_init'),
]

BUGS += [
    Variant('dgamma_wrong_axis', 'bug', 'dgamma summed over the features (axis=1) instead of the batch',
            patch(REFERENCE, 'batchnorm_backward', ('dgamma = np.sum(dout * x_hat, axis=0)', 'dgamma = np.sum(dout * x_hat, axis=1)')),
            loses_in='batchnorm_backward'),
    Variant('eps_not_read', 'bug', "eps fixed at 1e-5 whatever bn_param['eps'] says, in both modes",
            patch(REFERENCE, 'batchnorm_forward', ("eps = bn_param.get('eps', 1e-5)", 'eps = 1e-5')),
            loses_in='batchnorm_forward_train'),
    Variant('test_mode_decays_running_mean', 'bug', 'test mode shrinks the running mean it normalizes with',
            patch(REFERENCE, 'batchnorm_forward', ("        cache = None\n",
                                        "        cache = None\n        running_mean = 0.5 * running_mean\n")),
            loses_in='batchnorm_running_stats_test_mode'),
]

# The misconception diagnosis's words for the bugs above (see the Variant fields).
WORDS = {
    'forward_mutates_x': ('x is centred in place, changing the caller\'s array',
                          'Check which arrays your forward pass writes into.'),
    'backward_mutates_dout': ('dout is scaled in place, changing the caller\'s array',
                              'Check which arrays your backward pass writes into.'),
    'train_uses_running_statistics': ('train mode normalizes with the running averages once they exist',
                                      'Ask which statistics train mode normalizes with on the second call.'),
    'running_var_starts_at_ones': ('running_var starts at ones', 'Check the starting value of each running average.'),
    'running_stats_1xD': ('the running averages have shape (1, D)', 'Compare the shape of running_mean with gamma.'),
    'float32_forward': ('the forward pass computes in float32', 'Check the dtype your forward pass computes in.'),
    'eps_outside_sqrt': ('eps is added after the square root', 'Check where eps enters the standard deviation.'),
    'test_mode_without_gamma': ('test mode leaves out gamma and beta', 'Compare the test-mode output with the train-mode one.'),
    'invalid_mode_generic_exception': ('an unknown mode raises Exception, not ValueError',
                                       'Check which exception the docstring asks for.'),
    'dmu_as_mean': ("the mean's branch of dx divides by N twice", 'Look again at how x_hat depends on the mean.'),
    'dropout_mode_never_set': ("dropout_param['mode'] is never set", 'Check what loss() does to dropout_param at test time.'),
    'dropout_not_rescaled': ('the kept units are not divided by (1 - p)', 'Compare the expected activation in train and test mode.'),
    'dropout_keeps_with_p': ('units are kept with probability p', 'Check what p means in the docstring.'),
    'dropout_ignored': ('dropout is never applied', 'Check where dropout belongs in each hidden layer.'),
    'dropout_param_other_name': ('the dropout settings live under another attribute name',
                                 'Check the attribute names the docstring gives.'),
    'bn_params_recreated': ('bn_params are recreated on every call', 'Check where your bn_param dicts are created.'),
    'zero_based_names': ('the parameters are numbered from 0', 'Check how the docstring numbers the layers.'),
    'dgamma_wrong_axis': ('dgamma is summed over the features instead of the batch', 'Check the shape of dgamma.'),
    'eps_not_read': ("bn_param['eps'] is ignored", 'Check which values your code reads from bn_param.'),
    'test_mode_decays_running_mean': ('test mode changes the running mean', 'Check what test mode writes back into bn_param.'),
}
BUGS[:] = [replace(b, explanation=WORDS[b.name][0], hint=WORDS[b.name][1]) if b.name in WORDS else b for b in BUGS]
CORRECT[:] = of_assignment(ASSIGNMENT, CORRECT)
BUGS[:] = of_assignment(ASSIGNMENT, BUGS)
