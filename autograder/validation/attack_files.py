"""Attacks kept as Python files under ``attacks/``: a docstring header, then the attack's code.

The header's prose says what the attack does; its ``key: value`` lines say the rest (the in-kernel cheats'
``attacks:``; a hostile attack's ``attacks:``, ``earns_nothing_in:`` and ``containment:``, see ``autograder.validation
.hostile``). The files are valid Python, so ruff lints them; what makes a file a cell again:

- an import ``from autograder.validation.attacks.shared.<piece> import ...`` stands for that shared piece's
  code, written in where it is imported;
- a trailing ``# noqa: ...`` is the linter's, not the attack's: it is dropped (an attack says F821 where it
  uses the notebook's ``np`` without importing it, E401 where it imports several modules on one line);
- ``TARGET_FORWARD``, ``TARGET_BACKWARD``, ``ANSWERS_MODULE`` and ``ANSWERS_FILE`` are the names each
  assignment gives (its forward and backward functions, the module and file of the answer key's backward),
  and ``def TARGET_FORWARD(...):`` stands for the forward's whole first line as the assignment writes it;
- a cell whose shape is the attack (deeper than the parser goes, longer than any solution) is written as
  ``CELL = <string constants joined by + and *>``.
"""
import ast
import re
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / 'attacks'
SHARED = FOLDER / 'shared'

SHARED_IMPORT = re.compile(r'^from autograder\.validation\.attacks\.shared\.(\w+) import .*\n', re.M)
LINTER_NOTE = re.compile(r'  # noqa: [A-Z0-9, ]+$', re.M)
# The assignment's names as the files spell them -> the catalogue's placeholders (hostile.placeholders).
NAMES = {'TARGET_FORWARD': '@forward@', 'TARGET_BACKWARD': '@backward@', 'ANSWERS_MODULE': '@answers_module@',
         'ANSWERS_FILE': '@answers_file@'}
FIRST_LINE = re.compile(r'^def TARGET_(FORWARD|BACKWARD)\(.*\):$', re.M)


def read_header(path, keys):
    """(the header's prose on one line, {key: value} for each of ``keys``, the code after the header)."""
    source = Path(path).read_text()
    header = ast.parse(source).body[0]
    if not isinstance(header, ast.Expr) or not isinstance(header.value, ast.Constant):
        raise ValueError('%s: an attack file starts with a docstring header' % path)
    prose, fields = [], {}
    for line in header.value.value.splitlines():
        key, _, value = line.partition(':')
        if key in keys:
            fields[key] = value.strip()
        elif line.strip():
            prose.append(line.strip())
    missing = [key for key in keys if key not in fields]
    if not prose or missing:
        raise ValueError('%s: the header must say what the attack does and have the lines %s'
                         % (path, ', '.join(k + ':' for k in keys)))
    return ' '.join(prose), fields, ''.join(source.splitlines(keepends=True)[header.end_lineno:])


def cell_code(code):
    """An attack file's code as its cell holds it, the assignment's names still placeholders."""
    statements = ast.parse(code).body if code.startswith('CELL = ') else ()
    if len(statements) == 1 and isinstance(statements[0], ast.Assign):
        return constant(statements[0].value)
    code = SHARED_IMPORT.sub(lambda found: cell_code(read_header(SHARED / (found[1] + '.py'), ())[2]), code)
    return as_placeholders(FIRST_LINE.sub(lambda found: '@%s_def@' % found[1].lower(), LINTER_NOTE.sub('', code)))


def as_placeholders(text):
    """The text with the assignment's names as the files spell them turned into placeholders."""
    for name, placeholder in NAMES.items():
        text = text.replace(name, placeholder)
    return text


def constant(node):
    """The value of an expression of string and integer constants joined by + and *."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult)):
        left, right = constant(node.left), constant(node.right)
        return left + right if isinstance(node.op, ast.Add) else left * right
    raise ValueError('CELL must be string and integer constants joined by + and *')
