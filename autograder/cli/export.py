"""Write the grade-import file of Canvas, Moodle or Blackboard from the grades the kit or nbgrader produced.

GRADES is a `bnkit grade` output folder (its grades.csv), an nbgrader course folder (its gradebook.db, read
with nbgrader, never changed), or the grades.csv `nbgrader export` writes. ROSTER is the LMS's side: for
Canvas, the gradebook CSV Canvas exports; for Moodle and Blackboard, a CSV with the LMS's identifier column
(Username, Email address or ID number) and, when those are not the kit's student names, a `student` column.
Students who match no roster row or several, roster rows with no grade and ungraded students are printed and
written to FILE's sibling <FILE stem>-unmatched.txt; nothing is written for them. Exit status: 0 when every
student and every roster row matched, 1 when something did not (FILE holds the ones that did), 2 for bad
input. See docs/lms.md.
"""
import sys
from pathlib import Path

from autograder.reports import lms
from autograder.reports.lms_input import MAX_MB, ExportError, read_grades
from autograder.reports.safetext import terminal


def add_arguments(parser):
    parser.add_argument('grades', metavar='GRADES', type=Path,
                        help='a `bnkit grade` output folder, an nbgrader course folder or gradebook, or a grades.csv')
    parser.add_argument('--to', required=True, choices=sorted(lms.WRITERS), help='the LMS that imports the file')
    parser.add_argument('--roster', required=True, type=Path, metavar='ROSTER.csv',
                        help="the LMS's students (Canvas: its exported gradebook CSV)")
    parser.add_argument('--out', required=True, type=Path, metavar='FILE', help='the file to write')
    parser.add_argument('--assignment', metavar='NAME', default=None,
                        help="the assignment (the kit's and nbgrader's name; default: the only one the grades hold)")
    parser.add_argument('--column', metavar='TITLE', default=None,
                        help="the grade column's header, verbatim (Canvas: \"Name (id)\"; Blackboard: "
                             "\"Name [Total Pts: 70 Score] |1234567\"); default: the roster's column for the "
                             "assignment, else its name")
    parser.add_argument('--moodle-id', choices=sorted(lms.ID_HEADERS), default='username',
                        help='the user field Moodle matches on (default: %(default)s)')
    parser.add_argument('--max-input-mb', type=float, default=MAX_MB,
                        help='larger roster or grades files are refused (default: %(default)s MB)')


def report_path(out):
    return out.with_name('%s-unmatched.txt' % out.stem)


def run(args):
    out = args.out
    try:
        if out.is_dir():
            raise ExportError('%s: --out is a folder; give the file to write' % out)
        inputs = (args.roster, args.grades, args.grades / 'grades.csv', args.grades / 'gradebook.db')
        if {out.resolve(), report_path(out).resolve()} & {p.resolve() for p in inputs}:
            raise ExportError('%s: --out would overwrite an input' % out)
        grades = read_grades(args.grades, args.assignment, args.max_input_mb)
        roster = lms.read_roster(args.roster, args.to, args.moodle_id, args.max_input_mb)
        title = lms.column_title(args.column, grades.assignment, roster)
    except ExportError as exc:
        print('error: %s' % terminal(exc, 2000), file=sys.stderr)
        return 2
    report = lms.match(grades.grades, roster)
    text = lms.report_text(report, roster, grades, out, title)
    try:
        lms.write_utf8_atomically(out, lms.WRITERS[args.to](roster, report, title))
        lms.write_utf8_atomically(report_path(out), text)
    except OSError as exc:
        print('error: %s: cannot write it: %s' % (exc.filename or out, exc.strerror or exc), file=sys.stderr)
        return 2
    print('%d grade(s) written to %s, column %r' % (len(report.written), out, terminal(title, 200)))
    if report.complete:
        return 0
    print('%s\nThe list is also in %s.' % (text, report_path(out)), file=sys.stderr)
    return 1
