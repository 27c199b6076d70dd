"""The engine grades an assignment it has never heard of: the tests' one-layer scale fixture.

The fixture (tests/fixture_assignment/) lives outside ``autograder/assignments/`` and has no net; it reaches
the engine through ``autograder.assignment``'s registration alone, and its backward check is the engine's
shared grid (``autograder.grading.backward_grid``).
"""
import csv
import os
import subprocess
import sys

import nbformat
import pytest

from autograder import ROOT
from autograder.grading.grade_one import HIDDEN_TESTS
from autograder.grading.inprocess import InProcessStudent, namespace_of
from autograder.grading.pytest_plugin import GradingPlugin
from tests.fixture_assignment import ASSIGNMENT
from tests.fixture_assignment.variants import BUGS, CORRECT



def in_process(sources):
    student = InProcessStudent(namespace_of(ASSIGNMENT, sources), ASSIGNMENT.module('side').Operations)
    return {spec.name: ASSIGNMENT.run_check(spec.name, student).fraction for spec in ASSIGNMENT.checks}


def in_the_sandbox(sources):
    """Each check's fraction, graded as ``bnkit grade`` does: the hidden tests in pytest, the code in a worker."""
    cells = [{'label': 'setup', 'source': ASSIGNMENT.setup_source}]
    cells += [{'label': grade_id, 'source': source} for grade_id, source in sources.items()]
    plugin = GradingPlugin(ASSIGNMENT, cells, isolation='process')
    code = pytest.main([str(HIDDEN_TESTS), '-p', 'no:cacheprovider', '-p', 'no:terminal', '-c', os.devnull,
                        '--rootdir', str(HIDDEN_TESTS), '-W', 'ignore'], plugins=[plugin])
    assert code in (0, 1) and not plugin.sandbox_error and not plugin.load_errors
    return {name: result['fraction'] for name, result in plugin.results.items()}


def test_the_fixture_needs_no_file_of_the_engine():
    assert ROOT / 'autograder' not in ASSIGNMENT.folder.parents
    assert [spec.name for spec in ASSIGNMENT.checks] == ['scale_forward', 'scale_backward']
    assert set(ASSIGNMENT.module('side').Operations.operations()) >= {'scale_forward', 'scale_backward',
                                                                 'scale_forward_keeping_cache', 'scale_backward_keeping_cache'}


@pytest.mark.parametrize('grade', [in_process, in_the_sandbox], ids=['in process', 'in the sandbox'])
def test_correct_variants_earn_full_credit_and_the_bug_loses_in_its_check_alone(grade):
    assert all(f == 1.0 for f in grade(ASSIGNMENT.reference_cells()).values())
    for variant in CORRECT:
        assert all(f == 1.0 for f in grade(variant.sources()).values()), variant.name
    for variant in BUGS:
        scores = grade(variant.sources())
        assert scores[variant.loses_in] < 1.0, variant.name
        assert all(f == 1.0 for name, f in scores.items() if name != variant.loses_in), (variant.name, scores)


def test_a_backward_that_does_nothing_earns_nothing_on_the_grid():
    sources = dict(ASSIGNMENT.reference_cells(),
                   scale_backward='def scale_backward(dout, cache):\n    x, gamma = cache\n'
                                  '    return np.zeros_like(dout), np.zeros_like(gamma)\n')
    assert in_process(sources)['scale_backward'] == 0.0


def test_a_grading_subprocess_finds_the_fixture_through_the_environment():
    code = 'from autograder.assignment import get; print(get("Scale").title)'
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == ASSIGNMENT.title


def test_bnkit_grade_grades_the_fixture_end_to_end(tmp_path):
    """The command line, the sandboxed worker, the hidden tests and the reports, on notebooks of the fixture."""
    def notebook(sources):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(ASSIGNMENT.setup_source)])
        for grade_id, source in sources.items():
            cell = nbformat.v4.new_code_cell(source)
            cell.metadata['nbgrader'] = {'solution': True, 'grade': False, 'grade_id': grade_id, 'locked': False,
                                         'schema_version': 3}
            nb.cells.append(cell)
        return nb

    folder, out = tmp_path / 'class', tmp_path / 'out'
    folder.mkdir()
    nbformat.write(notebook(ASSIGNMENT.reference_cells()), str(folder / 'reference.ipynb'))
    for variant in BUGS:
        nbformat.write(notebook(variant.sources()), str(folder / (variant.name + '.ipynb')))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, '-m', 'autograder.cli', 'grade', str(folder), '--out', str(out),
                           '--assignment', 'Scale', '--jobs', '2', '--quiet'], capture_output=True, text=True,
                          env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(out / 'grades.csv') as f:
        rows = {row['student']: row for row in csv.DictReader(f)}
    full = sum(spec.points for spec in ASSIGNMENT.checks)
    assert float(rows['reference']['score']) == full
    for variant in BUGS:
        assert float(rows[variant.name]['score']) < full, variant.name
