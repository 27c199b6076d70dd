"""What `bnkit export` reads: CSV files read defensively, and the grades in each form the kit or nbgrader
leaves them (autograder.reports.lms writes the LMS's file from them).

    read_table(path)     -> header and rows of a roster or grades CSV, every row as wide as the header
    read_grades(GRADES)  -> Grades: a `bnkit grade` folder's grades.csv, the grades.csv `nbgrader export`
                            writes, or an nbgrader gradebook (opened read-only)

Everything read is untrusted: a roster is exported and edited by hand, a grades.csv may be edited, a student's
name is whatever the submission's file name was. Sizes, fields and rows are bounded, and every problem is one
ExportError naming the file (and the line) and what is wrong, never a traceback.
"""
import codecs
import contextlib
import csv
import io
import math
import re
import sqlite3
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from autograder.notebook.release import COURSE_ID
from autograder.reports.results import load_results
from autograder.reports.safetext import csv_cell, terminal

MAX_MB = 50                # a roster or grades file: a class of thousands is a few MB
MAX_FIELD = 10_000         # characters in one cell: a name, an id, a column title
MAX_RECORD = 1_000_000     # characters in one row: a gradebook with hundreds of columns
MAX_ROWS = 200_000


class ExportError(ValueError):
    """Bad input; the message names the file and what is wrong with it."""


@dataclass(frozen=True)
class Grade:
    student: str              # the kit's student: the nbgrader student id, the submission file's stem
    score: float | None       # None: not graded, and nothing is written for the student
    max_score: float | None
    note: str = ''            # why not graded, or (with a score) what the instructor should know


@dataclass
class Grades:
    assignment: str | None
    grades: list
    source: str


def read_text(path, what, max_mb=MAX_MB):
    """A file's text, at most max_mb, UTF-8 (or UTF-16 with a byte-order mark, as Blackboard downloads)."""
    try:
        with open(path, 'rb') as f:
            data = f.read(int(max_mb * 2**20) + 1)
    except OSError as exc:
        raise ExportError('%s: cannot read the %s: %s' % (path, what, exc.strerror or exc)) from None
    if len(data) > max_mb * 2**20:
        raise ExportError('%s: the %s is larger than %g MB (--max-input-mb raises the cap)' % (path, what, max_mb))
    if data.startswith(b'PK\x03\x04'):
        raise ExportError('%s: the %s is a zip file (an Excel workbook?); save it as CSV' % (path, what))
    codec = next((c for bom, c in ((codecs.BOM_UTF8, 'utf-8-sig'), (codecs.BOM_UTF16_LE, 'utf-16'),
                                   (codecs.BOM_UTF16_BE, 'utf-16')) if data.startswith(bom)), 'utf-8')
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ExportError('%s: the %s is not %s text (byte %d); save it as "CSV UTF-8"'
                          % (path, what, codec.upper(), exc.start)) from None
    if '\x00' in text:
        raise ExportError('%s: the %s holds NUL characters: it is not a CSV file' % (path, what))
    return text


def read_table(path, what, max_mb=MAX_MB):
    """(header, [(line, cells)]) of a CSV file, every row as wide as the header. The delimiter is the one
    of comma, tab and semicolon the header line uses most (spreadsheets save all three)."""
    text = read_text(path, what, max_mb)
    first = text.split('\n', 1)[0]
    reader = csv.reader(io.StringIO(text, newline=''), delimiter=max(',\t;', key=first.count), strict=True)
    rows = []
    try:
        for cells in reader:
            if len(rows) > MAX_ROWS:
                raise ExportError('%s: the %s has more than %d rows' % (path, what, MAX_ROWS))
            if any(len(c) > MAX_FIELD for c in cells) or sum(map(len, cells)) > MAX_RECORD:
                raise ExportError('%s, line %d: a field longer than %d characters, or a row longer than %d'
                                  % (path, reader.line_num, MAX_FIELD, MAX_RECORD))
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, cells))   # kept as written: Canvas's cells go back verbatim
    except csv.Error as exc:
        why = 'a field longer than %d characters' % MAX_FIELD if 'field limit' in str(exc) else exc
        raise ExportError('%s, line %d: not valid CSV: %s' % (path, reader.line_num, why)) from None
    if not rows:
        raise ExportError('%s: the %s is empty' % (path, what))
    (_, header), body = rows[0], rows[1:]
    header = [h.strip() for h in header]
    for line, cells in body:
        if len(cells) != len(header):
            raise ExportError('%s, line %d: %d fields where the header has %d (a comma in a name that is not '
                              'quoted?)' % (path, line, len(cells), len(header)))
    return header, body


def squashed(name):
    return re.sub(r'[\s_]+', '', name).casefold()


def column(header, path, *names):
    """The position of the header's column with one of these names (case, spaces and underscores aside), or None."""
    found = [i for i, h in enumerate(header) if squashed(h) in {squashed(n) for n in names}]
    if len(found) > 1:
        raise ExportError('%s: the header has %d columns named %s' % (path, len(found), names[0]))
    return found[0] if found else None


def number(text, path, line, name):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise ExportError('%s, line %d: the %s %r is not a number of points' % (path, line, name, terminal(text, 40)))
    return value


def original_name(cell):
    """A student's name as the kit knows it: grades.csv holds it through safetext.csv_cell, which put a quote
    before a name a spreadsheet would take for a formula."""
    return cell[1:] if cell[:1] == "'" and csv_cell(cell[1:]) == cell else cell


def read_grades(path, assignment=None, max_mb=MAX_MB):
    """The grades at ``path``: a `bnkit grade` output folder, an nbgrader course folder, or either's file. A
    folder with a gradebook is read from the gradebook, which `nbgrader export`'s grades.csv may lag behind."""
    path = Path(path)
    if path.is_dir():
        for name, reader in (('gradebook.db', read_gradebook), ('grades.csv', read_grades_csv)):
            if (path / name).is_file():
                return reader(path / name, assignment, max_mb)
        raise ExportError('%s: neither a `bnkit grade` folder (grades.csv) nor an nbgrader course (gradebook.db)'
                          % path)
    try:
        with open(path, 'rb') as f:
            is_sqlite = f.read(16) == b'SQLite format 3\x00'
    except OSError as exc:
        raise ExportError('%s: cannot read the grades: %s' % (path, exc.strerror or exc)) from None
    return (read_gradebook if is_sqlite else read_grades_csv)(path, assignment, max_mb)


def read_grades_csv(path, assignment, max_mb):
    header, body = read_table(path, 'grades file', max_mb)
    names = [h.casefold() for h in header]
    rows = [(line, {n: c.strip() for n, c in zip(names, cells)}) for line, cells in body]
    if names[:3] == ['student', 'score', 'max_score']:     # autograder.reports.results.grades_csv
        assignment = graded_assignment(Path(path).parent, assignment)
        grades = []
        for line, row in rows:
            note = row.get('note', '')
            score = None if note or not row['score'] else number(row['score'], path, line, 'score')
            grades.append(Grade(original_name(row['student']), score,
                                number(row['max_score'], path, line, 'max_score') if row['max_score'] else None,
                                note or ('' if score is not None else 'no score')))
    elif {'assignment', 'timestamp', 'student_id', 'score', 'max_score'} <= set(names):   # nbgrader's CsvExportPlugin
        assignment = chosen(assignment, sorted({row['assignment'] for _, row in rows}), path)
        grades = []
        for line, row in rows:
            if row['assignment'] == assignment:
                score = number(row['score'], path, line, 'score')
                # nbgrader writes 0 and no timestamp for a student with no submission, and no timestamp for a
                # submission collected without one: only the gradebook tells a 0 from no submission.
                unknown = not row['timestamp'] and score == 0
                grades.append(Grade(row['student_id'], None if unknown else score,
                                    number(row['max_score'], path, line, 'max_score') if row['max_score'] else None,
                                    'no submission, or 0 points without a timestamp (read the gradebook to tell)'
                                    if unknown else ''))
    else:
        raise ExportError('%s: not a grades file the kit knows (its header: %s); `bnkit grade` writes '
                          'student,score,max_score,... and `nbgrader export` assignment,...,student_id,...,score,max_score'
                          % (path, terminal(','.join(header), 200)))
    return Grades(assignment, unique(grades, path), str(path))


def graded_assignment(folder, named):
    """The assignment a `bnkit grade` folder holds, read from its results.json (grades.csv does not say)."""
    held = sorted({d.assignment for d in load_results(folder).values()})
    if len(held) > 1:
        raise ExportError('%s holds results of several assignments (%s): not one `bnkit grade` output folder'
                          % (folder, ', '.join(held)))
    if named and held and named not in held:
        raise ExportError('%s holds grades of %s, not of %s' % (folder, held[0], named))
    return named or (held[0] if held else None)


def chosen(named, present, path):
    if named is None and len(present) == 1:
        return present[0]
    if named is None or named not in present:
        raise ExportError('%s holds grades of %s%s' % (path, ', '.join(map(repr, present)) or 'no assignment',
                                                       '; choose one with --assignment' if named is None
                                                       else ', not of %r' % named))
    return named


def unique(grades, path):
    seen = set()
    for g in grades:
        if not g.student.strip():
            raise ExportError('%s: a row with no student' % path)
        if g.student in seen:
            raise ExportError('%s: %s has two rows' % (path, terminal(g.student, 80)))
        seen.add(g.student)
    return grades


def read_gradebook(path, assignment, max_mb):
    """Each student's submission score (less nbgrader's late penalty: the `score` nbgrader export writes)
    from an nbgrader gradebook, opened read-only so that nothing here can change it."""
    if Path(path).stat().st_size > max_mb * 2**20:
        raise ExportError('%s: the gradebook is larger than %g MB (--max-input-mb raises the cap)' % (path, max_mb))
    url = 'file:%s?mode=ro' % urllib.parse.quote(str(Path(path).resolve()))
    try:   # asked first with sqlite3 itself: nbgrader would try to add a missing course and log the failure
        with contextlib.closing(sqlite3.connect(url, uri=True)) as db:
            courses = [c for (c,) in db.execute('SELECT id FROM course')]
    except sqlite3.Error as exc:
        raise ExportError('%s: not a gradebook of nbgrader 0.8 or later (sqlite: %s)' % (path, exc)) from None
    if COURSE_ID not in courses:
        raise ExportError('%s: the gradebook of course %s, not of the kit\'s course %r'
                          % (path, ', '.join(map(repr, courses)) or 'none', COURSE_ID))
    try:
        from nbgrader.api import Gradebook, MissingEntry
    except ImportError:
        raise ExportError('%s: reading a gradebook needs nbgrader (pip install \'bnkit[instructor]\'); or give the '
                          'grades.csv that `nbgrader export` writes' % path) from None
    try:
        with Gradebook('sqlite:///' + url + '&uri=true', COURSE_ID) as gb:
            name = chosen(assignment, [a.name for a in gb.assignments], path)
            max_score = gb.find_assignment(name).max_score
            grades = []
            for student in gb.students:
                try:
                    sub = gb.find_submission(name, student.id)
                except MissingEntry:
                    grades.append(Grade(student.id, None, max_score, 'no submission in the gradebook'))
                    continue
                grades.append(Grade(student.id, max(0.0, sub.score - sub.late_submission_penalty), max_score,
                                    'still needs grading by hand' if sub.needs_manual_grade else ''))
    except ExportError:
        raise
    except Exception as exc:   # SQLAlchemy's and nbgrader's own: a newer schema, a locked or damaged file
        raise ExportError('%s: cannot read the gradebook: %s' % (path, str(exc).splitlines()[0])) from None
    return Grades(name, unique(grades, path), str(path))

