"""Driving nbgrader: generate the student release, and autograde a folder of notebooks.

Both run nbgrader's own API in a temporary course folder, so the repository's
working tree never collects a gradebook or nbgrader's intermediate folders.
"""
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = 'BatchNormalization'
FRAMEWORK = ROOT / 'cs231n'


class ReleaseError(RuntimeError):
    pass


@contextmanager
def environment(**variables):
    """Set environment variables (a kernel nbgrader or nbclient starts inherits them), restore them after."""
    saved = {k: os.environ.get(k) for k in variables}
    os.environ.update({k: str(v) for k, v in variables.items()})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def nbgrader_environment():
    """nbgrader runs `alembic` as a subprocess for a new gradebook: the interpreter's bin must be on PATH."""
    old = os.environ.get('PATH', '')
    os.environ['PATH'] = str(Path(sys.executable).parent) + os.pathsep + old
    try:
        yield
    finally:
        os.environ['PATH'] = old


def make_api(course_root, timeout=600):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    c = Config()
    c.CourseDirectory.root = str(course_root)
    c.CourseDirectory.course_id = 'bnkit'
    c.Exchange.root = str(Path(course_root) / 'exchange')
    c.ClearSolutions.code_stub = {'python': '# YOUR CODE HERE\nraise NotImplementedError()'}
    c.ClearSolutions.text_stub = 'YOUR ANSWER HERE'
    c.ExecutePreprocessor.timeout = timeout
    return NbGraderAPI(coursedir=CourseDirectory(config=c), config=c)


def copy_framework(dest):
    shutil.copytree(FRAMEWORK, dest / 'cs231n', ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))


def generate_release(source_dir=ROOT / 'source', dest_dir=ROOT / 'release', assignment=ASSIGNMENT):
    """Run nbgrader's generate_assignment on source_dir/<assignment> and write dest_dir/<assignment>.

    The release holds the student notebook and the cs231n framework it imports, nothing else. The
    previous release is replaced only once the new one is complete.
    """
    source_dir, dest_dir = Path(source_dir), Path(dest_dir)
    if not (source_dir / assignment).is_dir():
        raise ReleaseError('%s: no such assignment folder' % (source_dir / assignment))
    with tempfile.TemporaryDirectory(prefix='bnkit-release-') as tmp:
        course = Path(tmp) / 'course'
        shutil.copytree(source_dir / assignment, course / 'source' / assignment,
                        ignore=shutil.ignore_patterns('.ipynb_checkpoints', '__pycache__'))
        with nbgrader_environment():
            result = make_api(course).generate_assignment(assignment, force=True)
        if not result.get('success'):
            raise ReleaseError('nbgrader generate_assignment failed:\n%s\n%s'
                               % (result.get('error', ''), result.get('log', '')))
        built = course / 'release' / assignment
        copy_framework(built)
        dest_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix='.%s-' % assignment, dir=dest_dir))
        shutil.copytree(built, staging / assignment)
        target = dest_dir / assignment
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging / assignment, target)
        shutil.rmtree(staging, ignore_errors=True)
    return target


def autograde(notebooks, timeout=120, assignment=ASSIGNMENT, source_dir=ROOT / 'source'):
    """nbgrader autograde of {student: notebook_path}; returns {student: (score, max_score)}.

    Builds a temporary course with the source notebook (for the gradebook) and the submissions,
    as an instructor's course folder would hold them.
    """
    from nbgrader.api import Gradebook
    notebook_name = assignment + '.ipynb'
    with tempfile.TemporaryDirectory(prefix='bnkit-autograde-') as tmp:
        course = Path(tmp)
        shutil.copytree(Path(source_dir) / assignment, course / 'source' / assignment)
        for student, path in notebooks.items():
            target = course / 'submitted' / student / assignment
            target.mkdir(parents=True)
            shutil.copy(path, target / notebook_name)
            copy_framework(target)
        with nbgrader_environment():
            api = make_api(course, timeout=timeout)
            result = api.generate_assignment(assignment, force=True)
            if not result.get('success'):
                raise ReleaseError('nbgrader generate_assignment failed: %s' % result.get('error'))
            scores = {}
            for student in notebooks:
                api.autograde(assignment, student, force=True, create=True)
            with Gradebook(api.coursedir.db_url, 'bnkit') as gb:
                for student in notebooks:
                    try:
                        sub = gb.find_submission(assignment, student)
                    except Exception:
                        scores[student] = (None, None)
                        continue
                    nb = sub.notebooks[0]
                    automatic = sum(grade.score for grade in nb.grades if grade.auto_score is not None)
                    automatic_max = sum(grade.max_score for grade in nb.grades if grade.cell.cell_type == 'code')
                    scores[student] = (automatic, automatic_max)
        return scores
