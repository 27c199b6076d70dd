"""The Gradescope bundle, rehearsed: unpack autograder.zip into a folder laid out like /autograder, run its
setup.sh (into a virtual environment of its own, then locking the answer key away) and its run_autograder on
a reference, an untouched release, a buggy and a hostile submission.

The rehearsal in Gradescope's kind of image, built and run with podman over a Debian 12 base, in four
capability settings and for every assignment, is scripts/rehearse_gradescope.sh: it takes minutes, so its
test here is opt-in (BNKIT_REHEARSE=1). docs/gradescope.md has both.
"""
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants import BUGS
from autograder.grading.gradescope import (RUN_AUTOGRADER, SETUP_SH, build_bundle, run_autograder_script,
                                          vendor_target_options)
from autograder.notebook.fill import fill_solution_cells
from autograder.validation.hostile import hostile_variants
from tests.notebooks import RELEASE_NB

ROOT = Path(__file__).resolve().parents[2]
ISOLATION_LEVELS = {'full', 'container', 'process'}    # the sandbox's levels, strongest first
TEST_STATUSES = {'passed', 'failed'}
VISIBILITIES = {'hidden', 'after_due_date', 'after_published', 'visible'}


def validate_results_json(data):
    """The fields and types of Gradescope's documented results.json."""
    assert isinstance(data['score'], (int, float))
    assert isinstance(data['execution_time'], (int, float))
    assert isinstance(data['output'], str) and data.get('output_format') in (None, 'text', 'html', 'md', 'simple_format', 'ansi')
    assert data.get('visibility', 'visible') in VISIBILITIES
    assert data.get('stdout_visibility', 'hidden') in VISIBILITIES
    assert isinstance(data['tests'], list) and data['tests']
    for test in data['tests']:
        assert isinstance(test['name'], str) and isinstance(test['output'], str)
        assert isinstance(test['score'], (int, float)) and isinstance(test['max_score'], (int, float))
        assert 0 <= test['score'] <= test['max_score']
        assert test['status'] in TEST_STATUSES and test['visibility'] in VISIBILITIES
    assert set(data) <= {'score', 'execution_time', 'output', 'output_format', 'visibility', 'stdout_visibility',
                         'extra_data', 'tests', 'leaderboard', 'test_output_format', 'test_name_format'}


@pytest.fixture(scope='module')
def autograder_root(tmp_path_factory):
    """A folder laid out like /autograder after Gradescope's image build: source/ unpacked from the zip,
    setup.sh run (its environment in bnkit-venv/), run_autograder copied beside source/."""
    root = tmp_path_factory.mktemp('autograder')
    bundle = build_bundle(ASSIGNMENT, root / 'autograder.zip')
    with zipfile.ZipFile(bundle) as zf:
        assert {'setup.sh', 'run_autograder'} <= set(zf.namelist())
        assert any(name.startswith('wheels/bnkit-') for name in zf.namelist())
        zf.extractall(root / 'source')
    for name in ('setup.sh', 'run_autograder'):
        os.chmod(root / 'source' / name, 0o755)
    shutil.copy(root / 'source' / 'run_autograder', root / 'run_autograder')   # as Gradescope does
    # setup.sh makes its own environment from this Python; apt-get is left alone (BNKIT_NO_APT).
    env = dict(os.environ, BNKIT_VENV=str(root / 'bnkit-venv'), BNKIT_BASE_PYTHON=sys.executable, BNKIT_NO_APT='1')
    for name in ('VIRTUAL_ENV', 'PYTHONPATH', 'BNKIT_PYTHON'):
        env.pop(name, None)
    setup = subprocess.run(['bash', str(root / 'source' / 'setup.sh')], env=env, capture_output=True, text=True,
                           timeout=1200)
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    assert 'bnkit installed in %s' % (root / 'bnkit-venv') in setup.stdout
    return root, env


def site_packages(root):
    python = root / 'bnkit-venv' / 'bin' / 'python'
    out = subprocess.run([str(python), '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
                         capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def others_can_access(path):
    return os.lstat(path).st_mode & 0o077 != 0


def run_autograder(root, env, cells, tmp_path, contained=False, notebook=None):
    submission = tmp_path / 'submission'
    submission.mkdir()
    if notebook is not None:
        shutil.copy(notebook, submission / 'BatchNormalization.ipynb')
    else:
        nbformat.write(fill_solution_cells(RELEASE_NB, cells), str(submission / 'BatchNormalization.ipynb'))
    results = tmp_path / 'results' / 'results.json'
    # The paths go as arguments (not BNKIT_SUBMISSION_DIR/BNKIT_RESULTS), so that run_contained, which keeps
    # the folders its arguments name visible, keeps them.
    cmd = ['bash', str(root / 'run_autograder'), '--submission-dir', str(submission), '--results', str(results)]
    if contained:
        from tests.containment import run_contained
        proc = run_contained(cmd, timeout=600, env=env)
    else:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(results.read_text())
    validate_results_json(data)
    return data


def readable_by_everyone(path):
    mode = os.lstat(path).st_mode
    return bool(mode & 0o004) and (not stat.S_ISDIR(mode) or bool(mode & 0o001))


@pytest.mark.slow
def test_setup_installs_for_every_user_and_locks_the_source(autograder_root):
    root, _ = autograder_root
    assert not (root / 'source' / 'wheels').exists()
    for path in [root / 'source', *(root / 'source').rglob('*')]:
        assert not others_can_access(path), path
    site = site_packages(root)
    assert site.is_relative_to(root / 'bnkit-venv')
    # Every user can run the kit (a platform may grade as a non-root uid); the sandbox keeps workers out.
    kit = [site / 'autograder', site / 'solutions', *site.glob('bnkit-*.dist-info'), site / 'cs231n', site / 'numpy']
    assert len(kit) == 5
    for top in kit:
        for path in [top, *top.rglob('*')]:
            assert os.path.islink(path) or readable_by_everyone(path), path
    assert os.stat(root / 'bnkit-venv' / 'bin' / 'python').st_mode & 0o001
    # Run again (an image rebuilt over the same folder): nothing to install, the modes are set again.
    env = dict(autograder_root[1])
    again = subprocess.run(['bash', str(root / 'source' / 'setup.sh')], env=env, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert 'already installed' in again.stdout


@pytest.mark.slow
def test_reference_submission(autograder_root, tmp_path):
    root, env = autograder_root
    data = run_autograder(root, env, ASSIGNMENT.reference_cells(), tmp_path)
    assert data['score'] == ASSIGNMENT.max_automatic_points
    assert data['output_format'] == 'md' and 'Every automatic check passed' in data['output']
    assert data['extra_data']['isolation'] in ISOLATION_LEVELS
    assert 'Your written answers (graded by hand)' in data['output'] and data['extra_data']['written_answers']
    assert '### %s' % ASSIGNMENT.questions[0].title.split()[0] in data['output']


@pytest.mark.slow
def test_untouched_release_earns_nothing(autograder_root, tmp_path):
    root, env = autograder_root
    data = run_autograder(root, env, None, tmp_path, notebook=RELEASE_NB)
    assert data['score'] == 0
    assert all(t['score'] == 0 for t in data['tests'])


@pytest.mark.slow
def test_buggy_submission(autograder_root, tmp_path):
    root, env = autograder_root
    cells = ASSIGNMENT.reference_cells()
    cells.update(next(v for v in BUGS if v.name == 'dx_missing_mean_term').cells)
    data = run_autograder(root, env, cells, tmp_path)
    backward = next(t for t in data['tests'] if t['tags'] == ['batchnorm_backward'])
    assert backward['status'] == 'failed' and backward['score'] < backward['max_score']
    assert 0 < data['score'] < ASSIGNMENT.max_automatic_points


@pytest.mark.slow
@pytest.mark.hostile
def test_hostile_submission(autograder_root, tmp_path):
    from tests.containment import require_containment
    require_containment()
    root, env = autograder_root
    cells = ASSIGNMENT.reference_cells()
    cells.update(next(v for v in hostile_variants(ASSIGNMENT) if v.name == 'kills_everything').cells)
    data = run_autograder(root, env, cells, tmp_path, contained=True)
    backward = next(t for t in data['tests'] if t['tags'] == ['batchnorm_backward'])
    assert backward['score'] == 0
    assert backward['status'] == 'failed' and backward['output']


def test_run_autograder_passes_arguments_and_the_grader_exit_code(tmp_path):
    fake = tmp_path / 'python'
    # The wrapper first checks that the kit imports (-I -c ...), then runs the grader.
    fake.write_text('#!/bin/sh\n[ "$2" = -c ] && exit 0\necho "$@" > "%s"\nexit 7\n' % (tmp_path / 'args'))
    fake.chmod(0o755)
    script = tmp_path / 'run_autograder'
    script.write_text(run_autograder_script(ASSIGNMENT))
    proc = subprocess.run(['bash', str(script), '--require-isolation', 'container'], capture_output=True,
                          env=dict(os.environ, BNKIT_PYTHON=str(fake)))
    assert proc.returncode == 7
    assert (tmp_path / 'args').read_text().split() == ['-I', '-m', 'autograder.cli', 'run-autograder', '--assignment',
                                                       ASSIGNMENT.name, '--require-isolation', 'container']
    # Without BNKIT_PYTHON it runs the environment BNKIT_VENV names (default /autograder/bnkit-venv).
    venv = tmp_path / 'venv'
    (venv / 'bin').mkdir(parents=True)
    shutil.copy(fake, venv / 'bin' / 'python')
    env = {k: v for k, v in os.environ.items() if k != 'BNKIT_PYTHON'}
    proc = subprocess.run(['bash', str(script)], capture_output=True, env=dict(env, BNKIT_VENV=str(venv)))
    assert proc.returncode == 7
    assert '${BNKIT_VENV:-/autograder/bnkit-venv}/bin/python' in RUN_AUTOGRADER


def test_scripts_parse():
    for text in (SETUP_SH, RUN_AUTOGRADER):
        proc = subprocess.run(['bash', '-n'], input=text, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    assert 'pip install' in SETUP_SH and 'bubblewrap' in SETUP_SH and 'chmod -R go-rwx' in SETUP_SH


def test_vendored_wheels_target_the_python_version_not_this_interpreter():
    options = vendor_target_options(python=(3, 11), machine='x86_64')
    pairs = list(zip(options, options[1:]))
    assert ('--python-version', '3.11') in pairs and ('--abi', 'cp311') in pairs
    platforms = [b for a, b in pairs if a == '--platform']
    assert 'manylinux_2_17_x86_64' in platforms and 'manylinux2014_x86_64' in platforms
    assert 'manylinux_2_35_x86_64' in platforms and 'manylinux_2_36_x86_64' not in platforms
    assert '--only-binary=:all:' in options


def rehearsal_script():
    """scripts/rehearse_gradescope.py as a module (scripts/ is no package), for its constants."""
    path = ROOT / 'scripts' / 'rehearse_gradescope.py'
    spec = importlib.util.spec_from_file_location('rehearse_gradescope', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_rehearsal_in_gradescope_images_under_podman():
    """scripts/rehearse_gradescope.sh end to end, every assignment: the image built with podman over the
    cached Debian 12 base, setup.sh as root, run_autograder in four settings with no network."""
    if os.environ.get('BNKIT_REHEARSE') != '1':
        pytest.skip('the podman rehearsal takes minutes and builds an image per assignment: set '
                    'BNKIT_REHEARSE=1 to run it here, or run it by hand: bash scripts/rehearse_gradescope.sh')
    proc = subprocess.run(['bash', str(ROOT / 'scripts' / 'rehearse_gradescope.sh')], capture_output=True,
                          text=True, timeout=5400, cwd=ROOT)
    if proc.returncode == rehearsal_script().CANNOT_REHEARSE_HERE:
        pytest.skip(proc.stdout.strip() or proc.stderr.strip())
    print(proc.stdout)            # the tables and phase times, shown with pytest -s or -rP
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    assert 'every verdict ok' in proc.stdout


def test_rehearsal_without_podman_says_so_and_exits_with_its_own_status(tmp_path):
    empty = tmp_path / 'bin'          # a PATH where podman is not found
    empty.mkdir()
    proc = subprocess.run([sys.executable, str(ROOT / 'scripts' / 'rehearse_gradescope.py'), 'BatchNormalization'],
                          capture_output=True, text=True, timeout=120, env=dict(os.environ, PATH=str(empty)))
    assert proc.returncode == rehearsal_script().CANNOT_REHEARSE_HERE, proc.stdout + proc.stderr
    assert proc.stdout.startswith('skipped: podman is not installed') and 'apt-get install' in proc.stdout


# ------------------------------------------------------------------ a grader that is not root

NOBODY = 65534


def wrapper(tmp_path, python_body):
    """The bundle's run_autograder with a stand-in Python whose script is ``python_body``."""
    fake = tmp_path / 'python'
    fake.write_text('#!/bin/sh\n' + python_body)
    fake.chmod(0o755)
    script = tmp_path / 'run_autograder'
    script.write_text(run_autograder_script(ASSIGNMENT))
    return script, fake


def test_run_autograder_that_cannot_import_the_kit_writes_why(tmp_path):
    script, fake = wrapper(tmp_path, 'echo "ModuleNotFoundError: No module named \'autograder.cli\'" >&2\nexit 1\n')
    results = tmp_path / 'results' / 'results.json'
    proc = subprocess.run(['bash', str(script), '--results', str(results)], capture_output=True, text=True,
                          env=dict(os.environ, BNKIT_PYTHON=str(fake)))
    assert proc.returncode == 3
    data = json.loads(results.read_text())
    assert data['score'] == 0 and data['tests'] == []
    assert 'cannot import the kit' in data['extra_data']['grading_failed']
    assert "No module named 'autograder.cli'" in data['output'] and 'setup.sh again as root' in data['output']
    assert 'not a grade' in data['output']
    assert proc.stderr.count('\n') == 1 and 'written to %s' % results in proc.stderr


def test_run_autograder_without_the_kit_or_a_results_folder_says_why_in_one_line(tmp_path):
    script, _ = wrapper(tmp_path, 'exit 0\n')
    results = tmp_path / 'results.json'
    proc = subprocess.run(['bash', str(script), '--results=%s' % results], capture_output=True, text=True,
                          env=dict(os.environ, BNKIT_PYTHON=str(tmp_path / 'missing' / 'python')))
    assert proc.returncode == 3
    assert 'is missing or cannot be run' in json.loads(results.read_text())['extra_data']['grading_failed']
    # Nowhere to write: a file where the results folder should be. One line says both.
    blocked = tmp_path / 'a-file'
    blocked.write_text('')
    proc = subprocess.run(['bash', str(script), '--results', str(blocked / 'results.json')], capture_output=True,
                          text=True, env=dict(os.environ, BNKIT_PYTHON=str(tmp_path / 'missing' / 'python')))
    assert proc.returncode == 3
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and 'no results.json either' in lines[0] and 'setup.sh' in lines[0], proc.stderr


def test_the_grader_that_cannot_write_its_results_stops_before_grading(tmp_path):
    blocked = tmp_path / 'a-file'
    blocked.write_text('')
    submission = tmp_path / 'submission'
    submission.mkdir()
    shutil.copy(RELEASE_NB, submission / 'BatchNormalization.ipynb')
    proc = subprocess.run([sys.executable, '-m', 'autograder.cli', 'run-autograder', '--assignment', ASSIGNMENT.name,
                           '--submission-dir', str(submission), '--results', str(blocked / 'results.json')],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3
    assert proc.stderr.startswith('error: not graded: uid %d cannot write the results' % os.geteuid()), proc.stderr
    assert 'isolation:' not in proc.stderr        # it stopped before choosing a level, let alone grading


@pytest.mark.slow
@pytest.mark.hostile
def test_built_as_root_run_as_a_user(autograder_root, tmp_path):
    """setup.sh as root (the fixture), run_autograder as uid 65534 (runAsNonRoot, an arbitrary uid): the
    reference gets full credit at the level that user can have, and says which. An install locked to root
    (what setup.sh did before) gets a results.json saying why; setup.sh run again unlocks it."""
    from tests.containment import require_containment, run_contained
    require_containment()
    if not shutil.which('setpriv'):
        pytest.skip('setpriv (util-linux) is not installed')
    root, env = autograder_root
    submission, results = tmp_path / 'submission', tmp_path / 'results' / 'results.json'
    submission.mkdir()
    results.parent.mkdir()
    nbformat.write(fill_solution_cells(RELEASE_NB, ASSIGNMENT.reference_cells()), str(submission / 'BatchNormalization.ipynb'))
    os.chmod(submission / 'BatchNormalization.ipynb', 0o644)
    os.chown(results.parent, NOBODY, NOBODY)      # a platform that grades as a user gives it the results folder
    for folder in (root, tmp_path):
        os.chmod(folder, 0o755)                   # as /autograder is; pytest makes its folders 0700
    env = dict(env, HOME=str(results.parent))
    as_nobody = ['setpriv', '--reuid=%d' % NOBODY, '--regid=%d' % NOBODY, '--clear-groups', 'bash',
                 str(root / 'run_autograder'), '--submission-dir', str(submission), '--results', str(results)]
    # The interpreter may live under /root (mode 0700): reachable as it is in an image with a system Python.
    reachable = [os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), str(ROOT), str(root), str(tmp_path)]

    site = site_packages(root)
    locked = [site / 'autograder', site / 'solutions']
    for path in locked:
        subprocess.run(['chmod', '-R', 'go-rwx', str(path)], check=True)    # what the old setup.sh did
    try:
        proc = run_contained(as_nobody, timeout=600, env=env, reachable=reachable)
        assert proc.returncode == 3, proc.stderr[-3000:]
        data = json.loads(results.read_text())
        assert data['score'] == 0 and 'uid %d cannot import the kit' % NOBODY in data['extra_data']['grading_failed']
        assert 'setup.sh again as root' in data['output']
    finally:
        again = subprocess.run(['bash', str(root / 'source' / 'setup.sh')], env=autograder_root[1],
                               capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert all(readable_by_everyone(path) for path in locked)

    results.unlink()
    proc = run_contained(as_nobody, timeout=900, env=env, reachable=reachable)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    data = json.loads(results.read_text())
    validate_results_json(data)
    level = data['extra_data']['isolation']
    print(proc.stderr[-2000:])       # the level and why stronger ones failed, shown with pytest -s or -rP
    assert data['score'] == ASSIGNMENT.max_automatic_points, data['output'][-2000:]
    assert 'isolation: %s' % level in proc.stderr
    assert level in ('full', 'process')                      # container needs root
    if level == 'process':
        assert 'WARNING: graded at the process isolation level' in proc.stderr
        assert data['extra_data']['isolation_warning']

    # A results folder the user cannot write: one line naming the cause and the fix, before any grading.
    os.chown(results.parent, 0, 0)
    results.unlink()
    proc = run_contained(as_nobody, timeout=300, env=env, reachable=reachable)
    assert proc.returncode == 3 and not results.exists()
    assert 'uid %d cannot write the results to %s' % (NOBODY, results) in proc.stderr, proc.stderr[-2000:]
