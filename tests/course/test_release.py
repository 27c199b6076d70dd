"""The student release: in sync with the source, nothing of the reference leaks, stubs fail readably,
and nbgrader's own autograde gives the reference full automatic points."""
import filecmp
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder.assignment import get
from autograder.notebook.build import BEGIN, END
from autograder.notebook.fill import fill_solution_cells
from autograder.notebook.release import (COURSE_SETTINGS, STUDENT_SETTINGS, autograde, generate_release,
                                         prepare_course)
from tests.notebooks import RELEASE_DIR, RELEASE_NB, ROOT, execute, grade_id

ASSIGNMENT = get('BatchNormalization')
SOURCE_NOTEBOOK = ASSIGNMENT.source_notebook
reference_cells = ASSIGNMENT.reference_cells


def tree(root):
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob('*') if '__pycache__' not in p.parts)


def test_release_is_in_sync_with_the_source(tmp_path):
    built = generate_release(ROOT / 'source', tmp_path, 'BatchNormalization')
    assert tree(built) == tree(RELEASE_DIR)
    for name in tree(built):
        if (built / name).is_file():
            assert filecmp.cmp(built / name, RELEASE_DIR / name, shallow=False), name


def solution_lines():
    """Lines inside the solution regions of the source notebook that students do not already have."""
    given = '\n'.join(p.read_text() for p in (ROOT / 'cs231n').glob('*.py'))
    given_lines = {line.strip() for line in given.splitlines()}
    nb = nbformat.read(SOURCE_NOTEBOOK, as_version=4)
    inside_lines, outside_lines = [], set()
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if line.strip() == BEGIN:
                inside = True
            elif line.strip() == END:
                inside = False
            elif inside:
                inside_lines.append(line.strip())
            else:
                outside_lines.add(line.strip())  # stubs' docstrings state the contract, e.g. the running average
    return [line for line in inside_lines if len(line) > 12 and not line.startswith('#')
            and line not in given_lines and line not in outside_lines]


def test_no_solution_line_or_hidden_test_appears_in_the_release():
    lines = solution_lines()
    assert len(lines) > 50  # the check is only meaningful if there is something to find
    for path in RELEASE_DIR.rglob('*'):
        if path.is_file() and '__pycache__' not in path.parts:
            text = path.read_text()
            if path.suffix == '.ipynb':
                text = '\n'.join(c.source for c in nbformat.reads(text, as_version=4).cells)
            release_lines = {line.strip() for line in text.splitlines()}
            leaked = [line for line in lines if line in release_lines]
            assert not leaked, (path, leaked[:5])
            for marker in ('BEGIN HIDDEN TESTS', 'SandboxGrades', 'autograder', 'solutions.', BEGIN):
                assert marker not in text, (path, marker)


def test_release_holds_the_notebook_the_framework_its_config_and_the_guide():
    assert sorted(p.name for p in RELEASE_DIR.iterdir()) == ['BatchNormalization.ipynb', 'README.md', 'cs231n',
                                                             'nbgrader_config.py']
    assert not (RELEASE_DIR / 'cs231n' / 'solutions').exists()


@pytest.mark.slow
def test_release_runs_with_stubs_that_raise_not_implemented(tmp_path, fake_cifar_dir):
    nb = nbformat.read(RELEASE_NB, as_version=4)
    execute(nb, RELEASE_DIR, {'BNKIT_QUICK': '1', 'CIFAR10_DIR': str(fake_cifar_dir)}, allow_errors=True)
    code_cells = [c for c in nb.cells if c.cell_type == 'code']
    assert all(c.execution_count for c in code_cells), 'the kernel died before the last cell'
    by_id = {grade_id(c): c for c in code_cells}
    for gid in ('setup', 'load_data'):
        assert not [o for o in by_id[gid].outputs if o.output_type == 'error'], gid
    for gid in ('test_batchnorm_forward', 'test_batchnorm_test_mode', 'test_batchnorm_backward',
                'test_fc_net', 'train_deep_net'):
        errors = [o for o in by_id[gid].outputs if o.output_type == 'error']
        assert len(errors) == 1 and errors[0].ename == 'NotImplementedError', gid


def reference_submission(tmp_path):
    nb = fill_solution_cells(RELEASE_NB, ASSIGNMENT.reference_cells())
    path = tmp_path / 'reference.ipynb'
    nbformat.write(nb, str(path))
    return path


@pytest.mark.slow
def test_nbgrader_autograde_gives_the_reference_full_automatic_points(tmp_path, fake_cifar_dir, monkeypatch):
    monkeypatch.setenv('BNKIT_QUICK', '1')
    monkeypatch.setenv('CIFAR10_DIR', str(fake_cifar_dir))
    untouched = tmp_path / 'untouched.ipynb'
    untouched.write_text(RELEASE_NB.read_text())
    scores = autograde({'ref': reference_submission(tmp_path), 'blank': untouched}, assignment=ASSIGNMENT)
    assert scores['ref'] == (ASSIGNMENT.max_automatic_points, ASSIGNMENT.max_automatic_points)
    assert scores['blank'][0] == 0


@pytest.mark.slow
def test_a_course_that_executes_no_student_code_grades_the_same(tmp_path, monkeypatch):
    """With ``c.SandboxedExecute.enabled = False`` no kernel runs; the points still come from the sandbox."""
    monkeypatch.setenv('BNKIT_QUICK', '1')
    untouched = tmp_path / 'untouched.ipynb'
    untouched.write_text(RELEASE_NB.read_text())
    notebooks = {'ref': reference_submission(tmp_path), 'blank': untouched}
    scores = autograde(notebooks, assignment=ASSIGNMENT,
                       instructor_config='c = get_config()\nc.SandboxedExecute.enabled = False\n')
    assert scores['ref'] == (ASSIGNMENT.max_automatic_points, ASSIGNMENT.max_automatic_points)
    assert scores['blank'][0] == 0


@pytest.mark.slow
def test_a_sandbox_that_cannot_start_fails_the_autograde_and_records_no_points(tmp_path):
    """Forced to a level that cannot start here, nbgrader's autograde fails for the student: no score."""
    forced = 'process' if os.geteuid() == 0 else 'full'
    if forced == 'full' and shutil.which('bwrap'):
        pytest.skip('every level may start here as this user')
    scores = autograde({'ref': reference_submission(tmp_path)}, assignment=ASSIGNMENT,
                       instructor_config='c = get_config()\nc.BnkitSandbox.isolation = %r\n' % forced)
    assert scores['ref'] == (None, None)


def test_the_course_config_puts_the_sandboxed_preprocessors_in_nbgraders_autograde(tmp_path):
    from nbgrader.preprocessors import Execute, SaveAutoGrades
    from traitlets.config.loader import PyFileConfigLoader

    from autograder.course.execute import SandboxedExecute
    from autograder.course.grades import SandboxGrades
    prepare_course(tmp_path, ROOT / 'source', ASSIGNMENT)
    pipeline = PyFileConfigLoader('nbgrader_config.py', path=str(tmp_path)).load_config().Autograde.autograde_preprocessors
    assert pipeline.index(SandboxGrades) == pipeline.index(SaveAutoGrades) - 1
    assert SandboxedExecute in pipeline and Execute not in pipeline


def test_the_students_guide_states_setup_work_grading_and_hand_in_from_the_checks():
    readme = (RELEASE_DIR / 'README.md').read_text()
    intro = nbformat.read(RELEASE_NB, as_version=4).cells[0].source
    for text in (readme, intro):
        for needed in ('pip install numpy matplotlib jupyterlab', 'Python 3.11', 'python -m cs231n.data_utils fetch',
                       'BNKIT_QUICK=1', 'Validate', 'Gradescope', 'Submit'):
            assert needed in text, needed
        rows = [line.split('|') for line in text.splitlines() if line.startswith('| ') and line.rstrip().endswith('|')]
        points = [float(row[-2]) for row in rows[1:]]            # after the header row
        assert sum(points) == ASSIGNMENT.max_automatic_points + ASSIGNMENT.hand_graded_points
        for spec in ASSIGNMENT.checks:
            assert spec.title in text, spec.title
        for question in ASSIGNMENT.questions:
            assert question.title in text, question.title


def assigned_settings(text):
    """{(class, trait): value} of the `c.Class.trait = value` lines of an nbgrader_config.py."""
    import ast
    found = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Attribute):
            target = ast.unparse(node.targets[0]).split('.')
            if len(target) == 3 and target[0] == 'c':
                try:
                    found[target[1], target[2]] = ast.literal_eval(node.value)
                except ValueError:
                    pass    # computed (the course root), not a setting of the table
    return found


def test_every_nbgrader_config_states_the_settings_of_the_one_table(tmp_path):
    prepare_course(tmp_path, ROOT / 'source', ASSIGNMENT)
    course = assigned_settings((tmp_path / 'nbgrader_config.py').read_text())
    assert course == {(cls, trait): value for cls, trait, value in COURSE_SETTINGS}
    student = assigned_settings((RELEASE_DIR / 'nbgrader_config.py').read_text())
    assert student == {(cls, trait): value for cls, trait, value in STUDENT_SETTINGS}
    # The checkout's own config states no setting: it loads the course folder's.
    assert assigned_settings((ROOT / 'nbgrader_config.py').read_text()) == {}
