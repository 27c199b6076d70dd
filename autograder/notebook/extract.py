"""Taking a submission's code out of its notebook, without running anything.

The solution cells are found by nbgrader's metadata; when that was damaged,
by the names the assignment's checks need (``Assignment.needed_names``), keeping only the
definitions of the cells that define them. Top-level imports of every code
cell come along (each one runs on its own, so a failing import costs nothing
else); the heavy experiment cells never do. IPython magics and shell lines
are dropped. Every cell is compiled here, so a syntax error is reported with
its cell and line and only that cell is left out.

The notebook is the student's: its bytes are decoded with every size bounded (``bounded_json``), each part
nbformat fixes the type of is checked (a part of the wrong type is reported and its cell read without it),
and each cell's code is parsed only below a size limit, with whatever Python's parser and compiler raise
on pathological code (deep nesting, endless expressions, null bytes) caught and reported. Nothing a
notebook holds makes reading it raise anything but NotebookError.
"""
import ast
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from autograder.notebook.bounded_json import JSONRejected, loads

# Measured on the release of BatchNormalization filled with the reference: 30 cells, 22,000 characters of
# code in all, the largest code cell 5,800. A cell thirty times that size is pasted data, not a solution.
MAX_CELLS = 10_000              # a notebook with more is not one a student wrote
MAX_CELL_CHARS = 200_000        # one code cell: parsed and compiled in a second or so, even of tiny functions
MAX_CODE_CHARS = 1_000_000      # all code cells together (~45x): what the grader parses of one notebook
# nbgrader's own rule for a grade_id (its metadata schema), with a length that keeps a label a label.
GRADE_ID = re.compile(r'[A-Za-z0-9_-]{1,100}')
MAX_PROBLEMS_SHOWN = 10         # damaged cells, or a cell's warnings, named in the feedback; the rest counted


class NotebookError(Exception):
    """The file is not a notebook the grader can read; the message names the file and the problem."""


@dataclass
class Extraction:
    cells: list = field(default_factory=list)      # [{'label', 'source'}] in notebook order
    messages: list = field(default_factory=list)   # for the student's feedback
    method: str = 'metadata'


def strip_magics(source):
    """Comment out IPython magics and shell escapes, keeping line numbers."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        lines.append(line[:len(line) - len(stripped)] + '# ' + stripped if stripped.startswith(('%', '!')) else line)
    return '\n'.join(lines)


def read_notebook(path, raw=None):
    """The cells of the notebook at ``path`` ({'type', 'source', 'nbgrader', 'problems'}); ``raw``, when given,
    is its content already read (``path`` then only names it in messages). Raises NotebookError naming the
    file and what is wrong when it is not a format-4 notebook within the limits."""
    path = Path(path)
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise NotebookError('%s: cannot be read (%s)' % (path, exc.strerror or exc)) from None
    try:
        nb = loads(raw)
    except JSONRejected as exc:
        raise NotebookError('%s: not a valid notebook file (%s)' % (path.name, exc)) from None
    if not isinstance(nb, dict):
        raise NotebookError('%s: not a Jupyter notebook (its JSON is %s, not an object)' % (path.name, kind_of(nb)))
    version = nb.get('nbformat')
    if type(version) is not int or version < 1:
        raise NotebookError('%s: not a Jupyter notebook (it names no notebook format)' % path.name)
    if version < 4:
        raise NotebookError('%s: saved in the old notebook format %d; open it in Jupyter and save it again '
                            '(format 4)' % (path.name, version))
    if version > 4:
        raise NotebookError('%s: saved in notebook format %d, which the grader does not read (it reads format 4)'
                            % (path.name, version))
    if not isinstance(nb.get('cells'), list):
        raise NotebookError('%s: not a Jupyter notebook (no list of cells)' % path.name)
    if len(nb['cells']) > MAX_CELLS:
        raise NotebookError('%s: it has %d cells, more than the %d the grader reads'
                            % (path.name, len(nb['cells']), MAX_CELLS))
    cells = [_cell(number, cell) for number, cell in enumerate(nb['cells'], start=1)]
    code = sum(len(cell['source']) for cell in cells if cell['type'] == 'code')
    if code > MAX_CODE_CHARS:
        raise NotebookError('%s: its code cells hold %d characters, more than the %d the grader reads (move '
                            'pasted data out of them)' % (path.name, code, MAX_CODE_CHARS))
    return cells


def kind_of(value):
    """The JSON name of a value's type, for messages that must not show the value."""
    for types, name in ((dict, 'an object'), (list, 'an array'), (str, 'a string'), (bool, 'true or false'),
                        ((int, float), 'a number')):
        if isinstance(value, types):
            return name
    return 'null'


def _cell(number, cell):
    """One cell as the grader reads it. A part whose type is not nbformat's is a problem, said in a sentence
    for the feedback, and the cell is read without that part; never an error."""
    label = 'Cell %d' % number
    if not isinstance(cell, dict):
        return {'type': None, 'source': '', 'nbgrader': {}, 'problems': [
            '%s is %s, not a cell: the grader left it out.' % (label, kind_of(cell))]}
    problems = []
    kind = cell.get('cell_type')
    if not isinstance(kind, str):
        problems.append('%s has no cell type: the grader left it out.' % label)
        kind = None
    source = cell.get('source', '')
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        source = ''.join(source)
    elif isinstance(source, list):
        problems.append("%s's source has a line that is not text: the grader left that cell out." % label)
        source = ''
    elif not isinstance(source, str):
        problems.append("%s's source is %s, not text: the grader left that cell out." % (label, kind_of(source)))
        source = ''
    meta = cell.get('metadata', {})
    if not isinstance(meta, dict):
        problems.append("%s's metadata is %s, not an object: the grader read the cell without it."
                        % (label, kind_of(meta)))
        meta = {}
    nbg = meta.get('nbgrader', {})
    if not isinstance(nbg, dict):
        problems.append("%s's nbgrader metadata is %s, not an object: the grader read the cell without it."
                        % (label, kind_of(nbg)))
        nbg = {}
    grade_id, solution = nbg.get('grade_id') or None, nbg.get('solution', False)
    if grade_id is not None and not (isinstance(grade_id, str) and GRADE_ID.fullmatch(grade_id)):
        problems.append("%s's nbgrader grade_id is not an nbgrader id (letters, digits, _ and -): the grader "
                        'ignored it.' % label)
        grade_id = None
    if not isinstance(solution, bool):
        problems.append("%s's nbgrader solution flag is %s, not true or false: the grader read the cell as no "
                        'solution cell.' % (label, kind_of(solution)))
        solution = False
    return {'type': kind, 'source': source, 'nbgrader': {'grade_id': grade_id, 'solution': solution},
            'problems': problems}


def problems_of(cells):
    """The feedback's sentences about the cells that do not follow the notebook format, the first few named."""
    problems = [p for cell in cells for p in cell['problems']]
    shown = problems[:MAX_PROBLEMS_SHOWN]
    if len(problems) > len(shown):
        shown.append('%d more problems like these in other cells.' % (len(problems) - len(shown)))
    return shown


def read_cell(label, source, compiles=False):
    """(the cell's syntax tree, Python's warnings as feedback, None), or (None, [], why the grader left it out).

    ``compiles``: also compile it, as the worker will (some errors only the compiler finds), keeping its
    SyntaxWarnings. Never raises: besides SyntaxError, Python's parser and compiler raise RecursionError or
    MemoryError on code nested deeply or chained long (``((((...``, ``1+1+...+1``), and ValueError on a
    character that is not source; each of these cells is left out, with the reason.
    """
    left_out = 'The grader left that cell out; names it defines are missing.'
    if len(source) > MAX_CELL_CHARS:
        return None, [], '%s holds %d characters, more than the %d a cell may have. %s' % (
            label, len(source), MAX_CELL_CHARS, left_out)
    if '\x00' in source:     # Python says so with a SyntaxError without a line (a ValueError in older versions)
        return None, [], '%s holds a null character, which Python source cannot hold. %s' % (label, left_out)
    try:
        tree = ast.parse(source, filename=label)
        found = _compiled(label, source) if compiles else []
    except SyntaxError as exc:
        where = ' on line %d' % exc.lineno if exc.lineno else ''
        return None, [], '%s has a syntax error%s: %s. %s' % (label, where, exc.msg, left_out)
    except (RecursionError, MemoryError):
        return None, [], '%s nests too deeply or runs too long in one expression for Python to compile. %s' % (
            label, left_out)
    except ValueError:      # a character the compiler cannot encode (a lone surrogate)
        return None, [], '%s holds a character that is not Python source. %s' % (label, left_out)
    return tree, found, None


# Plotting is never graded, and the lean grading install has no matplotlib: its imports stay behind.
PLOTTING_MODULES = ('matplotlib',)


def _imports_plotting(node):
    names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or '']
    return any(name.split('.')[0] in PLOTTING_MODULES for name in names)


def compile_warnings(label, source):
    """Python's own SyntaxWarnings for a cell (compiled here, never run), as feedback.

    The one that matters is ``is`` / ``is not`` against a literal (``mode is 'train'``): it compares
    identity, not value, and works only by the accident of string interning. The grader interns the
    strings it passes, as the notebook's literals are, so such code is graded as it ran in the notebook;
    this message tells the student to fix it anyway.
    """
    try:
        return _compiled(label, source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []


def _compiled(label, source):
    """compile_warnings, raising what compile() raises."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always', SyntaxWarning)
        compile(source, label, 'exec', dont_inherit=True)
    found = []
    for w in caught:
        if issubclass(w.category, SyntaxWarning):
            text = str(w.message)
            if '"is' in text and 'literal' in text:
                text += (' `is` asks whether two objects are the same object, not whether they are equal; with '
                         'strings it works only by accident. Compare values with == and !=')
            found.append('%s, line %s: Python warns: %s' % (label, w.lineno, text))
    if len(found) > MAX_PROBLEMS_SHOWN:
        found[MAX_PROBLEMS_SHOWN:] = ['%s: %d more warnings like these.' % (label, len(found) - MAX_PROBLEMS_SHOWN)]
    return found


def _top_level_imports(tree, source):
    lines = source.splitlines()
    out = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) and not _imports_plotting(node):
            out.append('\n'.join(lines[node.lineno - 1:node.end_lineno]))
    return out


def _definitions(tree, source):
    lines = source.splitlines()
    keep = (ast.FunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)
    return '\n'.join('\n'.join(lines[(node.decorator_list[0].lineno if getattr(node, 'decorator_list', None)
                                      else node.lineno) - 1:node.end_lineno])
                     for node in tree.body if isinstance(node, keep))


def extract(assignment, path, raw=None):
    """Extraction of the notebook at path (or of ``raw``, its bytes); raises NotebookError when it cannot be
    read at all."""
    cells = read_notebook(path, raw)
    result = Extraction(messages=problems_of(cells))
    code_cells = [(i, c) for i, c in enumerate(cells) if c['type'] == 'code']
    solution = [(i, c) for i, c in code_cells if c['nbgrader'].get('solution')]
    imports = []
    solution_indices = {i for i, _ in solution}
    for i, cell in code_cells:
        source = strip_magics(cell['source'])
        if i in solution_indices or 'import' not in source:     # no import to take: nothing to parse
            continue
        tree, _, _ = read_cell('cell %d' % (i + 1), source)
        if tree is not None:
            imports.extend(_top_level_imports(tree, source))
    needed = assignment.needed_names
    result.cells.append({'label': 'setup', 'source': assignment.setup_source})
    result.cells.extend({'label': 'import in your notebook', 'source': line} for line in dict.fromkeys(imports))

    if solution:
        for i, cell in solution:
            label = 'the cell %s' % (cell['nbgrader'].get('grade_id') or 'number %d' % (i + 1))
            source = strip_magics(cell['source'])
            tree, found, why = read_cell(label, source, compiles=True)
            if tree is None:
                result.messages.append(why)
                continue
            result.cells.append({'label': label, 'source': source})
            result.messages.extend(found)
        return result

    # Damaged metadata: look for the cells that define what the checks need.
    result.method = 'names'
    result.messages.append('The notebook has no nbgrader solution cells (its metadata may have been damaged); '
                           'the grader looked for your code by the names %s.' % ', '.join(needed))
    found = set()
    for i, cell in code_cells:
        label = 'cell %d' % (i + 1)
        source = strip_magics(cell['source'])
        tree, _, why = read_cell(label, source)
        if tree is None:
            if any(('def %s' % n in source or 'class %s' % n in source) for n in needed):
                result.messages.append(why)
            continue
        defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        if defined:
            # Every cell's definitions come along (never its statements): the needed functions may call
            # helpers the student wrote elsewhere, such as a sandwich layer.
            found |= defined
            result.cells.append({'label': label, 'source': _definitions(tree, source)})
    if not found & set(needed):
        result.messages.append('No cell defines %s: nothing of yours could be graded.' % ', '.join(needed))
    return result
