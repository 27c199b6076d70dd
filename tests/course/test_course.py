"""nbgrader as its users run it: the README's walk-through on a fresh copy, and Validate on the release."""
import csv
import filecmp
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from autograder.assignment import get
from autograder.notebook.fill import fill_solution_cells
from tests.notebooks import RELEASE_DIR, ROOT, grade_id

ASSIGNMENT = get('BatchNormalization')
reference_cells = ASSIGNMENT.reference_cells

WALKTHROUGH_HEADING = '### The nbgrader course, step by step'


def walkthrough_commands():
    """The first bash block under the README's walk-through heading, as its lines."""
    readme = (ROOT / 'README.md').read_text()
    section = readme.split(WALKTHROUGH_HEADING, 1)[1]
    block = re.search(r'```bash\n(.*?)```', section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def fresh_copy(dest):
    """The checkout's files as a clone would have them (tracked and new, minus what .gitignore leaves out)."""
    listed = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split('\0')
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


def kit_environment(checkout):
    """The kit's environment on PATH (as `source .venv/bin/activate` gives), the copy's packages first."""
    env = {k: v for k, v in os.environ.items() if k not in ('CIFAR10_DIR', 'BNKIT_QUICK')}
    env['PATH'] = str(Path(sys.executable).parent) + os.pathsep + env.get('PATH', '')
    env['PYTHONPATH'] = str(checkout)
    env['MPLBACKEND'] = 'Agg'
    env['XDG_DATA_HOME'] = str(checkout / 'no-data')    # no CIFAR-10: the experiments skip
    return env


def test_the_walkthrough_is_a_block_of_commands_that_runs_nbgrader():
    commands = walkthrough_commands()
    assert commands[0] == 'bnkit release'
    for step in ('autograde', 'generate_feedback', 'export'):
        assert 'nbgrader %s' % step in '\n'.join(commands)


@pytest.mark.slow
def test_readme_walkthrough_on_a_fresh_copy_matches_bnkit_grade(tmp_path):
    checkout = fresh_copy(tmp_path / 'checkout')
    release_before = tmp_path / 'release-before'
    shutil.copytree(checkout / 'release', release_before)
    script = 'set -euo pipefail\n' + '\n'.join(walkthrough_commands()) + '\n'
    proc = subprocess.run(['bash', '-c', script], cwd=checkout, env=kit_environment(checkout),
                          capture_output=True, text=True, timeout=900)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-5000:]
    assert 'is not absolute' not in output
    assert 'No assignment with ID' not in output

    course = checkout / 'course'
    with open(course / 'grades.csv') as f:
        nbgrader_scores = {row['student_id']: float(row['raw_score']) for row in csv.DictReader(f)
                           if row['assignment'] == 'BatchNormalization'}   # the course holds every assignment
    with open(course / 'bnkit-grades' / 'grades.csv') as f:
        bnkit_scores = {row['student']: float(row['score']) for row in csv.DictReader(f)}
    assert len(bnkit_scores) >= 5 and nbgrader_scores == pytest.approx(bnkit_scores)
    assert len(set(bnkit_scores.values())) >= 3     # the sample class is not all one score

    for student in bnkit_scores:
        html = (course / 'feedback' / student / 'BatchNormalization' / 'BatchNormalization.html').read_text()
        # No trace of the missing data set (a student's own mistakes do show, as they should).
        for noise in ("name 'data' is not defined", "name 'solver' is not defined", 'BEGIN HIDDEN TESTS'):
            assert noise not in html, (student, noise)
        # Each student's feedback says the points came from the sandbox, and at which level.
        assert 'Scored by bnkit in its sandbox, isolation level' in html, student
        if student == 'complete':
            assert 'Traceback (most recent call last)' not in html
        # Once in the load cell's source, then once in each of the five experiment cells' output.
        assert html.count('Skipped: this experiment needs CIFAR-10') == 1 + 5, student

    # nbgrader wrote only inside course/: the committed release is as it was.
    comparison = filecmp.dircmp(release_before, checkout / 'release')
    assert not (comparison.left_only or comparison.right_only or comparison.diff_files)

    # The formgrader, as `jupyter lab` in course/ serves it, sees the assignment and every graded submission.
    submissions = formgrader_get(course, kit_environment(checkout), '/formgrader/api/submissions/BatchNormalization')
    assert {sub['student']: sub['score'] for sub in submissions} == pytest.approx(nbgrader_scores)
    assert {sub['max_score'] for sub in submissions} == {ASSIGNMENT.max_automatic_points + ASSIGNMENT.hand_graded_points}


def formgrader_get(course, env, path, timeout=120):
    """GET a formgrader API path from a Jupyter server started in the course folder."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    server = subprocess.Popen([str(Path(sys.executable).parent / 'jupyter'), 'server', '--no-browser',
                               '--port=%d' % port, '--ip=127.0.0.1', '--IdentityProvider.token=%s' % token]
                              + (['--allow-root'] if os.geteuid() == 0 else []),
                              cwd=course, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + timeout
        url = 'http://127.0.0.1:%d%s?token=%s' % (port, path, token)
        while True:
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    return json.loads(response.read())
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stderr.read().decode()[-3000:]
                assert time.monotonic() < deadline, 'the Jupyter server did not answer'
                time.sleep(0.5)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def validate(folder, env):
    proc = subprocess.run([str(Path(sys.executable).parent / 'nbgrader'), 'validate', 'BatchNormalization.ipynb'],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=900)
    return proc.stdout + proc.stderr


@pytest.mark.slow
def test_validate_fails_on_every_unfinished_part_of_the_untouched_release(tmp_path):
    folder = tmp_path / 'BatchNormalization'
    shutil.copytree(RELEASE_DIR, folder)
    output = validate(folder, kit_environment(tmp_path))
    nb = nbformat.read(folder / 'BatchNormalization.ipynb', as_version=4)
    # Every visible test cell but the training one (an experiment: skipped without data), and the answer.
    unfinished = [c for c in nb.cells if c.metadata.get('nbgrader', {}).get('grade')
                  and c.metadata.nbgrader.points == 0 and grade_id(c) != 'test_training']
    assert len(unfinished) == 4
    assert 'VALIDATION FAILED ON %d CELL(S)' % (len(unfinished) + 1) in output, output[-3000:]
    assert output.count('NotImplementedError') >= len(unfinished)


@pytest.mark.slow
def test_validate_passes_a_finished_notebook_with_the_releases_config(tmp_path):
    folder = tmp_path / 'BatchNormalization'
    shutil.copytree(RELEASE_DIR, folder)
    nb = fill_solution_cells(folder / 'BatchNormalization.ipynb', ASSIGNMENT.reference_cells())
    for cell in nb.cells:
        if grade_id(cell) == 'answer_initialization':
            cell.source = 'Batch normalization rescales every layer, so the initial scale matters less.'
    nbformat.write(nb, str(folder / 'BatchNormalization.ipynb'))
    output = validate(folder, kit_environment(tmp_path))
    assert 'Success! Your notebook passes all the tests.' in output, output[-3000:]
    assert 'Timeout' not in output
