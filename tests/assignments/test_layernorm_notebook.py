"""Layer normalization's notebook: its source names the assignment's checks, questions and solution cells;
the committed source notebook and release are fresh builds; its visible tests pass when the solution cells
hold the reference (with the batch-norm cell pasted or left a stub) and fail on the stubs; the experiment
runs in quick mode on real data."""
import filecmp
from pathlib import Path

import nbformat
import pytest

from autograder import ROOT
from autograder.assignment import get
from autograder.notebook import build as notebook_build
from autograder.notebook.fill import fill_solution_cells
from autograder.notebook.release import autograde, generate_release
from autograder.notebook.source import checks_cells, read_cells
from tests.notebooks import (checks_cells_raised_and_scored_nothing, errors_outside_checks_cells, execute, grade_id,
                             is_checks_cell, outputs_of)

ASSIGNMENT = get('LayerNormalization')


def cells():
    return read_cells(ASSIGNMENT.notebook_file)


def test_every_check_is_called_by_exactly_one_checks_cell():
    called = [name for cell in checks_cells(ASSIGNMENT) for name in cell.checks]
    assert sorted(called) == sorted(spec.name for spec in ASSIGNMENT.checks)


def test_solution_and_answer_cells_match_the_assignment():
    assert [c.id for c in cells() if c.kind == 'solution'] == list(ASSIGNMENT.module('cells').CELLS)
    assert [c.id for c in cells() if c.kind == 'answer'] == [q.id for q in ASSIGNMENT.questions]


def test_committed_source_notebook_is_a_fresh_build():
    assert notebook_build.main(['--check', '--assignment', 'LayerNormalization']) == 0


def tree(root):
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob('*') if '__pycache__' not in p.parts)


def test_release_is_in_sync_with_the_source(tmp_path):
    built = generate_release(ROOT / 'source', tmp_path, 'LayerNormalization')
    committed = ASSIGNMENT.release_notebook.parent
    assert tree(built) == tree(committed)
    for name in tree(built):
        if (built / name).is_file():
            assert filecmp.cmp(built / name, committed / name, shallow=False), name


def test_the_release_has_stubs_and_no_reference_body():
    release = nbformat.read(ASSIGNMENT.release_notebook, as_version=4)
    text = '\n'.join(cell.source for cell in release.cells)
    for line in ("var = np.einsum('ij,ij->i', xc, xc)[:, None] / D", 'dgamma = np.sum(dout * x_hat, axis=0)',
                 "self.bn_params = [{} for _ in range(self.num_layers - 1)]", 'SandboxGrades',
                 'Step 3 is analogous to batch normalization'):
        assert line not in text, line
    stubs = {grade_id(c): c.source.count('raise NotImplementedError()') for c in release.cells
             if c.metadata.get('nbgrader', {}).get('solution') and c.cell_type == 'code'}
    assert stubs == {'batchnorm': 2, 'layernorm_forward': 1, 'layernorm_backward': 1, 'fc_net': 2}


def without_hidden_checks(path, batchnorm='pasted'):
    """The notebook at ``path`` without its hidden-check cells; with ``batchnorm='stub'`` its batch-norm cell
    holds the stubs of the notebook source."""
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if not is_checks_cell(c)]
    if batchnorm == 'stub':
        next(c for c in nb.cells if grade_id(c) == 'batchnorm').source = next(
            c.text for c in cells() if c.id == 'batchnorm')
    return nb


def printed(nb):
    return ''.join(o.get('text', '') for o in outputs_of(nb, 'stream'))


@pytest.mark.slow
@pytest.mark.parametrize('batchnorm', ['pasted', 'stub'])
def test_visible_tests_pass_on_the_reference_without_data(tmp_path, batchnorm):
    nb = execute(without_hidden_checks(ASSIGNMENT.source_notebook, batchnorm), tmp_path,
                 {'CIFAR10_DIR': str(tmp_path / 'absent')})
    assert outputs_of(nb, 'error') == []
    assert printed(nb).count('Visible checks passed.') == 3
    assert 'Skipped: this experiment needs CIFAR-10' in printed(nb)


@pytest.mark.slow
def test_visible_tests_fail_on_the_stubs(tmp_path):
    nb = without_hidden_checks(ASSIGNMENT.release_notebook)
    nb = execute(nb, tmp_path, {'CIFAR10_DIR': str(tmp_path / 'absent')}, allow_errors=True)
    errors = outputs_of(nb, 'error')
    assert errors and all(e.ename == 'NotImplementedError' for e in errors)
    assert 'Visible checks passed.' not in printed(nb)


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.parametrize('batchnorm', ['pasted', 'stub'])
def test_the_quick_experiment_runs_on_real_data(tmp_path, real_cifar_dir, batchnorm):
    nb = execute(without_hidden_checks(ASSIGNMENT.source_notebook, batchnorm), tmp_path,
                 {'CIFAR10_DIR': str(real_cifar_dir), 'BNKIT_QUICK': '1',
                  'MPLBACKEND': 'module://matplotlib_inline.backend_inline'})
    assert outputs_of(nb, 'error') == []
    assert ('still a stub' in printed(nb)) == (batchnorm == 'stub')
    assert 'Training with layernorm, batch size 10' in printed(nb)
    assert len([o for o in outputs_of(nb, 'display_data') if 'image/png' in o.get('data', {})]) == 1


@pytest.mark.slow
def test_source_notebook_runs_end_to_end_with_its_hidden_checks(tmp_path, fake_cifar_dir):
    """In a kernel, as nbgrader runs it: every cell on generated CIFAR-10 data; the autograded cells score nothing."""
    nb = nbformat.read(ASSIGNMENT.source_notebook, as_version=4)
    execute(nb, tmp_path, {'BNKIT_QUICK': '1', 'CIFAR10_DIR': str(fake_cifar_dir),
                           'MPLBACKEND': 'module://matplotlib_inline.backend_inline'}, allow_errors=True)
    assert errors_outside_checks_cells(nb) == []
    assert len([o for o in outputs_of(nb, 'display_data') if 'image/png' in o.get('data', {})]) == 1
    assert checks_cells_raised_and_scored_nothing(nb)   # a kernel scores nothing; the sandboxed grading does


@pytest.mark.slow
def test_nbgrader_autograde_gives_the_reference_full_automatic_points(tmp_path, fake_cifar_dir, monkeypatch):
    monkeypatch.setenv('BNKIT_QUICK', '1')
    monkeypatch.setenv('CIFAR10_DIR', str(fake_cifar_dir))
    reference = tmp_path / 'reference.ipynb'
    nbformat.write(fill_solution_cells(ASSIGNMENT.release_notebook, ASSIGNMENT.reference_cells()), str(reference))
    untouched = tmp_path / 'untouched.ipynb'
    untouched.write_text(ASSIGNMENT.release_notebook.read_text())
    scores = autograde({'ref': reference, 'blank': untouched}, assignment=ASSIGNMENT)
    assert scores['ref'] == (ASSIGNMENT.max_automatic_points, ASSIGNMENT.max_automatic_points)
    assert scores['blank'][0] == 0
