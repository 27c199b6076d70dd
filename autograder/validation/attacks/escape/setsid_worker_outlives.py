"""moves the worker itself into a new session; a thread waits for the grader to hang up, leaves traces, and 25 s
later tampers with results and other workers

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
import os, threading, time  # noqa: E401
from autograder.validation.attacks.shared.outlived import grading_is_over
from autograder.validation.attacks.shared.leave_trace import leave_trace
from autograder.validation.attacks.shared.tamper_results import tamper_results
from autograder.validation.attacks.shared.tamper_workers import tamper_workers

LINGERING = None


def linger():
    while not grading_is_over():
        time.sleep(0.2)
    leave_trace('outlived')
    time.sleep(25)
    tamper_results()
    tamper_workers()
    time.sleep(3600)

def TARGET_BACKWARD(dout, cache):

    global LINGERING
    if LINGERING is None:
        try:
            os.setsid()     # out of the grader's process group
        except OSError:
            pass
        LINGERING = threading.Thread(target=linger)    # not a daemon: the interpreter waits for it
        LINGERING.start()
    raise NotImplementedError
