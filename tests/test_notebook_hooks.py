"""run_hidden_checks: the points nbgrader records, and nothing on stderr."""
import pytest

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.registry import BY_NAME
from autograder.assignments.BatchNormalization.variants import CORRECT
from autograder.grading.inprocess import namespace_of
from autograder.notebook.hooks import run_hidden_checks

FORWARD_CHECKS = ('batchnorm_forward_train', 'batchnorm_invalid_mode')


def test_reference_earns_all_points_and_reports_on_stdout_only(capsys):
    ns = namespace_of(ASSIGNMENT, CORRECT[0].sources())
    earned = run_hidden_checks(ns, *FORWARD_CHECKS)
    assert isinstance(earned, float)
    assert earned == pytest.approx(sum(BY_NAME[n].points for n in FORWARD_CHECKS))
    out, err = capsys.readouterr()
    assert err == ''
    for name in FORWARD_CHECKS:
        assert BY_NAME[name].title in out


def test_nothing_earned_raises_assertion_with_the_report(capsys):
    with pytest.raises(AssertionError, match='No points'):
        run_hidden_checks(namespace_of(ASSIGNMENT, {}), *FORWARD_CHECKS)
    assert capsys.readouterr().err == ''
