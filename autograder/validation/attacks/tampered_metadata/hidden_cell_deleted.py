"""Deletes the hidden-check cells, hoping a check that never ran costs nothing.
attacks: the hidden checks, by removing their cells
starts from: release
"""


def tamper(nb):
    nb.cells = [c for c in nb.cells if not (c.metadata.get('nbgrader', {}).get('grade')
                                            and c.metadata['nbgrader'].get('points'))]
    return nb
