"""The sandbox: where student code runs, and the only way the grader reaches it.

- ``levels``: the isolation levels (full, container, process), strongest first, and how each starts a worker;
- ``view``: the allowlist of files a worker may see;
- ``seccomp``, ``landlock``, ``cgroups``, ``uids``: the kernel mechanisms the levels are made of;
- ``worker``: one worker's life (start, calls with deadlines, verified stop);
- ``worker_main``: the program that runs inside, copied into the sandbox;
- ``probe``: the ladder that picks the strongest level this machine offers, by trying.
"""
from autograder.sandbox.levels import LEVELS, stronger_or_equal
from autograder.sandbox.limits import Limits
from autograder.sandbox.probe import IsolationError, choose_level
from autograder.sandbox.worker import SandboxError, Worker

__all__ = ['LEVELS', 'Limits', 'Worker', 'SandboxError', 'IsolationError', 'choose_level', 'stronger_or_equal']
