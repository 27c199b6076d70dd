"""Correct variants and realistic bugs, written as the notebook's solution cells.

Each variant starts from the reference cells (``autograder.reference_cells``)
and changes what a student would change. A bug names the check that must lose
points for it: the check whose title describes the mistake.
"""
from dataclasses import dataclass, field

from autograder.extract import SETUP_SOURCE  # noqa: F401  (what a submission's code runs after)
from autograder.reference_cells import reference_cells


@dataclass(frozen=True)
class Variant:
    name: str
    kind: str                 # 'correct', 'bug', 'hostile' or 'twin'
    description: str
    cells: dict = field(default_factory=dict)   # grade_id -> replacement source
    loses_in: str = None      # bugs: the check that must lose points; hostile: the checks that must score 0
    group: str = None         # hostile: what it attacks (autograder.validation.hostile.GROUPS)
    promise: str = None       # hostile: which levels must contain it ('robust', 'isolated', 'secret')
    # Bugs: the misconception diagnosis's words (autograder/misconceptions.py). The explanation completes
    # "Your dx matches what the backward pass gives when ..."; the hint says where to look, not what to write.
    explanation: str = None
    hint: str = None

    def sources(self):
        """All solution cells: the reference, with this variant's replacements."""
        cells = reference_cells()
        cells.update(self.cells)
        return cells


def patch(grade_id, *replacements):
    """{grade_id: reference source with each (old, new) replaced exactly once}."""
    source = reference_cells()[grade_id]
    for old, new in replacements:
        if source.count(old) != 1:
            raise ValueError('%r occurs %d times in the reference cell %s' % (old, source.count(old), grade_id))
        source = source.replace(old, new)
    return {grade_id: source}


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
            patch('batchnorm_forward', *ONE_PASS_FORWARD_LINES)),
    Variant('net_without_sandwich', 'correct', 'the net calls affine, batchnorm and relu one by one',
            patch('fc_net', *INLINE_NET_LOSS)),
    Variant('net_keeps_float32', 'correct', 'the net never casts X itself and keeps the default float32',
            patch('fc_net', ("        X = X.astype(self.dtype)\n", ""))),
]

BUGS = [
    Variant('unbiased_variance', 'bug', 'variance with ddof=1',
            patch('batchnorm_forward', (REFERENCE_VARIANCE, 'sample_var = np.var(x, axis=0, ddof=1)')),
            loses_in='batchnorm_forward_train',
            explanation='the batch variance is the unbiased one (dividing by N - 1)',
            hint='Batch norm divides by the number of examples N: check which variance your code computes.'),
    Variant('eps_missing_train', 'bug', 'no eps in the train-mode normalization',
            patch('batchnorm_forward', ('std = np.sqrt(sample_var + eps)', 'std = np.sqrt(sample_var)')),
            loses_in='batchnorm_forward_train',
            explanation='eps is left out of the train-mode normalization',
            hint='Look at what happens to a feature whose variance is almost zero.'),
    Variant('eps_missing_test', 'bug', 'no eps in the test-mode normalization',
            patch('batchnorm_forward', ('np.sqrt(running_var + eps)', 'np.sqrt(running_var)')),
            loses_in='batchnorm_running_stats_test_mode',
            explanation='eps is left out of the test-mode normalization',
            hint='Compare the test-mode formula with the train-mode one, term by term.'),
    Variant('running_stats_not_stored', 'bug', 'running averages computed but not written back',
            patch('batchnorm_forward', ("    bn_param['running_mean'] = running_mean\n"
                                        "    bn_param['running_var'] = running_var\n", '')),
            loses_in='batchnorm_running_stats_test_mode',
            explanation='the running averages are computed but never stored back in bn_param',
            hint='Check what the caller can see in bn_param after the call returns.'),
    Variant('momentum_swapped', 'bug', 'running = (1 - momentum) * running + momentum * batch',
            patch('batchnorm_forward',
                  (RUNNING_UPDATE, RUNNING_UPDATE.replace('momentum * running_mean + (1 - momentum) * sample_mean',
                                                          '(1 - momentum) * running_mean + momentum * sample_mean')
                                                 .replace('momentum * running_var + (1 - momentum) * sample_var',
                                                          '(1 - momentum) * running_var + momentum * sample_var'))),
            loses_in='batchnorm_running_stats_test_mode',
            explanation='momentum and (1 - momentum) are swapped in the running averages',
            hint='Ask which part of the running average should change slowly from batch to batch.'),
    Variant('test_mode_batch_statistics', 'bug', 'test mode normalizes with the batch mean and variance',
            patch('batchnorm_forward', ('x_hat = (x - running_mean) / np.sqrt(running_var + eps)',
                                        'x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)')),
            loses_in='batchnorm_running_stats_test_mode',
            explanation="test mode normalizes with the batch's own mean and variance",
            hint='Think about what test mode should do with a batch of one example.'),
    Variant('wrong_axis', 'bug', 'normalizes each example (axis=1) instead of each feature',
            patch('batchnorm_forward', ('sample_mean = x.mean(axis=0)', 'sample_mean = x.mean(axis=1, keepdims=True)'),
                  (REFERENCE_VARIANCE, 'sample_var = np.mean(xc ** 2, axis=1, keepdims=True)'),
                  (RUNNING_UPDATE, RUNNING_UPDATE.replace('* sample_mean', '* sample_mean.mean()')
                                                 .replace('* sample_var', '* sample_var.mean()'))),
            loses_in='batchnorm_forward_train',
            explanation='each example (a row) is normalized instead of each feature (a column)',
            hint='Check the axis of every mean and variance against the shapes in the docstring.'),
    Variant('dgamma_without_xhat', 'bug', 'dgamma sums dout alone',
            patch('batchnorm_backward', ('dgamma = np.sum(dout * x_hat, axis=0)', 'dgamma = np.sum(dout, axis=0)')),
            loses_in='batchnorm_backward',
            explanation='dgamma sums dout alone, without x_hat',
            hint='Write out how out depends on gamma, element by element.'),
    Variant('dx_missing_mean_term', 'bug', 'dx ignores the path through the batch mean',
            patch('batchnorm_backward', ('dx = dxc - dxc.sum(axis=0) / N', 'dx = dxc')),
            loses_in='batchnorm_backward',
            explanation='the gradient through the batch mean is left out',
            hint='Look again at how x_hat depends on the mean.'),
    Variant('dx_missing_variance_term', 'bug', 'dx ignores the path through the batch variance',
            patch('batchnorm_backward', ('dxc += 2.0 * xc * dvar / N', 'pass')),
            loses_in='batchnorm_backward',
            explanation='the gradient through the batch variance is left out',
            hint='Look again at how x_hat depends on the variance, and the variance on x.'),
    Variant('dbeta_as_mean', 'bug', 'dbeta averages dout instead of summing it',
            patch('batchnorm_backward', ('dbeta = dout.sum(axis=0)', 'dbeta = dout.mean(axis=0)')),
            loses_in='batchnorm_backward',
            explanation='dbeta averages dout over the batch instead of summing it',
            hint='Every example of the batch adds beta to its output: how do their gradients combine?'),
    Variant('gamma_ignored_in_dx', 'bug', 'dx forgets to multiply by gamma',
            patch('batchnorm_backward', ('dx_hat = dout * gamma', 'dx_hat = dout')),
            loses_in='batchnorm_backward',
            explanation='dx leaves out the factor gamma',
            hint='Follow the chain rule from out back to x_hat: what multiplies x_hat on the way?'),
    Variant('batchnorm_after_last_affine', 'bug', 'the output layer is batch normalized too',
            patch('fc_net',
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
            loses_in='fc_net_loss_and_gradients',
            explanation="the output layer's scores are batch normalized too",
            hint='Check which layers the architecture puts batch norm after.'),
    Variant('batchnorm_after_relu', 'bug', 'affine - relu - batchnorm instead of affine - batchnorm - relu',
            patch('fc_net', *[(a, b.replace('''                a, fc_cache = affine_forward(h, W, b)
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
            patch('fc_net', ("bn_param['mode'] = mode", 'bn_param[mode] = mode')),
            loses_in='fc_net_test_mode',
            explanation='the net never switches batch norm to test mode',
            hint='Look closely at how loss() sets the mode in each bn_param dict.'),
    Variant('shared_bn_param', 'bug', 'one bn_param dict shared by every layer',
            patch('fc_net', ("self.bn_params = [{'mode': 'train'} for _ in range(self.num_layers - 1)]",
                             "shared = {'mode': 'train'}\n"
                             "            self.bn_params = [shared for _ in range(self.num_layers - 1)]")),
            loses_in='fc_net_test_mode',
            explanation='every layer shares one bn_param dict',
            hint='Check how many distinct bn_param dicts your net creates.'),
    Variant('l2_without_half', 'bug', 'reg * sum(W**2) without the factor 0.5',
            patch('fc_net', ('loss += 0.5 * self.reg * np.sum(W * W)', 'loss += self.reg * np.sum(W * W)'),
                  ("grads['W%d' % i] += self.reg * W", "grads['W%d' % i] += 2 * self.reg * W")),
            loses_in='fc_net_loss_and_gradients',
            explanation='the regularization term lacks the factor 0.5',
            hint="Compare your loss's regularization term with the formula in the docstring."),
    Variant('l2_on_biases', 'bug', 'biases are regularized too',
            patch('fc_net', ("            grads['W%d' % i] += self.reg * W\n",
                             "            grads['W%d' % i] += self.reg * W\n"
                             "            b = self.params['b%d' % i]\n"
                             "            loss += 0.5 * self.reg * np.sum(b * b)\n"
                             "            grads['b%d' % i] += self.reg * b\n")),
            loses_in='fc_net_loss_and_gradients',
            explanation='the biases are regularized too',
            hint='Check which parameters the regularization term should include.'),
    Variant('no_gamma_beta_gradients', 'bug', 'grads has no entries for gamma and beta',
            patch('fc_net', ("dh, grads['W%d' % i], grads['b%d' % i], grads['gamma%d' % i], grads['beta%d' % i] = \\",
                             "dh, grads['W%d' % i], grads['b%d' % i], _, _ = \\")),
            loses_in='fc_net_loss_and_gradients',
            explanation='grads has no entries for gamma and beta',
            hint='Every parameter in params needs its gradient in grads.'),
    Variant('gamma_initialised_to_zero', 'bug', 'gamma starts at zero',
            patch('fc_net', ("self.params['gamma%d' % i] = np.ones(d_out)", "self.params['gamma%d' % i] = np.zeros(d_out)")),
            loses_in='fc_net_init',
            explanation='gamma starts at zero',
            hint="Think about what a zero gamma does to every layer's output at the start."),
    Variant('use_batchnorm_ignored', 'bug', 'batch norm is always on, whatever use_batchnorm says',
            patch('fc_net', ('self.use_batchnorm = use_batchnorm', 'self.use_batchnorm = use_batchnorm = True')),
            loses_in='fc_net_init',
            explanation='batch norm is used whatever use_batchnorm says',
            hint='Check what your constructor and loss do when use_batchnorm is False.'),
]


def all_variants():
    from autograder.validation.hostile import HOSTILE
    return CORRECT + BUGS + HOSTILE
