"""The resource limits of one sandboxed worker: what it may use, and how long the grader waits for it."""
from dataclasses import dataclass


@dataclass
class Limits:
    memory_mb: int = 2048         # the whole sandbox (cgroup) where the grader can create one; each process's address space
    cpu_seconds: int = 300        # CPU time of each worker process over its whole life
    nproc: int = 64               # processes and threads of the worker's uid
    fsize_mb: int = 64            # largest file the worker may write
    tmpfs_mb: int = 64            # the private /tmp (and /dev/shm) of the sandbox, or its scratch folder
    reply_mb: int = 256           # largest answer the grader accepts from the worker
    call_timeout: float = 60.0    # wall clock for one call into student code
    start_timeout: float = 60.0   # wall clock for loading the submission's cells
