"""A complete, honest notebook whose cells picked up stray nbgrader metadata: a duplicated graded cell, a cell
whose metadata is a list, and a solution cell with a grade id the course does not have.
attacks: nothing: its full credit must survive nbgrader's sanitizing as it does bnkit grade
starts from: complete
"""
import copy

import nbformat


def tamper(nb):
    graded = next(c for c in nb.cells if c.metadata.get('nbgrader', {}).get('points'))
    nb.cells.insert(nb.cells.index(graded) + 1, copy.deepcopy(graded))
    stray = nbformat.v4.new_code_cell('x = 1')
    stray.metadata['nbgrader'] = ['not', 'a', 'dict']
    nb.cells.insert(3, stray)
    scratch = nbformat.v4.new_code_cell('y = 2')
    scratch.metadata['nbgrader'] = {'solution': True, 'grade': False, 'grade_id': 'my_scratch', 'locked': False}
    nb.cells.append(scratch)
    return nb
