"""Build an assignment's nbgrader source notebook from its notebook source and the reference code.

    python -m autograder.notebook.build                    # every assignment: write source/<Name>/<Name>.ipynb
    python -m autograder.notebook.build --assignment NAME  # one assignment
    python -m autograder.notebook.build --check            # exit 1, naming it, if a committed notebook is stale

The text and the visible tests come from the assignment's ``notebook.py`` (Jupytext percent format, read by
``autograder.notebook.source``, which describes the cell attributes). The build injects only what another
file states:

- the solution cells: the reference code of ``cells.py`` (``Assignment.reference_cells``) with
  ``### BEGIN SOLUTION`` / ``### END SOLUTION`` around every function body, so signatures and contract
  docstrings stay visible in the student release;
- the checks cells: graded cells worth the sum of their checks' points (``checks.py``), scored in the sandbox;
- the answer cells: the points of their ``Question`` (the assignment's manifest);
- the guide cell: the student's guide (``autograder.notebook.student_guide``), after the cell's own text.
"""
import argparse
import ast
import sys

import nbformat

from autograder.assignment import AssignmentError, assignments, get
from autograder.notebook import student_guide
from autograder.notebook.source import NotebookSourceError, checks_cells, read_cells

KERNELSPEC = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
BEGIN, END = '### BEGIN SOLUTION', '### END SOLUTION'


def mark_solution_regions(source):
    """Wrap the body (after the docstring) of every top-level function and method in solution markers."""
    tree = ast.parse(source)
    functions = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            functions.append(node)
        elif isinstance(node, ast.ClassDef):
            functions.extend(n for n in node.body if isinstance(n, ast.FunctionDef))
    lines = source.splitlines()
    for fn in sorted(functions, key=lambda n: n.lineno, reverse=True):
        first = fn.body[0]
        has_doc = isinstance(first, ast.Expr) and isinstance(getattr(first, 'value', None), ast.Constant) \
            and isinstance(first.value.value, str)
        start = first.end_lineno if has_doc else fn.body[0].lineno - 1   # 0-based index of the region's first line
        end = fn.end_lineno                                               # 0-based index one past the region
        body_line = next(line for line in lines[start:end] if line.strip())
        indent = body_line[:len(body_line) - len(body_line.lstrip())]
        lines[end:end] = [indent + END]
        lines[start:start] = [indent + BEGIN]
    return '\n'.join(lines)


def strip_solution_markers(source):
    """The inverse of mark_solution_regions: the reference code exactly."""
    return '\n'.join(line for line in source.splitlines() if line.strip() not in (BEGIN, END))


# ------------------------------------------------------------------ nbgrader cells

def _meta(grade_id, *, solution=False, grade=False, locked=True, points=None):
    meta = {'grade': grade, 'grade_id': grade_id, 'locked': locked, 'schema_version': 3,
            'solution': solution, 'task': False}
    if points is not None:
        meta['points'] = points
    return {'nbgrader': meta}


def plain(cell_type, grade_id, text):
    """A locked, read-only cell, as written."""
    new = nbformat.v4.new_markdown_cell if cell_type == 'markdown' else nbformat.v4.new_code_cell
    return new(text.strip(), metadata=_meta(grade_id))


def solution(grade_id, reference):
    return nbformat.v4.new_code_cell(mark_solution_regions(reference), metadata=_meta(grade_id, solution=True,
                                                                                       locked=False))


def visible_tests(grade_id, text):
    """A locked cell of sanity checks students run; it fails with a readable message, and grants no points.

    It is a grade cell worth 0 points: nbgrader's Validate lists a 0-point grade cell that raised, so
    Validate fails on every unfinished part, while the score stays exactly the hidden checks'.
    """
    return nbformat.v4.new_code_cell(text.strip(), metadata=_meta(grade_id, grade=True, points=0))


def hidden_tests(assignment, grade_id, check_names):
    """A locked, graded cell whose points are the checks' partial credit, measured in the kit's sandbox.

    It computes nothing in the kernel: in the course, ``autograder.course.grades.SandboxGrades`` writes its
    output from ``bnkit grade``'s results of the submitted file, and nbgrader reads the points from that.
    Its hidden block only raises, so a course that autogrades without that preprocessor gives no points
    rather than points the student's code could forge; the student's release shows the comment alone.
    """
    specs = [assignment.by_name[name] for name in check_names]
    points = sum(spec.points for spec in specs)
    text = ('# Hidden checks (%g points), run by the grader in its sandbox when your notebook is graded: %s.\n'
            '### BEGIN HIDDEN TESTS\n'
            'raise RuntimeError("this cell is scored by bnkit\'s sandboxed grading (SandboxGrades in the course\'s "\n'
            '                   "nbgrader_config.py), which did not run")\n'
            '### END HIDDEN TESTS'
            % (points, '; '.join(spec.title for spec in specs)))
    return nbformat.v4.new_code_cell(text, metadata=_meta(grade_id, grade=True, points=points))


def answer(grade_id, text, points):
    """A hand-graded markdown cell: the student writes in it, a person grades it."""
    return nbformat.v4.new_markdown_cell(text.strip(), metadata=_meta(grade_id, solution=True, grade=True,
                                                                      locked=False, points=points))


# ------------------------------------------------------------------ the notebook

def build_notebook(assignment):
    """The nbgrader source notebook of ``assignment`` (an ``autograder.assignment.Assignment``)."""
    cells = read_cells(assignment.notebook_file)
    checks_cells(assignment, cells)        # every check called by exactly one cell, or a clear error
    references = assignment.reference_cells()
    questions = {q.id: q for q in assignment.questions}
    for cell in cells:
        if cell.kind == 'solution' and cell.id not in references:
            raise cell.error('no reference for solution id %r: cells.py has %s'
                             % (cell.id, ', '.join(references) or 'none'))
        if cell.kind == 'answer' and cell.id not in questions:
            raise cell.error('no Question with id %r in the manifest of %s (questions: %s)'
                             % (cell.id, assignment.name, ', '.join(questions) or 'none'))
    used = {c.id for c in cells if c.kind == 'solution'}
    for grade_id in references:
        if grade_id not in used:
            raise NotebookSourceError('%s: no bnkit="solution" cell has id="%s", a solution cell of cells.py'
                                      % (assignment.notebook_file, grade_id))
    for grade_id in questions:
        if grade_id not in {c.id for c in cells if c.kind == 'answer'}:
            raise NotebookSourceError('%s: no bnkit="answer" cell has id="%s", a question of %s'
                                      % (assignment.notebook_file, grade_id, assignment.name))
    built = []
    for number, cell in enumerate(cells, 1):
        grade_id = cell.id or 'cell_%d' % number
        if cell.kind == 'note':
            continue
        if cell.kind == 'guide':
            built.append(plain('markdown', grade_id, cell.text + '\n\n' + student_guide.notebook_cell(assignment)))
        elif cell.kind == 'solution':
            built.append(solution(cell.id, references[cell.id]))
        elif cell.kind == 'tests':
            built.append(visible_tests(cell.id, cell.text))
        elif cell.kind == 'checks':
            built.append(hidden_tests(assignment, cell.id, cell.checks))
        elif cell.kind == 'answer':
            built.append(answer(cell.id, cell.text, questions[cell.id].points))
        else:
            built.append(plain(cell.cell_type, grade_id, cell.text))
    nb = nbformat.v4.new_notebook(cells=built)
    nb.metadata = {'kernelspec': dict(KERNELSPEC),
                   'language_info': {'name': 'python', 'pygments_lexer': 'ipython3'}}
    # Stable cell ids keep the file identical from one build to the next.
    for cell in nb.cells:
        cell['id'] = cell.metadata['nbgrader']['grade_id'].replace('_', '-')[:64]
    nbformat.validate(nb)
    return nb


def render(nb):
    return nbformat.writes(nb) + '\n'


def build(assignment, check=False, out=None):
    """Write (or with ``check``, compare) one assignment's source notebook; returns 0 when it is current."""
    out = out or assignment.source_notebook
    text = render(build_notebook(assignment))
    if check:
        current = out.read_text() if out.exists() else ''
        if current != text:
            print('%s is out of date: run `python -m autograder.notebook.build --assignment %s`'
                  % (out, assignment.name), file=sys.stderr)
            return 1
        print('%s is up to date' % out)
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print('wrote %s' % out)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description='Build the nbgrader source notebooks from their notebook.py.')
    parser.add_argument('--assignment', metavar='NAME', help='one assignment (default: every assignment)')
    parser.add_argument('--check', action='store_true', help='exit 1 if a committed notebook is out of date')
    args = parser.parse_args(argv)
    try:
        chosen = [get(args.assignment)] if args.assignment else list(assignments().values())
        return max([build(assignment, check=args.check) for assignment in chosen], default=0)
    except (AssignmentError, NotebookSourceError) as exc:
        print('error: %s' % exc, file=sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(main())
