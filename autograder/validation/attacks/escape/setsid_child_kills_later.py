"""forks a child that starts a new session and clears its parent-death signal; once the worker is gone it leaves
traces, sleeps 20 s, tampers with results and kills everything it can

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
import ctypes, os, signal, time  # noqa: E401
from autograder.validation.attacks.shared.outlived import grading_is_over
from autograder.validation.attacks.shared.leave_trace import leave_trace
from autograder.validation.attacks.shared.tamper_results import tamper_results
CHILD = None

def TARGET_BACKWARD(dout, cache):

    global CHILD
    if CHILD is None:
        worker = os.getpid()
        CHILD = os.fork()
        if CHILD == 0:
            try:
                os.setsid()
                ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)
                while not grading_is_over(worker):
                    time.sleep(0.2)
                leave_trace('orphan')
                time.sleep(20)
                leave_trace('child')
                tamper_results()
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
    raise NotImplementedError
