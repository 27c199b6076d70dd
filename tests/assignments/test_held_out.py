"""The held-out part of the validation set: the rate at which the diagnosis names the actual mistake.

The held-out bugs (``held_out=True`` in ``variants/reported.py``, realistic mistakes from public discussions)
are left out of the known mistakes the diagnosis matches (``misconceptions.known_mistakes``), and the
diagnosis's code and its mistake families were written on the rest of the set only (docs/validation.md). Here
each is graded with every call recorded; a named cause counts when its replay reproduces every wrong value (the
diagnosis's rule, checked apart from it) and it is the bug's own: a listed mistake by its explanation (the
bug's), a generated one by its id (the family and setting the bug declares, ``family``, set from its
description). Any other named cause is wrong. The rate is printed; no named cause may be wrong.
"""
import numpy as np
import pytest

from autograder.assignment import get
from autograder.grading import misconceptions
from autograder.grading.inprocess import InProcessStudent, namespace_of
from autograder.grading.properties import observations
from autograder.grading.recording import RecordingStudent

ASSIGNMENTS = ('BatchNormalization', 'LayerNormalization')


def reproduces(assignment, mistake, calls):
    """Whether replaying ``mistake`` on a check's recorded calls gives the student's value wherever the
    student's differs from the reference's (values the reference leaves to chance aside), and raises wherever
    the student's code raised and the reference's answered: written apart from the diagnosis, to hold it to
    its rule."""
    M = misconceptions
    side = M.side_class(assignment)
    operations, tolerances = side.operations(), assignment.diagnosis_tolerances
    calls = [c for c in calls if c.op in operations and operations[c.op].replay]
    reference = tuple(assignment.reference_cells().items())
    expected = M.replay(calls, M._implementation(assignment, reference, side))
    np.random.seed(M.UNDETERMINED_PROBE_SEED)
    again = M.replay(calls, M._implementation(assignment, reference, side))
    theirs = M.replay(calls, M._implementation(assignment, mistake.sources, side))
    for i, call in enumerate(calls):
        if not operations[call.op].where or not (M.answered(expected[i]) and M.answered(again[i])):
            continue
        if call.failed:
            if call.raised and theirs[i] != M.Raised(call.raised):
                return False    # the student's code raised where the reference answered, and the mistake's did not
            continue
        got, ref, other = M.leaves(call.result), M.leaves(expected[i]), M.leaves(again[i])
        mine = M.leaves(theirs[i]) if M.answered(theirs[i]) else {}
        for path, value in ref.items():
            if (M.agree(other.get(path, M.MISSING), value, tolerances)
                    and not M.agree(got.get(path, M.MISSING), value, tolerances)
                    and not M.agree(got.get(path, M.MISSING), mine.get(path, M.MISSING), tolerances)):
                return False
    return True


def graded(assignment, bug):
    """{check: ([named causes], [observations])} of the checks the bug loses points in."""
    student = InProcessStudent(namespace_of(assignment, bug.sources()), assignment.module('side').Operations)
    layer = getattr(assignment.module('checks'), 'LAYER', None)
    found = {}
    for spec in assignment.checks:
        if spec.name in assignment.training_checks:
            continue
        recording = RecordingStudent(student)
        if assignment.run_check(spec.name, recording).fraction == 1:
            continue
        state = np.random.get_state()
        try:
            causes = misconceptions.diagnose(assignment, recording.calls, check=spec.name)
            for cause in causes:
                assert reproduces(assignment, cause.mistake, recording.calls), (bug.name, cause.mistake.id)
        finally:
            np.random.set_state(state)
        found[spec.name] = (causes, observations(layer, recording.calls) if layer and not causes else [])
    return found


def own(cause, bug):
    """Whether a named cause is the bug's own mistake: a generated one when it is the family setting the bug
    declares, a listed one when its explanation is the bug's."""
    if cause.mistake.family is not None:
        return bug.family is not None and cause.mistake.id == bug.family
    return cause.mistake.explanation == bug.explanation


def held_out():
    return [(name, bug) for name in ASSIGNMENTS for bug in get(name).module('variants').BUGS if bug.held_out]


def test_the_held_out_bugs_are_kept_out_of_the_known_mistakes():
    for name in ASSIGNMENTS:
        known = {m.id for m in misconceptions.known_mistakes(get(name))}
        assert not known & {bug.name for bug in get(name).module('variants').BUGS if bug.held_out}


def test_the_rate_at_which_the_held_out_bugs_get_their_own_cause():
    bugs = held_out()
    assert len(bugs) >= 8
    named, wrong = [], []
    for name, bug in bugs:
        found = graded(get(name), bug)
        causes = [c for checked, (cs, _) in found.items() for c in cs]
        said = [o for _, (_, os) in found.items() for o in os]
        if any(own(c, bug) for c in causes):
            named.append(bug.name)
        wrong += [(bug.name, c.mistake.id) for c in causes if not own(c, bug)]
        print('%-28s causes: %s; observations: %s' % (bug.name, [c.mistake.id for c in causes] or '-', said or '-'))
    print('held-out bugs given their own cause: %d / %d (%.0f%%)' % (len(named), len(bugs), 100 * len(named) / len(bugs)))
    assert not wrong


@pytest.mark.slow
@pytest.mark.parametrize('name', ASSIGNMENTS)
def test_every_named_cause_of_the_whole_set_reproduces_every_wrong_value(name):
    assignment = get(name)
    for bug in assignment.module('variants').BUGS:
        graded(assignment, bug)


@pytest.mark.parametrize('name', ASSIGNMENTS)
def test_no_correct_variant_gets_a_cause_or_an_observation_even_when_asked(name):
    assignment = get(name)
    layer = assignment.module('checks').LAYER
    for correct in assignment.module('variants').CORRECT:
        student = InProcessStudent(namespace_of(assignment, correct.sources()), assignment.module('side').Operations)
        for spec in assignment.checks:
            if spec.name in assignment.training_checks:
                continue
            recording = RecordingStudent(student)
            assignment.run_check(spec.name, recording)
            assert misconceptions.diagnose(assignment, recording.calls, check=spec.name) == [], (correct.name, spec.name)
            assert observations(layer, recording.calls) == [], (correct.name, spec.name)
