"""a thread that ignores the end of grading: the interpreter cannot exit while it runs, SIGTERM, SIGINT and
SIGHUP are ignored, and it leaves traces once the grader hangs up

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
import signal, threading, time  # noqa: E401
from autograder.validation.attacks.shared.outlived import grading_is_over
from autograder.validation.attacks.shared.leave_trace import leave_trace

THREAD = None


def keep_running():
    while True:
        time.sleep(0.5)
        if grading_is_over():
            leave_trace('thread')

def TARGET_BACKWARD(dout, cache):

    global THREAD
    if THREAD is None:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        THREAD = threading.Thread(target=keep_running)
        THREAD.start()
    raise NotImplementedError
