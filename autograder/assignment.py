"""An assignment, as the engine sees it: content it takes as a parameter.

Each assignment is a package ``autograder/assignments/<Name>/`` whose ``__init__.py`` holds one
``Assignment`` (its manifest) and whose modules hold the rest of its content under fixed names:

    checks.py      ``CHECKS``, the ``autograder.grading.checking.Checklist`` of its hidden checks
    side.py        ``Operations``, the operations its checks may call on student code (autograder.sandbox.side)
    cells.py       ``CELLS``: the notebook's solution cells, as the reference objects of ``solutions/`` that fill them
    variants/      ``CORRECT`` and ``BUGS``, the validation variants (autograder.validation.kinds)
    notebook.py    the notebook's text and visible tests, in Jupytext's percent format

The engine never imports an assignment by name: ``assignments()`` finds them, ``get(name)`` picks one, and
the modules above load only when something asks for them, so ``bnkit grade`` does not import the notebook
builder and the worker never sees any of this but ``side.py``.

An assignment package may also live outside ``autograder/assignments/`` (a course's own, or the tests'
fixture): name it in the environment variable ``BNKIT_ASSIGNMENTS`` (importable package names, separated by
commas), which every grading subprocess inherits, or pass it to ``register(package)`` in this process.
"""
import importlib
import inspect
import os
import pkgutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from autograder import ROOT

PACKAGE = 'autograder.assignments'
ENVIRONMENT = 'BNKIT_ASSIGNMENTS'   # more assignment packages, outside PACKAGE: 'courses.week3,courses.week4'
_registered = []                    # packages given to register()


class AssignmentError(Exception):
    """An unknown assignment name, or a choice that has to be made."""


@dataclass(frozen=True)
class Question:
    """A written question graded by a person: the grade_id of its answer cell, its title and its points."""
    id: str
    title: str
    points: float


@dataclass(frozen=True)
class AttackTargets:
    """The solution cells the hostile validation submissions replace (``autograder.validation.hostile``).

    The attacks are general; these say where they go: the layer's forward and backward functions, each as
    (grade_id of its cell, the first line of its definition), and the grade_id of the cell that defines the
    network class (the checks that need any name that cell defines are the net's checks)."""
    forward: tuple    # e.g. ('batchnorm_forward', 'def batchnorm_forward(x, gamma, beta, bn_param):')
    backward: tuple   # e.g. ('batchnorm_backward', 'def batchnorm_backward(dout, cache):')
    net: str          # e.g. 'fc_net'


@dataclass(frozen=True, eq=False)
class Assignment:
    name: str                  # the nbgrader assignment name: source/<name>/<name>.ipynb, submitted/<s>/<name>/
    title: str                 # what pages and feedback call it ("Batch normalization")
    package: str               # the Python package holding its content
    questions: tuple = ()      # hand-graded questions
    setup_source: str = 'import numpy as np\n'   # what every submission's code runs after (the notebook's imports)
    attack_targets: AttackTargets = None          # where the hostile validation submissions go
    # The checks that train the whole net: they run the layer's backward inside the net (a hostile backward
    # earns nothing there) and carry forward a mistake in the net (a bug in the net may cost them too).
    training_checks: tuple = ()
    # Relative errors within which the misconception diagnosis takes a known mistake's value and the
    # student's to agree: (for float64 values, when either is float32 or float16).
    diagnosis_tolerances: tuple = (1e-6, 1e-4)

    def module(self, name):
        return importlib.import_module('%s.%s' % (self.package, name))

    def optional_module(self, name):
        """The assignment's module ``name``, or None when it has none (feedback figures are optional)."""
        try:
            return self.module(name)
        except ModuleNotFoundError as exc:
            if exc.name != '%s.%s' % (self.package, name):
                raise
            return None

    @property
    def folder(self):
        return Path(importlib.import_module(self.package).__file__).resolve().parent

    # ---------------------------------------------------------------- checks
    @cached_property
    def checklist(self):
        return self.module('checks').CHECKS

    @property
    def checks(self):
        """Every check's ``CheckSpec``, in the order they run."""
        return self.checklist.specs

    @property
    def by_name(self):
        return self.checklist.by_name

    @property
    def max_automatic_points(self):
        return sum(spec.points for spec in self.checks)

    @property
    def hand_graded_points(self):
        return sum(q.points for q in self.questions)

    @property
    def needed_names(self):
        """The student-written names some check calls, sorted."""
        return sorted({name for spec in self.checks for name in spec.needs})

    def run_check(self, name, student):
        return self.checklist.run(name, student)

    def explained_bugs(self):
        """{name: bug} of the validation set's bugs that carry a diagnosis's words (``explanation``, ``hint``,
        and ``loses_in``, the check they cost): the mistakes the grader can name, and the class report lists."""
        return {bug.name: bug for bug in self.module('variants').BUGS if bug.explanation}

    # ---------------------------------------------------------------- the answer key
    def reference_cells(self):
        """{grade_id: source code} of the reference, one entry per solution cell, read out of ``solutions/``
        (a fresh dict each call: callers edit it)."""
        return dict(self._reference_sources)

    @cached_property
    def _reference_sources(self):
        # Read once: inspect tokenizes the solutions' files on every call, and every variant and mistake of the
        # validation set starts from these cells.
        return tuple((grade_id, '\n\n'.join(inspect.getsource(obj).rstrip() for obj in objects))
                     for grade_id, objects in self.module('cells').CELLS.items())

    # ---------------------------------------------------------------- files
    @property
    def source_notebook(self):
        return ROOT / 'source' / self.name / (self.name + '.ipynb')

    @property
    def release_notebook(self):
        return ROOT / 'release' / self.name / (self.name + '.ipynb')

    @property
    def side_file(self):
        """The operations' module, copied into the worker's read-only folder."""
        return self.folder / 'side.py'

    @property
    def notebook_file(self):
        return self.folder / 'notebook.py'

    def __repr__(self):
        return 'Assignment(%r)' % self.name


def register(package):
    """Make the assignment of ``package`` (an importable package name holding ``ASSIGNMENT``) one that
    ``assignments()`` finds, in this process; returns it. A subprocess finds it through ``BNKIT_ASSIGNMENTS``."""
    assignment = _manifest(package)
    if assignment is None:
        raise AssignmentError('%s holds no ASSIGNMENT' % package)
    if package not in _registered:
        _registered.append(package)
    return assignment


def _manifest(package):
    assignment = getattr(importlib.import_module(package), 'ASSIGNMENT', None)
    return assignment if isinstance(assignment, Assignment) else None


def _packages():
    """Every assignment package: the kit's own, those named in BNKIT_ASSIGNMENTS, those registered."""
    kit = importlib.import_module(PACKAGE)
    own = ['%s.%s' % (PACKAGE, info.name) for info in pkgutil.iter_modules(kit.__path__) if info.ispkg]
    named = [name.strip() for name in os.environ.get(ENVIRONMENT, '').split(',') if name.strip()]
    return own + named + _registered


def assignments():
    """{name: Assignment} of every assignment package installed or registered, sorted by name."""
    found = {}
    for package in _packages():
        assignment = _manifest(package)
        if assignment is not None:
            found[assignment.name] = assignment
    return dict(sorted(found.items()))


def get(name=None):
    """The assignment called ``name``; with no name, the only one there is (else a clear error)."""
    known = assignments()
    if name is None:
        if len(known) == 1:
            return next(iter(known.values()))
        raise AssignmentError('this kit has %d assignments (%s): choose one with --assignment'
                              % (len(known), ', '.join(known) or 'none'))
    if name not in known:
        raise AssignmentError('no assignment called %r; the kit has: %s' % (name, ', '.join(known) or 'none'))
    return known[name]
