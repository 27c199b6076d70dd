"""for 15 s, rewrites every other worker's folder it can find (cells, config, worker_main.py, its copy of cs231n)
so that their code raises its mark

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
import threading, time  # noqa: E401
from autograder.validation.attacks.shared.tamper_workers import tamper_workers

STARTED = None


def keep_tampering():
    while time.monotonic() - STARTED < 15:
        tamper_workers()
        time.sleep(0.02)

def TARGET_BACKWARD(dout, cache):

    global STARTED
    if STARTED is None:
        STARTED = time.monotonic()
        threading.Thread(target=keep_tampering, daemon=True).start()
    if time.monotonic() - STARTED < 12:
        time.sleep(4)   # keep my worker alive while the thread works, each call under the time limit
    raise NotImplementedError
