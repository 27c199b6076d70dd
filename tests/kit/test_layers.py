"""The kit's layers point one way: the picture in docs/architecture.md is import-linter's contract in
pyproject.toml, no two modules import each other (directly or round a longer loop), and imports sit at the
top of a module but where a reason allows them inside a function. (`lint-imports` itself runs in
scripts/test.sh, the test command.)"""
import ast
import re
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]

# Imported where used, for a reason: optional dependencies that the lean grading install leaves out, and
# the sandbox's own programs, which import only once they are locked down.
OPTIONAL = {'matplotlib', 'copydetect', 'markupsafe', 'jupytext', 'pyseccomp', 'nbgrader', 'traitlets',
            'nbconvert', 'ipykernel'}
LAZY_BY_DESIGN = {'autograder/sandbox/worker_main.py', 'autograder/sandbox/kernel_main.py'}
STUDENT_CODE = 'autograder/validation/attacks/'     # written as students write, imports and all


def contract_layers():
    config = tomllib.loads((ROOT / 'pyproject.toml').read_text())['tool']['importlinter']['contracts']
    layers = next(c for c in config if c['type'] == 'layers')['layers']
    return [name.removeprefix('autograder.') for name in layers]


def test_the_picture_is_the_contract():
    text = (ROOT / 'docs' / 'architecture.md').read_text()
    chart = re.search(r'```mermaid\nflowchart TD\n(.*?)```', text, re.S)
    assert chart, 'docs/architecture.md has no mermaid picture of the layers'
    drawn = [node.strip() for node in chart.group(1).strip().split('-->')]
    assert drawn == contract_layers()
    for layer in drawn:
        assert re.search(r'^- `%s`: ' % re.escape(layer), text, re.M), 'the picture does not say what %s is' % layer


def strongly_connected(graph, modules):
    """Tarjan's components of more than one module (the import cycles)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph.find_modules_directly_imported_by(module):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = set()
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.add(other)
                if other == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle():
    graph = grimp.build_graph('autograder', 'cs231n', include_external_packages=False)
    assert strongly_connected(graph, graph.modules) == []


def function_local_imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    yield from ((inner.lineno, alias.name) for alias in inner.names)
                elif isinstance(inner, ast.ImportFrom) and inner.level == 0:
                    yield inner.lineno, inner.module


def test_imports_are_at_the_top_but_for_a_reason():
    found = []
    for path in sorted((ROOT / 'autograder').rglob('*.py')):
        name = str(path.relative_to(ROOT))
        if name.startswith(('autograder/cli/', STUDENT_CODE)) or name in LAZY_BY_DESIGN:
            continue    # a subcommand's module is loaded only when it runs, so `bnkit --help` stays quick
        found += ['%s:%d %s' % (name, line, module) for line, module in function_local_imports(path)
                  if module.split('.')[0] not in OPTIONAL]
    assert found == []
