"""A complete, honest notebook whose every graded cell was deleted, the hidden checks and the visible tests
(among them one that follows a text cell, which nbgrader's own re-insertion cannot place).
attacks: nothing: its full credit must survive nbgrader's autograde as it does bnkit grade
starts from: complete
"""


def tamper(nb):
    nb.cells = [c for c in nb.cells if not c.metadata.get('nbgrader', {}).get('grade')
                or c.metadata['nbgrader'].get('solution')]
    return nb
