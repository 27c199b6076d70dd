"""Raises the points of every hidden-check cell tenfold and makes each cell's source a bare number.
attacks: nbgrader's grade rule, through the points the notebook's own metadata states
starts from: release
"""


def tamper(nb):
    for cell in nb.cells:
        meta = cell.metadata.get('nbgrader', {})
        if meta.get('grade') and meta.get('points'):
            meta['points'] = 10 * meta['points']
            cell.source = repr(float(meta['points']))
    return nb
