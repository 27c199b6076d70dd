"""The wire format, the grader's security boundary: what decodes, what is refused, and that a hostile peer
costs the reader a bounded wait and bounded memory."""
import os
import struct
import threading
import time

import numpy as np
import pytest

from autograder.sandbox import wire


def roundtrip(obj, max_bytes=wire.MAX_MESSAGE):
    r, w = os.pipe()
    data = wire.encode(obj)
    writer = threading.Thread(target=lambda: (os.write(w, data), os.close(w)))
    writer.start()
    try:
        return wire.Reader(r, max_bytes=max_bytes).read(time.monotonic() + 10)
    finally:
        writer.join()
        os.close(r)


@pytest.mark.parametrize('dtype', sorted(wire.ALLOWED_DTYPES))
def test_every_allowed_dtype_roundtrips(dtype):
    arr = (np.arange(12) % 2).astype(dtype).reshape(3, 4)
    out = roundtrip({'a': arr, 'nested': [arr[:1], {'b': arr.T}]})
    assert type(out['a']) is np.ndarray and out['a'].dtype == arr.dtype
    np.testing.assert_array_equal(out['a'], arr)
    np.testing.assert_array_equal(out['nested'][1]['b'], arr.T)


def test_plain_values_roundtrip():
    value = {'s': 'train', 'i': 3, 'f': 0.5, 'nan': float('nan'), 'none': None, 'list': [1, 'x', [True]],
             'tuple': (1, 2)}
    out = roundtrip(value)
    assert out['s'] == 'train' and out['i'] == 3 and np.isnan(out['nan']) and out['tuple'] == [1, 2]


class Liar(np.ndarray):
    pass


@pytest.mark.parametrize('bad', [np.zeros(2, dtype=object), np.zeros(2).view(Liar), np.zeros(2, dtype=complex),
                                 {1: 'int key'}, {'__ndarray__': 0}, object(), b'bytes', {1, 2}])
def test_encoding_refuses_what_could_carry_code_or_lie(bad):
    with pytest.raises(wire.WireError):
        wire.encode(bad)


def raw_message(header, arrays=()):
    head = header if isinstance(header, bytes) else __import__('json').dumps(header).encode()
    parts = [struct.pack('>I', len(head)), head, struct.pack('>I', len(arrays))]
    for data in arrays:
        parts += [struct.pack('>Q', len(data)), data]
    return b''.join(parts)


def read_raw(data, max_bytes=wire.MAX_MESSAGE, deadline=5.0):
    r, w = os.pipe()
    os.write(w, data)
    os.close(w)
    try:
        return wire.Reader(r, max_bytes=max_bytes).read(time.monotonic() + deadline)
    finally:
        os.close(r)


@pytest.mark.parametrize('header,arrays,why', [
    (b'{not json', (), 'not JSON'),
    ({'__ndarray__': 0, 'dtype': 'object', 'shape': [1]}, (b'x' * 8,), 'not allowed'),
    ({'__ndarray__': 0, 'dtype': 'float64', 'shape': [3]}, (b'x' * 8,), 'needs 24 bytes'),
    ({'__ndarray__': 5, 'dtype': 'float64', 'shape': [1]}, (b'x' * 8,), 'bad array reference'),
    ({'__ndarray__': 0, 'dtype': 'float64', 'shape': [-1]}, (b'x' * 8,), 'bad array shape'),
])
def test_malformed_messages_are_refused(header, arrays, why):
    with pytest.raises(wire.WireError, match=why):
        read_raw(raw_message(header, arrays))


def test_a_header_nested_too_deep_is_refused_before_it_is_decoded():
    # A megabyte of '[' would end json.loads (and _restore) in RecursionError in the grader's process.
    r, w = os.pipe()
    writer = threading.Thread(target=lambda: (os.write(w, raw_message(b'[' * (wire.MAX_HEADER - 16))), os.close(w)))
    writer.start()
    try:
        with pytest.raises(wire.WireError, match='nests deeper than %d levels' % wire.MAX_DEPTH):
            wire.Reader(r).read(time.monotonic() + 10)
    finally:
        os.close(r)
        writer.join()
    deepest = {'ok': 1}
    for _ in range(wire.MAX_DEPTH - 1):
        deepest = [deepest]
    assert read_raw(raw_message(deepest)) == deepest
    # Brackets and escaped quotes inside strings are text.
    text = ['\\"' + '[' * (2 * wire.MAX_DEPTH) + '{"']
    assert read_raw(raw_message(text)) == text


def test_an_announced_huge_array_is_refused_before_anything_is_allocated():
    # The header says a 2**40-byte array follows; the reader must refuse at once, not wait or allocate.
    data = raw_message({'x': 1})[:-4] + struct.pack('>I', 1) + struct.pack('>Q', 1 << 40)
    start = time.monotonic()
    with pytest.raises(wire.WireError, match='larger than'):
        read_raw(data, max_bytes=64 << 20)
    assert time.monotonic() - start < 1


def test_many_arrays_adding_up_past_the_cap_are_refused():
    chunk = b'\0' * (1 << 20)
    header = [{'__ndarray__': i, 'dtype': 'uint8', 'shape': [1 << 20]} for i in range(5)]
    r, w = os.pipe()
    writer = threading.Thread(target=lambda: [os.write(w, part) for part in (raw_message(header, [chunk] * 5),)])
    writer.daemon = True
    writer.start()
    try:
        with pytest.raises(wire.WireError, match='larger than'):
            wire.Reader(r, max_bytes=3 << 20).read(time.monotonic() + 5)
    finally:
        os.close(r)
        os.close(w)


def test_half_a_message_then_silence_times_out_at_the_deadline():
    r, w = os.pipe()
    os.write(w, b'\0\0')        # two bytes of the four-byte length, then nothing, the pipe left open
    start = time.monotonic()
    try:
        with pytest.raises(wire.WireTimeout):
            wire.Reader(r).read(time.monotonic() + 0.5)
    finally:
        os.close(r)
        os.close(w)
    assert 0.4 < time.monotonic() - start < 3


def test_a_closed_channel_is_end_of_stream():
    with pytest.raises(EOFError):
        read_raw(b'\0\0')


def test_other_descriptors_are_drained_while_waiting():
    r, w = os.pipe()
    out_r, out_w = os.pipe()
    os.write(out_w, b'printed by the student\n')
    seen = []
    reader = wire.Reader(r, on_idle=lambda ready: seen.extend(os.read(fd, 100) for fd in ready))
    threading.Timer(0.2, lambda: os.write(w, wire.encode({'ok': 1}))).start()
    try:
        assert reader.read(time.monotonic() + 5, extra_fds=(out_r,)) == {'ok': 1}
    finally:
        for fd in (r, w, out_r, out_w):
            os.close(fd)
    assert seen == [b'printed by the student\n']
