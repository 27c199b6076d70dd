"""A submission's nbgrader cell metadata is the source notebook's (autograder.course.metadata), whatever the
student's file says: each tampering of the validation set's class is undone before nbgrader sanitizes."""
import shutil

import nbformat
import pytest
from traitlets.config import Config

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.course.metadata import FLAGS, RestoreCellMetadata, RestoreMissingGradedCells
from autograder.notebook.fill import fill_solution_cells
from autograder.validation.tampering import tamperings

NAME = ASSIGNMENT.name


@pytest.fixture(scope='module')
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp('course')
    (root / 'source' / NAME).mkdir(parents=True)
    shutil.copy(ASSIGNMENT.source_notebook, root / 'source' / NAME / (NAME + '.ipynb'))
    config = Config()
    config.CourseDirectory.root = str(root)
    return config, nbformat.read(str(ASSIGNMENT.source_notebook), as_version=4)


def flags_by_id(nb):
    """{grade id: the cell's nbgrader flags}, of every cell with nbgrader metadata that is a dict."""
    found = [c.metadata['nbgrader'] for c in nb.cells if isinstance(c.metadata.get('nbgrader'), dict)]
    return {repr(meta.get('grade_id')): {k: v for k, v in meta.items() if k in FLAGS} for meta in found}


@pytest.mark.parametrize('edit', tamperings(), ids=lambda t: t.name)
def test_every_cell_says_what_the_source_says_after_restoring(course, edit):
    config, source = course
    release = nbformat.read(str(ASSIGNMENT.release_notebook), as_version=4)
    tampered = edit.notebook(release, fill_solution_cells(ASSIGNMENT.release_notebook, ASSIGNMENT.reference_cells()))
    assert flags_by_id(tampered) != flags_by_id(release) or len(tampered.cells) != len(release.cells)
    resources = {'nbgrader': {'assignment': NAME, 'notebook': NAME, 'student': edit.name}}
    restored, _ = RestoreCellMetadata(config=config).preprocess(tampered, resources)
    restored, _ = RestoreMissingGradedCells(config=config).preprocess(restored, resources)
    expected = flags_by_id(source)
    graded = [c.metadata['nbgrader']['grade_id'] for c in restored.cells if c.metadata.get('nbgrader', {}).get('grade')]
    assert sorted(map(repr, graded)) == sorted(i for i, f in expected.items() if f.get('grade'))   # each once
    for cell in restored.cells:
        if 'nbgrader' in cell.metadata:
            grade_id = repr(cell.metadata['nbgrader']['grade_id'])
            assert {k: v for k, v in cell.metadata['nbgrader'].items() if k in FLAGS} == expected[grade_id]


def test_an_untouched_notebook_is_left_as_it_is(course):
    config, _ = course
    release = nbformat.read(str(ASSIGNMENT.release_notebook), as_version=4)
    resources = {'nbgrader': {'assignment': NAME, 'notebook': NAME, 'student': 'someone'}}
    restored, _ = RestoreCellMetadata(config=config).preprocess(nbformat.from_dict(release), resources)
    assert restored == release
