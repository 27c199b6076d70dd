"""Flags the net's solution cell as graded too, worth 25 points, so that a cell that runs earns them.
attacks: nbgrader's grade rule for autograded answers
starts from: release
"""


def tamper(nb):
    for cell in nb.cells:
        meta = cell.metadata.get('nbgrader', {})
        if meta.get('solution') and cell.cell_type == 'code':
            meta.update(grade=True, points=25)
            cell.source = 'pass'
    return nb
