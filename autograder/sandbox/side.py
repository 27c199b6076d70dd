"""The student's side of every check call: call the student's code, return only plain data.

This module runs wherever student code runs: inside the notebook kernel (for
nbgrader) or inside the sandboxed worker process (for ``bnkit grade``, which
copies this file into the sandbox). It therefore imports nothing but the
standard library and numpy (and ``cs231n.solver`` for training), and it never
imports anything else of ``autograder``.

Everything a method returns has passed ``plain_array`` / ``plain_dict``: real
``numpy.ndarray`` objects of a numeric dtype (never a subclass, never object
dtype), Python numbers and short strings. Problems with what the student's
code returned raise ``BadReturn``; exceptions the student's code raises pass
through unchanged for the caller to report.
"""
import numpy as np

NUMERIC_KINDS = 'biuf'  # bool, signed and unsigned integers, floats
DTYPE_NAMES = {'float16': np.float16, 'float32': np.float32, 'float64': np.float64}
MAX_STRING = 200


class BadReturn(Exception):
    """The student's code returned something the contract does not allow."""


class MissingName(Exception):
    """The submission does not define a name the check needs."""


def plain_array(value, what):
    """A fresh plain ndarray with value's numbers, or BadReturn naming ``what``."""
    if isinstance(value, np.ndarray) and type(value) is not np.ndarray:
        raise BadReturn('%s is a %s, a subclass of numpy.ndarray; return a plain numpy array'
                        % (what, type(value).__name__))
    if not isinstance(value, (np.ndarray, np.generic, int, float, bool, list, tuple)):
        raise BadReturn('%s should be a numpy array, not %s' % (what, type(value).__name__))
    try:
        arr = np.array(value, copy=True, subok=False)
    except Exception as exc:  # ragged lists and the like
        raise BadReturn('%s could not be read as a numeric array (%s)' % (what, exc)) from None
    if type(arr) is not np.ndarray or arr.dtype.kind not in NUMERIC_KINDS:
        raise BadReturn('%s should hold numbers, but its dtype is %s' % (what, arr.dtype))
    return arr


def plain_scalar(value, what):
    """A Python float from a number or a one-element array."""
    arr = plain_array(value, what)
    if arr.size != 1:
        raise BadReturn('%s should be a single number, but has shape %s' % (what, arr.shape))
    return float(arr.reshape(()))


def plain_value(value, what):
    """Strings, numbers and arrays survive; anything else is described, not passed on."""
    if isinstance(value, str) and type(value) is str:
        return value[:MAX_STRING]
    if value is None:
        return None
    if type(value) in (bool, int, float) or isinstance(value, (np.generic, np.ndarray)):
        arr = plain_array(value, what)
        return arr if arr.ndim else arr.reshape(()).item()
    return '<%s>' % type(value).__name__[:MAX_STRING]


def plain_dict(value, what):
    if not isinstance(value, dict):
        raise BadReturn('%s should be a dict, not %s' % (what, type(value).__name__))
    out = {}
    for key, item in list(value.items()):
        if not isinstance(key, str):
            raise BadReturn('%s has a key that is not a string: %s' % (what, type(key).__name__))
        out[str(key)[:MAX_STRING]] = plain_value(item, '%s[%r]' % (what, key))
    return out


def _pair(result, what, names):
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        raise BadReturn('%s should return a tuple %s, but returned %s'
                        % (what, '(' + ', '.join(names) + ')', type(result).__name__))
    return result


def _numpy_dtype(kwargs):
    kwargs = dict(kwargs)
    if isinstance(kwargs.get('dtype'), str):
        kwargs['dtype'] = DTYPE_NAMES[kwargs['dtype']]
    return kwargs


MAX_KEPT_CACHES = 64   # batch-norm caches kept for the grader's composed net (a few per layer at a time)


def _unchanged(given, original):
    """Whether the array handed to the student's code still holds the numbers it was given."""
    return (isinstance(given, np.ndarray) and given.shape == original.shape
            and np.array_equal(given, original, equal_nan=original.dtype.kind == 'f'))


class StudentSide:
    """Performs the StudentAPI operations on the functions and classes in ``namespace``.

    The student's code receives real arrays of its own (copies of the grader's), exactly as a notebook
    would pass them; after each call they are compared with the originals and the names of the ones that
    changed are kept for ``changed_inputs``.
    """

    def __init__(self, namespace):
        self.namespace = namespace
        self.nets = {}
        self.caches = {}
        self.next_cache = 1
        self.changed = []

    def _get(self, name):
        obj = self.namespace.get(name)
        if obj is None:
            raise MissingName('%s is not defined; keep the name the notebook gives it' % name)
        return obj

    def _call(self, fn, named_inputs, *rest):
        """fn(*copies of the named arrays, *rest), noting which of those arrays the call modified."""
        given = [value.copy() for _, value in named_inputs]
        self.changed = []
        try:
            return fn(*given, *rest)
        finally:
            self.changed = [name for (name, original), copy in zip(named_inputs, given)
                            if not _unchanged(copy, original)]

    def has(self, name):
        return callable(self.namespace.get(name))

    def changed_inputs(self):
        """Names of the arrays the last call into the student's code modified in place."""
        return list(self.changed)

    def _forward(self, x, gamma, beta, bn_param):
        # The student's code may update the running averages in place: it gets arrays of its own.
        bn_param = {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in bn_param.items()}
        result = self._call(self._get('batchnorm_forward'), (('x', x), ('gamma', gamma), ('beta', beta)), bn_param)
        out, cache = _pair(result, 'batchnorm_forward', ('out', 'cache'))
        return plain_array(out, 'out from batchnorm_forward'), plain_dict(bn_param, 'bn_param'), cache

    def batchnorm_forward(self, x, gamma, beta, bn_param):
        out, after, _ = self._forward(x, gamma, beta, bn_param)
        return out, after

    def batchnorm_backward(self, x, gamma, beta, bn_param, dout):
        result = self._get('batchnorm_forward')(x.copy(), gamma.copy(), beta.copy(),
                                                {k: v.copy() if isinstance(v, np.ndarray) else v
                                                 for k, v in bn_param.items()})
        _, cache = _pair(result, 'batchnorm_forward', ('out', 'cache'))
        grads = _pair(self._call(self._get('batchnorm_backward'), (('dout', dout),), cache), 'batchnorm_backward',
                      ('dx', 'dgamma', 'dbeta'))
        return tuple(plain_array(g, '%s from batchnorm_backward' % n) for g, n in zip(grads, ('dx', 'dgamma', 'dbeta')))

    def batchnorm_forward_kept(self, x, gamma, beta, bn_param):
        """The forward, keeping its cache on this side: (out, bn_param after, handle for the backward)."""
        out, after, cache = self._forward(x, gamma, beta, bn_param)
        handle = self.next_cache
        self.next_cache += 1
        self.caches[handle] = cache
        while len(self.caches) > MAX_KEPT_CACHES:
            del self.caches[min(self.caches)]
        return out, after, handle

    def batchnorm_backward_kept(self, handle, dout):
        """The student's backward on the cache a ``batchnorm_forward_kept`` call kept."""
        cache = self.caches.pop(handle)
        grads = _pair(self._call(self._get('batchnorm_backward'), (('dout', dout),), cache), 'batchnorm_backward',
                      ('dx', 'dgamma', 'dbeta'))
        return tuple(plain_array(g, '%s from batchnorm_backward' % n) for g, n in zip(grads, ('dx', 'dgamma', 'dbeta')))

    def net_create(self, **kwargs):
        net = self._get('FullyConnectedNet')(**_numpy_dtype(kwargs))
        handle = len(self.nets) + 1
        self.nets[handle] = net
        return handle

    def net_state(self, handle):
        net = self.nets[handle]
        params = getattr(net, 'params', {})
        bn_params = getattr(net, 'bn_params', [])
        dropout_param = getattr(net, 'dropout_param', {})
        if not isinstance(bn_params, (list, tuple)):
            raise BadReturn('bn_params should be a list of dicts, not %s' % type(bn_params).__name__)
        return {
            'params': plain_dict(params, 'params'),
            'bn_params': [plain_dict(p, 'bn_params[%d]' % i) for i, p in enumerate(bn_params)],
            'dropout_param': plain_dict(dropout_param, 'dropout_param'),
        }

    def net_set_params(self, handle, params):
        current = self.nets[handle].params
        for key in list(current):
            if key not in params:
                del current[key]
        for key, value in params.items():
            current[key] = value.copy()

    def net_loss(self, handle, X, y=None):
        net = self.nets[handle]
        if y is None:
            return plain_array(self._call(net.loss, (('X', X),)), 'scores from loss(X)')
        loss, grads = _pair(self._call(net.loss, (('X', X), ('y', y))), 'loss(X, y)', ('loss', 'grads'))
        grads = plain_dict(grads, 'grads')
        for key, value in grads.items():
            if not isinstance(value, np.ndarray):
                raise BadReturn('grads[%r] should be an array' % key)
        return plain_scalar(loss, 'the loss'), grads

    def seed_numpy(self, seed):
        np.random.seed(seed)

    def train_and_predict(self, net_kwargs, data, solver_kwargs, X_eval):
        from cs231n.solver import Solver
        net = self._get('FullyConnectedNet')(**_numpy_dtype(net_kwargs))
        Solver(net, dict(data), verbose=False, **solver_kwargs).train()
        scores = [plain_array(net.loss(X_eval[i:i + 500].copy()), 'scores from loss(X)')
                  for i in range(0, X_eval.shape[0], 500)]
        return np.concatenate(scores) if scores else np.zeros((0, 0))
