"""Adds a graded cell of its own, with a grade id the course does not have, worth 100 points.
attacks: nbgrader's gradebook, through a graded cell it was never told of
starts from: release
"""
import nbformat


def tamper(nb):
    cell = nbformat.v4.new_code_cell('100.0')
    cell.metadata['nbgrader'] = {'grade': True, 'grade_id': 'extra_credit', 'locked': True, 'points': 100,
                                 'schema_version': 3, 'solution': False, 'task': False}
    nb.cells.insert(1, cell)
    return nb
