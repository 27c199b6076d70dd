"""bnkit grade end to end: real notebooks, real sandboxed workers, real files."""
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder.grading.submissions import find_submissions, results_folders
from autograder.notebook.extract import extract
from autograder.reports.files import CLASS_ENTRIES
from autograder.sandbox import LEVELS
from tests.browser import Browser, find_chromium
from tests.runs import bnkit, fast, read_grades
from tests.engine.scale_notebooks import notebook, with_reference, write
from tests.fixture_assignment import ASSIGNMENT
from tests.fixture_assignment.variants import BUGS

CHECK_NAMES = [s.name for s in ASSIGNMENT.checks]
FAST = fast(ASSIGNMENT.name)


BUG = BUGS[0]   # dx without gamma: a known mistake with its explanation


@pytest.fixture(scope='module')
def honest_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp('class')
    write(folder, 'reference', ASSIGNMENT.reference_cells())
    write(folder, 'untouched')
    write(folder, 'notjson', raw='{"cells": [')
    write(folder, 'raises', with_reference(scale_backward='def scale_backward(dout, cache):\n'
                                                         '    raise RuntimeError("not yet")\n'))
    write(folder, 'syntax', with_reference(scale_backward='def scale_backward(dout, cache:\n    pass\n'))
    write(folder, 'forgot_gamma', BUG.sources())
    out = tmp_path_factory.mktemp('out')
    proc = bnkit('grade', folder, '--out', out, *FAST)
    assert proc.returncode == 0, proc.stderr
    return folder, out


def results_of(out, student):
    return json.loads((out / student / 'results.json').read_text())


def test_reference_gets_full_marks(honest_class):
    _, out = honest_class
    grades = read_grades(out)
    assert float(grades['reference']['score']) == ASSIGNMENT.max_automatic_points
    data = results_of(out, 'reference')
    assert all(t['status'] == 'passed' for t in data['tests'])
    assert data['extra_data']['isolation'] in LEVELS


def test_untouched_release_gets_zero_in_every_check(honest_class):
    _, out = honest_class
    row = read_grades(out)['untouched']
    assert [float(row[name]) for name in CHECK_NAMES] == [0.0] * len(CHECK_NAMES)
    feedback = (out / 'untouched' / 'feedback.md').read_text()
    assert 'NotImplementedError' in feedback


def test_invalid_json_gets_a_clear_message(honest_class):
    _, out = honest_class
    data = results_of(out, 'notjson')
    assert data['score'] == 0 and 'not a valid notebook file' in data['output']


def test_a_raising_function_costs_only_the_checks_that_use_it(honest_class):
    _, out = honest_class
    row = read_grades(out)['raises']
    spec = ASSIGNMENT.by_name
    assert float(row['scale_backward']) == 0
    assert float(row['scale_forward']) == spec['scale_forward'].points
    assert 'RuntimeError: not yet' in (out / 'raises' / 'feedback.md').read_text()


def test_syntax_error_is_located_and_costs_only_the_checks_of_its_cell(honest_class):
    _, out = honest_class
    row = read_grades(out)['syntax']
    assert float(row['scale_forward']) == ASSIGNMENT.by_name['scale_forward'].points
    assert float(row['scale_backward']) == 0
    assert 'scale_backward has a syntax error on line 1' in results_of(out, 'syntax')['output']


def test_outputs_follow_gradescope_schema_and_the_class_reports_exist(honest_class):
    _, out = honest_class
    data = results_of(out, 'reference')
    assert isinstance(data['score'], float) and isinstance(data['execution_time'], float)
    for test in data['tests']:
        assert set(test) >= {'name', 'score', 'max_score', 'status', 'output', 'visibility'}
        assert test['status'] in ('passed', 'failed') and test['visibility'] == 'visible'
    assert (out / 'summary.md').read_text().startswith('# %s: class summary' % ASSIGNMENT.title)
    assert (out / 'grade_distribution.svg').read_text().startswith('<svg')
    assert (out / 'reference' / 'feedback.html').read_text().startswith('<!DOCTYPE html>')
    assert list(read_grades(out)['reference'])[:3] == ['student', 'score', 'max_score']


def test_a_known_mistake_is_named_in_the_feedback_and_recorded(honest_class):
    _, out = honest_class
    data = results_of(out, 'forgot_gamma')
    assert data['extra_data']['diagnoses'] == {BUG.loses_in: [BUG.name]}
    assert BUG.explanation in (out / 'forgot_gamma' / 'feedback.md').read_text()
    for student in ('reference', 'raises', 'untouched'):
        assert results_of(out, student)['extra_data']['diagnoses'] == {}, student
    summary = (out / 'summary.md').read_text()
    assert '## Mistakes the class made' in summary and 'forgot\\_gamma' in summary


STUDENT_NAMES = "Array.from(document.querySelectorAll('#students tbody tr td:first-child')).map(td => td.textContent)"
SCORES = "Array.from(document.querySelectorAll('#students tbody tr td:nth-child(2)')).map(td => +td.dataset.value)"


def test_class_report_in_a_real_browser(honest_class, tmp_path):
    """The page loads offline with no error, its table sorts, its links reach every feedback; a screenshot is
    written (to BNKIT_SCREENSHOT_DIR when set, as the README's picture is made)."""
    if not find_chromium():
        pytest.skip('Chromium is not installed (Debian: apt-get install chromium; scripts/setup.sh installs it '
                    'as root)')
    _, out = honest_class
    page_path = out / 'report.html'
    with Browser() as browser:
        page = browser.open(page_path)
        assert page.errors == []
        assert all(url.startswith(('file:', 'data:')) for url in page.requests), page.requests
        names = browser.evaluate(STUDENT_NAMES)
        assert sorted(names) == sorted(read_grades(out)) and names == sorted(names, key=str.lower)
        browser.evaluate("document.querySelector('#students thead th:nth-child(2)').click()")
        scores = browser.evaluate(SCORES)
        assert scores == sorted(scores) and scores[0] < scores[-1]
        browser.evaluate("document.querySelector('#students thead th:nth-child(2)').click()")
        assert browser.evaluate(SCORES) == sorted(scores, reverse=True)
        assert browser.evaluate("document.querySelector('#students thead th:nth-child(2)').getAttribute('aria-sort')"
                                ) == 'descending'
        links = browser.evaluate("Array.from(document.querySelectorAll('#students a')).map(a => a.href)")
        assert len(links) == len(names)
        assert all(url.startswith('file://') and os.path.isfile(url[len('file://'):]) for url in links)
        mistakes = browser.evaluate("document.querySelector('#mistakes + p + table').innerText")
        assert BUG.name in mistakes and 'forgot_gamma' in mistakes
        assert page.errors == []
        shot = Path(os.environ.get('BNKIT_SCREENSHOT_DIR') or tmp_path) / 'class-report.png'
        browser.screenshot(shot)
    assert shot.read_bytes()[:4] == b'\x89PNG' and shot.stat().st_size > 20000


def test_similarity_adds_its_section_to_the_class_report(honest_class, tmp_path):
    folder, out = honest_class
    copy = tmp_path / 'out'
    shutil.copytree(out, copy)
    release = write(tmp_path, 'release')     # the stubs every student starts from
    proc = bnkit('similarity', folder, '--out', copy, '--assignment', ASSIGNMENT.name, '--release', release)
    assert proc.returncode == 0, proc.stderr
    page = (copy / 'report.html').read_text()
    section = page.split('id="similarity"')[1]
    # every student who handed in the reference with one change shares nearly all of it with the others
    assert 'reference and forgot_gamma' in section or 'forgot_gamma and reference' in section
    assert '<mark>' in section and 'untouched' not in section
    assert (copy / 'grades.csv').read_text() == (out / 'grades.csv').read_text()   # no grade changes
    # Everything beside the students' folders is a name no student's folder may take.
    beside = {p.name for p in copy.iterdir() if not (p / 'results.json').exists()}
    assert beside <= set(CLASS_ENTRIES), beside - set(CLASS_ENTRIES)
    if find_chromium():
        with Browser() as browser:
            assert browser.open(copy / 'report.html').errors == []


def test_feedback_does_not_reveal_hidden_tests(honest_class):
    _, out = honest_class
    for student in ('untouched', 'raises', 'syntax'):
        text = (out / student / 'feedback.md').read_text()
        assert 'BEGIN HIDDEN' not in text and 'solutions' not in text and 'autograder' not in text


def test_three_shards_at_once_in_one_folder_grade_the_class_as_one_run(honest_class, tmp_path):
    folder, one_run = honest_class
    shared = tmp_path / 'shared'
    fast = [a for a in FAST if a not in ('--jobs', '2')] + ['--jobs', '1']
    runs = [subprocess.Popen([sys.executable, '-m', 'autograder.cli', 'grade', str(folder), '--out', str(shared),
                              '--shard', '%d/3' % k, *fast], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for k in range(3)]
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
    assert not (shared / 'grades.csv').exists(), 'a shard publishes nothing of the class'
    graded_by = {json.loads(p.read_text())['shard'][0]: json.loads(p.read_text())['students']
                 for p in (shared / 'shards').glob('*.json')}
    assert sorted(graded_by) == [0, 1, 2]
    assert sorted(s for students in graded_by.values() for s in students) == sorted(read_grades(one_run))
    report = bnkit('report', shared, '--quiet')
    assert report.returncode == 0, report.stderr
    for page in ('grades.csv', 'answers.md'):
        assert (shared / page).read_text() == (one_run / page).read_text(), page


def test_no_student_folder_takes_the_name_of_a_class_page_or_record():
    students = ['shards', 'Grades.csv', 'report.html', 'slurm-logs', 'alice']
    folders = results_folders(students)
    assert len(set(folders.values())) == len(students)
    assert not {f.lower() for f in folders.values()} & {e.lower() for e in CLASS_ENTRIES}
    assert folders['alice'] == 'alice'


def test_nbgrader_tree_is_found(tmp_path):
    for student in ('ann', 'ben'):
        (tmp_path / 'submitted' / student / ASSIGNMENT.name).mkdir(parents=True)
        (tmp_path / 'submitted' / student / ASSIGNMENT.name / 'Scale.ipynb').write_text('{}')
    found = find_submissions(tmp_path)
    assert sorted(found) == ['ann', 'ben']
    assert found['ann'].name == 'Scale.ipynb'


def test_extraction_falls_back_to_names_when_metadata_is_damaged(tmp_path):
    nb = notebook(ASSIGNMENT.reference_cells(), metadata=False)
    nb.cells.append(nbformat.v4.new_code_cell('out, _ = scale_forward(np.ones((2, 3)), np.ones(3))\nprint(out)'))
    path = tmp_path / 'damaged.ipynb'
    nbformat.write(nb, str(path))
    extraction = extract(ASSIGNMENT, path)
    assert extraction.method == 'names'
    source = '\n'.join(c['source'] for c in extraction.cells)
    assert 'def scale_forward' in source and 'def scale_backward' in source
    assert 'print(out)' not in source  # the experiment cells never run


def test_killed_and_restarted_run_gives_identical_grades(tmp_path):
    folder = tmp_path / 'class'
    folder.mkdir()
    for i in range(8):
        write(folder, 'student%d' % i, ASSIGNMENT.reference_cells() if i % 2 == 0 else {})
    uninterrupted = tmp_path / 'once'
    assert bnkit('grade', folder, '--out', uninterrupted, *FAST).returncode == 0

    out = tmp_path / 'twice'
    cmd = [sys.executable, '-m', 'autograder.cli', 'grade', str(folder), '--out', str(out), '--jobs', '1', '--quiet',
           '--assignment', ASSIGNMENT.name]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while not list(out.glob('*/results.json')) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(proc.pid, 9)
    proc.wait()
    finished_first = {p.parent.name: p.stat().st_mtime_ns for p in out.glob('*/results.json')}
    assert 1 <= len(finished_first) < 8, 'the run should have been interrupted midway'
    assert bnkit('grade', folder, '--out', out, *FAST).returncode == 0
    for student, mtime in finished_first.items():
        assert (out / student / 'results.json').stat().st_mtime_ns == mtime, 'regraded ' + student
    assert (out / 'grades.csv').read_text() == (uninterrupted / 'grades.csv').read_text()


HOSTILE = {
    'loops': 'def scale_backward(dout, cache):\n    while True:\n        pass\n',
    'exits_at_import': 'import sys\nsys.exit(0)\n',
    'os_exit_in_function': 'import os\ndef scale_backward(dout, cache):\n    os._exit(3)\n',
    'reads_the_answer_key': '''
def scale_backward(dout, cache):
    import glob
    for path in glob.glob('/**/fixture_assignment/reference.py', recursive=True):
        namespace = {}
        exec(open(path).read(), namespace)
        return namespace['scale_backward'](dout, cache)
    from tests.fixture_assignment.reference import scale_backward as answer
    return answer(dout, cache)
''',
    'memory_bomb': 'def scale_backward(dout, cache):\n    hoard = []\n    while True:\n'
                   '        hoard.append(bytearray(10 ** 8))\n',
    'kills_everything': 'import os, signal\ndef scale_backward(dout, cache):\n'
                        '    os.kill(-1, signal.SIGKILL)\n    os.kill(os.getppid(), signal.SIGKILL)\n',
}


@pytest.mark.hostile
@pytest.mark.slow
def test_hostile_submissions_lose_only_their_own_points(tmp_path):
    folder = tmp_path / 'class'
    folder.mkdir()
    write(folder, 'honest', ASSIGNMENT.reference_cells())
    for student, source in HOSTILE.items():
        write(folder, student, with_reference(scale_backward=source))
    out = tmp_path / 'out'
    # a limit the bomb reaches in a fraction of the call's time, however loaded the machine
    proc = bnkit('grade', folder, '--out', out, *FAST, '--memory-mb', '512', contained=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    grades = read_grades(out)
    assert float(grades['honest']['score']) == ASSIGNMENT.max_automatic_points
    for student in HOSTILE:
        row = grades[student]
        assert float(row['scale_backward']) == 0, student
        assert float(row['scale_forward']) == ASSIGNMENT.by_name['scale_forward'].points, student
    assert 'no answer after' in (out / 'loops' / 'feedback.md').read_text()
    assert 'memory limit' in (out / 'memory_bomb' / 'feedback.md').read_text()
    memory = results_of(out, 'memory_bomb')['extra_data']['peak_memory_mb']
    assert memory['workers'] > 0 and memory['grader'] > 0
