"""The Gradescope bundle, rehearsed: unpack autograder.zip into a folder laid out like /autograder, run its
setup.sh into a fresh environment, and its run_autograder on a reference, a buggy and a hostile submission."""
import json
import os
import shutil
import subprocess
import sys
import zipfile

import nbformat
import pytest

from autograder import registry
from autograder.gradescope import build_bundle
from autograder.notebook_fill import fill_solution_cells
from autograder.reference_cells import reference_cells
from autograder.validation.hostile import HOSTILE
from autograder.validation.variants import BUGS
from tests.notebooks import RELEASE_NB

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
    root = tmp_path_factory.mktemp('autograder')
    bundle = build_bundle(root / 'autograder.zip')
    with zipfile.ZipFile(bundle) as zf:
        assert {'setup.sh', 'run_autograder'} <= set(zf.namelist())
        zf.extractall(root / 'source')
    for name in ('setup.sh', 'run_autograder'):
        os.chmod(root / 'source' / name, 0o755)
    # Gradescope's image has a system Python; here a fresh virtual environment stands in for it.
    subprocess.run([sys.executable, '-m', 'venv', str(root / 'python')], check=True)
    env = dict(os.environ, BNKIT_PYTHON=str(root / 'python' / 'bin' / 'python'))
    setup = subprocess.run(['bash', str(root / 'source' / 'setup.sh')], env=env, capture_output=True, text=True,
                           timeout=900)
    assert setup.returncode == 0, setup.stderr[-3000:]
    assert 'bnkit installed' in setup.stdout
    shutil.copy(root / 'source' / 'run_autograder', root / 'run_autograder')
    return root, env


def run_autograder(root, env, cells, tmp_path, contained=False):
    submission = tmp_path / 'submission'
    submission.mkdir()
    nbformat.write(fill_solution_cells(RELEASE_NB, cells), str(submission / 'BatchNormalization.ipynb'))
    results = tmp_path / 'results' / 'results.json'
    env = dict(env, BNKIT_SUBMISSION_DIR=str(submission), BNKIT_RESULTS=str(results),
               PATH=str(root / 'python' / 'bin') + os.pathsep + env['PATH'])
    if contained:
        from tests.containment import run_contained
        proc = run_contained(['bash', str(root / 'run_autograder')], timeout=600, env=env)
    else:
        proc = subprocess.run(['bash', str(root / 'run_autograder')], env=env, capture_output=True, text=True,
                              timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(results.read_text())
    validate_results_json(data)
    return data


@pytest.mark.slow
def test_reference_submission(autograder_root, tmp_path):
    root, env = autograder_root
    data = run_autograder(root, env, reference_cells(), tmp_path)
    assert data['score'] == registry.MAX_AUTOMATIC_POINTS
    assert data['output_format'] == 'md' and 'Every automatic check passed' in data['output']
    assert data['extra_data']['isolation'] in ('full', 'container', 'process')


@pytest.mark.slow
def test_buggy_submission(autograder_root, tmp_path):
    root, env = autograder_root
    cells = reference_cells()
    cells.update(next(v for v in BUGS if v.name == 'dx_missing_mean_term').cells)
    data = run_autograder(root, env, cells, tmp_path)
    backward = next(t for t in data['tests'] if t['tags'] == ['batchnorm_backward'])
    assert backward['status'] == 'failed' and backward['score'] < backward['max_score']
    assert 0 < data['score'] < registry.MAX_AUTOMATIC_POINTS


@pytest.mark.slow
@pytest.mark.hostile
def test_hostile_submission(autograder_root, tmp_path):
    from tests.containment import require_containment
    require_containment()
    root, env = autograder_root
    cells = reference_cells()
    cells.update(next(v for v in HOSTILE if v.name == 'kills_everything').cells)
    data = run_autograder(root, env, cells, tmp_path, contained=True)
    backward = next(t for t in data['tests'] if t['tags'] == ['batchnorm_backward'])
    assert backward['score'] == 0
    assert backward['status'] == 'failed' and backward['output']
