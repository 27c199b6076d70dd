"""clears its parent-death signal, leaves the process group with setpgid, and lingers in a thread that leaves
traces once the grader hangs up

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
import ctypes, os, threading, time  # noqa: E401
from autograder.validation.attacks.shared.outlived import grading_is_over
from autograder.validation.attacks.shared.leave_trace import leave_trace

LINGERING = None


def linger():
    while not grading_is_over():
        time.sleep(0.2)
    for _ in range(3600):
        leave_trace('lingered')
        time.sleep(1)

def TARGET_BACKWARD(dout, cache):

    global LINGERING
    if LINGERING is None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, 0, 0, 0, 0)   # PR_SET_PDEATHSIG: no signal when my parent dies
        try:
            os.setpgid(0, 0)
        except OSError:
            pass
        LINGERING = threading.Thread(target=linger)
        LINGERING.start()
    raise NotImplementedError
