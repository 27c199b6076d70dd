"""The BatchNormalization release's notebooks for the tests: filled in for a class, or executed with nbclient."""
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.notebook.fill import fill_solution_cells
from autograder.notebook.release import environment

ROOT = Path(__file__).resolve().parent.parent
SOURCE_NB = ROOT / 'source' / 'BatchNormalization' / 'BatchNormalization.ipynb'
RELEASE_DIR = ROOT / 'release' / 'BatchNormalization'
RELEASE_NB = RELEASE_DIR / 'BatchNormalization.ipynb'


def write(folder, student, cells=None, raw=None):
    """folder/<student>.ipynb: ``raw`` text, or the release with the solution cells ``cells`` filled in."""
    path = folder / ('%s.ipynb' % student)
    if raw is not None:
        path.write_text(raw)
    else:
        nbformat.write(fill_solution_cells(RELEASE_NB, cells or {}), str(path))
    return path


def with_reference(**overrides):
    """The reference's solution cells, with ``overrides`` ({grade_id: source}) in place of some."""
    cells = ASSIGNMENT.reference_cells()
    cells.update(overrides)
    return cells


def execute(nb, workdir, env_overrides, allow_errors=False, timeout=300):
    """Execute nb in a fresh python3 kernel with cwd=workdir and the given environment variables."""
    with environment(**env_overrides):
        client = NotebookClient(nb, timeout=timeout, kernel_name='python3', allow_errors=allow_errors,
                                resources={'metadata': {'path': str(workdir)}})
        client.execute()
    return nb


def outputs_of(nb, kind):
    return [o for c in nb.cells if c.cell_type == 'code' for o in c.get('outputs', []) if o.output_type == kind]


def grade_id(cell):
    return cell.metadata.get('nbgrader', {}).get('grade_id')


def is_checks_cell(cell):
    """A notebook's autograded cell, which the kit scores in its sandbox (its hidden block only raises)."""
    return cell.metadata.get('nbgrader', {}).get('grade_id', '').startswith('check_')


def errors_outside_checks_cells(nb):
    """The error outputs of every cell but the autograded ones, whose hidden block raises in any kernel."""
    return [o for c in nb.cells if not is_checks_cell(c) for o in c.get('outputs', []) if o.output_type == 'error']


def checks_cells_raised_and_scored_nothing(nb):
    """Whether each autograded cell raised the kit's 'scored in the sandbox' error and gave no result."""
    cells = [c for c in nb.cells if is_checks_cell(c)]
    return bool(cells) and all(
        [o.output_type for o in c.outputs] == ['error'] and "scored by bnkit's sandboxed grading" in c.outputs[0].evalue
        for c in cells)
