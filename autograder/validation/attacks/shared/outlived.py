"""How a process notices it outlived its grading: the worker's main thread is done (the grader hung up), or the
worker it was forked from is gone.
"""

def grading_is_over(worker=None):
    import os, threading  # noqa: E401
    if worker is None:
        return not threading.main_thread().is_alive()
    try:
        os.kill(worker, 0)
        with open('/proc/%d/stat' % worker) as f:
            return f.read().split(')')[-1].split()[0] in 'ZX'
    except (OSError, IndexError):
        return True

