"""The grader's evidence, in CI: every correct variant at full credit, every bug caught in the check named for it
with no collateral beyond what error carried forward allows, every hostile
submission contained, all graded together in one run (inside a PID namespace of its own), and nbgrader's
own autograde agreeing with bnkit on honest notebooks."""
import re
import subprocess
import sys

import pytest

from autograder.runner import grade_all
from autograder.validation.runner import nbgrader_agreement, write_class
from autograder.validation.variants import BUGS, CORRECT
from tests.containment import require_containment


@pytest.mark.slow
@pytest.mark.hostile
def test_validation_table_is_all_green():
    require_containment()
    proc = subprocess.run([sys.executable, '-m', 'autograder.cli', 'validate', '--jobs', '2'],
                          capture_output=True, text=True, timeout=1500)
    print(proc.stdout[-6000:])
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    totals = dict(re.findall(r'^(correct variants with full credit|bugs caught|hostile submissions contained):\s+'
                             r'(\d+ / \d+)', proc.stdout, re.M))
    assert totals['correct variants with full credit'] == '%d / %d' % (len(CORRECT), len(CORRECT))
    assert totals['bugs caught'] == '%d / %d' % (len(BUGS), len(BUGS))   # caught in the named check, no collateral
    assert totals['hostile submissions contained'] == '17 / 17'
    assert re.search(r'^run-level checks:\s+all ok$', proc.stdout, re.M)
    assert re.search(r'beyond the rule: 0 points$', proc.stdout, re.M)


AGREEMENT_SAMPLE = [CORRECT[0], CORRECT[1], CORRECT[5]] + [
    v for v in BUGS if v.name in ('unbiased_variance', 'momentum_swapped', 'dx_missing_mean_term', 'l2_without_half',
                                  'mode_key_typo')]


@pytest.mark.slow
def test_nbgrader_autograde_agrees_with_bnkit_grade(tmp_path, fake_cifar_dir):
    """A representative sample here; `bnkit validate --nbgrader` compares every honest variant."""
    notebooks = write_class(tmp_path / 'nb', AGREEMENT_SAMPLE)
    results, _ = grade_all(notebooks, tmp_path / 'grades', jobs=2, progress=False)
    bnkit_scores = {name: data['score'] for name, data in results.items()}
    for name, nbgrader_score, bnkit_score in nbgrader_agreement(AGREEMENT_SAMPLE, bnkit_scores, fake_cifar_dir):
        assert nbgrader_score == pytest.approx(bnkit_score, abs=0.05), name
