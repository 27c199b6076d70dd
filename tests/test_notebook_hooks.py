"""run_hidden_checks: the points nbgrader records, and nothing on stderr."""
import pytest

from autograder.assignment import AssignmentError, get
from autograder.assignments.BatchNormalization.variants import CORRECT
from autograder.grading.inprocess import namespace_of
from autograder.notebook.hooks import run_hidden_checks

FORWARD_CHECKS = ('batchnorm_forward_train', 'batchnorm_invalid_mode')
ASSIGNMENT = get('BatchNormalization')
BY_NAME = ASSIGNMENT.by_name


def test_reference_earns_all_points_and_reports_on_stdout_only(capsys):
    ns = namespace_of(ASSIGNMENT, CORRECT[0].sources())
    earned = run_hidden_checks(ns, 'BatchNormalization', *FORWARD_CHECKS)
    assert isinstance(earned, float)
    assert earned == pytest.approx(sum(BY_NAME[n].points for n in FORWARD_CHECKS))
    out, err = capsys.readouterr()
    assert err == ''
    for name in FORWARD_CHECKS:
        assert BY_NAME[name].title in out


def test_nothing_earned_raises_assertion_with_the_report(capsys):
    with pytest.raises(AssertionError, match='No points'):
        run_hidden_checks(namespace_of(ASSIGNMENT, {}), 'BatchNormalization', *FORWARD_CHECKS)
    assert capsys.readouterr().err == ''


def test_an_unknown_assignment_is_named():
    with pytest.raises(AssignmentError, match='NoSuchAssignment'):
        run_hidden_checks(namespace_of(ASSIGNMENT, {}), 'NoSuchAssignment', *FORWARD_CHECKS)
