"""The declared operations over a sandboxed worker process.

``WorkerStudent(worker, side_class)`` has one method per operation of ``side_class`` (an assignment's
``Operations``, see ``autograder.sandbox.side``), each a request to the worker. Everything the worker sends back
is untrusted: it has already been decoded by ``autograder.sandbox.wire`` into plain JSON values and numeric
arrays, and here it is checked against the operation's ``returns`` schema (``conform``) before any check
sees it.
"""
import numpy as np

from autograder.sandbox.side import OneOf
from autograder.sandbox.student_api import StudentCodeError

SLOW_TIMEOUT = 120   # seconds at least for a ``slow=True`` operation (training)
NUMERIC_KINDS = 'biuf'
PLAIN_TYPES = (str, int, float, bool, type(None))


class Mismatch(Exception):
    """A reply that does not meet its schema (inside ``conform``; the caller sees StudentCodeError)."""


def _bad(what):
    raise Mismatch(what)


def _array(value, what):
    if type(value) in (int, float, bool):
        return np.asarray(value)
    if type(value) is not np.ndarray or value.dtype.kind not in NUMERIC_KINDS:
        _bad('%s is not an array' % what)
    return value


def _float(value, what):
    if type(value) not in (int, float):
        _bad('%s is not a number' % what)
    return float(value)


def _exact(kind):
    def check(value, what):
        if type(value) is not kind:
            _bad('%s is not %s %s' % (what, 'an' if kind is int else 'a', kind.__name__))
        return value
    return check


def _plain_dict(value, what):
    if type(value) is not dict:
        _bad('%s is not a dict' % what)
    for key, item in value.items():
        if type(key) is not str:
            _bad('%s has a key that is not a string' % what)
        if type(item) not in PLAIN_TYPES:
            _array(item, '%s[%r]' % (what, key))
    return value


LEAVES = {'array': _array, 'float': _float, 'int': _exact(int), 'bool': _exact(bool), 'str': _exact(str),
          'dict': _plain_dict}


def _conform(value, schema, what):
    if schema is None:
        return None
    if isinstance(schema, str):
        return LEAVES[schema](value, what)
    if isinstance(schema, tuple):
        if type(value) not in (list, tuple) or len(value) != len(schema):
            _bad('%s does not have %d parts' % (what, len(schema)))
        return tuple(_conform(v, s, '%s[%d]' % (what, i)) for i, (v, s) in enumerate(zip(value, schema)))
    if isinstance(schema, list):
        if type(value) is not list:
            _bad('%s is not a list' % what)
        return [_conform(v, schema[0], '%s[%d]' % (what, i)) for i, v in enumerate(value)]
    if isinstance(schema, dict):
        if type(value) is not dict:
            _bad('%s is not a dict' % what)
        if list(schema) == [str]:
            if not all(type(k) is str for k in value):
                _bad('%s has a key that is not a string' % what)
            return {k: _conform(v, schema[str], '%s[%r]' % (what, k)) for k, v in value.items()}
        if set(value) != set(schema):
            _bad('%s does not have the keys %s' % (what, ', '.join(map(repr, schema))))
        return {k: _conform(value[k], s, '%s[%r]' % (what, k)) for k, s in schema.items()}
    if isinstance(schema, OneOf):
        for option in schema.schemas:
            try:
                return _conform(value, option, what)
            except Mismatch:
                pass
        _bad('%s is none of the expected forms' % what)
    raise TypeError('not a returns schema: %r' % (schema,))


def conform(value, schema, what):
    """``value`` checked against ``schema`` (see ``autograder.sandbox.side.Operation``): tuples for tuple
    schemas, floats for 'float', else as decoded; StudentCodeError (kind 'bad_return') naming ``what`` and
    the part that is wrong, e.g. "unexpected return value: net_state['params'] is not a dict"."""
    try:
        return _conform(value, schema, what)
    except Mismatch as exc:
        raise StudentCodeError('unexpected return value: %s' % exc, kind='bad_return') from None


class WorkerStudent:
    """The operations of ``side_class`` as calls to ``worker`` (an ``autograder.sandbox.worker.Worker``)."""

    def __init__(self, worker, side_class):
        self.worker = worker
        self.operations = side_class.operations()
        for name, op in self.operations.items():
            setattr(self, name, self._request(op))

    def _request(self, op):
        def request(*args, **kwargs):
            # A slow operation (training) gets the worker's whole CPU budget as its wall-clock limit.
            timeout = max(self.worker.limits.call_timeout, SLOW_TIMEOUT) if op.slow else None
            return conform(self.worker.call(op.name, *args, timeout=timeout, **kwargs), op.returns, op.name)
        request.__name__ = request.__qualname__ = op.name
        return request
