"""What every assignment's checks are made of: the declaration, the part accumulator, comparisons.

A check is a function of one argument, the student (``autograder.sandbox.client.WorkerStudent`` or
``autograder.grading.inprocess.InProcessStudent``), that returns an ``Outcome``. It is declared once, where
it is written:

    @check('Batchnorm backward: dx, dgamma and dbeta', points=15, needs=('batchnorm_forward', 'batchnorm_backward'),
           short='backward', column='bwd')
    def batchnorm_backward(student): ...

and an assignment's ``checks.py`` lists the modules that hold its checks, ``CHECKS = Checklist(module, ...)``.
Every other list of checks (the pytest tests, the notebook's autograded cells and their points, the report
columns, the hostile variants' expected losses) is derived from that Checklist.
"""
import functools
from dataclasses import dataclass

import numpy as np

from autograder.grading.outcome import Outcome
from autograder.sandbox.student_api import StudentCodeError


@dataclass(frozen=True)
class CheckSpec:
    name: str         # the function's name: pytest test name, CSV column, results.json key
    title: str        # what a student reads in feedback
    points: float
    needs: tuple      # the student-written names the check calls
    short: str        # the column heading of the class report
    column: str       # the column heading of the terminal table (at most 5 characters)
    function: object  # the check itself, already guarded by ``needs``


def check(title, *, points, needs, short, column):
    """Declare a check. Before it runs, every name in ``needs`` must be defined by the submission; a missing
    one earns nothing with a message that names it, so no check repeats that preamble."""
    if len(column) > 5:
        raise ValueError('column heading %r is longer than 5 characters' % column)

    def declare(fn):
        def guarded(student):
            missing = [n for n in needs if not student.has(n)]
            if missing:
                return Outcome(0.0, ['%s is not defined: the check needs it' % ', '.join(missing)])
            return fn(student)
        functools.update_wrapper(guarded, fn)
        guarded.check_spec = CheckSpec(fn.__name__, title, float(points), tuple(needs), short, column, guarded)
        return guarded
    return declare


class Checklist:
    """The checks of the given modules, each module's in the order they are written there."""

    def __init__(self, *modules):
        found = []
        for module in modules:
            declared = [f for f in vars(module).values() if getattr(f, 'check_spec', None) is not None
                        and f.__module__ == module.__name__]
            found.extend(sorted(declared, key=lambda f: f.__wrapped__.__code__.co_firstlineno))
        self.specs = tuple(f.check_spec for f in found)
        self.by_name = {spec.name: spec for spec in self.specs}
        if len(self.by_name) != len(self.specs):
            raise ValueError('two checks share a name')

    def run(self, name, student):
        """Run one check by name; an unexpected error in the check itself is not the student's fault and
        propagates."""
        return self.by_name[name].function(student)


# ---------------------------------------------------------------- comparing numbers

def rel_err(a, b, floor=1e-8):
    """||a - b|| / max(||a||, ||b||, floor): the relative error of whole arrays."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), floor))


def compare(what, got, expected, tol, floor=1e-8):
    """None when got matches expected (shape, finite, within tol), else a message about ``what``."""
    got = np.asarray(got)
    if got.shape != np.shape(expected):
        return '%s has shape %s; expected %s' % (what, got.shape, np.shape(expected))
    if not np.all(np.isfinite(got)):
        return '%s contains NaN or inf' % what
    err = rel_err(got, expected, floor)
    if not err <= tol:
        return '%s is off (relative error %.1e, allowed %.0e)' % (what, err, tol)
    return None


def loss_agrees(loss, expected_loss, tol):
    """Whether a loss is the expected one within tol, relative to it (absolute below 1)."""
    return abs(loss - expected_loss) <= tol * max(1.0, abs(expected_loss))


# ---------------------------------------------------------------- feedback and partial credit

def explain(exc):
    """Student-facing words for a failed call into their code."""
    if exc.kind == 'timeout':
        return 'your code took too long and was stopped (%s)' % exc
    if exc.kind == 'limit':
        return 'your code hit a resource limit of the grader (%s)' % exc
    if exc.kind == 'crash':
        return 'your code stopped the worker process (%s)' % exc
    if exc.kind == 'missing':
        return str(exc)
    if exc.kind == 'bad_return':
        return 'unexpected return value: %s' % exc
    if exc.exc_type == 'NotImplementedError' and str(exc).strip(' :') == 'NotImplementedError':
        return 'not implemented yet (the stub still raises NotImplementedError)'
    return 'your code raised %s' % exc


class Grading:
    """Accumulates the weighted parts of one check: a part passes or fails as a whole, and a part whose call
    into the student's code fails (an exception, a timeout, a bad return value) fails alone."""

    def __init__(self):
        self.earned = 0.0
        self.total = 0.0
        self.messages = []

    def part(self, weight, label, fn, *args):
        """Run fn(*args); it returns a list of problems (empty = pass). Returns the problems."""
        self.total += weight
        try:
            problems = [p for p in (fn(*args) or []) if p]
        except StudentCodeError as exc:
            problems = [explain(exc)]
        if problems:
            self.messages.extend('%s: %s' % (label, p) for p in problems)
        else:
            self.earned += weight
        return problems

    def outcome(self):
        return Outcome(self.earned / self.total if self.total else 0.0, self.messages)
