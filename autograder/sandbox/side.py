"""The student's side of every check call: the operations a check may perform on student code, declared once.

A check never touches student objects. It calls operations that take and return only plain data: numpy
arrays of a numeric dtype (never a subclass, never object dtype), Python numbers, short strings, and dicts
and lists of those. An assignment declares its operations in its own ``side.py``, from the engine's
parameterised mixins (a layer's four operations, a net's) and any of its own::

    class Operations(layer_operations('layernorm_forward', 'layernorm_backward', param='ln_param'),
               net_operations({'bn_params': ['dict']}), StudentOperations):
        @operation(returns='array')
        def something_else(self, x): ...

and everything else is derived from that one declaration:

- inside the sandboxed worker (``autograder.sandbox.worker_main``), ``Operations`` runs on the submission's own
  namespace and only its declared operations may be requested;
- the grader's ``autograder.sandbox.client.WorkerStudent`` offers one method per operation and checks each
  reply against the operation's ``returns`` schema before any check sees it;
- in the notebook kernel (nbgrader's hidden cells), ``autograder.grading.inprocess.InProcessStudent``
  offers the same methods on the notebook's own namespace;
- the misconception diagnosis (``autograder.grading.recording`` and ``misconceptions``) reads which calls
  it may replay and compare from the same declarations.

Any failure of the student's side (an exception in their code, a missing name, a crash, a timeout, a
malformed return value) reaches a check as ``autograder.sandbox.student_api.StudentCodeError``.

This module runs wherever student code runs: inside the notebook kernel and inside the sandboxed worker
(which gets a copy of it and of ``autograder.sandbox.plain``). It therefore imports nothing but the standard
library, numpy, ``plain`` (and ``cs231n.solver`` for training), and holds no assignment's content.

Everything an operation returns has passed ``plain_array`` / ``plain_dict``; problems with it raise
``BadReturn``, exceptions the student's code raises pass through unchanged for the caller to report.
"""
import re
from dataclasses import dataclass

import numpy as np

from autograder.sandbox.plain import (MAX_STRING, BadReturn, key_text, pair, plain_array, plain_dict, plain_params,
                                      plain_scalar)
from cs231n.solver import Solver

DTYPE_NAMES = {'float16': np.float16, 'float32': np.float32, 'float64': np.float64}
MAX_KEPT = 64   # objects kept for the grader behind handles (e.g. a composed net's caches, a few per layer)


class MissingName(Exception):
    """The submission does not define a name the check needs."""


# ---------------------------------------------------------------- declaring operations

class OneOf:
    """A ``returns`` schema met by any one of its schemas (tried in order)."""

    def __init__(self, *schemas):
        self.schemas = schemas

    def __repr__(self):
        return 'OneOf(%s)' % ', '.join(map(repr, self.schemas))


@dataclass(frozen=True)
class Operation:
    """What the engine knows of one operation besides its code.

    ``returns``: the schema its reply must meet: 'array' | 'float' | 'int' | 'bool' | 'str' | 'dict' (str keys,
    plain values) | None (ignored) | a tuple of schemas (fixed length) | [schema] (a list of) |
    {'key': schema} (exactly these keys) | {str: schema} (any str keys) | OneOf(schema, ...).
    ``slow``: it gets the worker's whole CPU budget as its wall-clock limit (training).
    For the misconception diagnosis: ``replay``, it can be replayed on the kit's own code; ``where`` (the
    calls whose results are compared have one), what feedback calls the code it runs ('the forward pass');
    ``results``, the names of its result's parts (a tuple for a tuple, a str for one value, OneOf of those);
    ``net_handle``, its first argument is a net handle; ``new_net``, it returns a new net handle.
    """
    name: str
    returns: object
    slow: bool = False
    replay: bool = False
    where: str = None
    results: object = None
    net_handle: bool = False
    new_net: bool = False


def operation(returns, slow=False, replay=False, where=None, results=None, net_handle=False, new_net=False):
    """Declare a method of a ``StudentOperations`` subclass an operation checks may call (see ``Operation``)."""
    def declare(method):
        method.operation = Operation(method.__name__, returns, slow, replay, where, results, net_handle, new_net)
        return method
    return declare


def numpy_dtype(kwargs):
    """Keyword arguments with a dtype given by name ('float32') turned into the numpy type."""
    kwargs = dict(kwargs)
    if isinstance(kwargs.get('dtype'), str):
        kwargs['dtype'] = DTYPE_NAMES[kwargs['dtype']]
    return kwargs


def _unchanged(given, original):
    """Whether the array handed to the student's code still holds the numbers it was given."""
    return (isinstance(given, np.ndarray) and given.shape == original.shape
            and np.array_equal(given, original, equal_nan=original.dtype.kind == 'f'))


# ---------------------------------------------------------------- the sides

class StudentOperations:
    """Performs the declared operations on the functions and classes in ``namespace``.

    The student's code receives real arrays of its own (copies of the grader's), exactly as a notebook
    would pass them; after each call they are compared with the originals and the names of the ones that
    changed are kept for ``changed_inputs``.
    """

    def __init__(self, namespace):
        self.namespace = namespace
        self.kept = {}
        self.next_handle = 1
        self.changed = []

    @classmethod
    def operations(cls):
        """{name: Operation} of every operation the class declares (its own and inherited), by name."""
        found = {}
        for name in dir(cls):
            declared = getattr(getattr(cls, name, None), 'operation', None)
            if isinstance(declared, Operation) and declared.name == name:
                found[name] = declared
        return dict(sorted(found.items()))

    # ------------------------------------------------ helpers for the operations
    def named(self, name):
        """What the submission defines as ``name``, or MissingName."""
        obj = self.namespace.get(name)
        if obj is None:
            raise MissingName('%s is not defined; keep the name the notebook gives it' % name)
        return obj

    def call(self, function, named_inputs, *rest):
        """function(*copies of the named arrays, *rest), noting which of those arrays the call modified.

        ``function`` is the name of a student function or a callable (a method of a student object);
        ``named_inputs`` is ((name, array), ...) with the names ``changed_inputs`` reports.
        """
        fn = self.named(function) if isinstance(function, str) else function
        given = [value.copy() for _, value in named_inputs]
        self.changed = []
        try:
            return fn(*given, *rest)
        finally:
            self.changed = [name for (name, original), copy in zip(named_inputs, given)
                            if not _unchanged(copy, original)]

    def keep(self, obj):
        """A handle for ``obj``, kept on this side (at most MAX_KEPT at a time: the oldest go first)."""
        handle = self.next_handle
        self.next_handle += 1
        self.kept[handle] = obj
        while len(self.kept) > MAX_KEPT:
            del self.kept[min(self.kept)]
        return handle

    def take(self, handle):
        """The object kept under ``handle``, which is then forgotten."""
        return self.kept.pop(handle)

    # ------------------------------------------------ operations of every assignment
    @operation(returns='bool')
    def has(self, name):
        """Whether the submission defines ``name`` as something callable."""
        return callable(self.namespace.get(name))

    @operation(returns=['str'])
    def changed_inputs(self):
        """Names of the arrays ('x', 'gamma', 'dout', 'X', ...) the last call modified in place."""
        return list(self.changed)

    @operation(returns=None, replay=True)
    def seed_numpy(self, seed):
        """np.random.seed(seed) on the student's side."""
        np.random.seed(seed)


class NetOperations:
    """The operations on a student's net class (cs231n's ``FullyConnectedNet`` in both normalization
    assignments): a class built with keyword arguments, holding ``params`` (name -> array), whose ``loss(X)``
    gives scores and ``loss(X, y)`` (loss, grads), trained by ``cs231n.solver.Solver``.

    What else a net holds is the assignment's to declare: ``net_operations(state)`` adds the ``net_state``
    operation reading those attributes. Mixed in before ``StudentOperations``:
    ``class Operations(net_operations({...}), StudentOperations)``.
    """
    net_class = 'FullyConnectedNet'

    def __init__(self, namespace):
        super().__init__(namespace)
        self.nets = {}

    @operation(returns='int', replay=True, new_net=True)
    def net_create(self, **kwargs):
        """Construct the student's net class(**kwargs); returns a handle.

        The caller seeds numpy's global generator through ``seed_numpy`` first when it wants reproducible
        weights.
        """
        net = self.named(self.net_class)(**numpy_dtype(kwargs))
        handle = len(self.nets) + 1
        self.nets[handle] = net
        return handle

    @operation(returns=None, replay=True, net_handle=True)
    def net_set_params(self, handle, params):
        """Replace the net's params with copies of the given arrays (same keys)."""
        current = self.nets[handle].params
        own_keys = {key_text(key): key for key in current}
        for text, key in own_keys.items():
            if text not in params:
                del current[key]
        for text, value in params.items():
            current[own_keys.get(text, text)] = value.copy()

    @operation(returns=OneOf('array', ('float', {str: 'array'})), replay=True, where='the net',
               results=OneOf('scores', ('loss', 'grads')), net_handle=True)
    def net_loss(self, handle, X, y=None):
        """model.loss(X, y): scores (N, C) when y is None, else (loss float, grads dict)."""
        net = self.nets[handle]
        if y is None:
            return plain_array(self.call(net.loss, (('X', X),)), 'scores from loss(X)')
        loss, grads = pair(self.call(net.loss, (('X', X), ('y', y))), 'loss(X, y)', ('loss', 'grads'))
        grads = plain_params(grads, 'grads')
        for key, value in grads.items():
            if not isinstance(value, np.ndarray):
                raise BadReturn('grads[%r] should be an array' % key)
        return plain_scalar(loss, 'the loss'), grads

    @operation(returns='array', slow=True)
    def train_and_predict(self, net_kwargs, data, solver_kwargs, X_eval):
        """Train the student's net with cs231n's Solver on ``data`` and return scores on X_eval.

        ``data`` holds X_train, y_train, X_val, y_val. The labels of X_eval never cross to the student's
        side: the grader scores the returned predictions itself.
        """
        net = self.named(self.net_class)(**numpy_dtype(net_kwargs))
        Solver(net, dict(data), verbose=False, **solver_kwargs).train()
        scores = [plain_array(net.loss(X_eval[i:i + 500].copy()), 'scores from loss(X)')
                  for i in range(0, X_eval.shape[0], 500)]
        return np.concatenate(scores) if scores else np.zeros((0, 0))


def _plain_attribute(net, name, schema):
    """The net's attribute ``name`` as plain data of ``schema`` ('dict' or ['dict']); empty when it lacks it."""
    if schema == 'dict':
        return plain_dict(getattr(net, name, {}), name)
    value = getattr(net, name, [])
    if isinstance(value, dict) and all(isinstance(p, dict) for p in value.values()):
        # One dict per layer kept in a dict keyed by layer: in the order of the numbers in its keys, else as made.
        numbers = [re.findall(r'\d+', str(k))[-1:] for k in value]
        order = sorted(range(len(value)), key=lambda i: int(numbers[i][0]) if all(numbers) else i)
        value = [list(value.values())[i] for i in order]
    if not isinstance(value, (list, tuple)):
        raise BadReturn('%s should be a list of dicts, not %s' % (name, type(value).__name__))
    return [plain_dict(p, '%s[%d]' % (name, i)) for i, p in enumerate(value)]


def net_operations(state):
    """``NetOperations`` with a ``net_state`` operation returning the net's ``params`` and the attributes
    ``state`` declares, {attribute: 'dict' or ['dict']} (e.g. {'bn_params': ['dict'], 'dropout_param': 'dict'})."""
    state = dict(state)

    @operation(returns=dict({'params': {str: 'array'}, 'containers': {str: 'str'}}, **state), replay=True,
               where='the net', net_handle=True)
    def net_state(self, handle):
        """{'params': {name: array}, each declared attribute, and 'containers': {attribute: the type it had}}
        of a net. Arrays keep their dtype; attributes the net lacks come back empty ({} or []). A list of dicts
        kept as a dict keyed by layer comes back as a list, and its container says 'dict'."""
        net = self.nets[handle]
        found = {'params': plain_params(getattr(net, 'params', {}), 'params'),
                 'containers': {name: type(getattr(net, name, None)).__name__[:MAX_STRING] for name in state}}
        found.update((name, _plain_attribute(net, name, schema)) for name, schema in state.items())
        return found

    return type('NetOperations', (NetOperations,), {'net_state': net_state, '__doc__': NetOperations.__doc__})


# ---------------------------------------------------------------- a layer's operations

def _own_copy(param):
    """The student's code may update arrays of its param dict in place (running averages): it gets its own."""
    return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in param.items()}


def layer_operations(forward, backward, inputs=('x', 'gamma', 'beta'), param=None):
    """A mixin of the four operations on a student's layer ``forward(*inputs[, param]) -> (out, cache)`` and
    ``backward(dout, cache) -> gradients``, one gradient per input ('dx' for 'x', ...):

    - ``<forward>(*inputs[, param])`` -> (out, the param dict as the student's code left it; {} without one);
    - ``<backward>(*inputs[, param], dout)`` -> gradients, of the student's forward's own cache;
    - ``<forward>_keeping_cache`` -> (out, param after, handle): the cache stays on this side behind the handle;
    - ``<backward>_keeping_cache(handle, dout)`` -> gradients of the kept cache.

    ``inputs`` names the arrays the forward takes (the names ``changed_inputs`` reports); ``param`` names the
    layer's param dict ('bn_param'), None for a layer that takes none. The caches never leave the student's side.
    """
    inputs = tuple(inputs)
    gradients = tuple('d' + name for name in inputs)

    def run_forward(self, args):
        values, rest = (args[:-1], (_own_copy(args[-1]),)) if param else (args, ())
        result = self.call(forward, tuple(zip(inputs, values)), *rest)
        out, cache = pair(result, forward, ('out', 'cache'))
        after = plain_dict(rest[0], param) if param else {}
        return plain_array(out, 'out from %s' % forward), after, cache

    def run_backward(self, cache, dout):
        grads = pair(self.call(backward, (('dout', dout),), cache), backward, gradients)
        return tuple(plain_array(g, '%s from %s' % (n, backward)) for g, n in zip(grads, gradients))

    def forward_op(self, *args):
        out, after, _ = run_forward(self, args)
        return out, after

    def backward_op(self, *args):
        _, _, cache = run_forward(self, args[:-1])
        return run_backward(self, cache, args[-1])

    def forward_keeping_cache(self, *args):
        out, after, cache = run_forward(self, args)
        return out, after, self.keep(cache)

    def backward_keeping_cache(self, handle, dout):
        return run_backward(self, self.take(handle), dout)

    declared = {   # name: (function, declaration); the docstring above says what each returns
        forward: (forward_op, dict(returns=('array', 'dict'), replay=True, where='the forward pass',
                                   results=('output', param or 'param'))),
        backward: (backward_op, dict(returns=('array',) * len(gradients), replay=True, where='the backward pass',
                                     results=gradients)),
        forward + '_keeping_cache': (forward_keeping_cache, dict(returns=('array', 'dict', 'int'))),
        backward + '_keeping_cache': (backward_keeping_cache, dict(returns=('array',) * len(gradients))),
    }
    methods = {}
    for name, (function, declaration) in declared.items():
        function.__name__ = function.__qualname__ = name
        methods[name] = operation(**declaration)(function)
    return type('LayerOperations', (), methods)
