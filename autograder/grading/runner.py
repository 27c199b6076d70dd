"""Grading a class: --jobs warm graders, each submission graded in a process of its own, resumable.

A submission whose results.json already records the same notebook hash and
kit version is skipped, so a run that was killed and started again finishes the
rest without regrading anyone. grades.csv and the summary are rebuilt from the
per-student results at the end, so they are the same however the run went.

The isolation level is chosen once, by probing, before any submission is graded.
A grader process that reports a sandbox failure stops the run (``GraderFailure``):
that is the grader's problem, and no student gets a score from it. Each grader
process runs under its own memory limit and dies with the run; after it ends,
any process it left behind in a sandbox uid is killed.
"""
import ctypes
import os
import resource
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed, wait
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from autograder.grading import merge
from autograder.grading.grade_one import OUTPUT_FAILED, SANDBOX_FAILED, build_results, empty_results
from autograder.grading.options import GradingOptions
from autograder.grading.shard_records import finish_record, remove_other_splits, start_record
from autograder.grading.shards import WHOLE_CLASS
from autograder.grading.submissions import SubmissionRejected, accept_each, read_again, results_folders
from autograder.grading.warm_pool import WarmGraderDied, WarmPool
from autograder.reports import results as reports
from autograder.reports.answers import answers_of, write_student_answers
from autograder.reports.results_schema import Results, ResultsError
from autograder.reports.safetext import terminal
from autograder.sandbox import choose_level, landlock, lockdown, view
from autograder.sandbox import allowance, leftovers, process_tree
from autograder.sandbox.allowance import within
from autograder.version import KIT_VERSION

GRADER_MEMORY_MB = 4096     # the address space of one grader process (checks, reference, pytest)
GRADER_MARGIN = 60.0        # beyond a submission's budget: the grader process's own start and reports


class GraderFailure(RuntimeError):
    """The grader, not a student, failed (its sandbox could not start or be cleaned up): the run stops."""


def already_graded(assignment, outdir, sub):
    """Whether this exact hand-in (same bytes, assignment and kit version) already has its results."""
    try:
        done = Results.read(Path(outdir) / sub.folder / 'results.json')
    except ResultsError:
        return False
    return (done.submission_sha256 == sub.sha256 and done.student == sub.student
            and done.assignment == assignment.name and done.kit_version == KIT_VERSION and not done.grading_failed)


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, total, stream=sys.stderr):
        self.total, self.done, self.stream, self.start = total, 0, stream, time.monotonic()

    def step(self, label):
        self.done += 1
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done)
        self.stream.write('\r[%s%s] %d/%d  %-24s %5.0fs elapsed, ~%.0fs left ' % (
            '#' * filled, '.' * (width - filled), self.done, self.total, terminal(label, 24), elapsed, eta))
        if self.done == self.total:
            self.stream.write('\n')
        self.stream.flush()


def _grader_limits(memory_mb):
    def enter():
        memory = within(resource.RLIMIT_AS, memory_mb << 20)
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if sys.platform.startswith('linux'):
            ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)   # PR_SET_PDEATHSIG: die with the run
    return enter


_LIVE_GRADERS, _LIVE_LOCK = set(), threading.Lock()


def _adopt_orphans():
    """Make this process the subreaper of everything its graders start, so that what a dead grader or a
    double-forking worker leaves behind is reparented here, into the run's own process tree."""
    if sys.platform.startswith('linux'):
        ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)   # PR_SET_CHILD_SUBREAPER


def _kill_orphans():
    """Kill what a finished grader left behind in this run's process tree: orphans reparented to this
    process, which is their subreaper, and everything below them (frozen first, as a fork bomb's tree would
    outrun a kill of one generation at a time). Nothing outside the tree is touched: another run's workers
    are that run's, whatever their uid (a worker's own uid is swept when it stops, under its lease)."""
    if not sys.platform.startswith('linux'):
        return
    me = os.getpid()
    # Under the lock: a grader being started by another thread is added to the live set before it is seen.
    with _LIVE_LOCK:
        process_tree.kill_tree(
            lambda table: [pid for pid in process_tree.children_of(me, table) if pid not in _LIVE_GRADERS])


def fit_run(limits, jobs):
    """The worker's limits, the jobs and the grader's memory fitted to what the environment allows
    (``autograder.sandbox.allowance``); raises GraderFailure when it cannot hold one grading."""
    try:
        return allowance.fitted(limits, jobs, GRADER_MEMORY_MB)
    except allowance.AllowanceTooSmall as exc:
        raise GraderFailure(str(exc)) from None


def _register(start):
    """Start a grader process under the lock, so a sweep running in another thread never takes it for an
    orphan."""
    with _LIVE_LOCK:
        proc = start()
        _LIVE_GRADERS.add(proc.pid)
    return proc


def grade_one_process(pool, sub, outdir, options):
    """Grade one submission in a child of a warm grader of ``pool``; returns None or the reason it failed.

    ``options`` are the run's, with its chosen isolation level and its fitted limits. The grading gets
    ``options.budget`` seconds for the student's code and a margin for its own start and reports; past that
    it is killed. The notebook's bytes, those accepted (kept, or read again and checked to hash the same),
    reach it on a pipe."""
    submission_timeout = options.budget + GRADER_MARGIN
    try:
        if sub.content is None:
            sub.content = read_again(sub, options.max_notebook_mb)
    except SubmissionRejected as exc:
        return str(exc)
    try:
        grader = pool.take()
    except WarmGraderDied as exc:
        raise GraderFailure(str(exc)) from None
    alive = True
    try:
        code, stderr = grader.grade(sub, outdir, submission_timeout)
    except WarmGraderDied as exc:
        alive = False
        return 'the grader failed (%s)' % str(exc)[:300]
    finally:
        sub.content = None      # handed over: no need to hold it any longer
        pool.give_back(grader, alive)
        _kill_orphans()
    if code is None:
        return stderr
    if code in (SANDBOX_FAILED, OUTPUT_FAILED):
        raise GraderFailure((stderr.strip().splitlines() or ['no message'])[-1][:1000])
    if code != 0:
        tail = stderr.strip().splitlines()[-1:] or ['no message']
        return 'the grader failed (exit code %d: %s)' % (code, tail[0][:300])
    return None


def record_failure(assignment, outdir, sub, why, isolation=None, rejected=False):
    """Zero points with the reason, so the student and the staff both see what happened. Reads nothing of the
    submission: what is recorded is what was read when it was accepted."""
    message = ('Your notebook was not graded: %s.' % why if rejected else
               'Your notebook could not be graded: %s. The course staff has been told.' % why)
    results, messages = empty_results(assignment, [message])
    data = build_results(assignment, sub.student, sub.path, sub.sha256, results, messages, isolation, 0.0,
                         not_graded=why if rejected else None)
    if not rejected:
        data = replace(data, grading_failed=why)
    reports.write_student_reports(Path(outdir) / sub.folder, data, assignment)


def class_folders(notebooks):
    """The folders that hold the class's submissions: each notebook's folder, and an nbgrader course's root."""
    folders = set()
    for nb in notebooks:
        path = Path(nb).resolve()
        folders.add(path.parent)
        if 'submitted' in path.parts:
            folders.add(Path(*path.parts[:path.parts.index('submitted')]))
    return folders


def grade_all(assignment, submissions, outdir, options=None, progress=True):
    """Grade {student: notebook} with the checks of ``assignment`` into outdir, then write the class's reports;
    returns (all results, [(student, failure reason)]).

    ``options`` (``GradingOptions``, the defaults when None) configure the run: each submission is read once
    (a regular file of at most ``options.max_notebook_mb``) into a private copy, and gets ``options.budget``
    seconds of wall clock for loading and all checks. ``options.isolation`` is the level chosen by
    ``autograder.sandbox.choose_level`` (probed here when None). ``progress`` shows a bar on stderr. Raises
    GraderFailure when the sandbox fails mid-run; results already written stay. The reports are the merge's
    (``autograder.grading.merge``), the same a class graded in shards gets from ``bnkit report``.
    """
    options = options or GradingOptions()
    if options.shard is not None and options.shard.count > 1:
        raise ValueError('grade_all grades a whole class; a shard is graded by grade_submissions')
    grade_submissions(assignment, submissions, outdir, options, progress)
    with output_failures(outdir):
        try:
            return merge.publish(merge.gather([outdir]), outdir)
        except merge.MergeError as exc:
            raise GraderFailure(str(exc)) from None


@contextmanager
def output_failures(outdir):
    """An output that cannot be written is the grader's failure: the run stops and says where, and what was
    already written stays (a rerun finishes the rest). It is never recorded as a student's result."""
    try:
        yield
    except OSError as exc:
        raise GraderFailure('cannot write the results in %s: %s; free the space (or fix the folder) and run '
                            'again: finished students are kept' % (exc.filename or outdir, exc.strerror or exc)) from None


def grade_submissions(assignment, submissions, outdir, options=None, progress=True):
    """What ``grade_all`` does but the class's reports, for the part of {student: notebook} that
    ``options.shard`` names (the whole class when None): each student's results.json, feedback and written
    answers in outdir, and the shard's record (``shard_records``). Returns the record."""
    options = options or GradingOptions()
    shard = options.shard or WHOLE_CLASS
    outdir = Path(outdir).resolve()
    run = fit_run(options.limits, options.jobs)
    limits, jobs = run.limits, run.jobs
    outdir.mkdir(parents=True, exist_ok=True)
    os.chmod(outdir, 0o700)     # results are nobody else's business, and no worker uid's
    isolation = options.isolation or choose_level(None, options.require_isolation, limits)[0]
    # What every grader process is told: the level chosen once for the run, and the limits fitted to here.
    options = replace(options, limits=limits, jobs=jobs, isolation=isolation)
    _adopt_orphans()
    leftovers.sweep()       # the folders of graders that were killed, on this machine, by any run
    if isolation == 'container' and landlock.abi_version() < 1:
        # Without Landlock the worker uids see the host: lock the kit, the results and the class first.
        lockdown.lock(lockdown.kit_paths() | {outdir} | class_folders(submissions.values()),
                      keep=lockdown.needed_by_workers(view.build()))
    folders = results_folders(submissions)      # the whole class's, so that every shard names them alike
    mine = shard.select(submissions)
    for student in mine:
        reports.remove_partial_files(outdir / folders[student])
    subs = []
    # Each notebook is read, hashed and checked here, its written answers kept, and its bytes let go, so a
    # class of any size is never in memory at once: it is read again when graded and must hash the same.
    # Where student code could reach the class's files (the process level without Landlock), a rewritten
    # file would cost its student the grading, so there the bytes are kept from the first reading.
    keep_read = isolation == 'process' and landlock.abi_version() < 1
    with output_failures(outdir):
        remove_other_splits(outdir, shard)
        for sub in accept_each(mine, options.max_notebook_mb, folders):
            texts = None if sub.rejected else answers_of(assignment, sub.path, sub.content)
            write_student_answers(outdir / sub.folder, assignment, sub.student, texts)
            if sub.rejected:
                record_failure(assignment, outdir, sub, sub.rejected, isolation, rejected=True)
            if not keep_read:
                sub.content = None
            subs.append(sub)
        record = start_record(outdir, assignment, shard, folders, {sub.student: sub.sha256 for sub in subs}, run.line)
    todo = [sub for sub in subs if not sub.rejected and not already_graded(assignment, outdir, sub)]
    bar = Progress(len(todo)) if progress and todo else None
    graders = WarmPool(assignment, options, max(1, jobs), _grader_limits(run.grader_memory_mb), _register)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(grade_one_process, graders, sub, outdir, options): sub for sub in todo}
        try:
            for future in as_completed(futures):
                sub = futures[future]
                why = future.result()
                if why:
                    with output_failures(outdir):
                        record_failure(assignment, outdir, sub, why, isolation)
                if bar:
                    bar.step(sub.student)
        except GraderFailure:
            for future in futures:
                future.cancel()
            raise
        finally:
            for future in futures:
                future.cancel()
            wait(futures)
            graders.close()
            with _LIVE_LOCK:
                _LIVE_GRADERS.difference_update(grader.proc.pid for grader in graders.all)
    _sweep_until_settled()
    with output_failures(outdir):
        finish_record(record)
    return record


def _sweep_until_settled(seconds=2.0):
    """The last sweep of a run: a worker's processes may still be on their way to this process (reparented
    after their grader ended) when that grader's own sweep ran, so sweep until a pass finds none."""
    deadline = time.monotonic() + seconds
    while sys.platform.startswith('linux') and time.monotonic() < deadline:
        with _LIVE_LOCK:
            left = [pid for pid in process_tree.children_of(os.getpid()) if pid not in _LIVE_GRADERS]
        if not left:
            return
        _kill_orphans()
        time.sleep(0.05)
