"""A class folder salted with hostile files and names: the honest students are graded exactly as in a clean
folder, every bad file is listed with its reason, and every report is safe in the program that opens it
(a spreadsheet, a markdown viewer, a browser, a terminal)."""
import csv
import json
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.reports.files import CLASS_ENTRIES
from autograder.reports.safetext import md_inline
from tests.browser import Browser, find_chromium
from tests.notebooks import with_reference, write
from tests.runs import bnkit, fast, read_grades

pytestmark = pytest.mark.slow

HOSTILE_NAMES = {
    'formula': "=HYPERLINK(1)+cmd|' -c calc'!A0",
    'at_formula': '@SUM(1+1)',
    'html': '<img src=x onerror=alert(1)>',
    'script': '<script>alert(1)<',
    'markdown': '## All students passed [x](x) **bold**',
    'escape': 'esc\x1b[2J\x1b]0;owned\x07name',
    'dots': '..',
}
MESSAGE = '<script>alert(1)</script>\\n## All students passed\\n\\x1b[2J=cmd|x'
BAD_FILES = ('fifo', 'zero_link', 'link_to_other', 'folder', 'too_big', 'not_utf8', 'not_json', 'nbformat3')

FAST = fast(ASSIGNMENT.name)


def salt(folder):
    """Add every kind of bad file; returns {student: the reason's key words}."""
    os.mkfifo(folder / 'fifo.ipynb')
    os.symlink('/dev/zero', folder / 'zero_link.ipynb')
    os.symlink(folder / 'reference.ipynb', folder / 'link_to_other.ipynb')
    (folder / 'folder.ipynb').mkdir()
    with open(folder / 'too_big.ipynb', 'wb') as f:
        f.truncate(3 * 1000 * 1000)
    (folder / 'not_utf8.ipynb').write_bytes(b'\xff\xfe{}')
    (folder / 'not_json.ipynb').write_text('{"cells": [')
    (folder / 'nbformat3.ipynb').write_text('{"nbformat": 3, "worksheets": []}')
    damaged = nbformat.read(str(folder / 'reference.ipynb'), as_version=4)
    for cell in damaged.cells:
        cell.metadata.pop('nbgrader', None)
    nbformat.write(damaged, str(folder / 'damaged_metadata.ipynb'))
    return {'fifo': 'named pipe', 'zero_link': 'symbolic link', 'link_to_other': 'symbolic link',
            'folder': 'folder', 'too_big': 'MB', 'not_utf8': 'not a valid notebook', 'not_json': 'not a valid notebook',
            'nbformat3': 'format 3'}


@pytest.fixture(scope='module')
def graded(tmp_path_factory):
    clean, salted = tmp_path_factory.mktemp('clean'), tmp_path_factory.mktemp('salted')
    for folder in (clean, salted):
        write(folder, 'reference', ASSIGNMENT.reference_cells())
        write(folder, 'raises_html', with_reference(batchnorm_forward=(
            'def batchnorm_forward(x, gamma, beta, bn_param):\n    raise ValueError("%s")\n' % MESSAGE)))
    for key, name in HOSTILE_NAMES.items():
        shutil.copy(salted / 'reference.ipynb', salted / ('%s.ipynb' % name))
    reasons = salt(salted)
    out = {}
    for label, folder in (('clean', clean), ('salted', salted)):
        out[label] = tmp_path_factory.mktemp('out-' + label)
        proc = bnkit('grade', folder, '--out', out[label], '--max-notebook-mb', '2', *FAST[:-1], timeout=900)
        assert proc.returncode == 0, proc.stderr[-3000:]
        out[label + '_terminal'] = proc.stdout + proc.stderr
    return out, reasons


def test_honest_students_are_graded_as_in_a_clean_folder(graded):
    out, _ = graded
    clean, salted = read_grades(out['clean']), read_grades(out['salted'])
    for student in ('reference', 'raises_html'):
        assert clean[student] == salted[student]
    assert float(salted['reference']['score']) == 70
    for name in HOSTILE_NAMES.values():
        if name != '..':   # a file named '...ipynb' is hidden (a dot file) and not a submission
            cell = "'" + name if name[:1] in '=+-@' else name
            assert float(salted[cell]['score']) == 70, name


def test_every_bad_file_is_listed_with_its_reason(graded):
    out, reasons = graded
    grades = read_grades(out['salted'])
    summary = (out['salted'] / 'summary.md').read_text()
    for student, words in reasons.items():
        assert grades[student]['note'].startswith('not graded:') and words in grades[student]['note'], student
        assert float(grades[student]['score']) == 0
        assert md_inline(student) in summary
        feedback = (out['salted'] / student / 'feedback.md').read_text()
        assert 'not graded' in feedback
    # damaged metadata is graded by the names the checks need, so it keeps full credit
    assert float(grades['damaged_metadata']['score']) == 70


def test_grades_csv_opens_safely_in_a_spreadsheet(graded):
    out, _ = graded
    with open(out['salted'] / 'grades.csv', newline='') as f:
        rows = list(csv.reader(f))
    for row in rows[1:]:
        for cell in row:
            assert cell[:1] not in ('=', '+', '-', '@', '\t', '\r'), cell


def test_markdown_reports_render_the_text_not_its_markup(graded):
    out, _ = graded
    texts = [(out['salted'] / 'summary.md').read_text()]
    texts += [p.read_text() for p in out['salted'].glob('*/feedback.md')]
    for text in texts:
        assert '<img' not in text and '<script' not in text and '\x1b' not in text
        assert not re.search(r'^#+ All students passed', text, re.M)
    feedback = (out['salted'] / 'raises_html' / 'feedback.md').read_text()
    assert '&lt;script&gt;' in feedback           # the message is there, shown as text


def test_html_feedback_is_escaped_and_self_contained(graded):
    out, _ = graded
    for path in out['salted'].glob('*/feedback.html'):
        page = path.read_text()
        assert '<script' not in page
        # the only images are the feedback's own figures, embedded
        assert all(img.startswith('<img alt="') and ' src="data:image/png;base64,' in img
                   for img in re.findall(r'<img[^>]*>', page))
        assert 'http://' not in page and 'https://' not in page and '<style>' in page
    page = (out['salted'] / 'raises_html' / 'feedback.html').read_text()
    assert '&lt;script&gt;alert(1)&lt;/script&gt;' in page


def test_the_terminal_gets_no_control_sequences(graded):
    out, _ = graded
    assert '\x1b' not in out['salted_terminal'] and '\x07' not in out['salted_terminal']


def test_student_folders_are_safe_names_and_keep_the_original_name(graded):
    out, _ = graded
    folders = [p for p in out['salted'].iterdir() if p.is_dir() and p.name not in CLASS_ENTRIES]
    originals = set()
    for folder in folders:
        assert re.fullmatch(r'[A-Za-z0-9_][A-Za-z0-9._-]*', folder.name), folder.name
        originals.add(json.loads((folder / 'results.json').read_text())['extra_data']['student'])
    for name in HOSTILE_NAMES.values():
        if name != '..':
            assert name in originals
    assert not (out['salted'].parent / 'results.json').exists()


def test_class_report_shows_hostile_names_as_text(graded):
    out, _ = graded
    page = (out['salted'] / 'report.html').read_text()
    # the page's own script, the students' rows as an inert JSON block, and its figure
    assert page.count('<script') == 2 and page.count('<script type="application/json"') == 1
    assert page.count('<img') == 1
    block = page.split('<script type="application/json" id="students-data">')[1].split('</script>')[0]
    assert '<' not in block, 'nothing in the rows can end their block'
    for name in HOSTILE_NAMES.values():
        if name != '..':
            as_json = json.dumps(name)[1:-1].replace('<', '\\u003c').replace('&', '\\u0026')
            assert as_json in block, name
    if not find_chromium():
        pytest.skip('Chromium is not installed (Debian: apt-get install chromium)')
    with Browser() as browser:
        loaded = browser.open(out['salted'] / 'report.html')
        assert browser.evaluate("[Array.from(document.scripts).filter(s => s.type !== 'application/json').length,"
                                " document.images.length]") == [1, 1]
        assert browser.evaluate('document.images[0].naturalWidth') > 0, 'the histogram is drawn under the CSP'
        names = browser.evaluate("Array.from(document.querySelectorAll('#students tbody tr td:first-child'))"
                                 ".map(td => td.textContent)")
        assert HOSTILE_NAMES['html'] in names and HOSTILE_NAMES['script'] in names
        assert loaded.errors == []
        assert all(url.startswith(('file:', 'data:')) for url in loaded.requests), loaded.requests


def test_a_terminal_that_takes_only_ascii_still_gets_the_whole_run(tmp_path):
    """A batch system's log or an old terminal may take only ASCII: a student's name it cannot show is
    escaped in what is printed, kept as it is in the grades, and the run finishes."""
    folder, out = tmp_path / 'class', tmp_path / 'out'
    folder.mkdir()
    write(folder, 'zoë 学生', ASSIGNMENT.reference_cells())
    env = dict(os.environ, PYTHONIOENCODING='ascii')
    proc = subprocess.run([sys.executable, '-m', 'autograder.cli', 'grade', str(folder), '--out', str(out), *FAST[:-1]],
                          capture_output=True, text=True, encoding='ascii', errors='strict', env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'zo\\xeb' in proc.stdout
    assert float(read_grades(out)['zoë 学生']['score']) == ASSIGNMENT.max_automatic_points


def test_a_reader_that_stops_early_costs_no_traceback_and_no_grades(tmp_path):
    """`bnkit grade ... | head -1`: the pipe closes before the table is printed; the grades are whole."""
    folder, out = tmp_path / 'class', tmp_path / 'out'
    folder.mkdir()
    write(folder, 'reference', ASSIGNMENT.reference_cells())
    grade = subprocess.Popen([sys.executable, '-m', 'autograder.cli', 'grade', str(folder), '--out', str(out),
                              *FAST[:-1]], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    grade.stdout.close()      # what `head -1` does after its line, here before the first
    stderr = grade.stderr.read().decode()
    assert grade.wait(timeout=600) in (0, 141), stderr[-3000:]
    assert 'Traceback' not in stderr
    assert float(read_grades(out)['reference']['score']) == ASSIGNMENT.max_automatic_points
