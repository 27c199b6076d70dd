"""Taking a submission's code out of its notebook, without running anything.

The solution cells are found by nbgrader's metadata; when that was damaged,
by the names the assignment's checks need (``Assignment.needed_names``), keeping only the
definitions of the cells that define them. Top-level imports of every code
cell come along (each one runs on its own, so a failing import costs nothing
else); the heavy experiment cells never do. IPython magics and shell lines
are dropped. Every cell is compiled here, so a syntax error is reported with
its cell and line and only that cell is left out.
"""
import ast
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path



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
    """The cells of the notebook at ``path``; ``raw``, when given, is its content already read (``path`` then
    only names it in messages)."""
    path = Path(path)
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise NotebookError('%s: cannot be read (%s)' % (path, exc.strerror or exc)) from None
    try:
        nb = json.loads(raw.decode('utf-8'))
    except (UnicodeDecodeError, ValueError) as exc:
        raise NotebookError('%s: not a valid notebook file (the JSON does not parse: %s)' % (path.name, exc)) from None
    if isinstance(nb, dict) and isinstance(nb.get('nbformat'), int) and nb['nbformat'] < 4:
        raise NotebookError('%s: saved in the old notebook format %d; open it in Jupyter and save it again '
                            '(format 4)' % (path.name, nb['nbformat']))
    if not isinstance(nb, dict) or not isinstance(nb.get('cells'), list):
        raise NotebookError('%s: not a Jupyter notebook (no list of cells)' % path.name)
    cells = []
    for cell in nb['cells']:
        if not isinstance(cell, dict):
            continue
        source = cell.get('source', '')
        if isinstance(source, list):
            source = ''.join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            source = ''
        meta = cell.get('metadata') if isinstance(cell.get('metadata'), dict) else {}
        nbg = meta.get('nbgrader') if isinstance(meta.get('nbgrader'), dict) else {}
        cells.append({'type': cell.get('cell_type'), 'source': source, 'nbgrader': nbg})
    return cells


def _parse(label, source, messages):
    try:
        return ast.parse(source, filename=label)
    except SyntaxError as exc:
        messages.append('%s has a syntax error on line %s: %s. The grader left that cell out; names it '
                        'defines are missing.' % (label, exc.lineno, exc.msg))
        return None


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
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always', SyntaxWarning)
        try:
            compile(source, label, 'exec', dont_inherit=True)
        except (SyntaxError, ValueError):
            return []
    found = []
    for w in caught:
        if issubclass(w.category, SyntaxWarning):
            text = str(w.message)
            if '"is' in text and 'literal' in text:
                text += (' `is` asks whether two objects are the same object, not whether they are equal; with '
                         'strings it works only by accident. Compare values with == and !=')
            found.append('%s, line %s: Python warns: %s' % (label, w.lineno, text))
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
    result = Extraction()
    code_cells = [(i, c) for i, c in enumerate(cells) if c['type'] == 'code']
    solution = [(i, c) for i, c in code_cells if c['nbgrader'].get('solution')]
    imports = []
    solution_indices = {i for i, _ in solution}
    for i, cell in code_cells:
        if i in solution_indices:
            continue
        tree = _parse('cell %d' % (i + 1), strip_magics(cell['source']), [])
        if tree is not None:
            imports.extend(_top_level_imports(tree, strip_magics(cell['source'])))
    needed = assignment.needed_names
    result.cells.append({'label': 'setup', 'source': assignment.setup_source})
    result.cells.extend({'label': 'import in your notebook', 'source': line} for line in dict.fromkeys(imports))

    if solution:
        for i, cell in solution:
            label = 'the cell %s' % (cell['nbgrader'].get('grade_id') or 'number %d' % (i + 1))
            source = strip_magics(cell['source'])
            if _parse(label, source, result.messages) is not None:
                result.cells.append({'label': label, 'source': source})
                result.messages.extend(compile_warnings(label, source))
        return result

    # Damaged metadata: look for the cells that define what the checks need.
    result.method = 'names'
    result.messages.append('The notebook has no nbgrader solution cells (its metadata may have been damaged); '
                           'the grader looked for your code by the names %s.' % ', '.join(needed))
    found = set()
    for i, cell in code_cells:
        label = 'cell %d' % (i + 1)
        source = strip_magics(cell['source'])
        try:
            tree = ast.parse(source)
        except SyntaxError:
            if any(('def %s' % n in source or 'class %s' % n in source) for n in needed):
                _parse(label, source, result.messages)
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
