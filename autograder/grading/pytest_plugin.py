"""The pytest plugin that turns the hidden tests into points.

The ``student`` fixture hands each test a sandboxed worker holding the
submission. One worker serves the checks in turn; a worker that died, hung
(and was killed) or broke its channel is replaced before the next check, so a
crash costs only the check it happened in. Starting a sandbox costs far more
than all the checks together, which is why a healthy worker is kept. Each
test is scored from its check's declaration: passed = all points,
``PartialCredit`` = that fraction, anything else = 0. A check that loses points
is followed by the misconception diagnosis (``autograder.grading.misconceptions``) of
the calls it made, and by the feedback figure of the assignment's optional ``figures``
module, both of which run here, in the grader's process.
"""
import sys
import time

import pytest

from autograder.grading.checking import explain
from autograder.grading.misconceptions import diagnose
from autograder.grading.properties import observations
from autograder.grading.outcome import PartialCredit
from autograder.grading.recording import RecordingStudent
from autograder.sandbox import SandboxError, Worker
from autograder.sandbox.client import WorkerStudent
from autograder.sandbox.student_api import StudentCodeError

MAX_DIAGNOSES = 3           # known mistakes named per check, closest first


class GradingPlugin:
    def __init__(self, assignment, cells, limits=None, isolation='process', check_timeout=120.0, budget=None,
                 prestarted=None):
        self.assignment = assignment
        # A worker launched ahead for this grading (``autograder.grading.prestart``), not yet given any code:
        # its first worker, taken once; replacements after a crash are started here, as without it. Whoever
        # launched it stops it in the end (a stopped worker's stop does nothing), whether or not it was taken.
        self.prestarted = prestarted
        self.side_class = assignment.module('side').Operations
        self.figures = assignment.optional_module('figures')
        self.cells = cells
        self.budget = budget
        # One wall clock for loading and every check: past it, the checks not yet run score zero.
        self.budget_deadline = time.monotonic() + budget if budget else None
        self.limits = limits
        self.isolation = isolation
        self.check_timeout = check_timeout
        self.results = {}           # check name -> {'fraction', 'messages', 'seconds', 'diagnoses', 'figure'}
        self.load_errors = []
        self.sandbox_error = None   # the grader's own failure: the run must stop, no student is charged
        self.recording = None       # the calls of the check now running
        self.diagnosed = []         # ids of the known mistakes found so far, in the order found

    def pytest_generate_tests(self, metafunc):
        """One hidden test per check of the assignment, in the order they are declared."""
        if 'check' in metafunc.fixturenames:
            metafunc.parametrize('check', self.assignment.checks, ids=[spec.name for spec in self.assignment.checks])

    def check_name(self, item):
        spec = getattr(getattr(item, 'callspec', None), 'params', {}).get('check')
        if spec is None or self.assignment.by_name.get(spec.name) is not spec:
            raise pytest.UsageError('%s is not one of the checks of %s' % (item.nodeid, self.assignment.name))
        return spec.name

    worker = None

    def _healthy_worker(self):
        if self.worker is not None and self.worker.dead is None and self.worker.proc.poll() is None:
            return self.worker
        if self.worker is not None:
            self._stop_worker()
        self.worker, ready = self._take_prestarted(), True
        if self.worker is None:
            self.worker, ready = Worker(self.cells, self.limits, level=self.isolation,
                                        side_file=self.assignment.side_file), False
        self.worker.deadline = self._deadline()
        try:
            if ready:
                self.worker.load(self.cells)
            else:
                self.worker.start()
        except SandboxError as exc:
            self.worker = None
            self.sandbox_error = exc
            pytest.exit('sandbox failure: %s' % exc, returncode=3)
        except StudentCodeError as exc:
            self._stop_worker()
            raise PartialCredit(0.0, ['your code could not be loaded: ' + explain(exc)]) from None
        for error in self.worker.load_errors:
            if error not in self.load_errors:
                self.load_errors.append(error)
        return self.worker

    def _take_prestarted(self):
        """The pre-started worker, handed over once (None after): a live one, or None to start one now. One
        that died waiting is stopped (a sandbox that fails is the grader's failure, never the student's)."""
        worker, self.prestarted = self.prestarted, None
        if worker is not None and worker.loaded:
            # A worker serves one submission, ever: one that already holds another's code stops the run.
            self.sandbox_error = SandboxError(worker.level, 'a pre-started worker was handed a second submission')
            pytest.exit('sandbox failure: %s' % self.sandbox_error, returncode=3)
        if worker is not None and worker.proc.poll() is not None:
            self.worker = worker
            self._stop_worker()
            return None
        return worker

    def _deadline(self):
        deadline = time.monotonic() + self.check_timeout
        return min(deadline, self.budget_deadline) if self.budget_deadline else deadline

    @pytest.fixture
    def student(self, request):
        if self.budget_deadline and time.monotonic() >= self.budget_deadline:
            raise PartialCredit(0.0, ['not run: the %g s of grading time your submission gets ran out before this '
                                      'check (see the checks above for what took long)' % self.budget])
        self.recording = None
        worker = self._healthy_worker()
        worker.deadline = self._deadline()
        self.recording = RecordingStudent(WorkerStudent(worker, self.side_class))
        yield self.recording

    def _stop_worker(self):
        worker, self.worker = self.worker, None
        try:
            worker.stop()
        except SandboxError as exc:
            self.sandbox_error = exc
            pytest.exit('sandbox failure: %s' % exc, returncode=3)

    def pytest_sessionfinish(self, session):
        if self.worker is not None:
            self._stop_worker()

    def pytest_collection_modifyitems(self, items):
        for item in items:
            self.check_name(item)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        name = self.check_name(item)
        if call.when == 'setup' and report.passed:
            return
        if call.when not in ('setup', 'call') or (call.when == 'call' and name in self.results):
            return
        if report.passed:
            fraction, messages = 1.0, []
        elif call.excinfo is not None and isinstance(call.excinfo.value, PartialCredit):
            fraction, messages = call.excinfo.value.fraction, call.excinfo.value.messages
        elif call.excinfo is not None and isinstance(call.excinfo.value, StudentCodeError):
            fraction, messages = 0.0, [explain(call.excinfo.value)]
        else:
            # A failure inside the check itself is the grader's problem: say so instead of blaming the student.
            fraction, messages = 0.0, ['the grader itself failed on this check (%s); please report it to the '
                                       'course staff' % call.excinfo.typename]
        recording, self.recording = self.recording, None
        diagnoses = self._diagnose(recording, name) if fraction < 1 else []
        figure = self._figure(name, recording) if fraction < 1 else None
        messages = list(messages) + [d.repeated() if d.mistake.id in self.diagnosed else d.message()
                                     for d in diagnoses]
        if fraction < 1 and not diagnoses:
            messages += self._observations(recording)
        self.diagnosed += [d.mistake.id for d in diagnoses if d.mistake.id not in self.diagnosed]
        self.results[name] = {'fraction': float(min(max(fraction, 0.0), 1.0)), 'messages': messages,
                              'seconds': round(call.duration, 3), 'diagnoses': [d.mistake.id for d in diagnoses],
                              'figure': figure}

    def _figure(self, name, recording):
        if recording is None or self.figures is None:
            return None
        try:
            return self.figures.for_check(name, recording.calls)
        except Exception as exc:    # the kit's own failure: the student keeps the check's plain feedback
            print('feedback figure failed: %r' % exc, file=sys.stderr)
            return None

    def _observations(self, recording):
        """What the calls show about the assignment's layer (``properties``), when no known mistake explains them."""
        layer = getattr(self.assignment.module('checks'), 'LAYER', None)
        if recording is None or layer is None:
            return []
        try:
            return observations(layer, recording.calls)
        except Exception as exc:    # the kit's own failure: the student keeps the check's plain feedback
            print('property diagnosis failed: %r' % exc, file=sys.stderr)
            return []

    def _diagnose(self, recording, check):
        if recording is None:
            return []
        try:
            return diagnose(self.assignment, recording.calls, check=check)[:MAX_DIAGNOSES]
        except Exception as exc:    # the kit's own failure: the student keeps the check's plain feedback
            print('misconception diagnosis failed: %r' % exc, file=sys.stderr)
            return []
