"""The misconception diagnosis on the validation set: the checks run in-process with every call recorded,
then each failing check's calls are replayed on the known mistakes, as the grader does after each check.

The rate of bugs whose own mistake is named is measured (and printed), mistakes written differently from
the validation set's are named too, and correct code and unknown mistakes are never given a diagnosis.
"""
import dataclasses

import numpy as np
import pytest

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization import variants
from autograder.assignments.BatchNormalization.variants import BUGS, CORRECT, correct
from autograder.validation.variant import Bug, patch
from autograder.assignments.BatchNormalization.side import Operations
from autograder.grading import misconceptions
from autograder.grading.inprocess import InProcessStudent, namespace_of
from autograder.grading.misconceptions import diagnose, known_mistakes
from autograder.grading.recording import RecordingStudent
from tests.assignments.test_held_out import reproduces

CHECKS = [name for name in ASSIGNMENT.by_name if name != 'fc_net_training']   # training is never replayed


def diagnosed(sources, force=False):
    """{check: [mistake ids]} for code given as solution cells; ``force`` diagnoses passing checks too."""
    student = InProcessStudent(namespace_of(ASSIGNMENT, sources), Operations)
    found = {}
    for name in CHECKS:
        recording = RecordingStudent(student)
        outcome = ASSIGNMENT.run_check(name, recording)
        if outcome.fraction < 1 or force:
            found[name] = [d.mistake.id for d in diagnose(ASSIGNMENT, recording.calls, check=name)]
    return found


def ids(found):
    return {i for names in found.values() for i in names}


def test_every_bug_declares_an_explanation_and_a_hint():
    for bug in BUGS:
        assert bug.explanation and bug.hint, bug.name
        assert '\n' not in bug.explanation and bug.hint.endswith(('.', '?')), bug.name
    assert {m.id for m in known_mistakes(ASSIGNMENT)} == {b.name for b in BUGS if not b.held_out}


def test_at_least_80_percent_of_the_bugs_are_named():
    known = [bug for bug in BUGS if not bug.held_out]
    named = [bug.name for bug in known if bug.name in ids(diagnosed(bug.sources()))]
    rate = len(named) / len(known)
    print('bugs whose own mistake is named: %d / %d (%.0f%%)' % (len(named), len(known), 100 * rate))
    assert rate >= 0.8, sorted({b.name for b in known} - set(named))


@pytest.mark.parametrize('bug', [b for b in BUGS if not b.held_out][::3], ids=lambda b: b.name)
def test_a_named_cause_reproduces_every_wrong_value_and_belongs_to_its_check(bug):
    """Every third bug (the whole set: tests/assignments/test_held_out.py, marked slow): each cause a check names is a
    mistake of that check whose replay gives every wrong value the student's code returned there."""
    student = InProcessStudent(namespace_of(ASSIGNMENT, bug.sources()), Operations)
    mistakes = {m.id: m for m in known_mistakes(ASSIGNMENT)}
    for name in CHECKS:
        recording = RecordingStudent(student)
        if ASSIGNMENT.run_check(name, recording).fraction == 1:
            continue
        for found in diagnose(ASSIGNMENT, recording.calls, check=name):
            assert mistakes[found.mistake.id].check == name
            state = np.random.get_state()
            try:
                assert reproduces(ASSIGNMENT, found.mistake, recording.calls), (name, found.mistake.id)
            finally:
                np.random.set_state(state)


@pytest.mark.parametrize('variant', CORRECT, ids=lambda v: v.name)
def test_correct_code_never_gets_a_diagnosis_even_when_asked(variant):
    assert ids(diagnosed(variant.sources(), force=True)) == set()


# The same mistakes as in the validation set, written the way other students write them.
CLOSED_FORM_WITHOUT_MEAN_TERM = correct.CLOSED_FORM_BACKWARD.replace('N * dout - dbeta - x_hat * dgamma',
                                                                      'N * dout - x_hat * dgamma')
INVERSE_STD_DBETA_AS_MEAN = correct.INVERSE_STD_BACKWARD.replace('dbeta = np.sum(dout, axis=0)',
                                                                  'dbeta = np.mean(dout, axis=0)')
REWRITTEN = {
    'dx_missing_mean_term': {'batchnorm_backward': CLOSED_FORM_WITHOUT_MEAN_TERM},
    'dbeta_as_mean': {'batchnorm_forward': correct.INVERSE_STD_LAYER,
                      'batchnorm_backward': INVERSE_STD_DBETA_AS_MEAN},
    'unbiased_variance': {'batchnorm_forward': correct.INVERSE_STD_LAYER.replace(
        'var = np.var(x, axis=0)', 'var = ((x - mu) ** 2).sum(axis=0) / (x.shape[0] - 1)')},
    'momentum_swapped': {'batchnorm_forward': correct.INVERSE_STD_LAYER.replace(
        'momentum * running_mean + (1 - momentum) * mu', 'running_mean + momentum * (mu - running_mean)').replace(
        'momentum * running_var + (1 - momentum) * var', 'running_var + momentum * (var - running_var)')},
}


@pytest.mark.parametrize('mistake', sorted(REWRITTEN))
def test_a_mistake_written_differently_is_still_named(mistake):
    sources = ASSIGNMENT.reference_cells()
    sources.update(REWRITTEN[mistake])
    found = diagnosed(sources)
    assert mistake in ids(found), found


def test_a_wrong_answer_no_known_or_generated_mistake_gives_says_nothing():
    sources = ASSIGNMENT.reference_cells()
    sources.update(patch(sources, 'batchnorm_backward', ('return dx, dgamma, dbeta', 'return dx + dbeta, dgamma, dbeta')))
    found = diagnosed(sources)
    assert 'batchnorm_backward' in found and found['batchnorm_backward'] == []


def test_the_message_names_the_value_the_mistake_and_the_hint():
    sources = dict(ASSIGNMENT.reference_cells(), **REWRITTEN['dx_missing_mean_term'])
    recording = RecordingStudent(InProcessStudent(namespace_of(ASSIGNMENT, sources), Operations))
    ASSIGNMENT.run_check('batchnorm_backward', recording)
    (first, *_) = diagnose(ASSIGNMENT, recording.calls)
    assert first.message() == ('Likely cause: your dx matches what the backward pass gives when the gradient '
                               'through the batch mean is left out. Look again at how x_hat depends on the mean.')


def test_a_bug_added_to_the_validation_set_is_a_diagnosis_with_no_more_code(monkeypatch):
    new_bug = Bug('dx_doubled', 'dx twice too large',
                  patch(ASSIGNMENT.reference_cells(), 'batchnorm_backward',
                        ('return dx, dgamma, dbeta', 'return 2 * dx, dgamma, dbeta')),
                  loses_in='batchnorm_backward', explanation='dx is counted twice',
                  hint='Count the paths from x to out.', assignment=ASSIGNMENT.name)
    monkeypatch.setattr(variants, 'BUGS', BUGS + [new_bug])
    student = dataclasses.replace(new_bug, name='a_student').sources()
    assert 'dx_doubled' in ids(diagnosed(student))


def test_the_diagnosis_leaves_numpy_global_generator_alone():
    import numpy as np
    reference = ASSIGNMENT.reference_cells()
    sources = dict(reference, **patch(reference, 'fc_net', ("self.params['gamma%d' % i] = np.ones(d_out)",
                                                            "self.params['gamma%d' % i] = np.zeros(d_out)")))
    np.random.seed(5)
    before = np.random.get_state()[1].copy()
    student = InProcessStudent(namespace_of(ASSIGNMENT, sources), Operations)
    recording = RecordingStudent(student)
    ASSIGNMENT.run_check('fc_net_init', recording)
    np.random.seed(5)
    assert [d.mistake.id for d in misconceptions.diagnose(ASSIGNMENT, recording.calls)] == ['gamma_initialised_to_zero']
    assert (np.random.get_state()[1] == before).all()


def test_what_a_submission_returns_cannot_make_the_recording_grow_without_bound(monkeypatch):
    from autograder.grading import recording
    monkeypatch.setattr(recording, 'MAX_RECORDED_BYTES', 1_000)  # the backward check of correct code makes few calls
    rec = RecordingStudent(InProcessStudent(namespace_of(ASSIGNMENT, ASSIGNMENT.reference_cells()), Operations))
    ASSIGNMENT.run_check('batchnorm_backward', rec)
    assert rec.full and 0 < sum(recording.nbytes(c.result) for c in rec.calls) <= 1_000
