"""The demo's sample class, made from the student release by filling its solution cells.

Any assignment's sample class comes from its reference cells (``Assignment.reference_cells``) and the bugs
of its ``variants``: a complete submission, a partly done one (the first half of the graded solution
cells), a buggy one (the first bug of the first graded solution cell and the first bug of the last), a broken
one (the last graded cell does not compile, the first one's function exits the process) and an untouched
release. A graded cell is one that defines a name some check calls (a notebook may have solution cells no
check grades, such as code pasted from an earlier assignment for an experiment).
"""
import argparse
import ast
from pathlib import Path

import nbformat

from autograder.assignment import Assignment, get
from autograder.notebook.fill import fill_solution_cells


def first_bug_of(bugs, grade_id):
    """The cells of the first bug that changes the solution cell ``grade_id`` and no other."""
    return next((bug.cells for bug in bugs if list(bug.cells) == [grade_id]), {})


def does_not_compile(source):
    """The cell with the colon of its first block header removed: a SyntaxError, as a hurried edit leaves it."""
    broken = source.replace(':\n', '\n', 1)
    try:
        compile(broken, '<cell>', 'exec')
    except SyntaxError:
        return broken
    return source + '\ndef (\n'


def exits(source):
    """The cell's first function, with a body that ends the process: a submission that gives up."""
    fn = next(node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.FunctionDef))
    return 'import sys\n\n\ndef %s(%s):\n    sys.exit(\'giving up\')\n' % (fn.name, ast.unparse(fn.args))


def graded_cells(cells, needed):
    """The grade_ids of the cells that define a name in ``needed``, in order."""
    def defines(source):
        return {node.name for node in ast.parse(source).body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    return [grade_id for grade_id, source in cells.items() if defines(source) & set(needed)]


def sample_class(assignment=None):
    """{student: {grade_id: source}}: what each sample student wrote."""
    assignment = assignment if isinstance(assignment, Assignment) else get(assignment)
    ref = assignment.reference_cells()
    ids = graded_cells(ref, assignment.needed_names) or list(ref)
    bugs = assignment.module('variants').BUGS
    buggy = dict(ref)
    buggy.update(first_bug_of(bugs, ids[0]))
    buggy.update(first_bug_of(bugs, ids[-1]))
    broken = dict(ref)
    broken[ids[-1]] = does_not_compile(ref[ids[-1]])
    broken[ids[0]] = exits(ref[ids[0]])
    return {
        'complete': ref,
        'partly_done': {k: ref[k] for k in ids[:(len(ids) + 1) // 2]},
        'buggy': buggy,
        'broken': broken,
        'untouched': {},
    }


def write_samples(assignment, release_notebook, folder):
    """Write one notebook per sample student into folder; returns {student: path}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for student, cells in sample_class(assignment).items():
        path = folder / ('%s.ipynb' % student)
        nbformat.write(fill_solution_cells(release_notebook, cells), str(path))
        paths[student] = path
    return paths


def write_class(assignment, release_notebook, folder, size):
    """Write a class of ``size`` students, the sample students over and over (``s00001-complete``,
    ``s00002-partly_done``, ...), for rehearsals and benchmarks of large classes; returns {student: path}.
    Each kind's notebook is built once and its bytes copied."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    kinds = [(kind, nbformat.writes(fill_solution_cells(release_notebook, cells)))
             for kind, cells in sample_class(assignment).items()]
    paths = {}
    for number in range(1, size + 1):
        kind, text = kinds[(number - 1) % len(kinds)]
        student = 's%05d-%s' % (number, kind)
        paths[student] = folder / ('%s.ipynb' % student)
        paths[student].write_text(text)
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description='write a class of sample students: the demo\'s five kinds repeated')
    parser.add_argument('folder')
    parser.add_argument('--size', type=int, required=True)
    parser.add_argument('--assignment', default='BatchNormalization')
    args = parser.parse_args(argv)
    assignment = get(args.assignment)
    write_class(assignment, assignment.release_notebook, args.folder, args.size)
    print('%d notebooks of %s in %s' % (args.size, assignment.name, args.folder))


if __name__ == '__main__':
    main()
