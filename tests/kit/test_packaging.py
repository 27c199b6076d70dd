"""The package: what `pip install bnkit` brings is what grading needs, and grading works with only that."""
import re
import subprocess
import sys
import tomllib

import nbformat
import pytest

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.notebook.fill import fill_solution_cells
from tests.notebooks import RELEASE_NB, ROOT

PYPROJECT = tomllib.loads((ROOT / 'pyproject.toml').read_text())
INSTRUCTOR_ONLY = ('nbgrader', 'jupyterlab', 'matplotlib', 'nbclient', 'ipykernel')


def name_of(requirement):
    return re.match(r'[A-Za-z0-9._-]+', requirement).group(0).lower()


def test_license_is_an_spdx_string():
    assert isinstance(PYPROJECT['project']['license'], str)


def test_every_dependency_has_a_lower_bound():
    extras = PYPROJECT['project']['optional-dependencies']
    for requirement in PYPROJECT['project']['dependencies'] + extras['instructor'] + extras['dev']:
        if not requirement.startswith('bnkit['):
            assert re.search(r'(>=|==)', requirement), requirement


def test_the_base_set_leaves_the_instructor_tools_to_the_extra():
    base = {name_of(r) for r in PYPROJECT['project']['dependencies']}
    instructor = {name_of(r) for r in PYPROJECT['project']['optional-dependencies']['instructor']}
    assert not base & set(INSTRUCTOR_ONLY)
    assert set(INSTRUCTOR_ONLY) <= instructor


@pytest.mark.slow
def test_grading_works_in_an_environment_with_only_the_base_set(tmp_path):
    """A fresh venv with `pip install <checkout>` (no extras) grades the reference to full marks."""
    venv = tmp_path / 'lean'
    subprocess.run([sys.executable, '-m', 'venv', str(venv)], check=True)
    proc = subprocess.run([str(venv / 'bin' / 'python'), '-m', 'pip', 'install', '--quiet', str(ROOT)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for name in INSTRUCTOR_ONLY:
        missing = subprocess.run([str(venv / 'bin' / 'python'), '-c', 'import %s' % name], capture_output=True)
        assert missing.returncode != 0, '%s came with the base install' % name
    subs = tmp_path / 'subs'
    subs.mkdir()
    nbformat.write(fill_solution_cells(RELEASE_NB, ASSIGNMENT.reference_cells()), str(subs / 'ref.ipynb'))
    (subs / 'blank.ipynb').write_text(RELEASE_NB.read_text())
    out = tmp_path / 'grades'
    proc = subprocess.run([str(venv / 'bin' / 'bnkit'), 'grade', str(subs), '--out', str(out), '--jobs', '2',
                           '--assignment', 'BatchNormalization'],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = {line.split(',')[0]: line.split(',') for line in (out / 'grades.csv').read_text().splitlines()[1:]}
    assert float(rows['ref'][1]) == ASSIGNMENT.max_automatic_points
    assert float(rows['blank'][1]) == 0
    feedback = (out / 'ref' / 'feedback.md').read_text()
    assert 'ModuleNotFoundError' not in feedback, feedback


def test_the_grader_leaves_plotting_imports_behind():
    """The lean install has no matplotlib; plots are never graded, so their imports are not run."""
    from autograder.notebook.extract import extract
    imports = [c['source'] for c in extract(ASSIGNMENT, RELEASE_NB).cells if c['label'] == 'import in your notebook']
    assert any('numpy' in source for source in imports)
    assert not any('matplotlib' in source for source in imports), imports
