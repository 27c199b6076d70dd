"""The fully connected net with normalization='layernorm': its parameters, loss, gradients and scores."""
import numpy as np

from autograder.assignments.LayerNormalization.settings import SEED, TOL_NET, hidden_rng
from autograder.grading import composed
from autograder.grading.checking import Grading, check, compare
from solutions.LayerNormalization.fc_net import FullyConnectedNet as ReferenceNet


class ComposedNet(composed.ComposedNet):
    """The reference net's logic over the student's own layernorm_forward and layernorm_backward."""

    def __init__(self, student, params, num_layers, normalized, reg=0.0):
        super().__init__(params, num_layers, normalized, reg)
        self.student = student

    def normalize_forward(self, layer, a, gamma, beta, mode):
        if mode == 'test':   # no backward follows: keep no cache
            return self.student.layernorm_forward(a, gamma, beta, {})[0], None
        return self.student.layernorm_forward_kept(a, gamma, beta, {})

    def normalize_backward(self, handle, da):
        return self.student.layernorm_backward_kept(handle, da)

    def probe_input(self, input_dim):
        # Rows that vary across their features: layer norm of a constant row divides zero by sqrt(eps).
        return np.zeros((2, input_dim)) + np.arange(input_dim)


# ---------------------------------------------------------------- parameters

@check("FullyConnectedNet with normalization='layernorm': parameters and initialization",
       points=5, needs=('FullyConnectedNet',), short='ln init', column='init')
def layernorm_net_parameters(student):
    g = Grading()
    states = {}

    def state(name, **kwargs):
        if name not in states:
            student.seed_numpy(SEED)
            states[name] = student.net_state(student.net_create(**kwargs))
        return states[name]

    ln = dict(hidden_dims=[20, 30], input_dim=15, num_classes=10, normalization='layernorm', weight_scale=5e-2,
              dtype='float64')
    big = dict(hidden_dims=[60, 50], input_dim=80, num_classes=10, normalization='layernorm', weight_scale=0.1)
    shapes = NET.shapes(ln)

    def names():
        params = state('ln', **ln)['params']
        if set(params) == set(shapes):
            return []
        hint = ''
        if composed.map_params(params, shapes) is not None:
            hint = ("; your names follow another scheme. The layers are numbered from 1: 'gamma1' and 'beta1' "
                    'scale and shift the first hidden layer. The other checks still find your parameters by '
                    'their shapes and order')
        return ["with normalization='layernorm' and two hidden layers, params should hold W1..W3, b1..b3, gamma1, "
                'gamma2, beta1 and beta2, as with batch norm (%s)%s'
                % (composed.describe_keys(set(params), set(shapes)), hint)]

    def shapes_of_params():
        params = state('ln', **ln)['params']
        mapping = composed.map_params(params, shapes) or {k: k for k in shapes}
        return ['%s has shape %s, expected %s' % (mapping[k], np.shape(params[mapping[k]]), v)
                for k, v in shapes.items() if mapping[k] in params and np.shape(params[mapping[k]]) != v]

    def initial_values():
        problems = []
        for k, value in sorted(state('ln', **ln)['params'].items()):
            value = np.asarray(value, dtype=np.float64)
            if 'gamma' in k and not np.all(value == 1):
                problems.append('%s should start as ones' % k)
            if ('beta' in k or k.startswith('b') and k[1:].isdigit()) and not np.all(value == 0):
                problems.append('%s should start as zeros' % k)
        return problems

    def weights():
        params = state('big', **big)['params']
        mapping = composed.map_params(params, NET.shapes(big)) or {}
        for k in ('W1', 'W2', 'W3'):
            w = params.get(mapping.get(k, k))
            if w is None:
                return ['%s is missing' % k]
            if not (0.085 < np.std(w) < 0.115 and abs(np.mean(w)) < 0.02):
                return ['%s does not look drawn from weight_scale * randn (mean 0, standard deviation '
                        'weight_scale)' % k]
        return []

    def dtypes():
        problems = []
        if any(np.asarray(v).dtype != np.float32 for v in state('big', **big)['params'].values()):
            problems.append('with the default dtype every parameter should be float32')
        if any(np.asarray(v).dtype != np.float64 for v in state('ln', **ln)['params'].values()):
            problems.append('with dtype=np.float64 every parameter should be float64')
        return problems

    def bn_params():
        found = state('ln', **ln)['bn_params']
        if len(found) != 2:
            return ["with normalization='layernorm', self.bn_params should hold one dict per normalized layer (2 "
                    'here), found %d' % len(found)]
        return []

    def without_normalization():
        plain = state('plain', **dict(ln, normalization=None))
        expected = set(NET.shapes(dict(ln, normalization=None)))
        problems = []
        if set(plain['params']) != expected:
            problems.append('with normalization=None params should hold only W1..W3 and b1..b3 (%s)'
                            % composed.describe_keys(set(plain['params']), expected))
        if plain['bn_params']:
            problems.append('with normalization=None there should be no bn_params dicts')
        return problems

    g.part(0.25, 'Parameter names', names)
    g.part(0.15, 'Parameter shapes', shapes_of_params)
    g.part(0.2, 'Initial biases, gamma and beta', initial_values)
    g.part(0.1, 'Initial weights', weights)
    g.part(0.1, 'Parameter dtypes', dtypes)
    g.part(0.05, 'bn_params', bn_params)
    g.part(0.15, 'A net without normalization', without_normalization)
    return g.outcome()


# ---------------------------------------------------------------- loss, gradients and scores

# The reference net and its logic over the student's own layer norm (autograder.grading.composed.NetReference).
NET = composed.NetReference(ReferenceNet, ComposedNet, lambda kwargs: kwargs.get('normalization') is not None)


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
    NET.loss_and_gradient_parts(g, student, cases, rng, SEED, TOL_NET, 'layernorm', LOSS_HINT,
                                inputs=lambda rng, n, d: rng.standard_normal((n, d)) * 2 + 0.5)

    def test_scores():
        # Layer norm keeps no running averages: loss(X) scores a batch with the same normalization as training.
        kwargs = cases[0][1]
        params = {k: v.copy() for k, v in NET.reference(SEED + 9, dtype=np.float64, **kwargs).params.items()}
        X = rng.standard_normal((7, kwargs['input_dim'])) * 2 + 0.5
        expected = NET.expected(student, kwargs, params, SEED + 9).loss(X)
        handle, _ = NET.student_net(student, kwargs, params)
        problem = compare('the scores of loss(X)', student.net_loss(handle, X), expected, TOL_NET)
        if problem:
            return [problem + ' (at test time layer norm computes exactly what it computes in training; %s)'
                    % LOSS_HINT]
        return []

    g.part(0.15, 'Scores from loss(X) with layer norm', test_scores)
    return g.outcome()
