"""Grade one submission the way Gradescope's run_autograder does.

Reads the notebook from the submission folder (default /autograder/submission) and writes Gradescope's
results.json (default /autograder/results/results.json). Paths can also come from BNKIT_SUBMISSION_DIR and
BNKIT_RESULTS, so a test can imitate Gradescope's layout in a temporary folder. The bundle's run_autograder
names the assignment (--assignment), as a bundle is made for one.
"""
import json
import os
import sys
import tempfile
from pathlib import Path

from autograder.cli import choose, isolation
from autograder.assignment import AssignmentError
from autograder.assignment import get as get_assignment
from autograder.grading.runner import GraderFailure, grade_all, record_failure
from autograder.grading.submissions import Submission, SubmissionError, find_single_notebook
from autograder.reports.results import write_atomically


def add_arguments(parser):
    parser.add_argument('--submission-dir', type=Path,
                        default=Path(os.environ.get('BNKIT_SUBMISSION_DIR', '/autograder/submission')))
    parser.add_argument('--results', type=Path,
                        default=Path(os.environ.get('BNKIT_RESULTS', '/autograder/results/results.json')))
    choose.add_argument(parser, 'the only one the kit has')
    isolation.add_arguments(parser)


def run(args):
    """0 with results.json written; 3 (no results.json, so Gradescope reports an autograder error) when the
    sandbox cannot run: a grader failure must never reach the student as a score."""
    try:
        assignment = get_assignment(args.assignment)
    except AssignmentError as exc:
        print('error: %s' % exc, file=sys.stderr)
        return 2
    level = isolation.pick(args)
    if level is None:
        return 3
    with tempfile.TemporaryDirectory(prefix='bnkit-gradescope-') as tmp:
        try:
            notebook = find_single_notebook(args.submission_dir, assignment.name)
        except SubmissionError as exc:
            sub = Submission(student='submission', path=str(args.submission_dir), folder='submission')
            record_failure(assignment, tmp, sub, str(exc), level, rejected=True)
        else:
            try:
                grade_all(assignment, {'submission': notebook}, tmp, jobs=1, progress=False, isolation=level)
            except GraderFailure as exc:
                print('error: the grader failed, no score was written: %s' % exc, file=sys.stderr)
                return 3
        data = json.loads((Path(tmp) / 'submission' / 'results.json').read_text())
        feedback = (Path(tmp) / 'submission' / 'feedback.md').read_text()
        answer = Path(tmp) / 'submission' / 'answer.md'
        if answer.exists():
            # The written answers, for the person reading the autograder output on Gradescope.
            body = answer.read_text().split('\n', 1)[1].strip()
            feedback += '\n## Your written answers (graded by hand)\n%s\n' % ('\n' + body).replace('\n## ', '\n### ')
            data['extra_data']['written_answers'] = body
    data['output'] = feedback
    data['output_format'] = 'md'
    write_atomically(args.results, json.dumps(data, indent=2) + '\n')
    print('score %g written to %s' % (data['score'], args.results))
    return 0
