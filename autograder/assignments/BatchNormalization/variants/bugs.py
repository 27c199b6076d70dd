"""Realistic bugs of batch normalization and its net, each an edit of the reference (``autograder.validation.kinds
.patch``) or of a correct variant. A bug names the check that must lose points for it, the check whose title
describes the mistake, and beside it the words the misconception diagnosis tells a student who made it.
"""
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.correct import (HANDWRITTEN_DROPOUT_LINES, INLINE_NET_LOSS,
                                                                        REFERENCE, REFERENCE_VARIANCE, RUNNING_UPDATE)
from autograder.validation.kinds import Bug, of_assignment, patch

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



BUGS = of_assignment(ASSIGNMENT, [
    Bug('unbiased_variance', 'variance with ddof=1',
        patch(REFERENCE, 'batchnorm_forward', (REFERENCE_VARIANCE, 'sample_var = np.var(x, axis=0, ddof=1)')),
        loses_in='batchnorm_forward_train',
        explanation='the batch variance is the unbiased one (dividing by N - 1)',
        hint='Batch norm divides by the number of examples N: check which variance your code computes.'),
    Bug('eps_missing_train', 'no eps in the train-mode normalization',
        patch(REFERENCE, 'batchnorm_forward', ('std = np.sqrt(sample_var + eps)', 'std = np.sqrt(sample_var)')),
        loses_in='batchnorm_forward_train',
        explanation='eps is left out of the train-mode normalization',
        hint='Look at what happens to a feature whose variance is almost zero.'),
    Bug('eps_missing_test', 'no eps in the test-mode normalization',
        patch(REFERENCE, 'batchnorm_forward', ('np.sqrt(running_var + eps)', 'np.sqrt(running_var)')),
        loses_in='batchnorm_running_stats_test_mode',
        explanation='eps is left out of the test-mode normalization',
        hint='Compare the test-mode formula with the train-mode one, term by term.'),
    Bug('running_stats_not_stored', 'running averages computed but not written back',
        patch(REFERENCE, 'batchnorm_forward', ("    bn_param['running_mean'] = running_mean\n"
                                    "    bn_param['running_var'] = running_var\n", '')),
        loses_in='batchnorm_running_stats_test_mode',
        explanation='the running averages are computed but never stored back in bn_param',
        hint='Check what the caller can see in bn_param after the call returns.'),
    Bug('momentum_swapped', 'running = (1 - momentum) * running + momentum * batch',
        patch(REFERENCE, 'batchnorm_forward',
              (RUNNING_UPDATE, RUNNING_UPDATE.replace('momentum * running_mean + (1 - momentum) * sample_mean',
                                                      '(1 - momentum) * running_mean + momentum * sample_mean')
                                             .replace('momentum * running_var + (1 - momentum) * sample_var',
                                                      '(1 - momentum) * running_var + momentum * sample_var'))),
        loses_in='batchnorm_running_stats_test_mode',
        explanation='momentum and (1 - momentum) are swapped in the running averages',
        hint='Ask which part of the running average should change slowly from batch to batch.'),
    Bug('test_mode_batch_statistics', 'test mode normalizes with the batch mean and variance',
        patch(REFERENCE, 'batchnorm_forward', ('x_hat = (x - running_mean) / np.sqrt(running_var + eps)',
                                    'x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)')),
        loses_in='batchnorm_running_stats_test_mode',
        explanation="test mode normalizes with the batch's own mean and variance",
        hint='Think about what test mode should do with a batch of one example.'),
    Bug('wrong_axis', 'normalizes each example (axis=1) instead of each feature, forward and backward alike',
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
    Bug('dgamma_without_xhat', 'dgamma sums dout alone',
        patch(REFERENCE, 'batchnorm_backward', ('dgamma = np.sum(dout * x_hat, axis=0)', 'dgamma = np.sum(dout, axis=0)')),
        loses_in='batchnorm_backward',
        explanation='dgamma sums dout alone, without x_hat',
        hint='Write out how out depends on gamma, element by element.'),
    Bug('dx_missing_mean_term', 'dx ignores the path through the batch mean',
        patch(REFERENCE, 'batchnorm_backward', ('dx = dxc - dxc.sum(axis=0) / N', 'dx = dxc')),
        loses_in='batchnorm_backward',
        explanation='the gradient through the batch mean is left out',
        hint='Look again at how x_hat depends on the mean.'),
    Bug('dx_missing_variance_term', 'dx ignores the path through the batch variance',
        patch(REFERENCE, 'batchnorm_backward', ('dxc += 2.0 * xc * dvar / N', 'pass')),
        loses_in='batchnorm_backward',
        explanation='the gradient through the batch variance is left out',
        hint='Look again at how x_hat depends on the variance, and the variance on x.'),
    Bug('dbeta_as_mean', 'dbeta averages dout instead of summing it',
        patch(REFERENCE, 'batchnorm_backward', ('dbeta = dout.sum(axis=0)', 'dbeta = dout.mean(axis=0)')),
        loses_in='batchnorm_backward',
        explanation='dbeta averages dout over the batch instead of summing it',
        hint='Every example of the batch adds beta to its output: how do their gradients combine?'),
    Bug('gamma_ignored_in_dx', 'dx forgets to multiply by gamma',
        patch(REFERENCE, 'batchnorm_backward', ('dx_hat = dout * gamma', 'dx_hat = dout')),
        loses_in='batchnorm_backward',
        explanation='dx leaves out the factor gamma',
        hint='Follow the chain rule from out back to x_hat: what multiplies x_hat on the way?'),
    Bug('batchnorm_after_last_affine', 'the output layer is batch normalized too',
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
    Bug('batchnorm_after_relu', 'affine - relu - batchnorm instead of affine - batchnorm - relu',
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
    Bug('mode_key_typo', "bn_param[mode] = mode: the net never switches batch norm to test mode",
        patch(REFERENCE, 'fc_net', ("bn_param['mode'] = mode", 'bn_param[mode] = mode')),
        loses_in='fc_net_test_mode',
        explanation='the net never switches batch norm to test mode',
        hint='Look closely at how loss() sets the mode in each bn_param dict.'),
    Bug('shared_bn_param', 'one bn_param dict shared by every layer',
        patch(REFERENCE, 'fc_net', ("self.bn_params = [{'mode': 'train'} for _ in range(self.num_layers - 1)]",
                         "shared = {'mode': 'train'}\n"
                         "            self.bn_params = [shared for _ in range(self.num_layers - 1)]")),
        loses_in='fc_net_test_mode',
        explanation='every layer shares one bn_param dict',
        hint='Check how many distinct bn_param dicts your net creates.'),
    Bug('l2_without_half', 'reg * sum(W**2) without the factor 0.5',
        patch(REFERENCE, 'fc_net', ('loss += 0.5 * self.reg * np.sum(W * W)', 'loss += self.reg * np.sum(W * W)'),
              ("grads['W%d' % i] += self.reg * W", "grads['W%d' % i] += 2 * self.reg * W")),
        loses_in='fc_net_loss_and_gradients',
        explanation='the regularization term lacks the factor 0.5',
        hint="Compare your loss's regularization term with the formula in the docstring."),
    Bug('l2_on_biases', 'biases are regularized too',
        patch(REFERENCE, 'fc_net', ("            grads['W%d' % i] += self.reg * W\n",
                         "            grads['W%d' % i] += self.reg * W\n"
                         "            b = self.params['b%d' % i]\n"
                         "            loss += 0.5 * self.reg * np.sum(b * b)\n"
                         "            grads['b%d' % i] += self.reg * b\n")),
        loses_in='fc_net_loss_and_gradients',
        explanation='the biases are regularized too',
        hint='Check which parameters the regularization term should include.'),
    Bug('no_gamma_beta_gradients', 'grads has no entries for gamma and beta',
        patch(REFERENCE, 'fc_net', ("dh, grads['W%d' % i], grads['b%d' % i], grads['gamma%d' % i], grads['beta%d' % i] = \\",
                         "dh, grads['W%d' % i], grads['b%d' % i], _, _ = \\")),
        loses_in='fc_net_loss_and_gradients',
        explanation='grads has no entries for gamma and beta',
        hint='Every parameter in params needs its gradient in grads.'),
    Bug('gamma_initialised_to_zero', 'gamma starts at zero',
        patch(REFERENCE, 'fc_net', ("self.params['gamma%d' % i] = np.ones(d_out)", "self.params['gamma%d' % i] = np.zeros(d_out)")),
        loses_in='fc_net_init',
        explanation='gamma starts at zero',
        hint="Think about what a zero gamma does to every layer's output at the start."),
    Bug('use_batchnorm_ignored', 'batch norm is always on, whatever use_batchnorm says',
        patch(REFERENCE, 'fc_net', ('self.use_batchnorm = use_batchnorm', 'self.use_batchnorm = use_batchnorm = True')),
        loses_in='fc_net_init', also_loses_in=('fc_net_loss_and_gradients',),
        explanation='batch norm is used whatever use_batchnorm says',
        hint='Check what your constructor and loss do when use_batchnorm is False.'),
    Bug('forward_mutates_x', 'x -= mean: the forward centres its input in place',
        patch(REFERENCE, 'batchnorm_forward', ('        xc = x - sample_mean\n', '        x -= sample_mean\n        xc = x\n')),
        loses_in='batchnorm_forward_train',
        explanation="x is centred in place, changing the caller's array",
        hint='Check which arrays your forward pass writes into.'),
    Bug('backward_mutates_dout', 'dout *= gamma: the backward scales its input in place',
        patch(REFERENCE, 'batchnorm_backward', ('    dx_hat = dout * gamma\n', '    dout *= gamma\n    dx_hat = dout\n')),
        loses_in='batchnorm_backward',
        explanation="dout is scaled in place, changing the caller's array",
        hint='Check which arrays your backward pass writes into.'),
    Bug('train_uses_running_statistics', 'train mode normalizes with the running averages once they exist',
        patch(REFERENCE, 'batchnorm_forward', ('        std = np.sqrt(sample_var + eps)\n',
                                    "        if 'running_mean' in bn_param:\n"
                                    "            xc = x - bn_param['running_mean']\n"
                                    "            std = np.sqrt(bn_param['running_var'] + eps)\n"
                                    "        else:\n"
                                    "            std = np.sqrt(sample_var + eps)\n")),
        loses_in='batchnorm_forward_train',
        explanation='train mode normalizes with the running averages once they exist',
        hint='Ask which statistics train mode normalizes with on the second call.'),
    Bug('running_var_starts_at_ones', 'running_var defaults to ones instead of zeros',
        patch(REFERENCE, 'batchnorm_forward', ("bn_param.get('running_var', np.zeros(D, dtype=x.dtype))",
                                    "bn_param.get('running_var', np.ones(D, dtype=x.dtype))")),
        loses_in='batchnorm_running_stats_test_mode',
        explanation='running_var starts at ones',
        hint='Check the starting value of each running average.'),
    Bug('running_stats_1xD', 'running averages stored with shape (1, D)',
        patch(REFERENCE, 'batchnorm_forward', ('sample_mean = x.mean(axis=0)', 'sample_mean = x.mean(axis=0, keepdims=True)'),
              (REFERENCE_VARIANCE, 'sample_var = np.mean(xc ** 2, axis=0, keepdims=True)')),
        loses_in='batchnorm_running_stats_test_mode',
        explanation='the running averages have shape (1, D)',
        hint='Compare the shape of running_mean with gamma.'),
    Bug('float32_forward', 'the forward casts x to float32 and computes in single precision',
        patch(REFERENCE, 'batchnorm_forward', ("    mode = bn_param['mode']\n",
                                    "    mode = bn_param['mode']\n    x = x.astype(np.float32)\n")),
        loses_in='batchnorm_forward_train',
        explanation='the forward pass computes in float32',
        hint='Check the dtype your forward pass computes in.'),
    Bug('eps_outside_sqrt', 'eps added after the square root',
        patch(REFERENCE, 'batchnorm_forward', ('std = np.sqrt(sample_var + eps)', 'std = np.sqrt(sample_var) + eps')),
        loses_in='batchnorm_forward_train',
        explanation='eps is added after the square root',
        hint='Check where eps enters the standard deviation.'),
    Bug('test_mode_without_gamma', 'test mode returns x_hat, forgetting gamma and beta',
        patch(REFERENCE, 'batchnorm_forward', ('        out = gamma * x_hat + beta\n', '        out = x_hat\n')),
        loses_in='batchnorm_running_stats_test_mode',
        explanation='test mode leaves out gamma and beta',
        hint='Compare the test-mode output with the train-mode one.'),
    Bug('invalid_mode_generic_exception', 'an unknown mode raises Exception, not ValueError',
        patch(REFERENCE, 'batchnorm_forward', ('raise ValueError(', 'raise Exception(')),
        loses_in='batchnorm_invalid_mode',
        explanation='an unknown mode raises Exception, not ValueError',
        hint='Check which exception the docstring asks for.'),
    Bug('dmu_as_mean', "the mean's branch of dx uses a mean where a sum belongs (cascades into training)",
        patch(REFERENCE, 'batchnorm_backward', ('dx = dxc - dxc.sum(axis=0) / N', 'dx = dxc - dxc.mean(axis=0) / N')),
        loses_in='batchnorm_backward',
        explanation="the mean's branch of dx divides by N twice",
        hint='Look again at how x_hat depends on the mean.'),
    Bug('dropout_mode_never_set', "the net never sets dropout_param['mode']: dropout runs at test time",
        patch(REFERENCE, 'fc_net', ("        if self.use_dropout:\n            self.dropout_param['mode'] = mode\n", '')),
        loses_in='fc_net_test_mode',
        explanation="dropout_param['mode'] is never set",
        hint='Check what loss() does to dropout_param at test time.'),
    Bug('dropout_not_rescaled', 'a hand-written dropout whose kept units are not divided by (1 - p)',
        patch(REFERENCE, 'fc_net', *[(a, b.replace(") / (1 - self.dropout_param['p'])", ')'))
                          for a, b in HANDWRITTEN_DROPOUT_LINES]),
        loses_in='fc_net_loss_and_gradients',
        explanation='the kept units are not divided by (1 - p)',
        hint='Compare the expected activation in train and test mode.'),
    Bug('dropout_keeps_with_p', 'a hand-written dropout that keeps each unit with probability p',
        patch(REFERENCE, 'fc_net', *[(a, b.replace("> self.dropout_param['p']) / (1 - self.dropout_param['p'])",
                                        "< self.dropout_param['p']) / self.dropout_param['p']"))
                          for a, b in HANDWRITTEN_DROPOUT_LINES]),
        loses_in='fc_net_loss_and_gradients',
        explanation='units are kept with probability p',
        hint='Check what p means in the docstring.'),
    Bug('dropout_ignored', 'the net never applies dropout',
        patch(REFERENCE, 'fc_net', ("            if self.use_dropout:\n                h, caches['dropout%d' % i] = "
                         "dropout_forward(h, self.dropout_param)\n", ''),
              ("            if self.use_dropout:\n                dh = dropout_backward(dh, caches['dropout%d' % i])\n",
               '')),
        loses_in='fc_net_loss_and_gradients',
        explanation='dropout is never applied',
        hint='Check where dropout belongs in each hidden layer.'),
    Bug('dropout_param_other_name', 'the dropout settings live in self.dropout, not self.dropout_param',
        patch(REFERENCE, 'fc_net', ('        self.dropout_param = {}\n', '        self.dropout = {}\n'),
              ("            self.dropout_param = {'mode': 'train', 'p': dropout}\n",
               "            self.dropout = {'mode': 'train', 'p': dropout}\n"),
              ("                self.dropout_param['seed'] = seed\n", "                self.dropout['seed'] = seed\n"),
              ("            self.dropout_param['mode'] = mode\n", "            self.dropout['mode'] = mode\n"),
              ("dropout_forward(h, self.dropout_param)", "dropout_forward(h, self.dropout)")),
        loses_in='fc_net_init',
        explanation='the dropout settings live under another attribute name',
        hint='Check the attribute names the docstring gives.'),
    Bug('bn_params_recreated', 'loss() builds new bn_params dicts on every call',
        patch(REFERENCE, 'fc_net', ("        for bn_param in self.bn_params:\n            bn_param['mode'] = mode\n",
                         "        self.bn_params = [{'mode': mode} for _ in self.bn_params]\n")),
        loses_in='fc_net_test_mode',
        explanation='bn_params are recreated on every call',
        hint='Check where your bn_param dicts are created.'),
    Bug('zero_based_names', 'parameters named W0..W2, b0..b2, BN0gamma, BN0beta (numbered from 0)',
        _zero_based_net(), loses_in='fc_net_init',
        explanation='the parameters are numbered from 0',
        hint='Check how the docstring numbers the layers.'),
    Bug('dgamma_wrong_axis', 'dgamma summed over the features (axis=1) instead of the batch',
        patch(REFERENCE, 'batchnorm_backward', ('dgamma = np.sum(dout * x_hat, axis=0)', 'dgamma = np.sum(dout * x_hat, axis=1)')),
        loses_in='batchnorm_backward',
        explanation='dgamma is summed over the features instead of the batch',
        hint='Check the shape of dgamma.'),
    Bug('eps_not_read', "eps fixed at 1e-5 whatever bn_param['eps'] says, in both modes",
        patch(REFERENCE, 'batchnorm_forward', ("eps = bn_param.get('eps', 1e-5)", 'eps = 1e-5')),
        loses_in='batchnorm_forward_train',
        explanation="bn_param['eps'] is ignored",
        hint='Check which values your code reads from bn_param.'),
    Bug('test_mode_decays_running_mean', 'test mode shrinks the running mean it normalizes with',
        patch(REFERENCE, 'batchnorm_forward', ("        cache = None\n",
                                    "        cache = None\n        running_mean = 0.5 * running_mean\n")),
        loses_in='batchnorm_running_stats_test_mode',
        explanation='test mode changes the running mean',
        hint='Check what test mode writes back into bn_param.'),
])
