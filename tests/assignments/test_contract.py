"""The contract students see is the contract that is graded: every requirement a check grades is stated in
the release notebook (the stubs' docstrings or the text), and no feedback points outside what students have."""
import re

import nbformat

from autograder.assignments.BatchNormalization import ASSIGNMENT
from tests.notebooks import RELEASE_NB

# What each check grades, as the release must state it (phrases from the stubs' docstrings and the text).
REQUIREMENTS = {
    'batchnorm_forward_train': ['(uncorrected, ddof=0)', 'even when bn_param already holds running',
                                'x, gamma and beta are read, never modified in place',
                                'added to the variance before the square root', 'computed in the dtype of x'],
    'batchnorm_running_stats_test_mode': [
        'running_mean = momentum * running_mean + (1 - momentum) * sample_mean',
        'running_var = momentum * running_var + (1 - momentum) * sample_var', "(default 0.9)",
        'shape (D,) and the dtype of x', 'both start as zeros when absent', 'nothing is updated'],
    'batchnorm_invalid_mode': ['Any other mode raises ValueError'],
    'batchnorm_backward': ['(read, never modified in place)', '- dgamma: (D,)', '- dbeta: (D,)'],
    'fc_net_init': ["layers numbered from 1: 'W1'..'WL' (d_in, d_out)", "'gamma1'..'gamma{L-1}'",
                    'biases and beta as zeros, gamma as ones, all cast to dtype', '``self.bn_params``',
                    "``self.dropout_param`` is {'mode': 'train', 'p': dropout}", 'probability of dropping a unit'],
    'fc_net_loss_and_gradients': ['0.5 * reg * sum(W ** 2)', 'exactly the keys of ``self.params``',
                                  'kept units are divided by (1 - p)', 'never batch normalized'],
    'fc_net_test_mode': ["every bn_param['mode'] to 'test'", 'created once here and passed to the same layer',
                        'test mode is the identity'],
    'fc_net_training': ['Solver', "update_rule='adam'"],
}


def release_text():
    return '\n'.join(cell.source for cell in nbformat.read(RELEASE_NB, as_version=4).cells)


def test_every_check_lists_its_requirements():
    assert set(REQUIREMENTS) == {spec.name for spec in ASSIGNMENT.checks}


def test_each_checks_requirements_appear_in_the_release():
    text = ' '.join(release_text().split())
    missing = {check: [p for p in phrases if ' '.join(p.split()) not in text]
               for check, phrases in REQUIREMENTS.items()}
    assert not {k: v for k, v in missing.items() if v}, missing


def test_no_feedback_or_doc_points_at_files_students_lack():
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    sources = [p for p in (root / 'autograder').rglob('*.py')] + list((root / 'docs').glob('*.md')) + [root / 'README.md']
    offenders = [str(p.relative_to(root)) for p in sources if re.search(r'api\.md|/work/shared|\.\./shared', p.read_text())]
    assert not offenders
