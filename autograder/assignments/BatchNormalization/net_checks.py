"""The fully connected net: its parameters, and its loss and gradients around the student's own layer."""
import numpy as np

from autograder.assignments.BatchNormalization.composed_net import ComposedNet
from autograder.assignments.BatchNormalization.settings import SEED, hidden_rng
from autograder.grading.tolerances import TOL_NET
from autograder.grading.checking import Grading, check
from autograder.grading.net_options import combination_parts
from autograder.grading.net_reference import NetReference
from autograder.grading.net_parameters import NetParameters
from solutions.BatchNormalization.fc_net import FullyConnectedNet as ReferenceNet

# ---------------------------------------------------------------- the net: parameters

SMALL = dict(hidden_dims=[20, 30], input_dim=15, num_classes=10, use_batchnorm=True, weight_scale=5e-2,
             dtype='float64')
BIG = dict(hidden_dims=[60, 50], input_dim=80, num_classes=10, use_batchnorm=True, weight_scale=0.1)


@check('FullyConnectedNet: parameters, initialization and architecture',
       points=5, needs=('FullyConnectedNet',), short='init', column='init')
def fc_net_init(student):
    net = NetParameters(student, REFERENCE_NET, SEED, SMALL, BIG, dict(SMALL, use_batchnorm=False), 'use_batchnorm=True',
                        'use_batchnorm=False', 'bn_params')

    def bn_params():
        if any(p.get('mode') != 'train' for p in net.state('normalized')['bn_params']):
            return ["every bn_params dict should start as {'mode': 'train'}"]
        return []

    def dropout_param():
        dp = net.state('dropout', hidden_dims=[10], input_dim=15, num_classes=10, dropout=0.25, seed=3)['dropout_param']
        if dp.get('p') != 0.25 or dp.get('mode') != 'train' or dp.get('seed') != 3:
            return ["with dropout=0.25 and seed=3, self.dropout_param should be {'mode': 'train', 'p': 0.25, "
                    "'seed': 3} (p is the probability of dropping a unit)"]
        return []

    g = Grading()
    net.add_common_parts(g)
    g.part(0.1, 'bn_params', lambda: net.one_dict_per_layer() or bn_params())
    g.part(0.15, 'A net without batch norm', net.without)
    g.part(0.05, 'dropout_param', dropout_param)
    return g.outcome()


# ---------------------------------------------------------------- the net: shared steps

# The reference net and its logic over the student's own batch norm (autograder.grading.net_reference.NetReference).
REFERENCE_NET = NetReference(ReferenceNet, ComposedNet, lambda kwargs: kwargs.get('use_batchnorm', False))


def relu_net_scores(params, X):
    """Scores of an affine - relu - affine net without batch norm or dropout."""
    return np.maximum(0, X.dot(params['W1']) + params['b1']).dot(params['W2']) + params['b2']


DROPOUT_NET = dict(hidden_dims=[200], input_dim=10, num_classes=3, use_batchnorm=False, dropout=0.4)


def dropout_params(rng):
    return {'W1': 0.5 * rng.standard_normal((10, 200)), 'b1': np.full(200, 0.5),
            'W2': 0.3 * rng.standard_normal((200, 3)), 'b2': 0.1 * rng.standard_normal(3)}


# ---------------------------------------------------------------- the net: loss and gradients

# The net's options, each (off, on): every combination of two or more on is checked together
# (autograder.grading.net_options), on this net.
NET_OPTIONS = {'use_batchnorm': (False, True), 'dropout': (0.0, 0.4)}
COMBINED_NET = dict(hidden_dims=[20, 20], input_dim=15, num_classes=10, reg=0.0, weight_scale=5e-2)

LOSS_HINT = ('check, in this order: the architecture {affine - batchnorm - relu} x (L-1) - affine - softmax (no '
             'batch norm after the last affine layer, batch norm before the ReLU), which gamma/beta each layer '
             'uses, and the 0.5 * reg * sum(W**2) term')


@check('FullyConnectedNet: loss and gradients (batch norm, L2, dropout in train mode)',
       points=15, needs=('FullyConnectedNet',), short='loss & grads', column='grads')
def fc_net_loss_and_gradients(student):
    rng = hidden_rng(6)
    g = Grading()
    cases = [
        # Equal hidden widths: a bn_param dict shared by the layers (charged in the test-mode check) does not
        # make the train-mode loss crash here.
        ('with batch norm, reg=0', dict(hidden_dims=[20, 20], input_dim=15, num_classes=10,
                                        use_batchnorm=True, reg=0.0, weight_scale=5e-2), 0.35),
        ('with batch norm, reg=3.14', dict(hidden_dims=[20, 20], input_dim=15, num_classes=10,
                                           use_batchnorm=True, reg=3.14, weight_scale=5e-2), 0.3),
        ('without batch norm, reg=0.7', dict(hidden_dims=[12, 9], input_dim=8, num_classes=5,
                                             use_batchnorm=False, reg=0.7, weight_scale=0.3), 0.2),
    ]
    REFERENCE_NET.loss_and_gradient_parts(g, student, cases, rng, SEED, TOL_NET, 'batchnorm', LOSS_HINT,
                                inputs=lambda rng, n, d: rng.standard_normal((n, d)))

    def dropout_in_train_mode():
        # With one example, grads[W2] = h^T dscores and grads[b2] = dscores: h, the hidden layer after
        # dropout, can be read back, and compared with the ReLU's output unit by unit.
        params = dropout_params(rng)
        x = rng.standard_normal((1, 10))
        relu = np.maximum(0, x.dot(params['W1']) + params['b1'])[0]
        active = relu > 1e-3
        handle, mapping = REFERENCE_NET.student_net(student, DROPOUT_NET, params)
        student.seed_numpy(SEED + 61)  # the masks are random: seeded, so regrading draws the same ones
        kept, scales = [], []
        for _ in range(5):
            _, grads = student.net_loss(handle, x, np.array([1]))
            dW2, db2 = grads.get(mapping['W2']), grads.get(mapping['b2'])
            if dW2 is None or db2 is None or dW2.shape != (200, 3) or db2.shape != (3,) or not db2.any():
                return ['with dropout the gradients of the last layer are missing or misshapen']
            h = dW2.dot(db2) / db2.dot(db2)
            ratio = h[active] / relu[active]
            kept.append(np.abs(ratio) > 1e-6)
            scales.append(ratio[np.abs(ratio) > 1e-6])
        kept, scales = np.concatenate(kept), np.concatenate(scales)
        dropped = 1 - kept.mean()
        if dropped < 0.01:
            return ['with dropout=0.4, loss(X, y) dropped no hidden unit; in train mode apply dropout after each '
                    "ReLU (with dropout_param['mode'] = 'train')"]
        if not 0.25 <= dropped <= 0.55:
            return ['with dropout=0.4, loss(X, y) dropped %.0f%% of the hidden units; p is the probability of '
                    'dropping a unit, so about 40%% should be dropped' % (100 * dropped)]
        if not np.allclose(scales, 1 / 0.6, rtol=1e-6):
            if not np.allclose(scales, np.median(scales), rtol=1e-6):
                # No single scale: neither a missing nor a wrong rescaling gives this, so none is claimed.
                return ['with dropout=0.4, the hidden units after dropout are not the ReLU outputs masked and '
                        'rescaled: their ratios to the ReLU outputs differ from unit to unit; check where dropout '
                        'is applied (after each hidden ReLU, nowhere else)']
            if np.allclose(scales, 1.0, rtol=1e-6):
                return ['the units dropout keeps are not rescaled; inverted dropout divides them by (1 - p) in '
                        'train mode so that test time needs no scaling']
            return ['the units dropout keeps are scaled by %.3g; inverted dropout divides them by (1 - p) = 0.6'
                    % float(np.median(scales))]
        return []

    g.part(0.15, 'Train mode with dropout', dropout_in_train_mode)
    combination_parts(g, REFERENCE_NET, student, COMBINED_NET, NET_OPTIONS, 0.15, rng, SEED + 80, TOL_NET,
                      inputs=lambda rng, n, d: rng.standard_normal((n, d)))
    return g.outcome()


# ---------------------------------------------------------------- the net: test mode
