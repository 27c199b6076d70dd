"""Tampered notebooks: submissions whose nbgrader metadata was edited by hand rather than whose code attacks.

Each is a Python file in ``attacks/tampered_metadata/``: its docstring's first line says what the edit does,
its ``attacks:`` line what it aims at, and its ``starts from:`` line which notebook it edits, the untouched
release (a cheat, which may earn no more than the release) or the complete answer (an honest student whose
stray metadata must not cost the full credit). Its ``tamper(nb)`` returns the edited notebook. They are
handed in beside the in-kernel cheats and judged through nbgrader's export (``course_class``).
"""
import copy
from dataclasses import dataclass
from pathlib import Path

from autograder.validation.attack_files import FOLDER, read_header

TAMPERINGS = FOLDER / 'tampered_metadata'
STARTS = ('release', 'complete')


@dataclass(frozen=True)
class Tampering:
    name: str
    summary: str       # what the edit does
    attacks: str       # what it aims at
    starts_from: str   # 'release' (a cheat) or 'complete' (an honest student)
    path: Path

    def notebook(self, release, complete):
        """The edited copy of the release or of the complete notebook."""
        namespace = {}
        exec(compile(self.path.read_text(), str(self.path), 'exec'), namespace)
        return namespace['tamper'](copy.deepcopy(release if self.starts_from == 'release' else complete))


def tamperings(folder=TAMPERINGS):
    """Every tampering of the folder, by name."""
    found = []
    for path in sorted(Path(folder).glob('*.py')):
        summary, header, _ = read_header(path, ('attacks', 'starts from'))
        if header['starts from'] not in STARTS:
            raise ValueError('%s: "starts from:" is one of %s, not %r' % (path, ', '.join(STARTS), header['starts from']))
        found.append(Tampering(path.stem, summary, header['attacks'], header['starts from'], path))
    return found
