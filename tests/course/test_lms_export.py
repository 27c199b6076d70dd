"""`bnkit export`: each LMS's file read back by the rules its LMS documents, matching and the unmatched report,
hostile student names, and rosters or grades that are too big or not CSV at all.

The grades come from the kit's own writers (``results.grades_csv`` on results built as the grader builds
them) and from a real nbgrader gradebook made with nbgrader's API; expected scores are read from those
sources, never copied from an export's output.
"""
import csv
import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import cli
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.grading.grade_one import build_results
from autograder.reports import lms
from autograder.reports import results as reports
from autograder.reports.lms_input import MAX_FIELD, read_grades
from autograder.reports.safetext import csv_cell, folder_name

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = '=HYPERLINK("http://evil.example/?q=1","click"), "quoted"\nZoë Łukasz 学生'
FORMULA_START = ('=', '+', '-', '@')


def results_for(student, fraction=1.0, not_graded=None):
    """Results as the grader builds them, every check at ``fraction`` of its points."""
    per_check = {s.name: {'fraction': fraction, 'messages': [], 'seconds': 0.1} for s in ASSIGNMENT.checks}
    return build_results(ASSIGNMENT, student, '%s.ipynb' % student, '0' * 64, per_check, [], None, 1.0, not_graded)


def graded_folder(path, fractions):
    """A `bnkit grade` output folder: each student's results.json and the class's grades.csv, written by the
    kit's own report writers. ``fractions``: {student: fraction of the points, or None for not graded}."""
    all_results = {s: results_for(s, f or 0.0, None if f is not None else 'the file is not a notebook')
                   for s, f in fractions.items()}
    taken = []
    for student, data in all_results.items():
        taken.append(folder_name(student, taken))
        reports.write_student_reports(path / taken[-1], data, ASSIGNMENT)
    reports.write_atomically(path / 'grades.csv', reports.grades_csv(ASSIGNMENT, all_results))
    return {s: d.score for s, d in all_results.items() if d.not_graded is None}


def write_csv(path, rows, encoding='utf-8', delimiter=','):
    with open(path, 'w', newline='', encoding=encoding) as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def canvas_roster(path, logins, extra_columns=(), points=True):
    """A gradebook as Canvas exports it: a byte-order mark, the five identity columns, other columns after
    them, the Points Possible row, then one row per student (ID 1000 + n, SIS User ID U<n>)."""
    header = ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', *extra_columns, 'Current Score']
    rows = [header]
    if points:
        rows.append(['    Points Possible', '', '', '', '', *['80'] * len(extra_columns), '(read only)'])
    rows += [['Last%d, First' % n, str(1000 + n), 'U%d' % n, login, 'Section A', *[''] * len(extra_columns), '']
             for n, login in enumerate(logins)]
    return write_csv(path, rows, encoding='utf-8-sig')


def export(capsys, *argv):
    code = cli.main(['export', *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def read_back(path):
    """The written file as its LMS reads it: UTF-8 with no byte-order mark, CSV."""
    data = Path(path).read_bytes()
    assert not data.startswith(b'\xef\xbb\xbf')
    return list(csv.reader(io.StringIO(data.decode('utf-8'), newline='')))


def is_number(text):
    return lms.NUMBER.fullmatch(text) is not None


def test_canvas_file_keeps_the_identity_columns_and_the_points_possible_row(tmp_path, capsys):
    scores = graded_folder(tmp_path / 'grades', {'ann': 1.0, 'bob': 0.5, 'cy': 0.25})
    roster = canvas_roster(tmp_path / 'canvas.csv', ['ann', 'bob', 'cy'], extra_columns=['Quiz 1 (77)'])
    code, out, err = export(capsys, '--to', 'canvas', '--roster', roster, '--out', tmp_path / 'import.csv',
                            tmp_path / 'grades')
    assert code == 0, err
    written, original = read_back(tmp_path / 'import.csv'), read_back_with_bom(roster)
    assert written[0] == list(lms.CANVAS_IDENTITY) + [ASSIGNMENT.name]
    assert written[1][:5] == original[1][:5] and written[1][0] == '    Points Possible'
    assert float(written[1][5]) == ASSIGNMENT.max_automatic_points      # a new column: the grades' maximum
    by_login = {row[3]: row for row in written[2:]}
    for row in original[2:]:
        assert by_login[row[3]][:5] == row[:5]                            # as Canvas exported them
        assert is_number(by_login[row[3]][5]) and float(by_login[row[3]][5]) == scores[row[3]]
    report = (tmp_path / 'import-unmatched.txt').read_text()
    assert 'Every student in the grades and every roster row matched' in report


def read_back_with_bom(path):
    return list(csv.reader(io.StringIO(Path(path).read_text(encoding='utf-8-sig'), newline='')))


def test_canvas_matches_sis_login_then_sis_user_id_then_id_and_finds_the_assignments_column(tmp_path, capsys):
    # 1000 is ann's Canvas ID and another student's SIS Login ID: the login decides.
    scores = graded_folder(tmp_path / 'grades', {'ann': 1.0, '1000': 0.5, 'U2': 0.75, '1003': 0.25})
    column = '%s (4242)' % ASSIGNMENT.name
    roster = canvas_roster(tmp_path / 'canvas.csv', ['ann', '1000', '', ''], extra_columns=[column])
    code, _, err = export(capsys, '--to', 'canvas', '--roster', roster, '--out', tmp_path / 'import.csv',
                          tmp_path / 'grades')
    assert code == 0, err
    written = read_back(tmp_path / 'import.csv')
    assert written[0][5] == column                                         # Canvas matches it by its id
    assert written[1][5] == '80'                                           # that column's own points possible
    by_id = {row[1]: float(row[5]) for row in written[2:]}
    assert by_id == {'1000': scores['ann'], '1001': scores['1000'], '1002': scores['U2'], '1003': scores['1003']}


def test_canvas_without_points_possible_row_and_with_a_given_title(tmp_path, capsys):
    graded_folder(tmp_path / 'grades', {'ann': 1.0})
    roster = canvas_roster(tmp_path / 'canvas.csv', ['ann'], points=False)
    code, _, err = export(capsys, '--to', 'canvas', '--roster', roster, '--out', tmp_path / 'i.csv',
                          '--column', 'Batch norm (hw 3)', tmp_path / 'grades')
    assert code == 0, err
    written = read_back(tmp_path / 'i.csv')
    assert written[0][5] == 'Batch norm (hw 3)' and len(written) == 2 and written[1][3] == 'ann'


def test_moodle_file_has_the_identifier_and_the_grade_column(tmp_path, capsys):
    scores = graded_folder(tmp_path / 'grades', {'ann': 1.0, 'bob': 0.5})
    roster = write_csv(tmp_path / 'moodle.csv', [['First name', 'Email address', 'student'],
                                                 ['Ann', 'ann@uni.example', 'ann'], ['Bob', 'bob@uni.example', 'bob']])
    code, _, err = export(capsys, '--to', 'moodle', '--moodle-id', 'email', '--roster', roster,
                          '--out', tmp_path / 'moodle-import.csv', tmp_path / 'grades')
    assert code == 0, err
    written = read_back(tmp_path / 'moodle-import.csv')
    assert written[0] == ['Email address', ASSIGNMENT.name]
    assert {row[0]: float(row[1]) for row in written[1:]} == {'ann@uni.example': scores['ann'],
                                                              'bob@uni.example': scores['bob']}


def test_moodle_roster_without_a_student_column_matches_the_identifier_itself(tmp_path, capsys):
    scores = graded_folder(tmp_path / 'grades', {'ann': 1.0, 'bob': 0.5})
    roster = write_csv(tmp_path / 'moodle.csv', [['Username'], ['ann'], ['bob']])
    code, _, err = export(capsys, '--to', 'moodle', '--roster', roster, '--out', tmp_path / 'm.csv', tmp_path / 'grades')
    assert code == 0, err
    written = read_back(tmp_path / 'm.csv')
    assert written[0] == ['Username', ASSIGNMENT.name]
    assert {row[0]: float(row[1]) for row in written[1:]} == scores
    code, _, err = export(capsys, '--to', 'moodle', '--moodle-id', 'idnumber', '--roster', roster,
                          '--out', tmp_path / 'm.csv', tmp_path / 'grades')
    assert code == 2 and "no 'ID number' column" in err and '--moodle-id' in err


def test_blackboard_quotes_every_field_and_keeps_the_column_id_header(tmp_path, capsys):
    scores = graded_folder(tmp_path / 'grades', {'ann': 1.0, 'bob': 0.5})
    header = '%s [Total Pts: 70 Score] |1234567' % ASSIGNMENT.name
    roster = write_csv(tmp_path / 'bb.csv', [['Last Name', 'First Name', 'Username', 'student'],
                                             ['A', 'Ann', 'ann01', 'ann'], ['B', 'Bob', 'bob01', 'bob']])
    code, _, err = export(capsys, '--to', 'blackboard', '--roster', roster, '--out', tmp_path / 'bb-import.csv',
                          '--column', header, tmp_path / 'grades')
    assert code == 0, err
    lines = (tmp_path / 'bb-import.csv').read_bytes().decode('utf-8').split('\r\n')
    assert lines[-1] == ''
    for line in lines[:-1]:
        assert re.fullmatch(r'"[^"]*"(,"[^"]*")*', line), line                 # every field quoted
    written = read_back(tmp_path / 'bb-import.csv')
    assert written[0] == ['Username', header]
    assert {row[0]: float(row[1]) for row in written[1:]} == {'ann01': scores['ann'], 'bob01': scores['bob']}


def test_blackboard_finds_the_column_in_its_own_download(tmp_path, capsys):
    """A Grade Center download is tab-delimited UTF-16; its column headers carry the Column ID."""
    graded_folder(tmp_path / 'grades', {'ann': 1.0})
    header = '%s [Total Pts: 70 Score] |998877' % ASSIGNMENT.name
    roster = write_csv(tmp_path / 'gc.xls', [['Last Name', 'First Name', 'Username', header], ['A', 'Ann', 'ann', '']],
                       encoding='utf-16', delimiter='\t')
    code, _, err = export(capsys, '--to', 'blackboard', '--roster', roster, '--out', tmp_path / 'bb.csv', tmp_path / 'grades')
    assert code == 0, err
    assert read_back(tmp_path / 'bb.csv')[0] == ['Username', header]


def test_unmatched_students_and_rows_are_listed_and_the_exit_status_says_so(tmp_path, capsys):
    scores = graded_folder(tmp_path / 'grades', {'ann': 1.0, 'stranger': 0.5, 'nobody': None})
    roster = canvas_roster(tmp_path / 'canvas.csv', ['ann', 'absent', 'nobody'])
    code, out, err = export(capsys, '--to', 'canvas', '--roster', roster, '--out', tmp_path / 'out' / 'c.csv',
                            tmp_path / 'grades')
    assert code == 1
    written = read_back(tmp_path / 'out' / 'c.csv')
    assert [(row[3], float(row[5])) for row in written[2:]] == [('ann', scores['ann'])]   # nobody written as 0
    report = (tmp_path / 'out' / 'c-unmatched.txt').read_text()
    for text in (report, err):
        assert 'with no roster row (1):\n  - stranger' in text
        assert 'Roster rows with no grade (1):\n  - line' in text and 'absent' in text
        assert re.search(r'Not graded.*\(1\):\n  - nobody: not graded: the file is not a notebook', text)
    assert '1 grade(s) written' in out


def test_duplicates_get_nothing_written(tmp_path, capsys):
    graded_folder(tmp_path / 'grades', {'ann': 1.0, 'ANN': 0.5, 'bob': 0.5, 'cy': 1.0})
    roster = write_csv(tmp_path / 'm.csv', [['Username', 'student'], ['ann1', 'ann'], ['bob1', 'bob'],
                                            ['bob2', 'bob'], ['cy', 'cy']])
    code, _, err = export(capsys, '--to', 'moodle', '--roster', roster, '--out', tmp_path / 'm-out.csv', tmp_path / 'grades')
    assert code == 1
    assert [row[0] for row in read_back(tmp_path / 'm-out.csv')[1:]] == ['cy']
    assert 'bob matches 2 roster rows' in err and re.search(r'roster line 2, ann1 \(student ann\), is matched by', err)
    assert 'Roster rows with no grade' not in err        # the duplicated rows are listed once, as duplicates


def test_a_hostile_student_name_is_matched_and_cannot_become_a_formula(tmp_path, capsys):
    scores = graded_folder(tmp_path / 'grades', {HOSTILE: 0.5, 'ann': 1.0})
    assert HOSTILE in {g.student for g in read_grades(tmp_path / 'grades').grades}   # as the kit knows it
    roster = canvas_roster(tmp_path / 'canvas.csv', [HOSTILE, 'ann'])
    rows = read_back_with_bom(roster)
    rows[2][0], rows[3][2] = '@SUM(A1:A9)', '-12'           # a formula for a name, a negative number for an id
    write_csv(roster, rows, encoding='utf-8-sig')
    code, _, err = export(capsys, '--to', 'canvas', '--roster', roster, '--out', tmp_path / 'c.csv', tmp_path / 'grades')
    assert code == 0, err
    written = read_back(tmp_path / 'c.csv')
    by_id = {row[1]: row for row in written[2:]}
    assert by_id['1000'][0] == "'@SUM(A1:A9)" and by_id['1000'][3] == "'" + HOSTILE and float(by_id['1000'][5]) == scores[HOSTILE]
    assert by_id['1001'][2] == '-12'                         # numbers stay numbers
    assert not [c for row in written for c in row if c.startswith(FORMULA_START) and not is_number(c)]
    # Moodle identifies a student by the identifier itself: one that would be a formula is not written.
    moodle = write_csv(tmp_path / 'm.csv', [['Username'], [HOSTILE], ['ann']])
    code, _, err = export(capsys, '--to', 'moodle', '--roster', moodle, '--out', tmp_path / 'm-out.csv', tmp_path / 'grades')
    assert code == 1 and 'would be read as a spreadsheet formula' in err
    assert [row[0] for row in read_back(tmp_path / 'm-out.csv')[1:]] == ['ann']
    report = (tmp_path / 'm-out-unmatched.txt').read_text()
    assert HOSTILE.replace('\n', ' ') in report              # one line of the report, in UTF-8


def test_oversized_and_malformed_rosters_give_one_clear_error(tmp_path, capsys):
    graded_folder(tmp_path / 'grades', {'ann': 1.0})
    good = ['Username'], ['ann']
    cases = {
        'big.csv': (None, 'larger than 50 MB'),
        'long.csv': ('Username\n' + 'a' * (MAX_FIELD + 1) + '\n', 'line 2: a field longer than'),
        'huge-field.csv': ('Username\n"' + 'a' * 200_000 + '"\n', 'line 2: not valid CSV: a field longer than'),
        'quote.csv': ('Username\n"ann\n', 'not valid CSV'),
        'ragged.csv': ('Username,student\nann\n', 'line 2: 1 fields where the header has 2'),
        'latin1.csv': ('Username\nZo\xeb\n'.encode('latin-1'), 'not UTF-8 text'),
        'book.xlsx': (b'PK\x03\x04' + b'\x00' * 100, 'zip file'),
        'nul.csv': (b'Username\nan\x00n\n', 'NUL'),
        'empty.csv': ('', 'is empty'),
        'nocolumn.csv': ('Name\nann\n', "no 'Username' column"),
    }
    for name, (content, expected) in cases.items():
        path = tmp_path / name
        if content is None:
            with open(path, 'wb') as f:
                f.truncate(50 * 2**20 + 1)
        else:
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
        code, _, err = export(capsys, '--to', 'blackboard', '--roster', path, '--out', tmp_path / 'o.csv', tmp_path / 'grades')
        assert code == 2, name
        assert err.startswith('error: %s' % path) and expected in err, (name, err)
        assert 'Traceback' not in err and len(err.strip().splitlines()) == 1, name
        assert not (tmp_path / 'o.csv').exists(), name
    write_csv(tmp_path / 'fine.csv', good)
    code, _, err = export(capsys, '--to', 'blackboard', '--roster', tmp_path / 'fine.csv', '--out', tmp_path / 'o.csv',
                          '--max-input-mb', '0.000001', tmp_path / 'grades')
    assert code == 2 and 'larger than' in err


def test_bad_grades_give_one_clear_error(tmp_path, capsys):
    roster = write_csv(tmp_path / 'r.csv', [['Username'], ['ann']])
    cases = {'not-grades.csv': ('name,points\nann,3\n', 'not a grades file the kit knows'),
             'nan.csv': ('student,score,max_score\nann,nan,70\n', "line 2: the score 'nan' is not a number"),
             'twice.csv': ('student,score,max_score\nann,1,70\nann,2,70\n', 'ann has two rows'),
             'bad.db': (b'SQLite format 3\x00' + b'\x01' * 200, 'not a gradebook')}
    for name, (content, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        code, _, err = export(capsys, '--to', 'moodle', '--roster', roster, '--out', tmp_path / 'o.csv', path)
        assert code == 2 and err.startswith('error: %s' % path) and expected in err, (name, err)
    code, _, err = export(capsys, '--to', 'moodle', '--roster', roster, '--out', roster, tmp_path / 'twice.csv')
    assert code == 2 and 'would overwrite an input' in err


def test_a_bnkit_grade_folder_names_its_assignment(tmp_path, capsys):
    graded_folder(tmp_path / 'grades', {'ann': 1.0})
    assert read_grades(tmp_path / 'grades').assignment == ASSIGNMENT.name
    roster = write_csv(tmp_path / 'r.csv', [['Username'], ['ann']])
    code, _, err = export(capsys, '--to', 'moodle', '--roster', roster, '--out', tmp_path / 'o.csv',
                          '--assignment', 'LayerNormalization', tmp_path / 'grades')
    assert code == 2 and 'holds grades of %s, not of LayerNormalization' % ASSIGNMENT.name in err


MARKS = {'ann': (70, 8), 'bob': (35.5, None), HOSTILE: (12.25, 3)}   # (automatic points, the question's)


@pytest.fixture(scope='module')
def gradebook(tmp_path_factory):
    """A course's gradebook.db made with nbgrader's API (70 automatic points and a 10-point question, MARKS
    given; nosub never handed in), and the grades.csv nbgrader's own exporter writes from it: grades.csv for
    the students whose ids are plain, grades-all.csv for all of them."""
    api = pytest.importorskip('nbgrader.api')
    from nbgrader.plugins import CsvExportPlugin

    from autograder.notebook.release import COURSE_ID
    course = tmp_path_factory.mktemp('course')
    with api.Gradebook('sqlite:///%s' % (course / 'gradebook.db'), COURSE_ID) as gb:
        for name in (ASSIGNMENT.name, 'LayerNormalization'):
            gb.add_assignment(name)
            gb.add_notebook(name, name)
            gb.add_grade_cell('auto', name, name, max_score=70, cell_type='code')
            gb.add_grade_cell('question', name, name, max_score=10, cell_type='markdown')
        for student in ('ann', 'bob', HOSTILE, 'nosub'):
            gb.add_student(student)
        for student, (auto, manual) in MARKS.items():
            gb.add_submission(ASSIGNMENT.name, student, **({'timestamp': '2025-03-01 12:00:00'} if student == 'ann' else {}))
            grade = gb.find_grade('auto', ASSIGNMENT.name, ASSIGNMENT.name, student)
            grade.auto_score, grade.needs_manual_grade = auto, False
            question = gb.find_grade('question', ASSIGNMENT.name, ASSIGNMENT.name, student)
            question.manual_score, question.needs_manual_grade = manual, manual is None
        gb.add_submission('LayerNormalization', 'ann')
        gb.db.commit()
        CsvExportPlugin(to=str(course / 'grades.csv'), student=['ann', 'bob', 'nosub']).export(gb)
        CsvExportPlugin(to=str(course / 'grades-all.csv')).export(gb)
    return course


def marked(student):
    auto, manual = MARKS[student]
    return auto + (manual or 0)


def nbgrader_scores(course, assignment):
    """{student: score}, as nbgrader's own export says (0 for a student with no submission)."""
    text = (course / 'grades.csv').read_text()
    return {row['student_id']: float(row['score']) for row in csv.DictReader(io.StringIO(text, newline=''))
            if row['assignment'] == assignment}


def test_reading_an_nbgrader_gradebook(gradebook, tmp_path, capsys):
    before = hashlib.sha256((gradebook / 'gradebook.db').read_bytes()).hexdigest()
    roster = canvas_roster(tmp_path / 'canvas.csv', ['ann', 'bob', HOSTILE, 'nosub'])
    code, _, err = export(capsys, '--to', 'canvas', '--roster', roster, '--out', tmp_path / 'c.csv',
                          '--assignment', ASSIGNMENT.name, gradebook)
    assert code == 1                                           # nosub has no submission
    written = read_back(tmp_path / 'c.csv')
    assert {row[3]: float(row[5]) for row in written[2:]} == {csv_cell(s): marked(s) for s in MARKS}
    assert nbgrader_scores(gradebook, ASSIGNMENT.name) == {'ann': marked('ann'), 'bob': marked('bob'), 'nosub': 0}
    assert float(written[1][5]) == 80                          # nbgrader's maximum, with the question
    assert 'nosub: no submission in the gradebook' in err
    assert 'bob: still needs grading by hand' in err
    assert hashlib.sha256((gradebook / 'gradebook.db').read_bytes()).hexdigest() == before   # read-only


def test_the_gradebook_needs_an_assignment_when_it_holds_several(gradebook, tmp_path, capsys):
    roster = write_csv(tmp_path / 'r.csv', [['Username'], ['ann']])
    code, _, err = export(capsys, '--to', 'moodle', '--roster', roster, '--out', tmp_path / 'o.csv', gradebook)
    assert code == 2 and 'choose one with --assignment' in err and 'LayerNormalization' in err
    code, _, err = export(capsys, '--to', 'moodle', '--roster', roster, '--out', tmp_path / 'o.csv',
                          '--assignment', 'LayerNormalization', gradebook / 'gradebook.db')
    assert code == 1, err                                      # only ann handed it in
    assert read_back(tmp_path / 'o.csv') == [['Username', 'LayerNormalization'],
                                             ['ann', '%g' % nbgrader_scores(gradebook, 'LayerNormalization')['ann']]]


def test_reading_the_grades_csv_nbgrader_export_writes(gradebook, tmp_path, capsys):
    roster = write_csv(tmp_path / 'r.csv', [['Username', 'student'], ['ann01', 'ann'], ['bob01', 'bob'],
                                            ['nosub01', 'nosub']])
    code, _, err = export(capsys, '--to', 'moodle', '--roster', roster, '--out', tmp_path / 'o.csv',
                          '--assignment', ASSIGNMENT.name, gradebook / 'grades.csv')
    assert code == 1
    assert {row[0]: float(row[1]) for row in read_back(tmp_path / 'o.csv')[1:]} == {
        'ann01': marked('ann'), 'bob01': marked('bob')}
    assert 'nosub: no submission, or 0 points without a timestamp' in err   # nbgrader wrote 0; not written
    # nbgrader does not quote its fields: the hostile id's quotes, comma and newline break its row.
    code, _, err = export(capsys, '--to', 'moodle', '--roster', roster, '--out', tmp_path / 'o.csv',
                          '--assignment', ASSIGNMENT.name, gradebook / 'grades-all.csv')
    assert code == 2 and re.fullmatch(r'error: %s, line \d+: not valid CSV: .*\n' % re.escape(str(gradebook / 'grades-all.csv')), err)


def test_without_nbgrader_a_gradebook_is_refused_clearly(gradebook, monkeypatch):
    monkeypatch.setitem(sys.modules, 'nbgrader', None)
    monkeypatch.setitem(sys.modules, 'nbgrader.api', None)
    with pytest.raises(lms.ExportError, match=r"needs nbgrader \(pip install 'bnkit\[instructor\]'\)"):
        read_grades(gradebook, ASSIGNMENT.name)


def test_the_export_modules_import_nothing_of_grading_or_nbgrader():
    probe = 'import json, sys, autograder.cli.export; print(json.dumps(sorted(sys.modules)))'
    modules = json.loads(subprocess.run([sys.executable, '-c', probe], capture_output=True, text=True, cwd=ROOT,
                                        check=True).stdout)
    assert [m for m in modules if m.startswith(('autograder.grading', 'nbgrader', 'numpy', 'autograder.sandbox'))] == []
