"""The source notebook: one truth with solutions/, valid nbgrader markup, and it runs end to end."""
import os

import nbformat
import pytest

from autograder import notebook_build, registry
from autograder.reference_cells import reference_cells
from tests.notebooks import SOURCE_NB, execute, grade_id, outputs_of


def test_committed_source_notebook_is_a_fresh_build():
    assert notebook_build.main(['--check']) == 0


def test_solution_cells_are_the_reference_code():
    nb = nbformat.read(SOURCE_NB, as_version=4)
    cells = {grade_id(c): c.source for c in nb.cells if c.metadata['nbgrader'].get('solution') and c.cell_type == 'code'}
    assert {k: notebook_build.strip_solution_markers(v) for k, v in cells.items()} == reference_cells()


def test_nbgrader_markup_is_complete_and_points_match_the_registry():
    nb = nbformat.read(SOURCE_NB, as_version=4)
    assert nb.metadata.kernelspec.name == 'python3'
    ids = [grade_id(c) for c in nb.cells]
    assert len(ids) == len(set(ids)) and None not in ids
    auto = [c for c in nb.cells if c.metadata.nbgrader.get('grade') and c.cell_type == 'code']
    assert sum(c.metadata.nbgrader.points for c in auto) == registry.MAX_AUTOMATIC_POINTS
    for cell in auto:
        assert cell.metadata.nbgrader.locked and '### BEGIN HIDDEN TESTS' in cell.source
    manual = [c for c in nb.cells if c.metadata.nbgrader.get('grade') and c.cell_type == 'markdown']
    assert [c.metadata.nbgrader.points for c in manual] == [registry.FREE_RESPONSE_POINTS]
    for cell in nb.cells:
        meta = cell.metadata.nbgrader
        if not meta.get('solution'):
            assert meta['locked'], grade_id(cell)


def test_solution_regions_cover_every_function_body_and_keep_signatures():
    marked = notebook_build.mark_solution_regions(reference_cells()['fc_net'])
    assert marked.count(notebook_build.BEGIN) == 2  # __init__ and loss
    assert 'def loss(self, X, y=None):' in marked.split(notebook_build.BEGIN)[1]
    assert notebook_build.strip_solution_markers(marked) == reference_cells()['fc_net']


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


def test_missing_data_message_names_the_fetch_command(tmp_path):
    nb = nbformat.read(SOURCE_NB, as_version=4)
    nb.cells = [c for c in nb.cells if grade_id(c) in ('setup', 'load_data')]
    execute(nb, tmp_path, {'CIFAR10_DIR': str(tmp_path / 'missing')}, allow_errors=True)
    errors = outputs_of(nb, 'error')
    assert len(errors) == 1 and errors[0].ename == 'CIFAR10DataError'
    assert 'python -m cs231n.data_utils fetch' in errors[0].evalue
