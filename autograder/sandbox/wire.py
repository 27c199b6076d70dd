"""The only format that crosses between grader and worker: JSON plus raw array bytes.

A message is a 4-byte big-endian length and a JSON header, followed by the
raw bytes of each array the header refers to (8-byte length each). Arrays
appear in the JSON as {"__ndarray__": index, "dtype": name, "shape": [...]}.
Decoding accepts only whitelisted numeric dtypes and checks every size, so
nothing executable (no pickle, no object arrays) can cross. Tuples travel as
lists. Decoded strings are interned, as a notebook's string literals are.
This module imports only the standard library and numpy: the worker runs it
too, from a copy in its sandbox (so it bounds its header itself rather than
with the notebook's ``autograder.notebook.bounded_json``).
"""
import json
import os
import re
import select
import struct
import sys
import time

import numpy as np

ALLOWED_DTYPES = frozenset(['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64',
                            'float16', 'float32', 'float64'])
MAX_HEADER = 1 << 20          # 1 MiB of JSON
MAX_ARRAY_BYTES = 1 << 28     # 256 MiB per array
MAX_ARRAYS = 10000
MAX_MESSAGE = 1 << 29      # 512 MiB in all, header and arrays
# Levels of nesting in a header. The deepest an honest message goes is 6 (measured over the grading of the
# reference: a reply holding dicts of arrays); json.loads and _restore recurse once per level, so the bound
# is checked before either runs.
MAX_DEPTH = 32


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
        return {sys.intern(k): _restore(v, arrays) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_restore(v, arrays) for v in obj]
    if type(obj) is str:
        # Interned like the notebook's literals: code that compares `mode is 'train'` behaves as it did in
        # the notebook (the load-time scan still reports it as a mistake).
        return sys.intern(obj)
    return obj


# A string, skipped whole (escapes included; possessive, so one that never ends is scanned once), or a bracket.
_TOKEN = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\Z)|[\[\]{}]', re.DOTALL)


def check_depth(header):
    """Raise WireError when the JSON ``header`` nests deeper than MAX_DEPTH, found without recursion: a
    worker's megabyte of ``[`` would otherwise end the grader in RecursionError. Its size is bounded by
    MAX_HEADER before it is read, and so are the values json.loads can build of it."""
    depth = 0
    for token in _TOKEN.finditer(header):
        char = header[token.start()]
        if char in b'[{':
            depth += 1
            if depth > MAX_DEPTH:
                raise WireError('the header nests deeper than %d levels' % MAX_DEPTH)
        elif char != 0x22:     # a closing bracket; a string ('"') changes nothing
            depth -= 1


class WireTimeout(WireError):
    """No whole message arrived before the deadline."""


class Reader:
    """Reads messages from a pipe's file descriptor, never trusting the other side.

    Every read waits at most until the caller's deadline and a message may hold at most ``max_bytes``
    in all: a peer that sends half a header and sleeps, or announces huge arrays, costs the reader a
    timeout or an error, never a hang or the memory it announced. Bytes are read as they arrive, in
    chunks of at most CHUNK, so nothing is allocated for data that was only announced; a read takes what
    has arrived (the rest of a message, the next one's start), so a message costs a read or two, not one
    per field (a grading's 200 calls spent a tenth of a second in select and read, measured).
    """

    CHUNK = 1 << 20

    def __init__(self, fd, max_bytes=MAX_MESSAGE, on_idle=None):
        self.fd = fd
        self.max_bytes = max_bytes
        self.on_idle = on_idle      # called with each select() round's other ready fds (draining output)
        self.buffer = bytearray()

    def _fill(self, n, deadline, extra_fds=()):
        while len(self.buffer) < n:
            timeout = None if deadline is None else deadline - time.monotonic()
            if timeout is not None and timeout <= 0:
                raise WireTimeout('no complete message before the deadline')
            ready, _, _ = select.select([self.fd, *extra_fds], [], [], timeout)
            if self.on_idle and extra_fds:
                self.on_idle([fd for fd in ready if fd != self.fd])
            if self.fd not in ready:
                continue
            chunk = os.read(self.fd, self.CHUNK)
            if not chunk:
                raise EOFError('the other side closed the channel')
            self.buffer += chunk

    def _take(self, n, deadline, extra_fds):
        self._fill(n, deadline, extra_fds)
        data = bytes(self.buffer[:n])
        del self.buffer[:n]
        return data

    def read(self, deadline=None, extra_fds=()):
        """One message; EOFError at end of stream, WireTimeout past the deadline, WireError when malformed."""
        take = lambda n: self._take(n, deadline, extra_fds)  # noqa: E731
        (length,) = struct.unpack('>I', take(4))
        if length > min(MAX_HEADER, self.max_bytes):
            raise WireError('header of %d bytes is too large' % length)
        header = take(length)
        check_depth(header)
        try:
            header = json.loads(header)
        except ValueError as exc:
            raise WireError('header is not JSON: %s' % exc) from None
        (count,) = struct.unpack('>I', take(4))
        if count > MAX_ARRAYS:
            raise WireError('too many arrays')
        arrays, total = [], length
        for _ in range(count):
            (size,) = struct.unpack('>Q', take(8))
            total += size
            if size > MAX_ARRAY_BYTES or total > self.max_bytes:
                raise WireError('the message is larger than the %d bytes allowed' % self.max_bytes)
            arrays.append(take(size))
        return _restore(header, arrays)


def write_message(stream, obj):
    stream.write(encode(obj))
    stream.flush()
