"""daemonizes the classic way (fork, setsid, fork, chdir /, close descriptors); once the worker is gone it leaves
traces and for a minute tampers with the next workers and the results

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
import os, time  # noqa: E401
from autograder.validation.attacks.shared.outlived import grading_is_over
from autograder.validation.attacks.shared.leave_trace import leave_trace
from autograder.validation.attacks.shared.tamper_results import tamper_results
from autograder.validation.attacks.shared.tamper_workers import tamper_workers
FORKED = False

def TARGET_BACKWARD(dout, cache):

    global FORKED
    if not FORKED:
        FORKED = True
        worker = os.getpid()
        if os.fork() == 0:
            try:
                os.setsid()
                if os.fork() != 0:
                    os._exit(0)
                os.chdir('/')
                os.umask(0)
                null = os.open('/dev/null', os.O_RDWR)
                for fd in range(0, 256):
                    if fd != null:
                        try:
                            os.dup2(null, fd) if fd < 3 else os.close(fd)
                        except OSError:
                            pass
                while not grading_is_over(worker):
                    time.sleep(0.2)
                leave_trace('daemon')
                for _ in range(60):
                    tamper_workers()
                    tamper_results()
                    time.sleep(1)
            finally:
                os._exit(0)
        os.wait()
    raise NotImplementedError
