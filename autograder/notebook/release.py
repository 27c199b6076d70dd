"""Driving nbgrader: generate the student releases and the instructor's course folder, and autograde.

``generate_release`` runs nbgrader's own generate_assignment in a course folder (``course/`` for
``bnkit release``, a temporary one otherwise) and copies nbgrader's release into the committed
``release/``. nbgrader only ever writes inside the course folder, so none of its commands can delete a
file of ``release/``. The course folder is ready for nbgrader's workflow: its ``nbgrader_config.py`` gives
an absolute root, its gradebook has the assignment, and its ``source/`` holds the framework too, so
``autograde`` runs every submission against the instructor's copy of ``cs231n``. One course folder holds
every assignment of the kit (``source/<Name>/``, ``release/<Name>/``, ``submitted/<student>/<Name>/``).

The nbgrader settings the kit relies on are written once, in ``COURSE_SETTINGS`` below: the course
folder's ``nbgrader_config.py`` and each release's are generated from it, the API calls read it, and the
checkout's top-level ``nbgrader_config.py`` states none of them (it loads the course folder's).
"""
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from autograder import ROOT
from autograder.assignment import Assignment, get
from autograder.notebook.student_guide import release_readme

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


COURSE_ID = 'bnkit'
# A cell's time limit when nbgrader runs a notebook (validate, autograde). The longest cell, the full
# weight-scale sweep, took 351 s on a 2-core machine at a load average of about 15 (docs/notebook.md); nbgrader's default, 30 s,
# interrupts it and still reports success. Five times the measurement leaves room for a slow laptop.
CELL_TIMEOUT = 1800
# nbgrader settings the kit relies on, as (class, trait, value): written into every course folder's and
# the release's nbgrader_config.py and given to the API, from this one table.
COURSE_SETTINGS = (
    ('CourseDirectory', 'course_id', COURSE_ID),
    ('ClearSolutions', 'code_stub', {'python': '# YOUR CODE HERE\nraise NotImplementedError()'}),
    ('ClearSolutions', 'text_stub', 'YOUR ANSWER HERE'),
    ('ExecutePreprocessor', 'timeout', CELL_TIMEOUT),
)
# What a student's Validate needs of them: the cell timeout (the stubs only matter to generate_assignment).
STUDENT_SETTINGS = tuple(setting for setting in COURSE_SETTINGS if setting[0] == 'ExecutePreprocessor')

COURSE_CONFIG_HEAD = """\
# nbgrader course folder for the kit's assignments, written by `bnkit release`. For each assignment <Name>:
#   source/<Name>/    the instructor's notebook and the cs231n framework
#   release/<Name>/   nbgrader's student version (`bnkit release` copies it to the kit's release/)
#   submitted/<student>/<Name>/<Name>.ipynb   put submissions here (or collect them with nbgrader)
# The root is this file's folder, as an absolute path, wherever the folder is moved.
import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = root
c.Exchange.root = os.path.join(root, 'exchange')

# Feedback without the hidden blocks' source (nbgrader's default feedback pipeline shows them).
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, ClearOutput,  # noqa: E402
                                    DeduplicateIds, GetGrades, IgnorePattern, LimitOutput, OverwriteCells,
                                    OverwriteKernelspec, SaveAutoGrades)
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# Autograde's sanitizing: nbgrader's own, with each cell's nbgrader flags first put back from the source
# notebook and deleted graded cells put back (RestoreCellMetadata, RestoreMissingGradedCells), so that no
# edit of a submission's metadata stops its autograde, or the class's.
from autograder.course.metadata import RestoreCellMetadata, RestoreMissingGradedCells  # noqa: E402
c.Autograde.sanitize_preprocessors = [ClearOutput, RestoreCellMetadata, RestoreMissingGradedCells, DeduplicateIds,
                                      OverwriteKernelspec, OverwriteCells, CheckCellMetadata]

# Autograde: nbgrader's own pipeline, with the student's kernel in bnkit's sandbox (SandboxedExecute, in
# place of nbgrader's Execute) and every autograded cell's points written from bnkit's sandboxed grading of
# the submitted file (SandboxGrades, just before nbgrader's SaveAutoGrades reads them).
from autograder.course.execute import SandboxedExecute  # noqa: E402
from autograder.course.grades import SandboxGrades  # noqa: E402
c.Autograde.autograde_preprocessors = [SandboxedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                                       SandboxGrades, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]

# Your own settings go in instructor_config.py beside this file: `bnkit release` rewrites this file, never
# that one. For example:
#   c.SandboxedExecute.enabled = False          # execute no student code under nbgrader at all
#   c.BnkitSandbox.require_isolation = 'full'   # grade and execute at the full level or not at all
#   c.SandboxGrades.budget = 300                # seconds per submission, as bnkit grade --budget
if os.path.isfile(os.path.join(root, 'instructor_config.py')):
    load_subconfig(os.path.join(root, 'instructor_config.py'))  # noqa: F821 (as get_config)
"""

STUDENT_CONFIG_HEAD = """\
# nbgrader settings for this assignment, used by the Validate button when JupyterLab is started from this
# folder, and by `nbgrader validate %s.ipynb` run here. The experiments' longest cell needs
# more than nbgrader's default 30 s.
c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
"""


def config_text(head, settings):
    return head + ''.join('c.%s.%s = %r\n' % (cls, trait, value) for cls, trait, value in settings)


def make_api(course_root, timeout=CELL_TIMEOUT):
    """nbgrader's API on a course folder, configured by the folder's own nbgrader_config.py (exactly what
    nbgrader's commands read there: the settings, the sandboxed autograde pipeline) and ``timeout``."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader
    c = PyFileConfigLoader('nbgrader_config.py', path=str(Path(course_root).resolve())).load_config()
    c.ExecutePreprocessor.timeout = timeout
    return NbGraderAPI(coursedir=CourseDirectory(config=c), config=c)


def copy_framework(dest):
    shutil.copytree(FRAMEWORK, dest / 'cs231n', ignore=shutil.ignore_patterns('__pycache__', '*.pyc'),
                    dirs_exist_ok=True)


def assignment_name(assignment):
    """The nbgrader assignment name of an Assignment, a name, or None (the kit's only assignment)."""
    return assignment.name if isinstance(assignment, Assignment) else get(assignment).name


def prepare_course(course, source_dir, assignment=None):
    """Write (or refresh) the course folder: its config and source/<assignment> with the framework."""
    assignment = assignment_name(assignment)
    course = Path(course)
    source = course / 'source' / assignment
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(Path(source_dir) / assignment, source,
                    ignore=shutil.ignore_patterns('.ipynb_checkpoints', '__pycache__'))
    copy_framework(source)
    (course / 'nbgrader_config.py').write_text(config_text(COURSE_CONFIG_HEAD, COURSE_SETTINGS))


def generate_release(source_dir=ROOT / 'source', dest_dir=ROOT / 'release', assignment=None, course=None):
    """Run nbgrader's generate_assignment on source_dir/<assignment> and write dest_dir/<assignment>.

    The release holds the student notebook, the cs231n framework it imports, its nbgrader_config.py and
    the student's README.md. The previous release is replaced only once the new one is complete. With
    ``course``, nbgrader runs in that course folder, which stays ready for nbgrader's own commands;
    without, in a temporary one. ``assignment``: an Assignment or its name (default: the kit's only one).
    """
    assignment = get(assignment_name(assignment))
    source_dir, dest_dir = Path(source_dir), Path(dest_dir)
    if not (source_dir / assignment.name).is_dir():
        raise ReleaseError('%s: no such assignment folder' % (source_dir / assignment.name))
    with tempfile.TemporaryDirectory(prefix='bnkit-release-') as tmp:
        course = Path(course).resolve() if course is not None else Path(tmp) / 'course'
        prepare_course(course, source_dir, assignment)
        with nbgrader_environment():
            result = make_api(course).generate_assignment(assignment.name, force=True)
        if not result.get('success'):
            raise ReleaseError('nbgrader generate_assignment failed:\n%s\n%s'
                               % (result.get('error', ''), result.get('log', '')))
        built = course / 'release' / assignment.name
        student_files(built, assignment)
        dest_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix='.%s-' % assignment.name, dir=dest_dir))
        shutil.copytree(built, staging / assignment.name)
        target = dest_dir / assignment.name
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging / assignment.name, target)
        shutil.rmtree(staging, ignore_errors=True)
    return target


def student_files(release, assignment):
    """What the release holds besides nbgrader's notebook and the framework it copied from source/."""
    (release / 'nbgrader_config.py').write_text(config_text(STUDENT_CONFIG_HEAD % assignment.name, STUDENT_SETTINGS))
    (release / 'README.md').write_text(release_readme(assignment))


def autograde(notebooks, timeout=120, assignment=None, source_dir=ROOT / 'source', instructor_config=None):
    """nbgrader autograde of {student: notebook_path}; returns {student: (score, max_score)}, (None, None)
    for a student whose autograde failed.

    Builds a temporary course with the source notebook (for the gradebook) and the submissions, as an
    instructor's course folder would hold them; ``instructor_config`` is the text of its
    ``instructor_config.py``.
    """
    from nbgrader.api import Gradebook
    assignment = assignment_name(assignment)
    notebook_name = assignment + '.ipynb'
    with tempfile.TemporaryDirectory(prefix='bnkit-autograde-') as tmp:
        course = Path(tmp)
        prepare_course(course, source_dir, assignment)
        if instructor_config:
            (course / 'instructor_config.py').write_text(instructor_config)
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
            scores, failed = {}, set()
            for student in notebooks:
                if not api.autograde(assignment, student, force=True, create=True).get('success'):
                    failed.add(student)
            with Gradebook(api.coursedir.db_url, COURSE_ID) as gb:
                for student in notebooks:
                    if student in failed:
                        scores[student] = (None, None)
                        continue
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
