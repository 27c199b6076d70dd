"""Misconception diagnosis: which known mistake does a wrong answer come from?

The known mistakes are the validation set's bugs (the ``BUGS`` of the assignment's ``variants``): each is the
reference with one realistic change, and declares an ``explanation`` (the mistake, in words a student
understands) and a ``hint`` (where to look, without the answer). When a check loses points, the calls it
made into the student's code (recorded by ``autograder.grading.recording``) are replayed, in order and on the
same hidden inputs, on the reference and on every known mistake. These run here, in the grader's
process: they are the kit's own trusted code, never the student's, and never enter the worker. What may be
replayed and compared, and how feedback names the values, is read from the assignment's declared operations
(``autograder.sandbox.side.operation``).

A value the student's code returned is *wrong* when it differs from the reference's, and so is an exception
it raised where the reference answered (a mistake reproduces that by raising the same class of exception on
the same call); a known mistake
*explains* it when its own value agrees with the student's (within the assignment's relative
``diagnosis_tolerances``: one for float64 values, one when either is float32 or lower) and differs from the
reference's. A mistake that gets wrong a value the student got right (or fails where the student's code
answered) is not the student's. A cause is stated only when it is true of the whole check: the mistake must
reproduce every wrong value the check's calls returned (the parts share their calls, so every part that
failed is held to it), and it must be one that loses points in this check (its ``check``), so that two checks
never name two causes of one wrong answer. Every mistake that does is reported, closest first (the one that agrees more exactly).
When none does, nothing is said. Adding a bug to the validation set adds a diagnosis; no code here names a
mistake or an operation.

Beyond the listed bugs, the assignment's mistake families (``autograder.grading.families``) generate
mistakes as edits of the reference: each is replayed the same way and held to the same rule. They are
tried only when no known mistake explains the check (a listed bug's own words come first), and of those
that do, one per explanation is kept (the closest). Last come the settings a family reads off the outputs
themselves (an eps default outside its grid), tried only when no setting of a grid explains the check.
"""
import copy
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from autograder.grading import families
from autograder.grading.checking import rel_err
from autograder.grading.inprocess import InProcessStudent, namespace_of
from autograder.sandbox.side import OneOf

FLOOR = 1e-6                     # relative errors of values near zero are measured against this
MISSING = object()
KEYS, LENGTH, RAISED = '<keys>', '<length>', ('<raised>',)
MAX_LISTED = 3                   # diagnoses shown per check
UNDETERMINED_PROBE_SEED = 20261207   # any fixed state other than the one the check left


@dataclass(frozen=True)
class Mistake:
    id: str
    explanation: str      # completes "... gives when <explanation>."
    hint: str
    check: str            # the check the mistake loses points in
    sources: tuple        # ((grade_id, source), ...) of its solution cells
    family: str = None    # the family that generated it (``autograder.grading.families``); None: a listed bug


@dataclass(frozen=True)
class Raised:
    """What a replayed call gave when the code raised: the exception's class name."""
    error: str


def answered(value):
    return not isinstance(value, Raised)


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


def known_mistakes(assignment):
    """Every bug of the assignment's validation set that carries an explanation, as a Mistake; the held-out
    bugs are not among them: the diagnosis is measured on those (docs/validation.md), so it must not know them."""
    bugs = assignment.module('variants').BUGS
    cached = _KNOWN.get(assignment.name)
    # Read once per list of bugs: each bug's cells come from the reference's source (inspect), which is slow.
    if cached is None or cached[0] is not bugs:
        cached = _KNOWN[assignment.name] = (bugs, [
            Mistake(bug.name, bug.explanation, bug.hint, bug.loses_in,
                    tuple((k, v) for k, v in bug.sources().items() if v is not None))
            for bug in bugs if bug.explanation and not bug.held_out])
    return list(cached[1])


_KNOWN = {}     # assignment name -> (its BUGS list, their Mistakes)


def generated_mistakes(assignment):
    """Every setting of the assignment's mistake families, as a Mistake (``autograder.grading.families``)."""
    return [_mistake(g) for g in families.generated(assignment)]


def measured_mistakes(assignment, calls):
    """The settings outside the families' grids that the recorded ``calls`` point to, as Mistakes."""
    return [_mistake(g) for g in families.measured(assignment, calls)]


def _mistake(instance):
    g = instance
    return Mistake(g.id, g.explanation, g.hint, g.check, g.sources, family=g.family)


def side_class(assignment):
    return assignment.module('side').Operations


@lru_cache(maxsize=None)
def _reference(assignment):
    return tuple(assignment.reference_cells().items())


def prepare(assignment):
    """Read and compile the reference and every mistake once, before any check fails (a warm grader does this
    before it forks, so that no submission's diagnosis pays for it)."""
    for sources in [_reference(assignment)] + [m.sources for m in known_mistakes(assignment)
                                                + generated_mistakes(assignment)]:
        _namespace(assignment, sources)


@lru_cache(maxsize=None)
def _namespace(assignment, sources):
    return namespace_of(assignment, sources, '<known mistake: %s>')


def _implementation(assignment, sources, side):
    return InProcessStudent(_namespace(assignment, sources), side)   # fresh nets each time, the same compiled code


def replay(calls, implementation):
    """The results of the same calls made on ``implementation`` (``Raised`` where it raised)."""
    return list(replayed(calls, implementation))


def replayed(calls, implementation):
    """Each result of ``replay`` as it comes: a mistake is left as soon as one value shows it is not the student's."""
    handles = {}
    for call in calls:
        declared = implementation.operations[call.op]
        args = copy.deepcopy(list(call.args))
        if declared.net_handle and args:
            args[0] = handles.get(args[0], -1)
        try:
            result = getattr(implementation, call.op)(*args, **copy.deepcopy(call.kwargs))
        except Exception as exc:   # a known mistake may well raise on an input; that is its result
            result = Raised(getattr(exc, 'exc_type', None) or type(exc).__name__)
        if declared.new_net and answered(result) and not call.failed:
            handles[call.result] = result
        yield result


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


def tolerance(a, b, tolerances):
    """``tolerances`` is (for float64 values, for values where either is float32 or float16)."""
    low = any(isinstance(v, np.ndarray) and v.dtype in (np.float32, np.float16) for v in (a, b))
    return tolerances[1] if low else tolerances[0]


def agree(a, b, tolerances):
    return difference(a, b) <= tolerance(a, b, tolerances)


def result_names(names, result):
    """The declared ``results`` names that fit the result's form: a tuple's for a tuple, else one name."""
    options = names.schemas if isinstance(names, OneOf) else (names,)
    for option in options:
        if isinstance(option, tuple) == isinstance(result, tuple):
            return option
    return None


def name_of(declared, result, path):
    """How feedback names the value at ``path`` of a call's result: 'your dx', 'the keys of your params'."""
    names = result_names(declared.results, result)
    if isinstance(names, str):
        root, rest = names, path
    elif names is not None:
        root, rest = names[path[0]], path[1:]
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


def diagnose(assignment, calls, mistakes=None, check=None, generated=None):
    """[Diagnosis], closest first, for the recorded calls of the check ``check`` of ``assignment`` (any
    check's mistakes when None); [] when nothing is wrong or no mistake explains all that is. ``mistakes``
    (the known ones by default) are tried first; the families' mistakes only when none explains the check
    and ``generated`` (by default, when ``mistakes`` is not given)."""
    side = side_class(assignment)
    operations = side.operations()
    tolerances = assignment.diagnosis_tolerances
    calls = [c for c in calls if c.op in operations and operations[c.op].replay]
    compared = {name for name, op in operations.items() if op.where}    # calls whose results count
    if not any(c.op in compared and not c.failed for c in calls):
        return []
    generated = mistakes is None if generated is None else generated
    mistakes = known_mistakes(assignment) if mistakes is None else mistakes
    if check is not None:
        mistakes = [m for m in mistakes if m.check == check]
    state = np.random.get_state()      # the reference and the mistakes seed numpy's global generator
    try:
        reference = _reference(assignment)
        expected = replay(calls, _implementation(assignment, reference, side))
        # Values the reference itself draws at random (a net's initial weights, unseeded) are no evidence:
        # replayed from another state of numpy's generator, they change.
        np.random.seed(UNDETERMINED_PROBE_SEED)
        again = replay(calls, _implementation(assignment, reference, side))
        wrong, right = [], []           # (call index, path, the student's value, the reference's value)
        for i, call in enumerate(calls):
            if call.op not in compared or not (answered(expected[i]) and answered(again[i])):
                continue
            if call.failed:
                if call.raised:     # it raised where the reference answered
                    wrong.append((i, RAISED, Raised(call.raised), expected[i]))
                continue
            got, other = leaves(call.result), leaves(again[i])
            for path, value in leaves(expected[i]).items():
                if not agree(other.get(path, MISSING), value, tolerances):
                    continue
                (right if agree(got.get(path, MISSING), value, tolerances) else wrong).append(
                    (i, path, got.get(path, MISSING), value))
        if not wrong:
            return []
        found = _explaining(assignment, calls, mistakes, wrong, right, side, operations, tolerances)
        # Then the families' grids, then the settings the outputs point to (a value outside any grid).
        tiers = (lambda: generated_mistakes(assignment), lambda: measured_mistakes(assignment, calls))
        for tier in tiers if generated else ():
            if found:
                break
            found = _one_per_explanation(_explaining(
                assignment, calls, [m for m in tier() if check is None or m.check == check],
                wrong, right, side, operations, tolerances))
    finally:
        np.random.set_state(state)
    return sorted(found, key=lambda d: (-d.explained, d.error))


def _explaining(assignment, calls, mistakes, wrong, right, side, operations, tolerances):
    """[Diagnosis] of each of ``mistakes`` whose replay reproduces every wrong value and contradicts no right one,
    each replay stopped at the first value that rules its mistake out."""
    last = max(i for i, *_ in wrong + right)
    by_call = {}
    for kind, entries in (('wrong', wrong), ('right', right)):
        for i, path, got, value in entries:
            by_call.setdefault(i, []).append((kind, path, got, value))
    found = []
    for mistake in mistakes:
        what, errors, first = [], [], None
        for i, theirs in enumerate(replayed(calls, _implementation(assignment, mistake.sources, side))):
            if i in by_call and not _consistent(theirs, by_call[i], tolerances, errors):
                break
            if i in by_call and any(kind == 'wrong' for kind, *_ in by_call[i]):
                first = calls[i] if first is None else first
                for kind, path, got, _ in by_call[i]:
                    name = ('the %s your code raised' % got.error if path == RAISED
                            else name_of(operations[calls[i].op], calls[i].result, path))
                    if kind == 'wrong' and name not in what:
                        what.append(name)
            if i == last:
                found.append(Diagnosis(mistake, what, operations[first.op].where or 'your code', len(errors),
                                       max(errors)))
                break
    return found


def _consistent(theirs, entries, tolerances, errors):
    """Whether a mistake's result of one call reproduces each of the student's wrong values in it (each
    agreement's difference added to ``errors``) and gets right each value the student got right."""
    if not answered(theirs):
        # Its code raised: that reproduces the student's code raising the same exception here, nothing else.
        if not all(path == RAISED and got == theirs for _, path, got, _ in entries):
            return False
        errors.extend(0.0 for _ in entries)
        return True
    their_leaves = leaves(theirs)
    for kind, path, got, value in entries:
        if path == RAISED:
            return False        # the student's code raised where the mistake's answered: not theirs
        their = their_leaves.get(path, MISSING)
        if kind == 'right':
            if not agree(their, value, tolerances):
                return False    # it gets wrong a value the student got right: not theirs
        elif not (agree(got, their, tolerances) and not agree(their, value, tolerances)):
            return False        # a wrong value it does not reproduce: not the whole cause
        else:
            errors.append(difference(got, their))
    return True


def _one_per_explanation(found):
    """The closest diagnosis of each explanation (two settings of a family may read the same to a student)."""
    best = {}
    for d in sorted(found, key=lambda d: (-d.explained, d.error)):
        best.setdefault(d.mistake.explanation, d)
    return list(best.values())
