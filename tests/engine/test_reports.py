"""What grading leaves behind, from results built the way the grader builds them: the class CSV (a
spreadsheet must not read a student's text as a formula), summary.md, and results loaded by student."""
import csv
import io
import json

from tests.fixture_assignment import ASSIGNMENT
from autograder.grading.grade_one import build_results
from autograder.reports import results as reports


def results_for(student, fractions=None, messages=(), not_graded=None):
    """Results as ``autograder.grading.grade_one`` builds them, every check at full credit unless ``fractions`` says."""
    fractions = fractions or {}
    per_check = {spec.name: {'fraction': fractions.get(spec.name, 1.0), 'messages': ['lost %s' % spec.name]
                             if fractions.get(spec.name, 1.0) < 1 else [], 'seconds': 0.1}
                 for spec in ASSIGNMENT.checks}
    return build_results(ASSIGNMENT, student, '%s.ipynb' % student, '0' * 64, per_check, list(messages), None, 1.5, not_graded)


def test_grades_csv_has_one_column_per_check_and_quotes_formulas():
    all_results = {'=HYPERLINK("http://x")': results_for('=HYPERLINK("http://x")'),
                   'ann, "the first"': results_for('ann, "the first"', {'scale_backward': 0.5}),
                   'ben': results_for('ben', not_graded='@SUM(A1) is not a notebook')}
    rows = list(csv.reader(io.StringIO(reports.grades_csv(ASSIGNMENT, all_results))))
    assert rows[0] == ['student', 'score', 'max_score'] + [s.name for s in ASSIGNMENT.checks] + ['note']
    by_student = {row[0]: row for row in rows[1:]}
    assert set(by_student) == {'\'=HYPERLINK("http://x")', 'ann, "the first"', 'ben'}
    ann = dict(zip(rows[0], by_student['ann, "the first"']))
    half = ASSIGNMENT.by_name['scale_backward'].points / 2
    assert float(ann['scale_backward']) == half
    assert float(ann['score']) == ASSIGNMENT.max_automatic_points - half
    assert float(ann['max_score']) == ASSIGNMENT.max_automatic_points
    assert by_student['ben'][-1] == 'not graded: @SUM(A1) is not a notebook'   # quoted: starts with text
    assert all(not cell.startswith(('=', '+', '-', '@')) for row in rows for cell in row)


def test_summary_lists_every_check_and_escapes_student_text(tmp_path):
    all_results = {'ann': results_for('ann'),
                   'b*o*b': results_for('b*o*b', {'scale_forward': 0.0})}
    reports.write_class_reports(tmp_path, ASSIGNMENT, all_results, failures=[('<eve>', 'not graded: empty')], run_seconds=3.0)
    summary = (tmp_path / 'summary.md').read_text()
    assert '2 submissions graded.' in summary
    for spec in ASSIGNMENT.checks:
        full = 1 if spec.name == 'scale_forward' else 2
        mean = spec.points / 2 if spec.name == 'scale_forward' else spec.points
        assert '| %s | %.2f / %g | %d of 2 |' % (spec.title, mean, spec.points, full) in summary
    assert '- &lt;eve&gt;: not graded: empty' in summary
    total = ASSIGNMENT.max_automatic_points
    assert 'Mean score %.1f / %g' % (total - ASSIGNMENT.by_name['scale_forward'].points / 2, total) in summary
    assert json.loads((tmp_path / 'run.json').read_text()) == {'run_seconds': 3.0, 'environment_limits': None}
    assert (tmp_path / 'grades.csv').exists() and (tmp_path / 'report.html').exists()


def test_results_are_loaded_by_the_students_own_name_not_the_folder(tmp_path):
    reports.write_student_reports(tmp_path / 'student-1', results_for('Zoë / ../x'), ASSIGNMENT)
    reports.write_student_reports(tmp_path / 'student-2', results_for('ann', {'scale_forward': 0.0}), ASSIGNMENT)
    (tmp_path / 'broken').mkdir()
    (tmp_path / 'broken' / 'results.json').write_text('{"half a file')
    (tmp_path / 'nameless').mkdir()
    (tmp_path / 'nameless' / 'results.json').write_text('{"score": 1}')
    loaded = reports.load_results(tmp_path)
    assert sorted(loaded) == ['Zoë / ../x', 'ann']
    assert loaded['ann'].score == ASSIGNMENT.max_automatic_points - ASSIGNMENT.by_name['scale_forward'].points
    assert (tmp_path / 'student-1' / 'feedback.md').read_text().startswith('# %s' % ASSIGNMENT.title)
