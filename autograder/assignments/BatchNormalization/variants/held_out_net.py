"""Mistakes in the fully connected net with batch norm reported in public, written afresh and kept apart from the
diagnosis's tuning (docs/validation.md, "The held-out part").

Each description ends with its source and its public address: a Q&A thread, an issue or pull request, a
library's documentation (facts carry over, code does not). The rate at which a bug's own mistake is named is
measured on those still marked ``held_out``; a bug a mistake family was written after (its first measurement
showed no family for it) has moved to the known part, ``held_out`` dropped.
"""
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.correct import REFERENCE
from autograder.validation.kinds import Bug, of_assignment, patch

REG_LOOP = ('''        for i in range(1, L + 1):
            W = self.params['W%d' % i]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads['W%d' % i] += self.reg * W
''')

# The penalty and its gradient on the output layer's weights alone.
L2_OUTPUT_LAYER_ONLY = (
    (REG_LOOP, '''        W_out = self.params['W%d' % L]
        loss += 0.5 * self.reg * np.sum(W_out * W_out)
        grads['W%d' % L] += self.reg * W_out
'''),
)

# The penalty in the loss, nothing in the gradients.
REG_ONLY_IN_LOSS = (
    (REG_LOOP, '''        reg_loss = 0.0
        for i in range(1, L + 1):
            W = self.params['W%d' % i]
            reg_loss += 0.5 * self.reg * np.sum(W * W)
        loss += reg_loss
'''),
)

# Inverted dropout in training, and the test-time activations scaled by the keep probability as well.
DROPOUT_SCALED_AT_TEST = (
    ("                h, caches['dropout%d' % i] = dropout_forward(h, self.dropout_param)\n",
     "                h, caches['dropout%d' % i] = dropout_forward(h, self.dropout_param)\n"
     "                if mode == 'test':\n"
     "                    h = h * (1 - self.dropout_param['p'])  # scale by the keep probability at test time\n"),
)

# The batch mean divided by the batch size a second time; the variance is taken around that mean.
BIASES_AT_001 = (
    ("self.params['b%d' % i] = np.zeros(d_out)", "self.params['b%d' % i] = 0.01 * np.ones(d_out)  # ReLUs start active"),
)

# He initialization in place of weight_scale.
HE_INIT = (
    ("self.params['W%d' % i] = weight_scale * np.random.randn(d_in, d_out)",
     "self.params['W%d' % i] = np.random.randn(d_in, d_out) * np.sqrt(2.0 / d_in)  # He init for ReLU"),
)

# Dropout computed into a new name that the next layer never reads; its backward still applies the mask.
DROPOUT_OUTPUT_UNUSED = (
    ("                h, caches['dropout%d' % i] = dropout_forward(h, self.dropout_param)\n",
     "                h_drop, caches['dropout%d' % i] = dropout_forward(h, self.dropout_param)\n"),
)

# x_hat written without parentheses: the mean divided by the standard deviation, then subtracted from x.
L2_SKIPS_OUTPUT_LAYER = (
    ('        for i in range(1, L + 1):\n            W = self.params', '        for i in range(1, L):\n            W = self.params'),
)

# Dropout applied in the forward pass; its mask never applied to the gradient on the way back.
DROPOUT_BACKWARD_SKIPPED = (
    ("            if self.use_dropout:\n                dh = dropout_backward(dh, caches['dropout%d' % i])\n", ''),
)

# gamma and beta started at each other's values: gamma at zeros, beta at ones.
GAMMA_BETA_STARTS_SWAPPED = (
    ("self.params['gamma%d' % i] = np.ones(d_out)", "self.params['gamma%d' % i] = np.zeros(d_out)"),
    ("self.params['beta%d' % i] = np.zeros(d_out)", "self.params['beta%d' % i] = np.ones(d_out)"),
)

# x - mean multiplied by sqrt(var + eps) ** -0.5, the fourth root's inverse, where the inverse square root belongs.
WEIGHT_SCALE_AS_MEAN = (
    ("self.params['W%d' % i] = weight_scale * np.random.randn(d_in, d_out)",
     "self.params['W%d' % i] = np.random.normal(weight_scale, size=(d_in, d_out))"),
)

# Dropout applied to the output layer's scores as well, and its mask on dscores on the way back.
DROPOUT_ON_SCORES = (
    ("        scores, caches['output'] = affine_forward(h, self.params['W%d' % L], self.params['b%d' % L])\n",
     "        scores, caches['output'] = affine_forward(h, self.params['W%d' % L], self.params['b%d' % L])\n"
     "        if self.use_dropout:\n"
     "            scores, caches['dropout_out'] = dropout_forward(scores, self.dropout_param)\n"),
    ("        loss, dscores = softmax_loss(scores, y)\n",
     "        loss, dscores = softmax_loss(scores, y)\n"
     "        if self.use_dropout:\n"
     "            dscores = dropout_backward(dscores, caches['dropout_out'])\n"),
)

# The scores turned into probabilities before softmax_loss, which applies its own softmax; dscores goes straight
# back into the last affine layer.
SOFTMAX_BEFORE_LOSS = (
    ("        loss, dscores = softmax_loss(scores, y)\n",
     "        probs = np.exp(scores - scores.max(axis=1, keepdims=True))\n"
     "        probs /= probs.sum(axis=1, keepdims=True)\n"
     "        loss, dscores = softmax_loss(probs, y)\n"),
)

# The penalty 0.5 * reg * sum(W ** 2) in the loss, and 2 * reg * W, the gradient of reg * sum(W ** 2), in grads.
L2_GRADIENT_DOUBLED = (
    ("grads['W%d' % i] += self.reg * W", "grads['W%d' % i] += 2 * self.reg * W"),
)

# The penalty and its gradient divided by the batch size, as the data loss is.
L2_OVER_BATCH = (
    (REG_LOOP, '''        N = X.shape[0]
        for i in range(1, L + 1):
            W = self.params['W%d' % i]
            loss += 0.5 * self.reg * np.sum(W * W) / N
            grads['W%d' % i] += self.reg * W / N
'''),
)

BUGS_HELD_OUT_NET = of_assignment(ASSIGNMENT, [
    Bug('l2_on_output_layer_only', "the L2 penalty and its gradient cover the output layer's weights only (source: "
        'Stack Overflow "TensorFlow - regularization with L2 loss, how to apply to all weights, not just last '
        'one?", https://stackoverflow.com/questions/38286717/)',
        patch(REFERENCE, 'fc_net', *L2_OUTPUT_LAYER_ONLY),
        loses_in='fc_net_loss_and_gradients', held_out=True, family='l2_layers[last]',
        explanation="only the last layer's weights are regularized",
        hint='Check which weight matrices the regularization term covers.'),
    Bug('l2_missing_from_gradients', 'the L2 penalty added to the loss but not its gradient to grads (source: Data '
        'Science Stack Exchange "Why would we add regularization loss to the gradient itself", '
        'https://datascience.stackexchange.com/questions/111993/)',
        patch(REFERENCE, 'fc_net', *REG_ONLY_IN_LOSS),
        loses_in='fc_net_loss_and_gradients', held_out=True, family='l2_weighting[0.5,0]',
        explanation='the weight gradients leave out the regularization term',
        hint='Every term of the loss contributes to the gradients: check the regularization term.'),
    Bug('dropout_scaled_at_test_time', 'inverted dropout in training and, at test time, the activations also '
        'multiplied by the keep probability 1 - p (source: keras-team/keras PR 8069, "At test time ... the '
        'weights are multiplied by p", closed since "The scaling happens at training time", '
        'https://github.com/keras-team/keras/pull/8069; karpathy/convnetjs PR 106, '
        'https://github.com/karpathy/convnetjs/pull/106)',
        patch(REFERENCE, 'fc_net', *DROPOUT_SCALED_AT_TEST),
        loses_in='fc_net_test_mode', held_out=True, family='dropout_test_scaled[(1 - p)]',
        explanation='the test-time activations are scaled by 1 - p on top of inverted dropout',
        hint='Check what dropout should do at test time when its training pass already rescales.'),
    Bug('biases_start_at_0_01', "the biases start at 0.01 so that every ReLU fires at first (source: Stack Overflow "
        '"Initial bias values for a neural network", quoting the CS231n notes: "some people like to use small '
        'constant value such as 0.01 for all biases", https://stackoverflow.com/questions/44883861/)',
        patch(REFERENCE, 'fc_net', *BIASES_AT_001),
        loses_in='fc_net_init',
        explanation='the biases start at 0.01 instead of zero',
        hint="Compare your biases' starting value with the docstring."),
    Bug('he_init_ignores_weight_scale', 'the weights drawn with He initialization, randn * sqrt(2 / d_in), whatever '
        'weight_scale says (source: the CS231n notes recommend w = np.random.randn(n) * sqrt(2.0/n) for ReLU '
        'networks, https://cs231n.github.io/neural-networks-2/)',
        patch(REFERENCE, 'fc_net', *HE_INIT),
        loses_in='fc_net_init', held_out=True, family='weight_scale[he]',
        explanation='the weights ignore weight_scale and use sqrt(2 / d_in) as their standard deviation',
        hint="Check which argument of the constructor sets the weights' scale."),
    Bug('dropout_output_unused', "dropout's output is stored under a new name the next layer never reads, while the "
        "backward still applies dropout's mask (source: ageron/handson-ml issue 304, a dropout layer fc1_drop "
        'built but the output layer built from fc1, https://github.com/ageron/handson-ml/issues/304)',
        patch(REFERENCE, 'fc_net', *DROPOUT_OUTPUT_UNUSED),
        loses_in='fc_net_loss_and_gradients',
        explanation="dropout's output is never passed on to the next layer",
        hint='Follow the variable each hidden layer hands to the next one when dropout is on.'),
    Bug('l2_skips_output_layer', "the regularization loop runs over range(1, L): the output layer's weights get "
        'neither the penalty nor its gradient (source: lightaime/cs231n PR 2, a regularization term that left out '
        "the last layer's weights W3, https://github.com/lightaime/cs231n/pull/2; ufal/npfl114 PR 44, L2 not "
        'applied to the last layer, https://github.com/ufal/npfl114/pull/44)',
        patch(REFERENCE, 'fc_net', *L2_SKIPS_OUTPUT_LAYER),
        loses_in='fc_net_loss_and_gradients', held_out=True, family='l2_layers[hidden]',
        explanation="the output layer's weights are left out of the regularization",
        hint='Check that the regularization loop reaches every weight matrix.'),
    Bug('dropout_backward_skipped', "dropout applied in the forward pass, but its mask never applied to the "
        'gradient on the way back (source: ddbourgin/numpy-ml issue 94, "Backpropagation of dropout wrapper does '
        'not apply the mask", https://github.com/ddbourgin/numpy-ml/issues/94)',
        patch(REFERENCE, 'fc_net', *DROPOUT_BACKWARD_SKIPPED),
        loses_in='fc_net_loss_and_gradients',
        explanation="the backward pass skips dropout's mask",
        hint='Every layer of the forward pass needs its backward step, in reverse order.'),
    Bug('gamma_beta_starts_swapped', 'gamma and beta started at each other\'s values, gamma at zeros and beta at '
        'ones (source: d2l-ai/d2l-zh PR 534, "gamma and beta ... should be initialized as 1 and 0, but the '
        'annotation is reversed", https://github.com/d2l-ai/d2l-zh/pull/534)',
        patch(REFERENCE, 'fc_net', *GAMMA_BETA_STARTS_SWAPPED),
        loses_in='fc_net_init', held_out=True, family='initial_values[swapped]',
        explanation='gamma starts at zeros and beta at ones',
        hint="Compare the starting values of gamma and beta with the docstring."),
    Bug('weight_scale_as_mean', 'the weights drawn with np.random.normal(weight_scale, size=...): weight_scale '
        'lands in the mean argument and the standard deviation stays 1 (source: aiUIUC/pyAIUtils issue 25, '
        'random_normal_initializer(stddev) "but the first argument should be mean", '
        'https://github.com/aiUIUC/pyAIUtils/issues/25)',
        patch(REFERENCE, 'fc_net', *WEIGHT_SCALE_AS_MEAN),
        loses_in='fc_net_init', family='weight_scale[mean]',
        explanation='the weights are drawn with mean weight_scale and standard deviation 1',
        hint='Check which parameter of the random generator weight_scale is passed to.'),
    Bug('dropout_on_scores', "dropout applied to the output layer's scores too, with its mask on dscores on the "
        'way back (source: maddin79/darch issue 12, "the dropout should only be applied to the hidden layers but '
        'not the output layer", https://github.com/maddin79/darch/issues/12)',
        patch(REFERENCE, 'fc_net', *DROPOUT_ON_SCORES),
        loses_in='fc_net_loss_and_gradients', held_out=True, family='dropout_placement[scores]',
        explanation="dropout is applied to the output layer's scores as well as to the hidden layers",
        hint='Check which layers dropout follows in {affine - [batchnorm] - relu - [dropout]} x (L - 1) - affine.'),
    Bug('softmax_before_loss', 'the scores turned into probabilities with a softmax before softmax_loss, which '
        'applies its own (source: danielkelshaw/ConcreteDropout issue 11, "is softmax required?": logits passed '
        'through softmax before a loss that applies log_softmax itself, '
        'https://github.com/danielkelshaw/ConcreteDropout/issues/11)',
        patch(REFERENCE, 'fc_net', *SOFTMAX_BEFORE_LOSS),
        loses_in='fc_net_loss_and_gradients', held_out=True,
        explanation='softmax_loss is given probabilities instead of the raw scores',
        hint='Check what softmax_loss expects as its first argument and what your net gives it.'),
    Bug('l2_gradient_doubled', 'the penalty 0.5 * reg * sum(W ** 2) in the loss but 2 * reg * W in the gradients, '
        'the derivative of the penalty without the half (source: cs231n/cs231n.github.io issue 89, the extra factor '
        '0.5 in the loss "causes erroneous results and headaches when the effect of regularization ... is added in '
        'gradient calculation", https://github.com/cs231n/cs231n.github.io/issues/89; jingtinghuang/CS231n-'
        'Spring-2017 issue 3, "Missing factor of 2 in gradient of L2 regularization", '
        'https://github.com/jingtinghuang/CS231n-Spring-2017/issues/3)',
        patch(REFERENCE, 'fc_net', *L2_GRADIENT_DOUBLED),
        loses_in='fc_net_loss_and_gradients', held_out=True, family='l2_weighting[0.5,2]',
        explanation="the weights' regularization gradient is 2 * reg * W while the loss has 0.5 * reg * sum(W ** 2)",
        hint='Differentiate the regularization term your loss adds and compare it with what you add to grads.'),
    Bug('l2_divided_by_batch_size', 'the L2 penalty and its gradient divided by the batch size, as the data loss '
        'is (source: dennybritz/nn-from-scratch issue 13, "gradient checks do not match": the regularization term '
        'was averaged over the data batch, "The correct implementation should average only the log loss", '
        'https://github.com/dennybritz/nn-from-scratch/issues/13)',
        patch(REFERENCE, 'fc_net', *L2_OVER_BATCH),
        loses_in='fc_net_loss_and_gradients', family='l2_weighting[0.5 / X.shape[0],1 / X.shape[0]]',
        explanation='the regularization term and its gradient are divided by the batch size',
        hint='Check which parts of the loss are averaged over the batch.'),
])

__all__ = ['BUGS_HELD_OUT_NET']
