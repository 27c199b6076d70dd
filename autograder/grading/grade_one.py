"""Grading one submission: extract its code, run the hidden tests against sandboxed workers, score.

    python -m autograder.grading.grade_one NOTEBOOK FOLDER OUTDIR --assignment NAME --student NAME --sha256 HEX
        --submission PATH --options JSON

grades NOTEBOOK with the checks of the assignment NAME and writes OUTDIR/FOLDER/results.json (``Results``) and the feedback files,
atomically. JSON is the run's ``GradingOptions`` as one document (``GradingOptions.to_json``), with the level
the run chose and its limits fitted to the environment. NOTEBOOK ``-`` reads the notebook's bytes from standard input: the batch runner hands over what
it read when it accepted the submission, so no file on disk (which another submission's code might reach at
a weak isolation level) stands between accepting and grading. The batch runner starts one such process per
submission so that no submission can disturb another's grading.
A sandbox that fails (to start, or to be cleaned up) is the grader's failure: this process then writes
nothing for the student and exits with ``SANDBOX_FAILED`` and the reason on stderr; results that cannot be
written (a full disk) exit with ``OUTPUT_FAILED``.
"""
import argparse
import os
import resource
import sys
import time
from pathlib import Path

import pytest

from autograder.assignment import get as get_assignment
from autograder.grading.options import options_argument
from autograder.grading.pytest_plugin import GradingPlugin
from autograder.grading.submissions import Submission
from autograder.notebook.extract import NotebookError, extract
from autograder.reports import results as reports
from autograder.reports.results_schema import CheckResult, Results
from autograder.sandbox import SandboxError
from autograder.sandbox.levels import file_guard, process_level_warning
from autograder.version import KIT_VERSION

HIDDEN_TESTS = Path(__file__).resolve().parent / 'hidden_tests'
SANDBOX_FAILED = 3
OUTPUT_FAILED = 4       # the results could not be written (a full disk, a folder gone): the grader's failure


def empty_results(assignment, messages):
    return {s.name: {'fraction': 0.0, 'messages': [], 'seconds': 0.0} for s in assignment.checks}, messages


PYTEST_ARGS = [str(HIDDEN_TESTS), '-p', 'no:cacheprovider', '-p', 'no:terminal', '-p', 'no:unraisableexception',
               '-c', os.devnull,
               '--rootdir', str(HIDDEN_TESTS), '-W', 'ignore']


def run_hidden_tests(plugin, extra_args=()):
    """pytest on the hidden tests with ``plugin``; returns its exit code. Plugins that other installed packages
    register with pytest are not loaded: the checks need none, and finding and importing them (hypothesis's,
    anyio's in the developer's install) took 0.44 s of a 0.48 s pytest start, measured."""
    saved = os.environ.get('PYTEST_DISABLE_PLUGIN_AUTOLOAD')
    os.environ['PYTEST_DISABLE_PLUGIN_AUTOLOAD'] = '1'
    try:
        return pytest.main(PYTEST_ARGS + list(extra_args), plugins=[plugin])
    finally:
        if saved is None:
            del os.environ['PYTEST_DISABLE_PLUGIN_AUTOLOAD']
        else:
            os.environ['PYTEST_DISABLE_PLUGIN_AUTOLOAD'] = saved


def grade_notebook(assignment, path, options, raw=None, prestarted=None):
    """(per-check results, general messages, why it was not graded or None) for the notebook at path (or for
    ``raw``, its bytes, with ``path`` naming it).

    ``options`` is the run's ``GradingOptions``, its isolation level chosen; ``options.budget`` is the
    wall-clock seconds for loading and every check together. ``prestarted`` is a worker launched ahead and
    holding no code yet (``autograder.grading.prestart``), used as the first worker; its launcher stops it.
    Raises SandboxError.
    """
    try:
        extraction = extract(assignment, path, raw)
    except NotebookError as exc:
        return (*empty_results(assignment, ['Your notebook was not graded: %s.' % exc]), str(exc))
    plugin = GradingPlugin(assignment, extraction.cells, limits=options.limits, isolation=options.isolation,
                           check_timeout=options.check_timeout, budget=options.budget, prestarted=prestarted)
    code = run_hidden_tests(plugin)
    if plugin.sandbox_error:
        raise plugin.sandbox_error
    messages = list(extraction.messages)
    messages.extend('While loading your code, %s' % e for e in plugin.load_errors)
    results = plugin.results
    missing = [s.name for s in assignment.checks if s.name not in results]
    if missing or code not in (0, 1):
        raise RuntimeError('the hidden tests did not all run (pytest exit code %s; missing %s)' % (code, missing))
    return results, messages, None


def build_results(assignment, student, submission, sha256, results, messages, isolation, seconds, not_graded=None):
    """The ``Results`` of one submission from its per-check results (``grade_notebook``'s first item)."""
    tests, score = [], 0.0
    for number, spec in enumerate(assignment.checks, start=1):
        r = results[spec.name]
        points = round(r['fraction'] * spec.points, 2)
        score += points
        tests.append(CheckResult(name=spec.title, number=str(number), score=points, max_score=spec.points,
                                 status='passed' if r['fraction'] >= 1 else 'failed',
                                 output='\n'.join(r['messages']), tags=(spec.name,)))
    return Results(
        score=round(score, 2), execution_time=round(seconds, 2), output='\n'.join(messages), tests=tuple(tests),
        assignment=assignment.name, student=student, submission=str(submission), submission_sha256=sha256,
        not_graded=not_graded or None, max_score=assignment.max_automatic_points, kit_version=KIT_VERSION,
        isolation=isolation, isolation_files=file_guard(isolation) if isolation else None,
        isolation_warning=process_level_warning() if isolation == 'process' else None,
        diagnoses={s.name: tuple(results[s.name]['diagnoses']) for s in assignment.checks
                   if results[s.name].get('diagnoses')},
        figures={s.name: results[s.name]['figure'] for s in assignment.checks if results[s.name].get('figure')},
        peak_memory_mb={
            'grader': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            'workers': round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)})


def grade_to_folder(assignment, sub, outdir, options, notebook=None, prestarted=None):
    """Grade the Submission ``sub`` (its accepted bytes, ``sub.content``; or, when None, the file ``notebook``)
    and write its results and feedback in outdir/sub.folder; returns the results."""
    start = time.monotonic()
    if sub.content is not None:
        notebook = os.path.basename(sub.path)
    results, messages, not_graded = grade_notebook(assignment, notebook, options, sub.content, prestarted)
    data = build_results(assignment, sub.student, sub.path, sub.sha256, results, messages, options.isolation,
                         time.monotonic() - start, not_graded)
    reports.write_student_reports(Path(outdir) / sub.folder, data, assignment)
    return data


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('notebook', help="the notebook, or - to read its bytes from standard input")
    parser.add_argument('folder')
    parser.add_argument('outdir')
    parser.add_argument('--assignment', required=True, help='the name of the assignment whose checks grade it')
    parser.add_argument('--student', required=True, help="the student's name as found")
    parser.add_argument('--sha256', required=True, help='of the bytes handed in')
    parser.add_argument('--submission', required=True, help='where the submission was found')
    parser.add_argument('--options', required=True,
                        help="the run's GradingOptions as one JSON document, its isolation level chosen")
    args = parser.parse_args(argv)
    options = options_argument(parser, args.options)
    sub = Submission(student=args.student, path=args.submission, folder=args.folder, sha256=args.sha256)
    if args.notebook == '-':
        sub.content = sys.stdin.buffer.read()
    return grade_and_exit_code(get_assignment(args.assignment), sub, args.outdir, options, args.notebook)


def grade_and_exit_code(assignment, sub, outdir, options, notebook=None, prestarted=None):
    """``grade_to_folder``, as the exit status of a grading process: 0, or ``SANDBOX_FAILED`` and
    ``OUTPUT_FAILED`` with the reason on stderr."""
    try:
        grade_to_folder(assignment, sub, outdir, options, notebook, prestarted)
    except SandboxError as exc:
        print('sandbox failure: %s' % exc, file=sys.stderr)
        return SANDBOX_FAILED
    except OSError as exc:    # only writing the results touches the disk: nothing of it is the student's
        print('cannot write the results in %s: %s' % (exc.filename or outdir, exc.strerror or exc), file=sys.stderr)
        return OUTPUT_FAILED
    return 0


if __name__ == '__main__':
    sys.exit(main())
