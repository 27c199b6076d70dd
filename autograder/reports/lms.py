"""Grade-import files for Canvas, Moodle and Blackboard, from the grades the kit or nbgrader produced.

    read_roster(ROSTER)    -> Roster: the LMS's own export (Canvas: its gradebook CSV) or the instructor's CSV
    match(grades, roster)  -> Report: each student with at most one roster row, by the LMS's keys in order
    WRITERS[lms](...)      -> the file's text; report_text(...): what could not be matched one to one

The grades come from autograder.reports.lms_input, which reads every input defensively. Nothing is guessed:
a student who matches no row, or more than one, is listed in the report and nothing is written for them; an
ungraded student is listed, never written as 0. How each LMS reads its file: docs/lms.md.
"""
import csv
import io
import os
import re
import tempfile
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from autograder.reports.lms_input import MAX_MB, ExportError, column, read_table, squashed
from autograder.reports.safetext import csv_cell, terminal

CANVAS_IDENTITY = ('Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section')   # first, as Canvas exports them
CANVAS_KEYS = ('SIS Login ID', 'SIS User ID', 'ID')    # the order a kit student is looked up in
POINTS_POSSIBLE = 'Points Possible'                    # Canvas's optional second row
ID_HEADERS = {'username': 'Username', 'email': 'Email address', 'idnumber': 'ID number'}   # as Moodle names them (Blackboard: Username)
IDENTIFIER_ALIASES = {'username': ('username',), 'email': ('email',), 'idnumber': ('idnumber',)}   # other headers for them
STUDENT_COLUMN = 'student'                             # the kit's student id, in a Moodle or Blackboard roster
NUMBER = re.compile(r'[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?')


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple
    keys: tuple               # the normalised values of the matching columns, in the order they are tried
    label: str                # how the report names the row


@dataclass
class Roster:
    path: Path
    lms: str
    header: list
    rows: list
    keys: list                # positions of the columns a student is looked up in, in order
    copied: list              # positions of the columns copied into the file, before the grade
    written_id: int | None    # Moodle, Blackboard: the column the LMS identifies a student by...
    id_header: str | None     # ...and the header the file gives it
    points_row: tuple | None = None


@dataclass
class Report:
    written: list = field(default_factory=list)          # (Grade, Row), in roster order
    not_in_roster: list = field(default_factory=list)    # Grade
    without_grade: list = field(default_factory=list)    # Row
    ungraded: list = field(default_factory=list)         # (Grade, Row or None)
    duplicates: list = field(default_factory=list)       # sentences
    unwritable: list = field(default_factory=list)       # (Grade, Row, why)

    @property
    def complete(self):
        return not (self.not_in_roster or self.without_grade or self.ungraded or self.duplicates or self.unwritable)


def read_roster(path, lms, moodle_id='username', max_mb=MAX_MB):
    """The roster's rows, each with the keys a student is matched by, in the order they are tried."""
    header, body = read_table(path, 'roster', max_mb)
    points_row, written_id, id_header = None, None, None
    if lms == 'canvas':
        copied = [required(header, path, name) for name in CANVAS_IDENTITY]
        keys = [required(header, path, name) for name in CANVAS_KEYS]
        if body and body[0][1][copied[0]].strip() == POINTS_POSSIBLE:
            points_row, body = tuple(body[0][1]), body[1:]
        label = lambda cells: '%s (%s)' % (cells[copied[0]].strip(), ', '.join(
            '%s %s' % (header[i], cells[i].strip()) for i in keys if cells[i].strip()) or 'no ids')
    else:
        kind = moodle_id if lms == 'moodle' else 'username'
        id_header = ID_HEADERS[kind]
        written_id = required(header, path, id_header, *IDENTIFIER_ALIASES[kind],
                              hint=' (--moodle-id chooses another)' if lms == 'moodle' else '')
        student = column(header, path, STUDENT_COLUMN)
        copied, keys = [written_id], [written_id if student is None else student]
        label = lambda cells: '%s%s' % (cells[written_id].strip(), '' if student is None else
                                        ' (student %s)' % cells[student].strip())
    rows = [Row(line, tuple(cells), tuple(key(cells[i]) for i in keys), label(cells)) for line, cells in body]
    return Roster(Path(path), lms, header, rows, keys, copied, written_id, id_header, points_row)


def required(header, path, *names, hint=''):
    found = column(header, path, *names)
    if found is None:
        raise ExportError('%s: the roster has no %r column%s; its columns: %s'
                          % (path, names[0], hint, terminal(', '.join(header), 300)))
    return found


def key(text):
    """What two identifiers are compared as: the same text whatever its Unicode form, case or outer spaces."""
    return unicodedata.normalize('NFKC', text).strip().casefold()


def match(grades, roster):
    """Each grade with the one roster row it belongs to. A student is looked up by each key in turn (Canvas:
    SIS Login ID, then SIS User ID, then ID) and the first key that finds rows decides; a student who finds two
    rows, or a row two students find, is a duplicate and gets nothing written."""
    report, index = Report(), defaultdict(list)
    for row in roster.rows:
        for position, k in enumerate(row.keys):
            if k:
                index[position, k].append(row)
    claims, named = defaultdict(list), set()
    for g in grades:
        k = key(g.student)
        found = next((index[p, k] for p in range(len(roster.keys)) if index.get((p, k))), [])
        if len(found) > 1:
            report.duplicates.append('%s matches %d roster rows: %s' % (
                terminal(g.student, 80), len(found), '; '.join('line %d, %s' % (r.line, terminal(r.label, 80))
                                                                for r in found)))
            named.update(r.line for r in found)
        elif found:
            claims[found[0].line].append(g)
        elif g.score is None:
            report.ungraded.append((g, None))
        else:
            report.not_in_roster.append(g)
    for row in roster.rows:
        found = claims.get(row.line, [])
        if len(found) > 1:
            report.duplicates.append('roster line %d, %s, is matched by %s' % (
                row.line, terminal(row.label, 80), ', '.join(terminal(g.student, 80) for g in found)))
        elif found and found[0].score is None:
            report.ungraded.append((found[0], row))
        elif found and written_problem(roster, row):
            report.unwritable.append((found[0], row, written_problem(roster, row)))
        elif found:
            report.written.append((found[0], row))
        elif row.line not in named:
            report.without_grade.append(row)
    return report


def written_problem(roster, row):
    """Why the identifier Moodle or Blackboard would read for this row is not usable, or None."""
    if roster.written_id is None:
        return None
    value = row.cells[roster.written_id].strip()
    if not value:
        return 'the roster row has no %s' % roster.header[roster.written_id]
    if cell(value) != value:
        return 'its %s would be read as a spreadsheet formula: enter this grade by hand' % roster.header[roster.written_id]
    return None


def cell(text):
    """A cell as an LMS and a spreadsheet read it: a number stays a number; other text a spreadsheet would take
    for a formula is quoted (safetext.csv_cell)."""
    return text if NUMBER.fullmatch(text) else csv_cell(text)


def points(value):
    """A score as every LMS parses it: a decimal point, no exponent, no trailing zeros."""
    return ('%.4f' % value).rstrip('0').rstrip('.')


def csv_text(rows, **options):
    buf = io.StringIO()
    csv.writer(buf, lineterminator='\r\n', **options).writerows(rows)
    return buf.getvalue()


def canvas_file(roster, report, title):
    """The five identity columns as Canvas exported them, then the assignment's; the Points Possible row kept."""
    rows = [[roster.header[i] for i in roster.copied] + [title]]
    if roster.points_row:
        existing = column(roster.header, roster.path, title)
        maxima = {g.max_score for g, _ in report.written}
        rows.append([cell(roster.points_row[i]) for i in roster.copied]
                    + [cell(roster.points_row[existing]) if existing is not None else
                       points(maxima.pop()) if len(maxima) == 1 and None not in maxima else ''])
    rows += [[cell(row.cells[i]) for i in roster.copied] + [points(g.score)] for g, row in report.written]
    return csv_text(rows)


def moodle_file(roster, report, title):
    """The identifier column (under Moodle's own header for it) and the grade column, each mapped on import."""
    return csv_text([[roster.id_header, title]] + [[row.cells[roster.written_id].strip(), points(g.score)]
                                                   for g, row in report.written])


def blackboard_file(roster, report, title):
    """Username, then the column (its header, Column ID and all, verbatim); every field quoted, as Blackboard asks."""
    return csv_text([[roster.id_header, title]] + [[row.cells[roster.written_id].strip(), points(g.score)]
                                                   for g, row in report.written], quoting=csv.QUOTE_ALL)


WRITERS = {'canvas': canvas_file, 'moodle': moodle_file, 'blackboard': blackboard_file}
# A column the LMS already has, found in its own export by the assignment's name: Canvas titles it
# "Name (assignment id)", Blackboard "Name [Total Pts: 70 Score] |column id".
EXISTING = {'canvas': r'%s \(\d+\)', 'blackboard': r'%s \[[^\]]*\] ?\|\s*\d+'}


def column_title(given, assignment, roster):
    """--column verbatim; otherwise the roster's own column for the assignment when it has exactly one, else
    the assignment's name (the LMS then creates the column)."""
    title = given if given is not None else assignment
    if title is None:
        raise ExportError('the grades do not say which assignment they are: give --assignment or --column')
    if not title.strip() or terminal(title) != title or len(title) > 1000:
        raise ExportError('the column title %r is empty, too long or holds control characters' % terminal(title, 80))
    if given is None and roster.lms in EXISTING:
        pattern = re.compile(EXISTING[roster.lms] % re.escape(title))
        found = [h for h in roster.header if pattern.fullmatch(h) or h == title]
        if len(found) > 1:
            raise ExportError('%s: several columns could be %s: %s; choose one with --column'
                              % (roster.path, title, '; '.join(map(repr, found))))
        title = found[0] if found else title
    if any(squashed(title) == squashed(roster.header[i]) for i in roster.copied):
        raise ExportError('the column title %r is also an identity column of the file' % title)
    return title


def report_text(report, roster, grades, out, title):
    """The unmatched report: every student or roster row not written one to one, and why."""
    name = lambda g: terminal(g.student, 100)
    sections = [
        ('Students in the grades with no roster row', ['%s (%s points)' % (name(g), points(g.score))
                                                       for g in report.not_in_roster]),
        ('Roster rows with no grade', ['line %d: %s' % (r.line, terminal(r.label, 160)) for r in report.without_grade]),
        ('Not graded: nothing written, not even 0', ['%s: %s%s' % (name(g), terminal(g.note, 200), '' if r is None else
                                                                    ' (roster line %d)' % r.line)
                                                     for g, r in report.ungraded]),
        ('Duplicate matches: nothing written for them', [terminal(d, 400) for d in report.duplicates]),
        ('Matched, but the row cannot be written', ['%s (roster line %d): %s' % (name(g), r.line, terminal(why, 200))
                                                    for g, r, why in report.unwritable]),
        ('Written, with a note', ['%s: %s' % (name(g), terminal(g.note, 200)) for g, _ in report.written if g.note]),
    ]
    lines = ['%s grade import for %s, column %r' % (roster.lms.capitalize(), grades.assignment or title, title),
             'grades: %s' % grades.source, 'roster: %s' % roster.path,
             '%d grade(s) written to %s' % (len(report.written), out), '']
    for heading, items in sections:
        if items:
            lines += ['%s (%d):' % (heading, len(items))] + ['  - %s' % item for item in items] + ['']
    if report.complete:
        lines.append('Every student in the grades and every roster row matched one to one.')
    return '\n'.join(lines).rstrip('\n') + '\n'


def write_utf8_atomically(path, text):
    """Like results.write_atomically, but always UTF-8 and with the line ends as given: an LMS reads the file
    as UTF-8 with CRLF whatever the locale of the machine that wrote it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.' + path.name + '.', dir=path.parent)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(text.encode('utf-8'))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
