"""nbgrader's own autograde agrees with bnkit on honest notebooks.

The validation table itself (every correct variant at full credit, every bug caught, every hostile submission
contained, all graded together in one run) is checked at every isolation level this machine offers, each in
a PID and mount namespace of its own: tests/test_isolation_levels.py."""
import re

import pytest

from autograder.assignment import get
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
    bnkit_scores = {name: data['score'] for name, data in results.items()}
    for name, nbgrader_score, bnkit_score in nbgrader_agreement(ASSIGNMENT, AGREEMENT_SAMPLE, bnkit_scores,
                                                                            fake_cifar_dir):
        assert nbgrader_score == pytest.approx(bnkit_score, abs=0.05), name


PUBLIC_SOURCE = re.compile(r'https?://[^\s,;)]+')
ASSIGNMENTS = ('BatchNormalization', 'LayerNormalization')


def public_sources(variant):
    """The public addresses a variant's description names as its source."""
    return PUBLIC_SOURCE.findall(variant.description)


def test_at_least_25_variants_are_written_from_mistakes_reported_in_public():
    """A variant written from a mistake reported in public names the address (a forum or Q&A thread, an issue, a
    student's repository, a library's documentation) in its description. A source that is not public (the
    tracker's issue 22) does not count: a variant citing only that carries no address."""
    variants = [v for name in ASSIGNMENTS for v in get(name).module('variants').BUGS + get(name).module('variants').CORRECT]
    sourced = [v for v in variants if public_sources(v)]
    print('variants with a public source: %d' % len(sourced))
    assert len(sourced) >= 25, sorted(v.name for v in sourced)
    for v in sourced:
        assert '(source:' in v.description or 'seen in public nets' in v.description, v.name
        assert all('.' in url.split('//', 1)[1].split('/', 1)[0] for url in public_sources(v)), v.name
    cited = [v for v in variants if '(source:' in v.description and not public_sources(v)]
    assert all('issue 22' in v.description for v in cited), [v.name for v in cited]
