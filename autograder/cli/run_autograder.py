"""Grade one submission the way Gradescope's run_autograder does.

Reads the notebook from the submission folder (default /autograder/submission) and writes Gradescope's
results.json (default /autograder/results/results.json). Paths can also come from BNKIT_SUBMISSION_DIR and
BNKIT_RESULTS, so a test can imitate Gradescope's layout in a temporary folder. The bundle's run_autograder
names the assignment (--assignment), as a bundle is made for one.

It may run as any user (a platform's non-root uid): it grades at the strongest isolation level that starts
for that user and says which. Results it cannot write, and a temporary folder it cannot make, stop it before
any grading with one line naming the cause and the fix (and, for the temporary folder, a results.json that
says so, since the results folder is writable then).
"""
import json
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from autograder.cli import choose, isolation
from autograder.assignment import get as get_assignment
from autograder.grading.options import GradingOptions
from autograder.grading.runner import GraderFailure, grade_all, record_failure
from autograder.grading.submissions import Submission, SubmissionError, find_single_notebook
from autograder.reports.results import write_atomically
from autograder.reports.results_schema import Results, ResultsError


def add_arguments(parser):
    parser.add_argument('--submission-dir', type=Path,
                        default=Path(os.environ.get('BNKIT_SUBMISSION_DIR', '/autograder/submission')))
    parser.add_argument('--results', type=Path,
                        default=Path(os.environ.get('BNKIT_RESULTS', '/autograder/results/results.json')))
    choose.add_argument(parser, 'the only one the kit has')
    isolation.add_arguments(parser)


def _unwritable(results):
    """Why ``results`` cannot be written by this user, or None: tried with a real file beside it."""
    try:
        results.parent.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix='.partial-probe-', dir=results.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _cannot_write(results, why):
    uid = os.geteuid()
    print('error: not graded: uid %d cannot write the results to %s (%s); fix: give uid %d write access to %s, '
          'or run run_autograder as the user that owns it' % (uid, results, why, uid, results.parent), file=sys.stderr)
    return 3


def _not_graded(results, cause, fix):
    """A results.json with no points that says why the grader could not run (the results folder is writable)."""
    data = {'score': 0, 'execution_time': 0, 'output_format': 'text', 'tests': [],
            'output': 'The autograder could not run, so this submission was not graded (the 0 is not a grade): %s. '
                      'The course staff must fix it: %s.' % (cause, fix),
            'extra_data': {'grading_failed': cause, 'grader_uid': os.geteuid()}}
    write_atomically(results, json.dumps(data, indent=2) + '\n')
    print('error: not graded: %s; fix: %s (written to %s)' % (cause, fix, results), file=sys.stderr)
    return 3


def run(args):
    """0 with results.json written; 3 (no results.json, so Gradescope reports an autograder error) when the
    sandbox cannot run: a grader failure must never reach the student as a score."""
    assignment = get_assignment(args.assignment)
    why = _unwritable(args.results)       # before grading: a score nobody can store is time wasted
    if why:
        return _cannot_write(args.results, why)
    level = isolation.pick(args)
    if level is None:
        return 3
    try:
        scratch = tempfile.TemporaryDirectory(prefix='bnkit-gradescope-')
    except OSError as exc:
        return _not_graded(args.results, 'uid %d cannot make a temporary folder (%s)' % (os.geteuid(), exc),
                           'give the grading user a writable /tmp, or set TMPDIR to a folder it can write')
    with scratch as tmp:
        try:
            notebook = find_single_notebook(args.submission_dir, assignment.name)
        except SubmissionError as exc:
            sub = Submission(student='submission', path=str(args.submission_dir), folder='submission')
            record_failure(assignment, tmp, sub, str(exc), level, rejected=True)
        else:
            try:
                grade_all(assignment, {'submission': notebook}, tmp, GradingOptions(isolation=level,
                          require_isolation=args.require_isolation), progress=False)
            except GraderFailure as exc:
                print('error: the grader failed, no score was written: %s' % exc, file=sys.stderr)
                return 3
        try:
            data = Results.read(Path(tmp) / 'submission' / 'results.json')
        except ResultsError as exc:
            print('error: the grader failed, no score was written: %s' % exc, file=sys.stderr)
            return 3
        feedback = (Path(tmp) / 'submission' / 'feedback.md').read_text()
        answer = Path(tmp) / 'submission' / 'answer.md'
        if answer.exists():
            # The written answers, for the person reading the autograder output on Gradescope.
            body = answer.read_text().split('\n', 1)[1].strip()
            feedback += '\n## Your written answers (graded by hand)\n%s\n' % ('\n' + body).replace('\n## ', '\n### ')
            data = replace(data, written_answers=body)
    # Gradescope shows the whole feedback, as Markdown, above the checks.
    data = replace(data, output=feedback, output_format='md')
    try:
        write_atomically(args.results, data.text(sort_keys=False))
    except OSError as exc:
        return _cannot_write(args.results, exc.strerror or str(exc))
    print('score %g written to %s' % (data.score, args.results))
    return 0
