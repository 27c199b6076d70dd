"""A StudentAPI that remembers what a check asked and what came back, for the misconception diagnosis.

The check talks to ``RecordingStudent`` exactly as to the student it wraps. Each call's arguments are
copied when it is made (checks perturb their inputs in place afterwards, e.g. for numeric gradients), so
the same calls can later be replayed, in order, on the kit's own known mistakes. Nothing the student
returned is trusted beyond what the wrapped StudentAPI already guarantees: plain arrays, numbers, short
strings, and dicts and lists of those.
"""
import copy
from dataclasses import dataclass

from autograder.student_api import StudentCodeError

# The calls that can be replayed on in-process code: training is left out (it takes seconds, and a
# trained net's scores are too noisy to say which mistake made them).
REPLAYABLE = ('batchnorm_forward', 'batchnorm_backward', 'net_create', 'net_state', 'net_set_params', 'net_loss',
              'seed_numpy')
MAX_CALLS = 2000   # more than any check makes; past it, a check is simply not diagnosed further


@dataclass
class Call:
    op: str
    args: tuple
    kwargs: dict
    result: object = None
    failed: bool = False    # the student's code raised, crashed, timed out or returned something unusable


class RecordingStudent:
    def __init__(self, student):
        self._student = student
        self.calls = []

    def has(self, name):
        return self._student.has(name)

    def __getattr__(self, op):
        method = getattr(self._student, op)
        if op not in REPLAYABLE:
            return method

        def call(*args, **kwargs):
            record = Call(op, copy.deepcopy(args), copy.deepcopy(kwargs)) if len(self.calls) < MAX_CALLS else None
            try:
                result = method(*args, **kwargs)
            except StudentCodeError:
                if record:
                    record.failed = True
                    self.calls.append(record)
                raise
            if record:
                record.result = copy.deepcopy(result)
                self.calls.append(record)
            return result
        return call
