"""In-kernel cheats: hostile submissions aimed at nbgrader's autograde rather than at ``bnkit grade``.

Each is a Python file in ``attacks/in_kernel/``: its docstring's first line says what it does and its
``attacks:`` line what it aims at (the kernel's scorer, nbgrader's grade rule, the answer key, classmates,
the gradebook, the outputs nbgrader reads points from), read as the hostile attacks' headers are
(``autograder.validation.attack_files``). A cheat's submission is the untouched release with
the cheat's code at the top of its first solution cell, so it may earn no more than the untouched release.
They are judged by outcome, through nbgrader's own export (``tests/course_cheats.py``).
"""
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.validation.attack_files import FOLDER, read_header

ATTACKS = FOLDER / 'in_kernel'


@dataclass(frozen=True)
class Cheat:
    name: str
    summary: str      # what it does
    attacks: str      # what it aims at
    source: str       # the whole file, header and all


def cheats(folder=ATTACKS):
    """Every cheat of the folder, by name."""
    found = []
    for path in sorted(Path(folder).glob('*.py')):
        summary, header, _ = read_header(path, ('attacks',))
        found.append(Cheat(path.stem, summary, header['attacks'], path.read_text()))
    return found


def cheat_notebook(release_notebook, cheat):
    """The untouched release with the cheat's code at the top of its first solution cell."""
    nb = nbformat.read(str(release_notebook), as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == 'code' and c.metadata.get('nbgrader', {}).get('solution'))
    cell.source = cheat.source + '\n\n' + cell.source
    return nb
