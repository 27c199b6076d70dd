"""Plain data out of student objects: what an operation may hand back to the grader.

Numpy arrays of a numeric dtype (never a subclass, never object dtype), Python numbers, short strings, and
dicts and lists of those; anything else raises ``BadReturn``. Like ``autograder.sandbox.side``, this module
runs wherever student code runs (the worker gets a copy) and imports only numpy.
"""
import numpy as np

NUMERIC_KINDS = 'biuf'  # bool, signed and unsigned integers, floats
MAX_STRING = 200


class BadReturn(Exception):
    """The student's code returned something the contract does not allow."""


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


def plain_params(value, what):
    """A net's params or grads as {key: array}; a tuple or number key (('W', 1) is a consistent scheme too)
    becomes its repr, so that it crosses as text."""
    if not isinstance(value, dict):
        raise BadReturn('%s should be a dict, not %s' % (what, type(value).__name__))
    return {key_text(key): plain_value(item, '%s[%r]' % (what, key)) for key, item in list(value.items())}


def key_text(key):
    parts = key if isinstance(key, tuple) else (key,)
    if isinstance(key, str) or all(isinstance(part, (str, int)) for part in parts):
        return key if isinstance(key, str) else repr(key)[:MAX_STRING]
    raise BadReturn('a parameter name should be a string or a tuple of strings and numbers, not %s'
                    % type(key).__name__)


def pair(result, what, names):
    """``result`` when it is a tuple (or list) of len(names) parts, else BadReturn saying what was expected."""
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        raise BadReturn('%s should return a tuple %s, but returned %s'
                        % (what, '(' + ', '.join(names) + ')', type(result).__name__))
    return result
