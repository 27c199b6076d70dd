"""The kit end to end on its built-in sample classes: for each assignment (or the one --assignment names),
generate the release with nbgrader, write sample submissions from it (complete, partly done, buggy, broken,
untouched), grade them in sandboxed workers and print the score table."""
import os
import shutil
import sys
import time
from pathlib import Path

from autograder.cli import choose, isolation
from autograder.grading.options import GradingOptions
from autograder.grading.runner import grade_all
from autograder.notebook.release import ROOT, ReleaseError, generate_release
from autograder.notebook.samples import write_samples
from autograder.reports import results as reports
from autograder.reports.safetext import terminal


def add_arguments(parser):
    parser.add_argument('--out', type=Path, default=Path('demo-out'), help='output folder (default: %(default)s)')
    parser.add_argument('--jobs', type=int, default=os.cpu_count() or 1, help='parallel gradings (default: %(default)s)')
    choose.add_argument(parser, 'default: every assignment of the kit')
    isolation.add_arguments(parser)


def run(args):
    chosen = choose.chosen_or_all(args.assignment)
    out = args.out.resolve()
    if out.exists():
        shutil.rmtree(out)
    start = time.monotonic()
    level = isolation.pick(args)
    if level is None:
        return 3
    for assignment in chosen:
        code = demo_one(assignment, out, level, args.jobs)
        if code:
            return code
    print('\nDone in %.0f s. Feedback: %s/<assignment>/<student>/feedback.md; each class: report.html, grades.csv '
          'and summary.md' % (time.monotonic() - start, out / 'grades'))
    return 0


def demo_one(assignment, out, level, jobs):
    print('%s: generating the student release with nbgrader ...' % assignment.name, file=sys.stderr)
    try:
        release = generate_release(ROOT / 'source', out / 'release', assignment=assignment.name)
    except ReleaseError as exc:
        print('error: %s' % exc, file=sys.stderr)
        return 1
    print('   %s' % release, file=sys.stderr)
    print('%s: writing sample submissions ...' % assignment.name, file=sys.stderr)
    samples = write_samples(assignment, release / (assignment.name + '.ipynb'), out / 'submissions' / assignment.name)
    print('   %s' % ', '.join(sorted(samples)), file=sys.stderr)
    print('%s: grading them in sandboxed workers ...' % assignment.name, file=sys.stderr)
    results, failures = grade_all(assignment, samples, out / 'grades' / assignment.name,
                                  GradingOptions(isolation=level, jobs=jobs))
    print('\n%s\n' % assignment.title)
    print(reports.score_table(assignment, results))
    if failures:
        print('\nNotes on %d submission(s):' % len(failures))
        for student, why in failures:
            print('  %s: %s' % (terminal(student, 60), terminal(why, 300)))
    return 0
