"""Further mistakes in the fully connected net with batch norm reported in public, written afresh and kept apart
from the diagnosis's tuning (docs/validation.md, "The held-out part"), like ``held_out_net.py`` and
``held_out_net_more.py``.

Each description ends with its source and its public address: a Q&A thread, an issue or pull request, a
library's documentation (facts carry over, code does not). The rate at which a bug's own mistake is named is
measured on those still marked ``held_out``; a bug a mistake family was written after (its first measurement
showed no family for it) moves to the known part, ``held_out`` dropped.
"""
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.correct import REFERENCE
from autograder.validation.kinds import Bug, of_assignment, patch

L2_LOSS = '            loss += 0.5 * self.reg * np.sum(W * W)\n'

# The weights' regularization gradient is added, but the regularization term never enters the loss.
L2_MISSING_FROM_LOSS = (
    (L2_LOSS, ''),
)

# The weights' gradient is overwritten by the regularization gradient instead of having it added.
L2_GRADIENT_REPLACES = (
    ("grads['W%d' % i] += self.reg * W", "grads['W%d' % i] = self.reg * W"),
)

# The loss is reassigned to each layer's regularization term, losing the softmax loss.
LOSS_REASSIGNED = (
    (L2_LOSS, '            loss = 0.5 * self.reg * np.sum(W * W)\n'),
)

# The sandwich's backward keeps batch norm's dx under a reused name and passes the ReLU's gradient to the affine
# layer.
SANDWICH_SKIPS_BATCHNORM_DX = (
    ('    da, dgamma, dbeta = batchnorm_backward(da_bn, bn_cache)\n    dx, dw, db = affine_backward(da, fc_cache)\n',
     '    db, dgamma, dbeta = batchnorm_backward(da_bn, bn_cache)\n    dx, dw, db = affine_backward(da_bn, fc_cache)\n'),
)

BUGS_HELD_OUT_STUDENT_NET = of_assignment(ASSIGNMENT, [
    Bug('l2_missing_from_loss', 'the regularization gradient is added to every weight gradient, but the '
        'regularization term is never added to the loss (source: nntrainer/nntrainer pull request 157, "[loss] '
        'Added missing weight decay loss": "Added missing weight decay loss into final loss", '
        'https://github.com/nntrainer/nntrainer/pull/157)',
        patch(REFERENCE, 'fc_net', *L2_MISSING_FROM_LOSS),
        loses_in='fc_net_loss_and_gradients', held_out=True, family='l2_weighting[0,1]',
        explanation='the loss leaves out the term 0.5 * reg * sum(W ** 2) although the gradients include its '
                    'derivative',
        hint='The loss you return must contain every term whose gradient you add.'),
    Bug('l2_gradient_replaces_data_gradient', 'the weight gradient is set to the regularization gradient '
        'reg * W, overwriting the gradient backpropagated from the loss (source: open-nudge/torchlayers issue 18, '
        '"the code replaces the parameter\'s gradient with the gradient of the regularization ... Should it '
        'instead add", https://github.com/open-nudge/torchlayers/issues/18)',
        patch(REFERENCE, 'fc_net', *L2_GRADIENT_REPLACES),
        loses_in='fc_net_loss_and_gradients', held_out=True,
        explanation='each weight gradient is replaced by reg * W instead of having reg * W added to it',
        hint='Check whether the regularization step adds to the weight gradients or overwrites them.'),
    Bug('loss_reassigned_to_regularization', 'the regularization loop assigns the loss instead of adding to it, '
        'so the returned loss is only the last layer\'s regularization term (source: williamleif/GraphSAGE issue '
        '21, "The loss is re-assigned ... It should be self.loss += ...", '
        'https://github.com/williamleif/GraphSAGE/issues/21)',
        patch(REFERENCE, 'fc_net', *LOSS_REASSIGNED),
        loses_in='fc_net_loss_and_gradients', held_out=True,
        explanation='the loss is overwritten with one layer\'s regularization term instead of having every '
                    'layer\'s term added to the softmax loss',
        hint='Follow what happens to loss after the softmax, line by line.'),
    Bug('sandwich_skips_batchnorm_dx', 'the affine - batchnorm - relu backward stores batch norm\'s dx under a '
        'reused name and passes the ReLU\'s gradient to affine_backward, so the weights below never see batch '
        'norm\'s backward (source: r/cs231n thread "Batchnorm W1,2 gradient error 1e0": the poster\'s sandwich '
        'backward, checked for its W1, W2 gradient errors, keeps batch norm\'s dx under the reused name db '
        'before handing it to affine_backward, https://www.reddit.com/r/cs231n/comments/hx87z3/'
        'batchnorm_w12_gradient_error_1e0_but_e8_when/)',
        patch(REFERENCE, 'affine_batchnorm_relu', *SANDWICH_SKIPS_BATCHNORM_DX),
        loses_in='fc_net_loss_and_gradients', held_out=True,
        explanation='the affine layer\'s backward is given the gradient from the ReLU instead of the dx returned '
                    'by batch norm\'s backward',
        hint='In the sandwich\'s backward, follow which gradient each layer receives from the layer above it.'),
])
