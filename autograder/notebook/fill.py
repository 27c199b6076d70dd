"""Write code into a notebook's solution cells, as a student would.

Used to make the demo's sample submissions and the validation variants from
the student release.
"""
import copy
from pathlib import Path

import nbformat


def solution_cell_ids(nb):
    return [cell.metadata.get('nbgrader', {}).get('grade_id') for cell in nb.cells
            if cell.metadata.get('nbgrader', {}).get('solution') and cell.cell_type == 'code']


def fill_solution_cells(notebook, sources):
    """A copy of ``notebook`` (a path or a NotebookNode) whose code solution cells named in ``sources``
    ({grade_id: code}) hold that code. Unknown grade_ids raise KeyError."""
    nb = nbformat.read(str(notebook), as_version=4) if isinstance(notebook, (str, Path)) else copy.deepcopy(notebook)
    known = set(solution_cell_ids(nb))
    unknown = set(sources) - known
    if unknown:
        raise KeyError('no solution cell with grade_id %s (the notebook has %s)'
                       % (', '.join(sorted(unknown)), ', '.join(sorted(known))))
    for cell in nb.cells:
        grade_id = cell.metadata.get('nbgrader', {}).get('grade_id')
        if grade_id in sources and cell.metadata['nbgrader'].get('solution'):
            cell.source = sources[grade_id]
    return nb
