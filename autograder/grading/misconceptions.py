"""Misconception diagnosis: which known mistake does a wrong answer come from?

The known mistakes are the validation set's bugs (``autograder.assignments.BatchNormalization.variants.BUGS``): each is the
reference with one realistic change, and declares an ``explanation`` (the mistake, in words a student
understands) and a ``hint`` (where to look, without the answer). When a check loses points, the calls it
made into the student's code (recorded by ``autograder.grading.recording``) are replayed, in order and on the
same hidden inputs, on the reference and on every known mistake. These run here, in the grader's
process: they are the kit's own trusted code, never the student's, and never enter the worker.

A value the student's code returned is *wrong* when it differs from the reference's; a known mistake
*explains* it when its own value agrees with the student's (within the check's tolerance: 1e-4 relative
for float32, 1e-6 otherwise) and differs from the reference's. A mistake that gets wrong a value the
student got right (or fails where the student's code answered) is not the student's. Every other mistake
that explains at least one wrong value is reported, closest first: the one that explains more of the wrong
values, then the one that agrees more exactly. When none does, nothing is said. Adding a bug to the
validation set adds a diagnosis; no code here names a mistake.
"""
import copy
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from autograder.assignments.BatchNormalization.checks import TOL_FLOAT32, TOL_NET, rel_err
from autograder.assignments.BatchNormalization.reference_cells import reference_cells
from autograder.assignments.BatchNormalization import ASSIGNMENT  # transitional
from autograder.grading.inprocess import InProcessStudent, namespace_of
from autograder.grading.recording import REPLAYABLE

FLOOR = 1e-6                     # relative errors of values near zero are measured against this
COMPARED = ('batchnorm_forward', 'batchnorm_backward', 'net_state', 'net_loss')   # calls whose results count
HANDLE_OPS = ('net_state', 'net_set_params', 'net_loss')                           # first argument is a net
MISSING = object()
KEYS, LENGTH = '<keys>', '<length>'
WHERE = {'batchnorm_forward': 'the forward pass', 'batchnorm_backward': 'the backward pass',
         'net_state': 'the net', 'net_loss': 'the net'}
RESULT_NAMES = {'batchnorm_forward': ('output', 'bn_param'), 'batchnorm_backward': ('dx', 'dgamma', 'dbeta'),
                'net_loss': ('loss', 'grads')}
MAX_LISTED = 3                   # diagnoses shown per check


@dataclass(frozen=True)
class Mistake:
    id: str
    explanation: str      # completes "... gives when <explanation>."
    hint: str
    check: str            # the check the mistake loses points in
    sources: tuple        # ((grade_id, source), ...) of its solution cells


@dataclass
class Diagnosis:
    mistake: Mistake
    what: list            # student-facing names of the values it explains, e.g. ['dx']
    where: str            # 'the backward pass', ...
    explained: int        # how many wrong values it reproduces
    error: float          # the largest relative difference between its values and the student's

    def message(self):
        names = self.what[:MAX_LISTED] + (['%d more values' % (len(self.what) - MAX_LISTED)]
                                          if len(self.what) > MAX_LISTED else [])
        listed = names[0] if len(names) == 1 else ', '.join(names[:-1]) + ' and ' + names[-1]
        plural = len(self.what) > 1 or self.what[0] == 'your scores'
        return 'Likely cause: %s %s what %s gives when %s. %s' % (
            listed, 'match' if plural else 'matches', self.where, self.mistake.explanation, self.mistake.hint)

    def repeated(self):
        """The message for a later check that the same mistake explains too."""
        return 'Likely cause: the same mistake as above (%s).' % self.mistake.explanation


def known_mistakes(assignment=None):
    """Every bug of the validation set that carries an explanation, as a Mistake."""
    from autograder.assignments.BatchNormalization.variants import BUGS
    return [Mistake(bug.name, bug.explanation, bug.hint, bug.loses_in,
                    tuple((k, v) for k, v in bug.sources().items() if v is not None))
            for bug in BUGS if bug.explanation]


@lru_cache(maxsize=None)
def _namespace(sources):
    return namespace_of(ASSIGNMENT, sources, '<known mistake: %s>')


def _implementation(sources):
    return InProcessStudent(_namespace(sources))   # fresh nets each time, the same compiled code


def replay(calls, implementation):
    """The results of the same calls made on ``implementation`` (MISSING where it failed)."""
    handles, results = {}, []
    for call in calls:
        args = copy.deepcopy(list(call.args))
        if call.op in HANDLE_OPS and args:
            args[0] = handles.get(args[0], -1)
        try:
            result = getattr(implementation, call.op)(*args, **copy.deepcopy(call.kwargs))
        except Exception:   # a known mistake may well raise on an input; that is its result
            result = MISSING
        if call.op == 'net_create' and result is not MISSING and not call.failed:
            handles[call.result] = result
        results.append(result)
    return results


def leaves(value, path=()):
    """{path: value} of every array, number and string in a result, with dict keys and list lengths."""
    out = {}
    if isinstance(value, dict):
        out[path + (KEYS,)] = frozenset(value)
        for key, item in value.items():
            out.update(leaves(item, path + (key,)))
    elif isinstance(value, (list, tuple)):
        if path:          # a call's own tuple always has its fixed length
            out[path + (LENGTH,)] = len(value)
        for i, item in enumerate(value):
            out.update(leaves(item, path + (i,)))
    else:
        out[path] = value
    return out


def difference(a, b):
    """0 for values that are the same, the relative error of numbers, inf when they cannot agree."""
    if a is MISSING or b is MISSING:
        return 0.0 if a is b else np.inf
    if isinstance(a, (frozenset, str)) or isinstance(b, (frozenset, str)):
        return 0.0 if type(a) is type(b) and a == b else np.inf
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype.kind not in 'biuf' or b.dtype.kind not in 'biuf':
        return np.inf
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return 0.0 if np.array_equal(a, b, equal_nan=True) else np.inf
    return rel_err(a, b, FLOOR)


def tolerance(a, b):
    low = any(isinstance(v, np.ndarray) and v.dtype in (np.float32, np.float16) for v in (a, b))
    return TOL_FLOAT32 if low else TOL_NET


def agree(a, b):
    return difference(a, b) <= tolerance(a, b)


def name_of(call, result, path):
    """How feedback names the value at ``path`` of a call's result: 'your dx', 'the keys of your params'."""
    if call.op == 'net_loss' and not isinstance(result, tuple):
        root, rest = 'scores', path
    elif call.op in RESULT_NAMES:
        root, rest = RESULT_NAMES[call.op][path[0]], path[1:]
    else:
        root, rest = str(path[0]), path[1:]
    text = 'your ' + root
    for part in rest:
        if part == KEYS:
            return 'the keys of ' + text
        if part == LENGTH:
            return 'the length of ' + text
        text += '[%d]' % part if isinstance(part, int) else '[%r]' % part
    return text


def contradicts(theirs, their_leaves, right):
    """Whether a mistake gets wrong (or fails on) a value the student got right: then it is not theirs."""
    for i, path, _, value in right:
        if theirs[i] is MISSING:
            return True
        if i not in their_leaves:
            their_leaves[i] = leaves(theirs[i])
        if not agree(their_leaves[i].get(path, MISSING), value):
            return True
    return False


def diagnose(calls, mistakes=None):
    """[Diagnosis], closest first, for the recorded calls of one check; [] when nothing is wrong or
    no known mistake explains what is."""
    calls = [c for c in calls if c.op in REPLAYABLE]
    if not any(c.op in COMPARED and not c.failed for c in calls):
        return []
    mistakes = known_mistakes() if mistakes is None else mistakes
    state = np.random.get_state()      # the reference and the mistakes seed numpy's global generator
    try:
        expected = replay(calls, _implementation(tuple(reference_cells().items())))
        wrong, right = [], []           # (call index, path, the student's value, the reference's value)
        for i, call in enumerate(calls):
            if call.op not in COMPARED or call.failed or expected[i] is MISSING:
                continue
            got = leaves(call.result)
            for path, value in leaves(expected[i]).items():
                (right if agree(got.get(path, MISSING), value) else wrong).append(
                    (i, path, got.get(path, MISSING), value))
        if not wrong:
            return []
        found = []
        for mistake in mistakes:
            theirs = replay(calls, _implementation(mistake.sources))
            their_leaves = {}
            what, errors, first = [], [], None
            for i, path, got, value in wrong:
                if theirs[i] is MISSING:
                    continue    # the mistake's code failed on this call: it explains nothing here
                if i not in their_leaves:
                    their_leaves[i] = leaves(theirs[i])
                their = their_leaves[i].get(path, MISSING)
                if agree(got, their) and not agree(their, value):
                    errors.append(difference(got, their))
                    first = calls[i] if first is None else first
                    name = name_of(calls[i], calls[i].result, path)
                    if name not in what:
                        what.append(name)
            if errors and not contradicts(theirs, their_leaves, right):
                found.append(Diagnosis(mistake, what, WHERE.get(first.op, 'your code'), len(errors), max(errors)))
    finally:
        np.random.set_state(state)
    return sorted(found, key=lambda d: (-d.explained, d.error))
