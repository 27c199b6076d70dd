"""The engine's tests need none of the kit's assignments: they name none, import none, and see the fixture alone."""
import ast
from pathlib import Path

from autograder import ROOT, assignment

ROOM = Path(__file__).resolve().parent
KIT_ASSIGNMENTS = {p.name for p in (ROOT / 'autograder' / 'assignments').iterdir() if (p / '__init__.py').is_file()}
# What belongs to the kit's assignments: their packages, their answer keys, their notebooks' helpers.
OFF_LIMITS = ('autograder.assignments.', 'solutions', 'tests.notebooks', 'tests.assignments')


def imported(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_no_module_of_this_room_names_or_imports_a_kit_assignment():
    assert len(KIT_ASSIGNMENTS) >= 2
    for path in sorted(ROOM.glob('*.py')):
        tree = ast.parse(path.read_text())
        modules = [m for m in imported(tree) if m.startswith(OFF_LIMITS) or m == 'autograder.assignments']
        assert modules == [], (path.name, modules)
        words = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        words |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        named = {name for name in KIT_ASSIGNMENTS for word in words if name in word}
        assert named == set(), (path.name, named)


def test_this_room_sees_the_fixture_alone():
    assert list(assignment.assignments()) == ['Scale']
