"""Adds a graded cell with no grade id, which stops nbgrader's sanitizing of the notebook.
attacks: nbgrader's autograde of this notebook, to be graded by hand instead
starts from: release
"""
import nbformat


def tamper(nb):
    cell = nbformat.v4.new_code_cell('1')
    cell.metadata['nbgrader'] = {'grade': True, 'points': 10}
    nb.cells.insert(2, cell)
    return nb
