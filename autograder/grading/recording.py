"""A student that remembers what a check asked and what came back, for the misconception diagnosis.

The check talks to ``RecordingStudent`` exactly as to the student it wraps (``WorkerStudent`` or
``InProcessStudent``). Each call's arguments are
copied when it is made (checks perturb their inputs in place afterwards, e.g. for numeric gradients), so
the same calls can later be replayed, in order, on the kit's own known mistakes. Nothing the student
returned is trusted beyond what the wrapped student already guarantees: plain arrays, numbers, short
strings, and dicts and lists of those.
"""
import copy
from dataclasses import dataclass

import numpy as np

from autograder.sandbox.student_api import StudentCodeError

# Only the calls declared ``replay=True`` are recorded, the ones that can be replayed on in-process code
# (training, for one, is not: it takes seconds, and a trained net's scores are too noisy to say which
# mistake made them).
MAX_CALLS = 2000                 # more than any check makes; past it, the rest of a check is not recorded
MAX_RECORDED_BYTES = 64 << 20    # of returned arrays per check: what a submission returns cannot make the
                                 # grader hold more than this for the diagnosis


@dataclass
class Call:
    op: str
    args: tuple
    kwargs: dict
    result: object = None
    failed: bool = False    # the student's code raised, crashed, timed out or returned something unusable
    raised: str = None      # when it raised: the exception's class name ('TypeError'), else None


def nbytes(value):
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, dict):
        return sum(nbytes(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(nbytes(v) for v in value)
    return 64


class RecordingStudent:
    def __init__(self, student):
        self._student = student
        self.operations = student.operations
        self.calls = []
        self.full = False        # recording stopped at a limit; what came before stays, in order
        self._bytes = 0

    def has(self, name):
        return self._student.has(name)

    def __getattr__(self, op):
        method = getattr(self._student, op)
        declared = self.operations.get(op)
        if declared is None or not declared.replay:
            return method

        def call(*args, **kwargs):
            self.full = self.full or len(self.calls) >= MAX_CALLS
            record = None if self.full else Call(op, copy.deepcopy(args), copy.deepcopy(kwargs))
            try:
                result = method(*args, **kwargs)
            except StudentCodeError as exc:
                if record:
                    record.failed = True
                    record.raised = exc.exc_type if exc.kind == 'exception' else None
                    self.calls.append(record)
                raise
            if record:
                self._bytes += nbytes(result)
                if self._bytes > MAX_RECORDED_BYTES:
                    self.full = True
                else:
                    record.result = copy.deepcopy(result)
                    self.calls.append(record)
            return result
        return call
