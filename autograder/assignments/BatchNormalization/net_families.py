"""The mistake families of the fully connected net (``autograder.grading.families``): where dropout goes and
which convention it follows, what the L2 term covers and how it is weighted, how the gradients are filed,
how the net switches between train and test mode, and how its parameters start.

Written from the kinds of mistake a net built of given layers invites (the release states the architecture
{affine - [batchnorm] - relu - [dropout]} x (L - 1) - affine - softmax, inverted dropout with p the
probability of dropping, 0.5 * reg * sum(W ** 2) over the weights only, and the initial values); each family
is planted in tests/assignments/test_families.py and run on every correct variant.
"""
from autograder.grading.families import Edit, Family, grid

NET = 'fc_net'
INIT, LOSS, TEST = 'fc_net_init', 'fc_net_loss_and_gradients', 'fc_net_test_mode'

# The reference's lines the families edit (solutions/BatchNormalization/fc_net.py).
BIAS = "self.params['b%d' % i] = np.zeros(d_out)"
WEIGHT = "self.params['W%d' % i] = weight_scale * np.random.randn(d_in, d_out)"
GAMMA = "self.params['gamma%d' % i] = np.ones(d_out)"
BETA = "self.params['beta%d' % i] = np.zeros(d_out)"
MODES = '''        if self.use_dropout:
            self.dropout_param['mode'] = mode
        for bn_param in self.bn_params:
            bn_param['mode'] = mode
'''
INPUT = '        h = X\n'
DROPOUT_IF = "            if self.use_dropout:\n                h, caches['dropout%d' % i]"
DROPOUT_BACK_IF = "            if self.use_dropout:\n                dh = dropout_backward"
DROPOUT = "                h, caches['dropout%d' % i] = dropout_forward(h, self.dropout_param)\n"
DROPOUT_BACK = "                dh = dropout_backward(dh, caches['dropout%d' % i])\n"
SCORES = "        scores, caches['output'] = affine_forward(h, self.params['W%d' % L], self.params['b%d' % L])\n"
SOFTMAX = '        loss, dscores = softmax_loss(scores, y)\n'
OUTPUT_BACK = "affine_backward(dscores, caches['output'])"
BN_GRADS = "grads['gamma%d' % i], grads['beta%d' % i] = \\"
L2 = '''        for i in range(1, L + 1):
            W = self.params['W%d' % i]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads['W%d' % i] += self.reg * W
'''
L2_LAYERS = '        for i in range(1, L + 1):\n            W = '
L2_LOSS = 'loss += 0.5 * self.reg * np.sum(W * W)'
L2_GRADIENT = "grads['W%d' % i] += self.reg * W"

# A dropout written out by hand: a mask kept where ``keep`` holds, the kept units scaled by ``scale``.
HANDWRITTEN = ("                p = self.dropout_param['p']\n"
               "                mask = (np.random.rand(*h.shape) {_keep}) {_scale}\n"
               "                if self.dropout_param['mode'] == 'test':\n"
               "                    mask = np.ones_like(h)\n"
               "                h = h * mask\n"
               "                caches['dropout%d' % i] = mask\n")
HANDWRITTEN_BACK = "                dh = dh * caches['dropout%d' % i]\n"
KEEPS = (('1 - p', '>= p'), ('p', '< p'))
SCALES = (('divided by (1 - p)', '/ (1 - p)'), ('divided by p', '/ p'), ('not rescaled', '* 1.0'),
          ('multiplied by (1 - p)', '* (1 - p)'))

DROPOUT_HINT = 'Check where dropout belongs: after each hidden ReLU, nowhere else.'
L2_HINT = 'Compare your L2 term and its gradient with the release: 0.5 * reg * sum(W ** 2), weights only.'

DROPOUT_FAMILIES = (
    Family('dropout_placement', LOSS, 'dropout is applied {words}', DROPOUT_HINT,
           (Edit(NET, INPUT, '{_input}'), Edit(NET, SCORES, '{_scores}'), Edit(NET, SOFTMAX, '{_softmax}'),
            Edit(NET, DROPOUT_IF, '{_hidden}'), Edit(NET, DROPOUT_BACK_IF, '{_hidden_back}')),
           tuple(dict({'_input': INPUT, '_scores': SCORES, '_softmax': SOFTMAX, '_hidden': DROPOUT_IF,
                       '_hidden_back': DROPOUT_BACK_IF}, **setting) for setting in (
               {'place': 'input', 'words': 'to the input as well as to the hidden layers',
                '_input': INPUT + "        if self.use_dropout:\n"
                                  "            h, caches['dropout0'] = dropout_forward(h, self.dropout_param)\n"},
               {'place': 'scores', 'words': 'to the scores as well as to the hidden layers',
                '_scores': SCORES + "        if self.use_dropout:\n            scores, caches['dropout_scores'] = "
                                    "dropout_forward(scores, self.dropout_param)\n",
                '_softmax': SOFTMAX + "        if self.use_dropout:\n            dscores = "
                                      "dropout_backward(dscores, caches['dropout_scores'])\n"},
               {'place': 'not last', 'words': 'to every hidden layer but the last',
                '_hidden': DROPOUT_IF.replace('self.use_dropout:', 'self.use_dropout and i < L - 1:'),
                '_hidden_back': DROPOUT_BACK_IF.replace('self.use_dropout:', 'self.use_dropout and i < L - 1:')}))),
    Family('dropout_convention', LOSS, 'each unit is kept with probability {keep} and the kept units are {scale}',
           "Check what p means in the docstring, and how inverted dropout rescales what it keeps.",
           (Edit(NET, DROPOUT, '{_forward}'), Edit(NET, DROPOUT_BACK, HANDWRITTEN_BACK)),
           tuple({'keep': keep, 'scale': scale, '_forward': HANDWRITTEN.format(_keep=condition, _scale=factor)}
                 for keep, condition in KEEPS for scale, factor in SCALES
                 if (keep, scale) != ('1 - p', 'divided by (1 - p)'))),
    Family('dropout_without_backward', LOSS, "dropout is applied in the forward pass but its backward is never "
           'taken', "Check that every layer of the forward pass has its step in the backward pass.",
           (Edit(NET, '            if self.use_dropout:\n' + DROPOUT_BACK, ''),)),
    Family('dropout_forward_unused', LOSS, "dropout's output is never used in the forward pass, though the "
           'backward pass applies its mask', 'Check that the forward pass continues from what dropout returns.',
           (Edit(NET, DROPOUT, DROPOUT.replace("h, caches['dropout%d' % i]", "h_drop, caches['dropout%d' % i]")),)),
    Family('dropout_test_scaled', TEST, 'test mode multiplies the hidden units by {factor}, as dropout that is not '
           'inverted does', 'Inverted dropout rescales in train mode only: check what test mode does.',
           (Edit(NET, DROPOUT_IF, "            if self.use_dropout and mode == 'test':\n"
                                  "                h = h * {_factor}\n"
                                  "            elif self.use_dropout:\n"
                                  "                h, caches['dropout%d' % i]"),),
           ({'factor': '(1 - p)', '_factor': "(1 - self.dropout_param['p'])"},
            {'factor': 'p', '_factor': "self.dropout_param['p']"})),
)

L2_FAMILIES = (
    Family('l2_covers', LOSS, '{words} regularized as well as the weights', L2_HINT,
           (Edit(NET, L2, "        for name in self.params:\n"
                          "            if {_test}:\n"
                          "                P = self.params[name]\n"
                          "                loss += 0.5 * self.reg * np.sum(P * P)\n"
                          "                grads[name] += self.reg * P\n"),),
           ({'which': 'biases', 'words': 'the biases are', '_test': "name[0] in 'Wb'"},
            {'which': 'gamma', 'words': 'gamma is', '_test': "name.startswith(('W', 'gamma'))"},
            {'which': 'gamma and beta', 'words': 'gamma and beta are',
             '_test': "name.startswith(('W', 'gamma', 'beta'))"},
            {'which': 'every parameter', 'words': 'every parameter is', '_test': 'True'})),
    Family('l2_weighting', LOSS, 'the L2 term adds {loss} * reg * sum(W ** 2) to the loss and {gradient} * reg * W '
           "to each weight's gradient", L2_HINT,
           (Edit(NET, L2_LOSS, 'loss += {loss} * self.reg * np.sum(W * W)'),
            Edit(NET, L2_GRADIENT, "grads['W%d' % i] += {gradient} * self.reg * W")),
           tuple(s for s in grid(loss=('0.5', '1', '0'), gradient=('1', '2', '0.5', '0'))
                 if (s['loss'], s['gradient']) != ('0.5', '1'))
           # both averaged over the batch, as the data loss is
           + ({'loss': '0.5 / X.shape[0]', 'gradient': '1 / X.shape[0]'},)),
    Family('l2_layers', LOSS, '{words}', L2_HINT,
           (Edit(NET, L2_LAYERS, '        for i in {_layers}:\n            W = '),),
           ({'layers': 'hidden', 'words': "the last layer's weights are not regularized", '_layers': 'range(1, L)'},
            {'layers': 'last', 'words': "only the last layer's weights are regularized", '_layers': 'range(L, L + 1)'})),
)

GRADIENT_FAMILIES = (
    Family('gamma_beta_gradients_swapped', LOSS, "each layer's gradients of gamma and beta are filed under each "
           "other's names", "Check the order of the values the backward pass returns.",
           (Edit(NET, BN_GRADS, "grads['beta%d' % i], grads['gamma%d' % i] = \\"),)),
    Family('relu_on_scores', LOSS, 'the last layer applies a ReLU to the scores',
           'Check the last layer: the scores go to the softmax as the affine layer gives them.',
           (Edit(NET, SCORES, SCORES.replace('affine_forward', 'affine_relu_forward')),
            Edit(NET, OUTPUT_BACK, OUTPUT_BACK.replace('affine_backward', 'affine_relu_backward')))),
)

MODE_FAMILIES = (
    Family('modes_set_for_test_only', TEST, 'the net switches its layers to test mode but never back to train mode',
           "Check what mode the layers are in for a loss(X, y) call that follows a test call.",
           (Edit(NET, MODES, "        if mode == 'test':\n" + ''.join('    ' + line for line in MODES.splitlines(True))),)),
)

INIT_FAMILIES = (
    Family('bias_shape', INIT, 'the biases have shape {shape}', 'Compare the shape of each bias with the docstring.',
           (Edit(NET, BIAS, "self.params['b%d' % i] = np.zeros({_shape})"),),
           ({'shape': '(1, H)', '_shape': '(1, d_out)'},)),
    Family('initial_values', INIT, '{words}', 'Compare how each parameter starts with the docstring.',
           (Edit(NET, GAMMA, "self.params['gamma%d' % i] = {_gamma}"), Edit(NET, BETA, "self.params['beta%d' % i] = {_beta}")),
           ({'start': 'beta ones', 'words': 'beta starts at one', '_gamma': 'np.ones(d_out)', '_beta': 'np.ones(d_out)'},
            {'start': 'swapped', 'words': 'gamma starts at zero and beta at one', '_gamma': 'np.zeros(d_out)',
             '_beta': 'np.ones(d_out)'})),
    Family('bias_start', INIT, 'the biases start at {value} instead of zeros', 'Compare how the biases start with '
           'the docstring.', (Edit(NET, BIAS, "self.params['b%d' % i] = np.full(d_out, {value})"),),
           grid(value=('0.01', '0.1', '1.0'))),
    Family('weight_scale', INIT, 'the weights start as {words}', 'Compare how the weights start with the docstring.',
           (Edit(NET, WEIGHT, "self.params['W%d' % i] = {_weights}"),),
           ({'start': 'randn', 'words': 'randn alone, without weight_scale', '_weights': 'np.random.randn(d_in, d_out)'},
            {'start': 'he', 'words': 'randn * sqrt(2 / fan_in) (He) instead of weight_scale * randn',
             '_weights': 'np.random.randn(d_in, d_out) * np.sqrt(2.0 / d_in)'},
            {'start': 'mean', 'words': 'draws with mean weight_scale and standard deviation 1 (weight_scale given as the '
             "mean, the generator's first argument)", '_weights': 'np.random.normal(weight_scale, 1.0, (d_in, d_out))'})),
)

NET_FAMILIES = DROPOUT_FAMILIES + L2_FAMILIES + GRADIENT_FAMILIES + MODE_FAMILIES + INIT_FAMILIES
