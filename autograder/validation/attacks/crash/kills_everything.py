"""kill(-1, SIGKILL) and then the parent

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: robust
"""
import os, signal  # noqa: E401
def TARGET_BACKWARD(dout, cache):
    os.kill(-1, signal.SIGKILL)
    os.kill(os.getppid(), signal.SIGKILL)
