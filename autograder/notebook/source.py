"""Read an assignment's notebook source: ``notebook.py`` in Jupytext's percent format, cell attributes checked.

A cell header carries attributes, ``# %% bnkit="checks" id="check_fc_net" checks="fc_net_init" part="..."``:

    bnkit="guide"      markdown: its text, then the student's guide (autograder.notebook.student_guide)
    bnkit="solution"   replaced by the reference code of CELLS[id] (the cell's own text is a runnable stub)
    bnkit="tests"      visible tests: a locked grade cell worth 0 points
    bnkit="checks"     the hidden call of the checks named in ``checks=``, in the notebook part ``part=``
    bnkit="answer"     markdown: the hand-graded answer cell of the Question whose id is ``id=``
    bnkit="note"       a note for the notebook's authors, left out of the build
    (no bnkit=)        a locked cell, as written

Every problem is a ``NotebookSourceError`` naming the file, the line of the cell's header and its id.
Jupytext is an instructor's tool: only the notebook build and the guide import this module.
"""
import re
from dataclasses import dataclass

KINDS = ('guide', 'solution', 'tests', 'checks', 'answer', 'note')
ATTRIBUTES = ('bnkit', 'id', 'checks', 'part')     # the only cell attributes a source may use
MARKDOWN_ONLY = ('guide', 'answer', 'note')
CODE_ONLY = ('solution', 'tests', 'checks')
# Jupytext's own notes on a cell's layout in the file (blank lines kept around it), not attributes.
JUPYTEXT_LAYOUT = ('lines_to_next_cell', 'lines_to_end_of_cell_marker', 'cell_marker')
CELL_MARKER = re.compile(r'^# %%(?!%)')


class NotebookSourceError(ValueError):
    """A notebook source the build cannot turn into an nbgrader notebook."""


@dataclass(frozen=True)
class SourceCell:
    cell_type: str          # 'code' or 'markdown'
    kind: str               # one of KINDS, or None for a plain cell
    id: str                 # the grade_id it asks for, or None
    text: str
    checks: tuple = ()      # checks cells: the check names, in order
    part: str = None        # checks cells: the notebook part's title
    where: str = ''         # 'path:line (cell id)' for error messages

    def error(self, message):
        return NotebookSourceError('%s: %s' % (self.where, message))


def _header_lines(path, count):
    """The line number of each cell header, when every cell starts at one (else None for all)."""
    lines = [n for n, line in enumerate(path.read_text().splitlines(), 1) if CELL_MARKER.match(line)]
    return lines if len(lines) == count else [None] * count


def read_cells(path):
    """[SourceCell] of the percent-format file at ``path``, each cell's attributes checked on its own."""
    import jupytext
    try:
        nb = jupytext.read(str(path), fmt='py:percent')
    except Exception as exc:
        raise NotebookSourceError('%s: not a readable Jupytext percent-format file: %s' % (path, exc)) from None
    cells = []
    for number, (cell, line) in enumerate(zip(nb.cells, _header_lines(path, len(nb.cells))), 1):
        meta = {k: v for k, v in cell.metadata.items() if k not in JUPYTEXT_LAYOUT}
        where = '%s:%s (cell %d%s)' % (path, line if line else '?', number,
                                       ', id=%s' % meta['id'] if 'id' in meta else '')
        unknown = sorted(set(meta) - set(ATTRIBUTES))
        if unknown:
            raise NotebookSourceError('%s: unknown cell attribute %s; a cell may have %s'
                                      % (where, ', '.join(unknown), ', '.join(ATTRIBUTES)))
        kind = meta.get('bnkit')
        if kind is not None and kind not in KINDS:
            raise NotebookSourceError('%s: bnkit=%r is not one of %s' % (where, kind, ', '.join(KINDS)))
        if kind in MARKDOWN_ONLY and cell.cell_type != 'markdown' or kind in CODE_ONLY and cell.cell_type != 'code':
            raise NotebookSourceError('%s: a bnkit=%r cell must be a %s cell' % (
                where, kind, 'markdown' if kind in MARKDOWN_ONLY else 'code'))
        if kind in ('solution', 'tests', 'checks', 'answer') and not meta.get('id'):
            raise NotebookSourceError('%s: a bnkit=%r cell needs id="..." (its grade_id)' % (where, kind))
        if ('checks' in meta or 'part' in meta) and kind != 'checks':
            raise NotebookSourceError('%s: checks= and part= belong on bnkit="checks" cells only' % where)
        checks = tuple(str(meta.get('checks', '')).split())
        if kind == 'checks' and not (checks and meta.get('part')):
            raise NotebookSourceError('%s: a bnkit="checks" cell needs checks="name ..." and part="..."' % where)
        cells.append(SourceCell(cell.cell_type, kind, meta.get('id'), cell.source.strip(), checks,
                                meta.get('part'), where))
    ids = [c.id for c in cells if c.id]
    for cell in cells:
        if cell.id and ids.count(cell.id) > 1:
            raise cell.error('id %r is used by %d cells' % (cell.id, ids.count(cell.id)))
    return cells


def checks_cells(assignment, cells=None):
    """The notebook's bnkit="checks" cells, after checking that they call every check exactly once."""
    cells = read_cells(assignment.notebook_file) if cells is None else cells
    found = [c for c in cells if c.kind == 'checks']
    seen = {}
    for cell in found:
        for name in cell.checks:
            if name not in assignment.by_name:
                raise cell.error('%r is not a check of %s (checks.py has: %s)'
                                 % (name, assignment.name, ', '.join(assignment.by_name)))
            if name in seen:
                raise cell.error('check %r is already called by the cell %s' % (name, seen[name].where))
            seen[name] = cell
    missing = [spec.name for spec in assignment.checks if spec.name not in seen]
    if missing:
        raise NotebookSourceError('%s: no bnkit="checks" cell calls %s; every check needs exactly one'
                                  % (assignment.notebook_file, ', '.join(missing)))
    return found


def parts(assignment, cells=None):
    """[(part title, (check names))] in notebook order, from the notebook's checks cells."""
    return [(cell.part, cell.checks) for cell in checks_cells(assignment, cells)]
