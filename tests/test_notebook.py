"""The source notebook: one truth with solutions/, valid nbgrader markup, and it runs end to end."""
import os

import nbformat
import pytest

from autograder.assignments.BatchNormalization import registry
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.notebook import build as notebook_build
from tests.notebooks import SOURCE_NB, execute, grade_id, outputs_of


def test_committed_source_notebook_is_a_fresh_build():
    assert notebook_build.main(['--check']) == 0


def test_solution_cells_are_the_reference_code():
    nb = nbformat.read(SOURCE_NB, as_version=4)
    cells = {grade_id(c): c.source for c in nb.cells if c.metadata['nbgrader'].get('solution') and c.cell_type == 'code'}
    assert {k: notebook_build.strip_solution_markers(v) for k, v in cells.items()} == ASSIGNMENT.reference_cells()


def test_nbgrader_markup_is_complete_and_points_match_the_registry():
    nb = nbformat.read(SOURCE_NB, as_version=4)
    assert nb.metadata.kernelspec.name == 'python3'
    ids = [grade_id(c) for c in nb.cells]
    assert len(ids) == len(set(ids)) and None not in ids
    auto = [c for c in nb.cells if c.metadata.nbgrader.get('grade') and c.cell_type == 'code']
    assert sum(c.metadata.nbgrader.points for c in auto) == registry.MAX_AUTOMATIC_POINTS
    hidden = [c for c in auto if c.metadata.nbgrader.points > 0]
    for cell in hidden:
        assert cell.metadata.nbgrader.locked and '### BEGIN HIDDEN TESTS' in cell.source
    # Every visible test cell is a 0-point grade cell, so that nbgrader's Validate reports it.
    visible = [c for c in auto if c.metadata.nbgrader.points == 0]
    assert [grade_id(c) for c in visible] == [grade_id(c) for c in nb.cells
                                              if grade_id(c).startswith('test_') and c.cell_type == 'code']
    assert len(visible) == len(hidden)
    manual = [c for c in nb.cells if c.metadata.nbgrader.get('grade') and c.cell_type == 'markdown']
    assert [c.metadata.nbgrader.points for c in manual] == [registry.FREE_RESPONSE_POINTS]
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
    execute(nb, tmp_path, {'BNKIT_QUICK': '1', 'CIFAR10_DIR': data_dir, 'MPLBACKEND': 'module://matplotlib_inline.backend_inline'})
    assert outputs_of(nb, 'error') == []
    stderr = [o.text for o in outputs_of(nb, 'stream') if o.name == 'stderr']
    assert not any('Warning' in text for text in stderr), stderr
    images = [o for o in outputs_of(nb, 'display_data') if 'image/png' in o.get('data', {})]
    assert len(images) == 2  # the training curves and the weight-scale sweep
    hidden = [o for c in nb.cells if 'run_hidden_checks' in c.source for o in c.outputs if o.output_type == 'execute_result']
    total = sum(float(o.data['text/plain']) for o in hidden)
    assert total == registry.MAX_AUTOMATIC_POINTS


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
    from autograder.validation.variant import patch
    nb = nbformat.read(SOURCE_NB, as_version=4)
    keep = ('setup', 'batchnorm_forward', 'batchnorm_backward', 'affine_batchnorm_relu', 'fc_net', 'test_fc_net')
    nb.cells = [c for c in nb.cells if grade_id(c) in keep]
    for cell in nb.cells:
        if grade_id(cell) == 'fc_net':
            cell.source = patch(ASSIGNMENT.reference_cells(), 'fc_net',
                                ('loss += 0.5 * self.reg * np.sum(W * W)', 'loss += self.reg * np.sum(W * W)'))['fc_net']
    execute(nb, tmp_path, {}, allow_errors=True)
    errors = outputs_of(nb, 'error')
    assert len(errors) == 1 and errors[0].ename == 'AssertionError', errors
    assert 'L2 penalty' in errors[0].evalue and '%.4f' % notebook_build.reference_initial_losses()[3.14] in errors[0].evalue
