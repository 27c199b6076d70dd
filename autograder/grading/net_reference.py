"""The reference net's logic composed over the student's own normalization layer (error carried forward).

A net check asks "is the net right?", not "is the layer right?" (the layer's own checks ask that). So the
expected loss, gradients and scores of a net come from the reference's layer order, run here in the grader
with ``cs231n``'s affine, ReLU and softmax, calling the student's normalization layer through the student
object: the caches stay on the student's side behind handles, and no reference code is ever sent there.
A net that is right around a wrong layer then matches exactly, and a wrong net around a right layer does
not. An assignment subclasses ``ComposedNet`` with the two calls into its layer.

Parameters carry the contract's names and shapes here ('W1', 'gamma1' of shape (D,), ...);
``autograder.grading.param_matching`` relates the student's own keys and layouts to them by structure, so
that a naming scheme costs points once, in the parameters check.
"""
import numpy as np

from autograder.grading.checking import compare, loss_agrees
from autograder.grading.param_matching import Mismatch, describe_keys, match_params
from autograder.grading.synthetic import accuracy
from autograder.sandbox.student_api import StudentCodeError
from cs231n.layers import (affine_backward, affine_forward, dropout_backward, dropout_forward, relu_backward,
                           relu_forward, softmax_loss)
from cs231n.solver import Solver


NET_BUILD_SEED = 231


class ComposedNet:
    """{affine - [student's normalization] - relu - [dropout]} x (L - 1) - affine - softmax.

    ``params`` holds float64 arrays under the contract's names. A subclass that normalizes defines
    ``normalize_forward(layer, a, gamma, beta, mode) -> (out, handle)`` and
    ``normalize_backward(handle, da) -> (da, dgamma, dbeta)``; ``layer`` counts the hidden layers from 1.
    """

    dropout_param = None     # {'p': ..., 'seed': ...}: cs231n's dropout after each hidden ReLU (the seed fixes the masks)

    def __init__(self, params, num_layers, normalized, reg=0.0):
        self.params = params
        self.num_layers = num_layers
        self.normalized = normalized
        self.reg = reg

    def normalize_forward(self, layer, a, gamma, beta, mode):
        raise NotImplementedError

    def normalize_backward(self, handle, da):
        raise NotImplementedError

    def probe_input(self, input_dim):
        """Two examples that call the student's layer once, to learn whether it can be called at all."""
        return np.zeros((2, input_dim))

    def forget(self):
        """Drop what the probe call left behind (a layer with running averages overrides this)."""

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
            drop = None
            if self.dropout_param:
                h, drop = dropout_forward(h, dict(self.dropout_param, mode=mode))
            caches.append((fc_cache, handle, relu_cache, drop))
        scores, out_cache = affine_forward(h, self.params['W%d' % L], self.params['b%d' % L])
        if y is None:
            return scores
        grads = {}
        loss, dscores = softmax_loss(scores, y)
        dh, grads['W%d' % L], grads['b%d' % L] = affine_backward(dscores, out_cache)
        for i in range(L - 1, 0, -1):
            fc_cache, handle, relu_cache, drop = caches[i - 1]
            if drop is not None:
                dh = dropout_backward(dh, drop)
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


def net_with_params(student, kwargs, params, shapes):
    """A student net built with kwargs (float64) holding ``params`` (contract names), and its ``Matching``.

    ``shapes`` are the contract's ({name: shape}, ``contract_shapes``). Parameter names are charged in the
    parameters check alone: here the student's parameters are matched to layers by structure
    (``param_matching``), and a net whose parameters cannot be matched raises StudentCodeError (bad_return)
    saying which candidates were considered.
    """
    # Seeded, so that the initial weights (replaced below) are the same in every run and in the diagnosis's
    # replay: values drawn at random would be no evidence of anything.
    student.seed_numpy(NET_BUILD_SEED)
    handle = student.net_create(dtype='float64', **kwargs)
    own = student.net_state(handle)['params']
    matching = match_params(own, shapes, own)
    if isinstance(matching, Mismatch) or matching.guessed:
        # Names and values leave it open: which gradients vanish tells biases feeding batch norm from beta.
        grads = _gradients(student, kwargs)
        if grads is not None:
            matching = match_params(own, shapes, own, grads)
    if isinstance(matching, Mismatch):
        raise StudentCodeError("this part cannot be judged: the net's parameters could not be matched to its "
                               'layers: %s (the parameters check says more)' % matching, kind='bad_return')
    student.net_set_params(handle, matching.to_student(params))
    return handle, matching


def _gradients(student, kwargs):
    """The gradients of one train-mode loss of a twin net (the net being matched keeps its running averages
    untouched) on a small fixed batch, or None when the net cannot give them."""
    rng = np.random.default_rng(NET_BUILD_SEED)
    X = rng.standard_normal((8, kwargs.get('input_dim', 3 * 32 * 32)))
    try:
        student.seed_numpy(NET_BUILD_SEED)
        twin = student.net_create(dtype='float64', **kwargs)
        _, grads = student.net_loss(twin, X, rng.integers(kwargs.get('num_classes', 10), size=8))
    except StudentCodeError:
        return None
    return grads


def _layer_of(name):
    """The layer number a contract name ends with ('W2', 'gamma1'), or None."""
    digits = name[len(name.rstrip('0123456789')):]
    return int(digits) if digits else None


def first_wrong_layer(wrong, compared, mapping):
    """Where the backward pass first goes wrong, when the loss is right: the gradients flow from the last layer
    to the first, so the last layer whose gradients disagree, below layers whose gradients all agree, is where
    to look. None unless that is what the gradients show (some later layer right, every later one right)."""
    layers = {}
    for name in compared:
        if _layer_of(name) is not None:
            layers.setdefault(_layer_of(name), set()).add(name)
    bad = {_layer_of(name) for name in wrong} - {None}
    if not bad or max(bad) == max(layers):
        return None
    first = max(bad)
    later = [mapping.get(name, name) for name in sorted((n for number in layers if number > first
                                                         for n in layers[number]), key=lambda n: (_layer_of(n), n))]
    return ('the loss is right and so are the gradients of every layer after layer %d (%s), but layer %d\'s are '
            'not (%s): the gradient first goes wrong in the backward step that carries it from layer %d into '
            'layer %d' % (first, ', '.join(later), first,
                          ', '.join(sorted(mapping.get(n, n) for n in wrong if _layer_of(n) == first)),
                          first + 1, first))


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


class NetReference:
    """What an assignment's net checks compare a student's net with: its reference ``FullyConnectedNet`` and
    the reference's logic composed over the student's own layer.

    ``composed_class(student, params, num_layers, normalized, reg)`` is the assignment's ``ComposedNet``;
    ``normalized(kwargs)`` says whether a net built with ``kwargs`` normalizes its hidden layers.
    """

    def __init__(self, reference_class, composed_class, normalized):
        self.reference_class = reference_class
        self.composed_class = composed_class
        self.normalized = normalized

    def reference(self, init_seed, /, **kwargs):
        """The reference net, its weights drawn after seeding numpy's global generator with ``init_seed``
        (``kwargs`` may hold the net's own dropout ``seed``)."""
        np.random.seed(init_seed)
        return self.reference_class(**kwargs)

    def shapes(self, kwargs):
        return contract_shapes(kwargs['hidden_dims'], kwargs['input_dim'], kwargs['num_classes'],
                               self.normalized(kwargs))

    def student_net(self, student, kwargs, params):
        """A student net built with kwargs (float64) holding ``params`` (contract names), and its name mapping
        (``net_with_params``)."""
        return net_with_params(student, kwargs, params, self.shapes(kwargs))

    def expected(self, student, kwargs, params, seed, rows=2):
        """The reference net's logic over the student's own layer; the reference net itself when the student's
        layer cannot be called (on a batch of ``rows``), so a broken layer is not guessed around."""
        net = self.composed_class(student, {k: v.copy() for k, v in params.items()}, len(kwargs['hidden_dims']) + 1,
                                  self.normalized(kwargs), kwargs.get('reg', 0.0))
        if kwargs.get('dropout', 0) > 0:
            net.dropout_param = {'p': kwargs['dropout'], **({'seed': kwargs['seed']} if 'seed' in kwargs else {})}
        if not net.normalized:
            return net
        try:
            probe = net.probe_input(kwargs['input_dim'])
            net.loss(np.resize(probe, (rows, probe.shape[1])), np.zeros(rows, dtype=int))
        except StudentCodeError:
            ref = self.reference(seed, dtype=np.float64, **kwargs)
            ref.params = {k: v.copy() for k, v in params.items()}
            return ref
        net.forget()
        return net

    def judged(self, student, kwargs, params, seed, rows):
        """(net kwargs, params, expected net) a part judges the student's net with, on a batch of ``rows``:
        these kwargs and the reference logic over the student's layer; or, when that layer raises on these
        widths but answers when every hidden layer is as wide as the batch (a slip that lines (N,) up against
        (N, D), say), such a square net with the reference's parameters for it, so that the layer's mistake,
        charged in the layer's own checks, does not also stop the net from being judged."""
        expected = self.expected(student, kwargs, params, seed, rows)
        if isinstance(expected, self.composed_class) or not self.normalized(kwargs) or \
                all(width == rows for width in kwargs['hidden_dims']):
            return kwargs, params, expected
        square = dict(kwargs, hidden_dims=[rows] * len(kwargs['hidden_dims']))
        square_params = {k: v.copy() for k, v in self.reference(seed, dtype=np.float64, **square).params.items()}
        square_expected = self.expected(student, square, square_params, seed, rows)
        if isinstance(square_expected, self.composed_class):
            return square, square_params, square_expected
        return kwargs, params, expected

    def computes_reference_logic(self, student, kwargs, seed, X, y, tol):
        """Whether the student's net computes what the reference logic over the student's own layer computes
        (train-mode loss and gradients on X, y within ``tol``): then a shortfall of the net is the layer's."""
        params = {k: v.copy() for k, v in self.reference(seed, dtype=np.float64, **kwargs).params.items()}
        try:
            kwargs, params, expected = self.judged(student, kwargs, params, seed, len(X))
            if not isinstance(expected, self.composed_class):
                return False
            expected_loss, expected_grads = expected.loss(X, y)
            handle, matching = self.student_net(student, kwargs, params)
            loss, grads = student.net_loss(handle, X, y)
        except StudentCodeError:
            return False
        if not loss_agrees(loss, expected_loss, tol):
            return False
        grads = matching.to_contract(grads, self.shapes(kwargs))
        return all(k in grads and compare(k, grads[k], v, tol, floor=1e-6) is None
                   for k, v in expected_grads.items())

    def loss_and_gradient_parts(self, g, student, cases, rng, seed, tol, layer, hint, inputs):
        """Add to the ``Grading`` g, for each (label, kwargs, weight) of ``cases``, a loss part (0.4 of the
        weight) and a gradients part (0.6): the student's net against the reference logic over their own
        ``layer`` (e.g. 'batchnorm'), with non-trivial gamma and beta, on ``inputs(rng, n, d)``."""
        for index, (label, kwargs, weight) in enumerate(cases):
            ref = self.reference(seed + index, dtype=np.float64, **kwargs)
            # Non-trivial gamma and beta, so that their gradients and their use in the forward pass matter.
            params = {k: rng.uniform(0.5, 1.5, v.shape) if k.startswith('gamma')
                      else 0.1 * rng.standard_normal(v.shape) if k.startswith('b') else v.copy()
                      for k, v in ref.params.items()}
            X = inputs(rng, 6, kwargs['input_dim'])
            y = rng.integers(kwargs['num_classes'], size=6)
            computed = {}

            def both(kwargs=kwargs, params=params, X=X, y=y, computed=computed, index=index):
                """(student's loss, grads in contract names, expected loss, expected grads, mapping, the params
                judged with), once."""
                if not computed:
                    kwargs, params, net = self.judged(student, kwargs, params, seed + index, len(X))
                    expected = net.loss(X, y)
                    handle, matching = self.student_net(student, kwargs, params)
                    loss, grads = student.net_loss(handle, X, y)
                    computed['result'] = (loss, matching.to_contract(grads, self.shapes(kwargs)), *expected,
                                          matching, params)
                return computed['result']

            def loss_part(kwargs=kwargs, fn=both):
                loss, _, expected_loss, _, _, params = fn()
                if loss_agrees(loss, expected_loss, tol):
                    return []
                diff = loss - expected_loss
                mistake = regularization_mistake(diff, kwargs['reg'], params)
                if mistake:
                    return [mistake]
                return ['the loss is off (relative error %.1e) from the reference net run on your own %s layer; %s'
                        % (abs(diff) / max(1.0, abs(expected_loss)), layer, hint)]

            def grads_part(fn=both):
                loss, grads, expected_loss, expected_grads, mapping, _ = fn()
                problems = []
                if set(grads) != set(expected_grads):
                    problems.append('grads should have exactly the keys of params (%s)'
                                    % describe_keys({mapping.get(k, k) for k in grads},
                                                    {mapping[k] for k in expected_grads}))
                wrong = []
                for k in sorted(set(grads) & set(expected_grads)):
                    # Biases right before a normalization have a true gradient of ~0: the floor keeps that from
                    # turning rounding noise into a relative error.
                    problem = compare('grads[%r]' % mapping[k], grads[k], expected_grads[k], tol, floor=1e-6)
                    if problem:
                        problems.append(problem)
                        wrong.append(k)
                if wrong and loss_agrees(loss, expected_loss, tol):
                    where = first_wrong_layer(wrong, set(grads) & set(expected_grads), mapping)
                    problems = ([where] if where else []) + problems
                return problems[:3]

            g.part(0.4 * weight, 'Loss ' + label, loss_part)
            g.part(0.6 * weight, 'Gradients ' + label, grads_part)

    def composed_training_accuracy(self, student, task, seed):
        """Held-out accuracy of the reference net's logic over the student's own layer, trained here with the
        task and seed (the student's layer runs on the student's side); None when it cannot train."""
        kwargs = task.net_kwargs
        shapes = contract_shapes(kwargs['hidden_dims'], kwargs['input_dim'], kwargs['num_classes'], True)
        np.random.seed(seed)
        params = {k: np.ones(v) if k.startswith('gamma') else np.zeros(v) for k, v in shapes.items()}
        for i in range(1, len(kwargs['hidden_dims']) + 2):
            params['W%d' % i] = kwargs['weight_scale'] * np.random.randn(*shapes['W%d' % i])
        net = self.composed_class(student, params, len(kwargs['hidden_dims']) + 1, True, kwargs.get('reg', 0.0))
        try:
            with np.errstate(all='ignore'):
                Solver(net, dict(task.train_data), verbose=False, **task.solver_kwargs).train()
                return accuracy(net.loss(task.X_eval), task)
        except (StudentCodeError, FloatingPointError, ValueError):
            return None
