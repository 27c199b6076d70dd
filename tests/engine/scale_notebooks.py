"""Notebooks of the fixture assignment, laid out as nbgrader releases them: a setup cell, a stub per solution
cell (nbgrader's ``raise NotImplementedError()``), a written question and its answer cell."""
import nbformat

from autograder.reports.answers import QUESTION_HEADING, UNANSWERED
from tests.fixture_assignment import ASSIGNMENT

STUB = '%s\n    # YOUR CODE HERE\n    raise NotImplementedError()\n'
HEADERS = {'scale_forward': 'def scale_forward(x, gamma):', 'scale_backward': 'def scale_backward(dout, cache):'}


def _marked(cell, grade_id, **flags):
    cell.metadata['nbgrader'] = {'grade_id': grade_id, 'schema_version': 3, 'locked': False,
                                 'solution': True, 'grade': False, **flags}
    return cell


def notebook(cells=None, answer=UNANSWERED, metadata=True):
    """The release with the solution cells ``cells`` ({grade_id: source}) filled in; the others stubs."""
    cells = cells or {}
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell('# %s' % ASSIGNMENT.title))
    nb.cells.append(nbformat.v4.new_code_cell(ASSIGNMENT.setup_source))
    for grade_id, header in HEADERS.items():
        cell = nbformat.v4.new_code_cell(cells.get(grade_id, STUB % header))
        nb.cells.append(_marked(cell, grade_id) if metadata else cell)
    for question in ASSIGNMENT.questions:
        nb.cells.append(nbformat.v4.new_markdown_cell('%s: %s' % (QUESTION_HEADING, question.title)))
        cell = nbformat.v4.new_markdown_cell(answer)
        nb.cells.append(_marked(cell, question.id, grade=True, points=question.points) if metadata else cell)
    return nb


def write(folder, student, cells=None, raw=None, **kwargs):
    """folder/<student>.ipynb: ``raw`` text, or the release with ``cells`` filled in."""
    path = folder / ('%s.ipynb' % student)
    if raw is not None:
        path.write_text(raw)
    else:
        nbformat.write(notebook(cells, **kwargs), str(path))
    return path


def with_reference(**overrides):
    cells = ASSIGNMENT.reference_cells()
    cells.update(overrides)
    return cells
