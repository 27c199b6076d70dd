"""The reference net's logic composed over the student's own normalization layer (error carried forward).

A net check asks "is the net right?", not "is the layer right?" (the layer's own checks ask that). So the
expected loss, gradients and scores of a net come from the reference's layer order, run here in the grader
with ``cs231n``'s affine, ReLU and softmax, calling the student's normalization layer through the student
object: the caches stay on the student's side behind handles, and no reference code is ever sent there.
A net that is right around a wrong layer then matches exactly, and a wrong net around a right layer does
not. An assignment subclasses ``ComposedNet`` with the two calls into its layer.

Parameters carry the contract's names here ('W1', 'gamma1', ...); ``map_params`` relates the student's
own names to them, so that names cost points once, in the parameters check.
"""
import re

import numpy as np

from cs231n.layers import affine_backward, affine_forward, relu_backward, relu_forward, softmax_loss


class ComposedNet:
    """{affine - [student's normalization] - relu} x (L - 1) - affine - softmax, without dropout.

    ``params`` holds float64 arrays under the contract's names. A subclass that normalizes defines
    ``normalize_forward(layer, a, gamma, beta, mode) -> (out, handle)`` and
    ``normalize_backward(handle, da) -> (da, dgamma, dbeta)``; ``layer`` counts the hidden layers from 1.
    """

    def __init__(self, params, num_layers, normalized, reg=0.0):
        self.params = params
        self.num_layers = num_layers
        self.normalized = normalized
        self.reg = reg

    def normalize_forward(self, layer, a, gamma, beta, mode):
        raise NotImplementedError

    def normalize_backward(self, handle, da):
        raise NotImplementedError

    def loss(self, X, y=None):
        mode = 'test' if y is None else 'train'
        L = self.num_layers
        h, caches = X, []
        for i in range(1, L):
            a, fc_cache = affine_forward(h, self.params['W%d' % i], self.params['b%d' % i])
            handle = None
            if self.normalized:
                a, handle = self.normalize_forward(i, a, self.params['gamma%d' % i], self.params['beta%d' % i],
                                                   mode)
            h, relu_cache = relu_forward(a)
            caches.append((fc_cache, handle, relu_cache))
        scores, out_cache = affine_forward(h, self.params['W%d' % L], self.params['b%d' % L])
        if y is None:
            return scores
        grads = {}
        loss, dscores = softmax_loss(scores, y)
        dh, grads['W%d' % L], grads['b%d' % L] = affine_backward(dscores, out_cache)
        for i in range(L - 1, 0, -1):
            fc_cache, handle, relu_cache = caches[i - 1]
            da = relu_backward(dh, relu_cache)
            if self.normalized:
                da, grads['gamma%d' % i], grads['beta%d' % i] = self.normalize_backward(handle, da)
            dh, grads['W%d' % i], grads['b%d' % i] = affine_backward(da, fc_cache)
        for i in range(1, L + 1):
            W = self.params['W%d' % i]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads['W%d' % i] = grads['W%d' % i] + self.reg * W
        return loss, grads


def contract_shapes(hidden_dims, input_dim, num_classes, normalized):
    """{contract name: shape} of a net's parameters."""
    dims = [input_dim] + list(hidden_dims) + [num_classes]
    shapes = {}
    for i in range(1, len(dims)):
        shapes['W%d' % i] = (dims[i - 1], dims[i])
        shapes['b%d' % i] = (dims[i],)
        if normalized and i < len(dims) - 1:
            shapes['gamma%d' % i] = (dims[i],)
            shapes['beta%d' % i] = (dims[i],)
    return shapes


def _kind(name):
    low = name.lower()
    if 'gamma' in low:
        return 'gamma'
    if 'beta' in low:
        return 'beta'
    if low.startswith('w'):
        return 'W'
    if low.startswith('b'):
        return 'b'
    return None


def _number(name):
    digits = re.findall(r'\d+', name)
    return int(digits[-1]) if digits else -1


def map_params(student_params, shapes, initial=None):
    """{contract name: the student's name} for a net whose parameters follow any consistent scheme.

    Each student name is classified by its pattern (gamma, beta, W..., b...), ordered by the number in it,
    and the order must give the contract's shapes (and, when ``initial`` maps names to arrays, gamma
    starting at ones tells it apart from a bias of the same size). Returns None when no consistent mapping
    exists; the parameters check says what is wrong with the names.
    """
    if set(student_params) == set(shapes):
        return {k: k for k in shapes}
    by_kind = {}
    for name in student_params:
        by_kind.setdefault(_kind(name), []).append(name)
    if None in by_kind:
        return None
    mapping = {}
    for kind in ('W', 'b', 'gamma', 'beta'):
        wanted = sorted((k for k in shapes if re.fullmatch(kind + r'\d+', k)), key=_number)
        found = sorted(by_kind.get(kind, []), key=lambda n: (_number(n), n))
        if len(found) != len(wanted):
            return None
        for contract, mine in zip(wanted, found):
            if tuple(np.shape(student_params[mine])) != tuple(shapes[contract]):
                return None
            if initial is not None and kind == 'gamma' and not np.all(np.asarray(initial[mine]) == 1):
                return None
            mapping[contract] = mine
    return mapping


# ---------------------------------------------------------------- the student's net, with given parameters

def describe_keys(got, expected):
    """'missing ...; unexpected ...' between two sets of parameter names."""
    parts = []
    if expected - got:
        parts.append('missing %s' % ', '.join(sorted(expected - got)))
    if got - expected:
        parts.append('unexpected %s' % ', '.join(sorted(got - expected)))
    return '; '.join(parts)


def net_with_params(student, kwargs, params, shapes):
    """A student net built with kwargs (float64) holding ``params`` (contract names), and its name mapping.

    ``shapes`` are the contract's ({name: shape}, ``contract_shapes``). Parameter names are charged in the
    parameters check alone: here the student's parameters are matched to layers by their names' pattern,
    order and shapes, and a net whose parameters cannot be matched raises StudentCodeError (bad_return).
    """
    from autograder.sandbox.student_api import StudentCodeError
    handle = student.net_create(dtype='float64', **kwargs)
    own = student.net_state(handle)['params']
    mapping = map_params(own, shapes, own)
    if mapping is None:
        raise StudentCodeError("this part cannot be judged: the net's parameters could not be matched to its "
                               'layers by their names, order and shapes (%s; the parameters check says more)'
                               % describe_keys(set(own), set(shapes)), kind='bad_return')
    student.net_set_params(handle, {mapping[k]: v.copy() for k, v in params.items()})
    return handle, mapping


def regularization_mistake(diff, reg, params):
    """What a loss off by ``diff`` from the expected one says about its L2 term, or None: the two usual
    mistakes (no factor 0.5; biases, gamma or beta regularized too), recognized by the size of ``diff``."""
    if not reg:
        return None
    weights_sq = sum(np.sum(v ** 2) for k, v in params.items() if k.startswith('W'))
    others_sq = sum(np.sum(v ** 2) for k, v in params.items() if not k.startswith('W'))
    if abs(diff - 0.5 * reg * weights_sq) < 1e-6 * max(1, abs(diff)):
        return 'the regularization term lacks the factor 0.5 (the loss adds 0.5 * reg * sum(W**2))'
    if abs(diff - 0.5 * reg * others_sq) < 1e-6 * max(1, abs(diff)):
        return 'the regularization term includes biases, gamma or beta; regularize the weight matrices only'
    return None
