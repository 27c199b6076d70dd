"""More mistakes in the fully connected net with batch norm reported in public, written afresh and kept apart from
the diagnosis's tuning (docs/validation.md, "The held-out part"), like ``held_out_net.py``.

Each description ends with its source and its public address: a Q&A thread, an issue or pull request, a
library's documentation (facts carry over, code does not). The rate at which a bug's own mistake is named is
measured on those still marked ``held_out``; a bug a mistake family was written after (its first measurement
showed no family for it) moves to the known part, ``held_out`` dropped.
"""
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.correct import REFERENCE
from autograder.validation.kinds import Bug, of_assignment, patch

WEIGHT_INIT = "self.params['W%d' % i] = weight_scale * np.random.randn(d_in, d_out)"
OUTPUT_BACKWARD = "        dh, grads['W%d' % L], grads['b%d' % L] = affine_backward(dscores, caches['output'])\n"

# np.random.rand (uniform on [0, 1)) where np.random.randn belongs.
UNIFORM_WEIGHTS = (
    (WEIGHT_INIT, "self.params['W%d' % i] = weight_scale * np.random.rand(d_in, d_out)"),
)

# weight_scale read as the variance of the weights: their standard deviation is its square root.
WEIGHT_SCALE_AS_VARIANCE = (
    (WEIGHT_INIT, "self.params['W%d' % i] = np.random.normal(0.0, np.sqrt(weight_scale), (d_in, d_out))"),
)

# Inverted dropout written by hand: the forward divides the kept units by (1 - p), the backward applies the bare
# 0/1 mask.
DROPOUT_BACKWARD_UNSCALED = (
    ("                h, caches['dropout%d' % i] = dropout_forward(h, self.dropout_param)",
     "                p = self.dropout_param['p']\n"
     "                keep = np.random.rand(*h.shape) > p\n"
     "                if self.dropout_param['mode'] == 'test':\n"
     "                    keep = np.ones(h.shape, dtype=bool)\n"
     "                    h = h * keep\n"
     "                else:\n"
     "                    h = h * keep / (1 - p)\n"
     "                caches['dropout%d' % i] = keep"),
    ("                dh = dropout_backward(dh, caches['dropout%d' % i])",
     "                dh = dh * caches['dropout%d' % i]"),
)

# Every hidden layer's backward is given the gradient that came out of the output layer, not the one from the
# layer above it.
OUTPUT_GRADIENT_REUSED = (
    (OUTPUT_BACKWARD + "        for i in range(L - 1, 0, -1):\n",
     "        dout_L, grads['W%d' % L], grads['b%d' % L] = affine_backward(dscores, caches['output'])\n"
     "        for i in range(L - 1, 0, -1):\n"
     "            dh = dout_L\n"),
)

# The weights' regularization gradient built from |W|, which has lost the sign of W.
L2_GRADIENT_OF_ABS = (
    ("grads['W%d' % i] += self.reg * W", "grads['W%d' % i] += self.reg * np.abs(W)"),
)

BUGS_HELD_OUT_NET_MORE = of_assignment(ASSIGNMENT, [
    Bug('weights_uniform_rand', 'the weights drawn with np.random.rand, uniform on [0, 1), instead of '
        'np.random.randn (source: PaddlePaddle/PaddleMIX pull request 1048, "revert randn->rand bug", '
        'https://github.com/PaddlePaddle/PaddleMIX/pull/1048)',
        patch(REFERENCE, 'fc_net', *UNIFORM_WEIGHTS),
        loses_in='fc_net_init', held_out=True,
        explanation='the weights come from a uniform distribution on [0, weight_scale) instead of a zero-mean '
                    'normal one',
        hint='Check which random generator draws your weights and what distribution it samples.'),
    Bug('weight_scale_as_variance', 'weight_scale taken for the variance of the weights, so their standard '
        'deviation is sqrt(weight_scale) (source: mlpack/mlpack pull request 3651, "Fix RandNormal() to take the '
        'standard deviation as a parameter instead of the variance": "There they are defining the variance, not '
        'the standard deviation, so we should take the square root", https://github.com/mlpack/mlpack/pull/3651)',
        patch(REFERENCE, 'fc_net', *WEIGHT_SCALE_AS_VARIANCE),
        loses_in='fc_net_init', held_out=True,
        explanation='the weights have standard deviation sqrt(weight_scale) instead of weight_scale',
        hint='Check what weight_scale is (a standard deviation) and what you pass to the random generator.'),
    Bug('dropout_backward_unscaled', 'inverted dropout written by hand: kept units divided by (1 - p) on the way '
        'forward, but only the 0/1 mask applied on the way back (source: rohitg00/ai-engineering-from-scratch '
        'pull request 17, review: "kept units miss the 1 / (1 - p) scaling from inverted dropout", '
        'https://github.com/rohitg00/ai-engineering-from-scratch/pull/17)',
        patch(REFERENCE, 'fc_net', *DROPOUT_BACKWARD_UNSCALED),
        loses_in='fc_net_loss_and_gradients', held_out=True,
        explanation="dropout's backward multiplies by the 0/1 mask without the 1 / (1 - p) the forward applied",
        hint='The backward of dropout must apply exactly the factor the forward multiplied each unit by.'),
    Bug('output_gradient_reused', "every hidden layer's backward given the gradient that came out of the output "
        'layer instead of the one from the layer above it (source: Kulbear/deep-learning-coursera issue 27, in '
        'L_model_backward\'s loop "shall change dAL to grads["dA" + str(l + 2)]", '
        'https://github.com/Kulbear/deep-learning-coursera/issues/27)',
        patch(REFERENCE, 'fc_net', *OUTPUT_GRADIENT_REUSED),
        loses_in='fc_net_loss_and_gradients', held_out=True,
        explanation="each hidden layer's backward is fed the output layer's upstream gradient instead of the "
                    'gradient returned by the layer above it',
        hint='Follow the gradient variable through your backward loop: which layer produced it?'),
    Bug('l2_gradient_of_abs_weights', 'the regularization gradient reg * |W| instead of reg * W, the sign of W '
        'lost (source: torch/optim issue 101, "Is weight decay implemented correctly?": "How it should be: '
        'dfdx:add(wd, torch.abs(x))", https://github.com/torch/optim/issues/101)',
        patch(REFERENCE, 'fc_net', *L2_GRADIENT_OF_ABS),
        loses_in='fc_net_loss_and_gradients', held_out=True,
        explanation="the weights' regularization gradient uses |W| instead of W",
        hint='Differentiate 0.5 * reg * sum(W ** 2) and compare it with what you add to grads.'),
])

__all__ = ['BUGS_HELD_OUT_NET_MORE']
