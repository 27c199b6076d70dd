"""The fully connected net with normalization='layernorm': its parameters, loss, gradients and scores."""
import numpy as np

from autograder.assignments.LayerNormalization.settings import SEED, hidden_rng
from autograder.grading.tolerances import TOL_NET
from autograder.grading import net_reference
from autograder.grading.checking import Grading, check, compare
from autograder.grading.net_parameters import NetParameters
from solutions.LayerNormalization.fc_net import FullyConnectedNet as ReferenceNet


class ComposedNet(net_reference.ComposedNet):
    """The reference net's logic over the student's own layernorm_forward and layernorm_backward."""

    def __init__(self, student, params, num_layers, normalized, reg=0.0):
        super().__init__(params, num_layers, normalized, reg)
        self.student = student

    def normalize_forward(self, layer, a, gamma, beta, mode):
        if mode == 'test':   # no backward follows: keep no cache
            return self.student.layernorm_forward(a, gamma, beta, {})[0], None
        out, _, handle = self.student.layernorm_forward_keeping_cache(a, gamma, beta, {})
        return out, handle

    def normalize_backward(self, handle, da):
        return self.student.layernorm_backward_keeping_cache(handle, da)

    def probe_input(self, input_dim):
        # Rows that vary across their features: layer norm of a constant row divides zero by sqrt(eps).
        return np.zeros((2, input_dim)) + np.arange(input_dim)


# ---------------------------------------------------------------- parameters

SMALL = dict(hidden_dims=[20, 30], input_dim=15, num_classes=10, normalization='layernorm', weight_scale=5e-2,
             dtype='float64')
BIG = dict(hidden_dims=[60, 50], input_dim=80, num_classes=10, normalization='layernorm', weight_scale=0.1)


@check("FullyConnectedNet with normalization='layernorm': parameters and initialization",
       points=5, needs=('FullyConnectedNet',), short='ln init', column='init')
def layernorm_net_parameters(student):
    # The net keeps one dict per normalized layer in bn_params, layer norm's too.
    net = NetParameters(student, REFERENCE_NET, SEED, SMALL, BIG, dict(SMALL, normalization=None),
                        "normalization='layernorm'", 'normalization=None', 'bn_params')
    g = Grading()
    net.add_common_parts(g)
    g.part(0.05, 'bn_params', net.one_dict_per_layer)
    g.part(0.15, 'A net without normalization', net.without)
    return g.outcome()


# ---------------------------------------------------------------- loss, gradients and scores

# The reference net and its logic over the student's own layer norm (autograder.grading.net_reference.NetReference).
REFERENCE_NET = net_reference.NetReference(ReferenceNet, ComposedNet, lambda kwargs: kwargs.get('normalization') is not None)


LOSS_HINT = ('check, in this order: the architecture {affine - layernorm - relu} x (L-1) - affine - softmax (no '
             'normalization after the last affine layer, layer norm before the ReLU), which gamma/beta each layer '
             'uses, and the 0.5 * reg * sum(W**2) term')


@check("FullyConnectedNet with normalization='layernorm': loss, gradients and scores",
       points=15, needs=('FullyConnectedNet',), short='ln loss & grads', column='grads')
def layernorm_net_loss(student):
    rng = hidden_rng(6)
    g = Grading()
    cases = [
        ('with layer norm, reg=0', dict(hidden_dims=[20, 25], input_dim=15, num_classes=10,
                                        normalization='layernorm', reg=0.0, weight_scale=5e-2), 0.35),
        ('with layer norm, reg=2.5', dict(hidden_dims=[20, 20], input_dim=15, num_classes=10,
                                          normalization='layernorm', reg=2.5, weight_scale=5e-2), 0.3),
        ('without normalization, reg=0.7', dict(hidden_dims=[12, 9], input_dim=8, num_classes=5,
                                                normalization=None, reg=0.7, weight_scale=0.3), 0.2),
    ]
    REFERENCE_NET.loss_and_gradient_parts(g, student, cases, rng, SEED, TOL_NET, 'layernorm', LOSS_HINT,
                                inputs=lambda rng, n, d: rng.standard_normal((n, d)) * 2 + 0.5)

    def test_scores():
        # Layer norm keeps no running averages: loss(X) scores a batch with the same normalization as training.
        kwargs = cases[0][1]
        params = {k: v.copy() for k, v in REFERENCE_NET.reference(SEED + 9, dtype=np.float64, **kwargs).params.items()}
        X = rng.standard_normal((7, kwargs['input_dim'])) * 2 + 0.5
        kwargs, params, net = REFERENCE_NET.judged(student, kwargs, params, SEED + 9, len(X))
        expected = net.loss(X)
        handle, _ = REFERENCE_NET.student_net(student, kwargs, params)
        problem = compare('the scores of loss(X)', student.net_loss(handle, X), expected, TOL_NET)
        if problem:
            return [problem + ' (at test time layer norm computes exactly what it computes in training; %s)'
                    % LOSS_HINT]
        return []

    g.part(0.15, 'Scores from loss(X) with layer norm', test_scores)
    return g.outcome()
