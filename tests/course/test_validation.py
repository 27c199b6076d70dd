"""nbgrader's own autograde agrees with bnkit on honest notebooks.

The validation table itself (every correct variant at full credit, every bug caught, every hostile submission
contained, all graded together in one run) is checked at every isolation level this machine offers, each in
a PID and mount namespace of its own: tests/sandbox/test_isolation_levels.py."""
import pytest

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants import BUGS, CORRECT
from autograder.grading.options import GradingOptions
from autograder.grading.runner import grade_all
from autograder.validation.class_notebooks import write_class
from autograder.validation.nbgrader_comparison import nbgrader_agreement

AGREEMENT_SAMPLE = [CORRECT[0], CORRECT[1], CORRECT[5]] + [
    v for v in BUGS if v.name in ('unbiased_variance', 'momentum_swapped', 'dx_missing_mean_term', 'l2_without_half',
                                  'mode_key_typo')]


@pytest.mark.slow
def test_nbgrader_autograde_agrees_with_bnkit_grade(tmp_path, fake_cifar_dir):
    """A representative sample here; `bnkit validate --nbgrader` compares every honest variant."""
    notebooks = write_class(tmp_path / 'nb', AGREEMENT_SAMPLE, ASSIGNMENT)
    results, _ = grade_all(ASSIGNMENT, notebooks, tmp_path / 'grades', GradingOptions(jobs=2), progress=False)
    bnkit_scores = {name: data.score for name, data in results.items()}
    for name, nbgrader_score, bnkit_score in nbgrader_agreement(ASSIGNMENT, AGREEMENT_SAMPLE, bnkit_scores,
                                                                            fake_cifar_dir):
        assert nbgrader_score == pytest.approx(bnkit_score, abs=0.05), name
