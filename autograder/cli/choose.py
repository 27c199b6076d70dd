"""The ``--assignment NAME`` option, one meaning everywhere: the kit's assignment NAME, whose checks grade,
and, in an nbgrader tree, the assignment folder ``submitted/<student>/NAME/`` (nbgrader's assignment name and
the kit's are the same name)."""
from pathlib import Path

from autograder.assignment import AssignmentError, assignments, get
from autograder.grading.submissions import SubmissionError, find_submissions


def add_argument(parser, default_help='the only one the kit has, or the one the submissions are named after'):
    parser.add_argument('--assignment', metavar='NAME', default=None,
                        help='the assignment (%s); in an nbgrader tree, only its folder is read' % default_help)


def named_in(path, known):
    """The known assignment names the submissions at ``path`` are filed under: an nbgrader tree's assignment
    folders, or notebooks named after an assignment."""
    path = Path(path)
    if path.is_file():
        return {path.stem} & set(known)
    if (path / 'submitted').is_dir():
        path = path / 'submitted'
    names = {p.stem for p in path.glob('*.ipynb')} | {p.name for p in path.glob('*/*') if p.is_dir()}
    return names & set(known)


def for_submissions(name, path):
    """The assignment that grades the submissions at ``path``; raises AssignmentError when that is not clear."""
    if name is not None:
        return get(name)
    known = assignments()
    if len(known) == 1:
        return next(iter(known.values()))
    named = named_in(path, known)
    if len(named) == 1:
        return known[named.pop()]
    raise AssignmentError('%s: %s; the kit has %s: choose one with --assignment'
                          % (path, 'the submissions are filed under %s' % ', '.join(sorted(named)) if named
                             else 'nothing says which assignment these submissions are', ', '.join(known)))


def assignment_and_submissions(name, path):
    """(the assignment, {student: notebook}) for ``--assignment NAME`` and a SUBMISSIONS path, or an error
    message for the instructor."""
    try:
        assignment = for_submissions(name, path)
        return assignment, find_submissions(path, assignment.name if name else None)
    except (AssignmentError, SubmissionError) as exc:
        return None, str(exc)


def chosen_or_all(name):
    """[the named assignment], or every assignment of the kit when no name is given."""
    return [get(name)] if name is not None else list(assignments().values())
