"""The source notebook: one truth with notebook.py and solutions/, valid nbgrader markup, and it runs end to end."""
import os
import re

import nbformat
import numpy as np
import pytest

from autograder.assignment import get
from autograder.notebook import build as notebook_build
from autograder.notebook.source import NotebookSourceError, parts, read_cells
from tests.notebooks import (SOURCE_NB, checks_cells_raised_and_scored_nothing, errors_outside_checks_cells, execute,
                             grade_id, outputs_of)

ASSIGNMENT = get('BatchNormalization')
reference_cells = ASSIGNMENT.reference_cells


def test_committed_source_notebook_is_a_fresh_build():
    assert notebook_build.main(['--check']) == 0
    assert notebook_build.main(['--check', '--assignment', 'BatchNormalization']) == 0


def test_an_unknown_assignment_is_a_clear_error(capsys):
    assert notebook_build.main(['--assignment', 'NoSuchAssignment']) == 2
    assert 'NoSuchAssignment' in capsys.readouterr().err


def reference_initial_losses():
    """The reference network's initial losses on the visible net check's inputs (its first lines, replayed)."""
    from solutions.BatchNormalization.fc_net import FullyConnectedNet
    np.random.seed(231)
    N, D, H1, H2, C = 2, 15, 20, 30, 10
    X = np.random.randn(N, D)
    y = np.random.randint(C, size=(N,))
    losses = {}
    for reg in (0, 3.14):
        model = FullyConnectedNet([H1, H2], input_dim=D, num_classes=C, reg=reg, weight_scale=5e-2,
                                  dtype=np.float64, use_batchnorm=True)
        losses[reg] = round(float(model.loss(X, y)[0]), 4)
    return losses


def test_the_visible_net_check_expects_the_references_initial_losses():
    """notebook.py states the losses as plain code; a change to the reference must show up here."""
    source = next(c.text for c in read_cells(ASSIGNMENT.notebook_file) if c.id == 'test_fc_net')
    stated = re.search(r'^expected_initial_loss = (\{.*\})', source, re.M).group(1)
    assert eval(stated) == reference_initial_losses()


# ------------------------------------------------------------------ the percent-format source

class Edited:
    """The assignment with its notebook.py replaced by ``text`` (written next to the rest of tmp_path)."""

    def __init__(self, tmp_path, text):
        self.notebook_file = tmp_path / 'notebook.py'
        self.notebook_file.write_text(text)

    def __getattr__(self, name):
        return getattr(ASSIGNMENT, name)


def original():
    return ASSIGNMENT.notebook_file.read_text()


def edited(tmp_path, old, new):
    text = original()
    assert text.count(old) == 1, old
    return Edited(tmp_path, text.replace(old, new))


def build_error(assignment):
    with pytest.raises(NotebookSourceError) as info:
        notebook_build.build_notebook(assignment)
    return str(info.value)


def test_the_percent_source_round_trips_an_edit_into_the_build(tmp_path):
    before = notebook_build.render(notebook_build.build_notebook(Edited(tmp_path, original())))
    assert before == SOURCE_NB.read_text()
    prose = edited(tmp_path, '# Implement `batchnorm_backward`.', '# Implement `batchnorm_backward` with care.')
    nb = notebook_build.build_notebook(prose)
    text = next(c.source for c in nb.cells if grade_id(c) == 'batchnorm_backward_md')
    assert text.startswith('## Batch normalization: backward pass\n\nImplement `batchnorm_backward` with care.')
    test = edited(tmp_path, "assert rel_error(dbeta_num, dbeta) < 1e-6", "assert rel_error(dbeta_num, dbeta) < 1e-7")
    cell = next(c for c in notebook_build.build_notebook(test).cells if grade_id(c) == 'test_batchnorm_backward')
    assert 'assert rel_error(dbeta_num, dbeta) < 1e-7' in cell.source and cell.metadata.nbgrader.points == 0


def test_check_names_a_stale_notebook(tmp_path, capsys):
    stale = tmp_path / 'BatchNormalization.ipynb'
    stale.write_text(SOURCE_NB.read_text())
    assignment = edited(tmp_path, '## Load the data', '## Loading the data')
    assert notebook_build.build(assignment, check=True, out=stale) == 1
    assert str(stale) in capsys.readouterr().err
    assert notebook_build.build(assignment, out=stale) == 0
    assert notebook_build.build(assignment, check=True, out=stale) == 0
    assert '## Loading the data' in stale.read_text()


def test_a_malformed_attribute_names_the_file_and_the_cell(tmp_path):
    assignment = edited(tmp_path, '# %% bnkit="tests" id="test_batchnorm_backward"',
                        '# %% bnkit="tests" id="test_batchnorm_backward" points="5"')
    message = build_error(assignment)
    line = 1 + assignment.notebook_file.read_text().splitlines().index(
        '# %% bnkit="tests" id="test_batchnorm_backward" points="5"')
    assert '%s:%d' % (assignment.notebook_file, line) in message
    assert 'id=test_batchnorm_backward' in message and 'points' in message
    typo = edited(tmp_path, 'bnkit="tests" id="test_batchnorm_backward"', 'bnkit="test" id="test_batchnorm_backward"')
    assert 'test_batchnorm_backward' in build_error(typo) and "'test'" in build_error(typo)


def test_a_solution_id_without_a_reference_is_named(tmp_path):
    message = build_error(edited(tmp_path, 'bnkit="solution" id="batchnorm_backward"',
                                 'bnkit="solution" id="batchnorm_backward_closed_form"'))
    assert 'batchnorm_backward_closed_form' in message and 'cells.py' in message


def test_every_check_is_called_exactly_once(tmp_path):
    twice = build_error(edited(tmp_path, 'checks="batchnorm_backward"', 'checks="batchnorm_backward fc_net_init"'))
    assert "'fc_net_init' is already called" in twice and 'check_fc_net' in twice
    never = build_error(edited(tmp_path, 'checks="batchnorm_backward"', 'checks="batchnorm_invalid_mode"'))
    assert 'batchnorm_backward' in never
    unknown = build_error(edited(tmp_path, 'checks="batchnorm_backward"', 'checks="batchnorm_bakward"'))
    assert 'batchnorm_bakward' in unknown and 'check_batchnorm_backward' in unknown


def test_the_parts_come_from_the_checks_cells():
    assert [title for title, _ in parts(ASSIGNMENT)] == [
        'Batch normalization, forward pass', 'Batch normalization, test mode', 'Batch normalization, backward pass',
        'A fully connected network with batch normalization', 'Training a deep network']
    called = [name for _, names in parts(ASSIGNMENT) for name in names]
    assert sorted(called) == sorted(spec.name for spec in ASSIGNMENT.checks)


def test_solution_cells_are_the_reference_code():
    nb = nbformat.read(SOURCE_NB, as_version=4)
    cells = {grade_id(c): c.source for c in nb.cells if c.metadata['nbgrader'].get('solution') and c.cell_type == 'code'}
    assert {k: notebook_build.strip_solution_markers(v) for k, v in cells.items()} == ASSIGNMENT.reference_cells()


def test_nbgrader_markup_is_complete_and_points_match_the_checks():
    nb = nbformat.read(SOURCE_NB, as_version=4)
    assert nb.metadata.kernelspec.name == 'python3'
    ids = [grade_id(c) for c in nb.cells]
    assert len(ids) == len(set(ids)) and None not in ids
    auto = [c for c in nb.cells if c.metadata.nbgrader.get('grade') and c.cell_type == 'code']
    assert sum(c.metadata.nbgrader.points for c in auto) == ASSIGNMENT.max_automatic_points
    hidden = [c for c in auto if c.metadata.nbgrader.points > 0]
    for cell in hidden:
        assert cell.metadata.nbgrader.locked and '### BEGIN HIDDEN TESTS' in cell.source
    # Every visible test cell is a 0-point grade cell, so that nbgrader's Validate reports it.
    visible = [c for c in auto if c.metadata.nbgrader.points == 0]
    assert [grade_id(c) for c in visible] == [grade_id(c) for c in nb.cells
                                              if grade_id(c).startswith('test_') and c.cell_type == 'code']
    assert len(visible) == len(hidden)
    manual = [c for c in nb.cells if c.metadata.nbgrader.get('grade') and c.cell_type == 'markdown']
    assert [c.metadata.nbgrader.points for c in manual] == [q.points for q in ASSIGNMENT.questions]
    for cell in nb.cells:
        meta = cell.metadata.nbgrader
        if not meta.get('solution'):
            assert meta['locked'], grade_id(cell)


def test_solution_regions_cover_every_function_body_and_keep_signatures():
    marked = notebook_build.mark_solution_regions(ASSIGNMENT.reference_cells()['fc_net'])
    assert marked.count(notebook_build.BEGIN) == 2  # __init__ and loss
    assert 'def loss(self, X, y=None):' in marked.split(notebook_build.BEGIN)[1]
    assert notebook_build.strip_solution_markers(marked) == ASSIGNMENT.reference_cells()['fc_net']


@pytest.mark.slow
def test_source_notebook_runs_end_to_end_in_quick_mode(tmp_path, fake_cifar_dir):
    data_dir = os.environ.get('CIFAR10_DIR') or str(fake_cifar_dir)
    nb = nbformat.read(SOURCE_NB, as_version=4)
    execute(nb, tmp_path, {'BNKIT_QUICK': '1', 'CIFAR10_DIR': data_dir, 'MPLBACKEND': 'module://matplotlib_inline.backend_inline'},
            allow_errors=True)
    assert errors_outside_checks_cells(nb) == []
    stderr = [o.text for o in outputs_of(nb, 'stream') if o.name == 'stderr']
    assert not any('Warning' in text for text in stderr), stderr
    images = [o for o in outputs_of(nb, 'display_data') if 'image/png' in o.get('data', {})]
    assert len(images) == 2  # the training curves and the weight-scale sweep
    # A kernel scores nothing: the autograded cells only say that the sandboxed grading scores them.
    assert checks_cells_raised_and_scored_nothing(nb)


EXPERIMENTS = ('train_deep_net', 'plot_training', 'test_training', 'weight_scale_sweep', 'plot_weight_scale')


def test_without_data_the_experiments_each_print_one_line_and_nothing_fails(tmp_path):
    nb = nbformat.read(SOURCE_NB, as_version=4)
    nb.cells = [c for c in nb.cells if grade_id(c) in ('setup', 'load_data') + EXPERIMENTS]
    assert len(nb.cells) == 2 + len(EXPERIMENTS)
    execute(nb, tmp_path, {'CIFAR10_DIR': str(tmp_path / 'missing')})
    assert outputs_of(nb, 'error') == []
    by_id = {grade_id(c): c for c in nb.cells}
    load_text = ''.join(o.text for o in by_id['load_data'].outputs)
    assert 'python -m cs231n.data_utils fetch' in load_text and 'skipped' in load_text
    for gid in EXPERIMENTS:
        texts = [o.text for o in by_id[gid].outputs]
        assert len(texts) == 1 and texts[0].count('\n') == 1 and texts[0].startswith('Skipped:'), (gid, texts)


def test_visible_net_check_catches_a_penalty_without_its_half(tmp_path):
    """The reg=3.14 initial loss is compared with the reference's: a penalty of reg * sum(W**2) fails."""
    nb = nbformat.read(SOURCE_NB, as_version=4)
    keep = ('setup', 'batchnorm_forward', 'batchnorm_backward', 'affine_batchnorm_relu', 'fc_net', 'test_fc_net')
    nb.cells = [c for c in nb.cells if grade_id(c) in keep]
    for cell in nb.cells:
        if grade_id(cell) == 'fc_net':
            cell.source = reference_cells()['fc_net'].replace('loss += 0.5 * self.reg * np.sum(W * W)',
                                                              'loss += self.reg * np.sum(W * W)', 1)
    execute(nb, tmp_path, {}, allow_errors=True)
    errors = outputs_of(nb, 'error')
    assert len(errors) == 1 and errors[0].ename == 'AssertionError', errors
    assert 'L2 penalty' in errors[0].evalue and '%.4f' % reference_initial_losses()[3.14] in errors[0].evalue
