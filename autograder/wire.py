"""The only format that crosses between grader and worker: JSON plus raw array bytes.

A message is a 4-byte big-endian length and a JSON header, followed by the
raw bytes of each array the header refers to (8-byte length each). Arrays
appear in the JSON as {"__ndarray__": index, "dtype": name, "shape": [...]}.
Decoding accepts only whitelisted numeric dtypes and checks every size, so
nothing executable (no pickle, no object arrays) can cross. Tuples travel as
lists. This module imports only the standard library and numpy: the worker
runs it too, from a copy in its sandbox.
"""
import json
import struct

import numpy as np

ALLOWED_DTYPES = frozenset(['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64',
                            'float16', 'float32', 'float64'])
MAX_HEADER = 1 << 20          # 1 MiB of JSON
MAX_ARRAY_BYTES = 1 << 28     # 256 MiB per array
MAX_ARRAYS = 10000


class WireError(Exception):
    """A message that is malformed, too large or not of the allowed kinds."""


def _flatten(obj, arrays):
    if isinstance(obj, np.ndarray):
        if type(obj) is not np.ndarray or obj.dtype.name not in ALLOWED_DTYPES:
            raise WireError('cannot send an array of type %s and dtype %s' % (type(obj).__name__, obj.dtype))
        arrays.append(np.ascontiguousarray(obj))
        return {'__ndarray__': len(arrays) - 1, 'dtype': obj.dtype.name, 'shape': list(obj.shape)}
    if isinstance(obj, np.generic):
        return _flatten(obj.item(), arrays)
    if isinstance(obj, dict):
        if not all(type(k) is str for k in obj):
            raise WireError('dict keys must be strings')
        if '__ndarray__' in obj:
            raise WireError('the key __ndarray__ is reserved')
        return {k: _flatten(v, arrays) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_flatten(v, arrays) for v in obj]
    if obj is None or type(obj) in (bool, int, float, str):
        return obj
    raise WireError('cannot send a value of type %s' % type(obj).__name__)


def encode(obj):
    arrays = []
    header = json.dumps(_flatten(obj, arrays), allow_nan=True).encode()
    parts = [struct.pack('>I', len(header)), header, struct.pack('>I', len(arrays))]
    for arr in arrays:
        data = arr.tobytes()
        parts.append(struct.pack('>Q', len(data)))
        parts.append(data)
    return b''.join(parts)


def _read_exact(stream, n):
    data = stream.read(n)
    if data is None or len(data) != n:
        raise EOFError('the other side closed the channel')
    return data


def _restore(obj, arrays):
    if isinstance(obj, dict):
        if '__ndarray__' in obj:
            index = obj['__ndarray__']
            if type(index) is not int or not 0 <= index < len(arrays):
                raise WireError('bad array reference')
            dtype, shape = obj.get('dtype'), obj.get('shape')
            if dtype not in ALLOWED_DTYPES:
                raise WireError('dtype %r is not allowed' % (dtype,))
            if not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape):
                raise WireError('bad array shape')
            data = arrays[index]
            expected = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
            if expected != len(data):
                raise WireError('array of shape %s and dtype %s needs %d bytes, got %d' % (shape, dtype, expected, len(data)))
            return np.frombuffer(data, dtype=dtype).reshape(shape).copy()
        return {k: _restore(v, arrays) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_restore(v, arrays) for v in obj]
    return obj


def read_message(stream):
    """Read one message from a binary stream; raises EOFError at end of stream, WireError when malformed."""
    (length,) = struct.unpack('>I', _read_exact(stream, 4))
    if length > MAX_HEADER:
        raise WireError('header of %d bytes is too large' % length)
    try:
        header = json.loads(_read_exact(stream, length))
    except ValueError as exc:
        raise WireError('header is not JSON: %s' % exc) from None
    (count,) = struct.unpack('>I', _read_exact(stream, 4))
    if count > MAX_ARRAYS:
        raise WireError('too many arrays')
    arrays = []
    for _ in range(count):
        (size,) = struct.unpack('>Q', _read_exact(stream, 8))
        if size > MAX_ARRAY_BYTES:
            raise WireError('array of %d bytes is too large' % size)
        arrays.append(_read_exact(stream, size))
    return _restore(header, arrays)


def write_message(stream, obj):
    stream.write(encode(obj))
    stream.flush()
