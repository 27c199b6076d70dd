"""The kit end to end on its built-in sample class: generate the release with nbgrader, write sample
submissions from it (complete, partly done, buggy, broken, untouched), grade them in sandboxed workers and
print the score table."""
import os
import shutil
import sys
import time
from pathlib import Path

from autograder.cli import isolation
from autograder.grading.runner import grade_all
from autograder.notebook.release import ROOT, ReleaseError, generate_release
from autograder.notebook.samples import write_samples
from autograder.reports import results as reports
from autograder.reports.safetext import terminal


def add_arguments(parser):
    parser.add_argument('--out', type=Path, default=Path('demo-out'), help='output folder (default: %(default)s)')
    parser.add_argument('--jobs', type=int, default=os.cpu_count() or 1, help='parallel gradings (default: %(default)s)')
    isolation.add_arguments(parser)


def run(args):
    out = args.out.resolve()
    if out.exists():
        shutil.rmtree(out)
    start = time.monotonic()
    print('1. Generating the student release with nbgrader ...', file=sys.stderr)
    try:
        release = generate_release(ROOT / 'source', out / 'release')
    except ReleaseError as exc:
        print('error: %s' % exc, file=sys.stderr)
        return 1
    print('   %s' % release, file=sys.stderr)
    print('2. Writing sample submissions ...', file=sys.stderr)
    samples = write_samples(release / 'BatchNormalization.ipynb', out / 'submissions')
    print('   %s' % ', '.join(sorted(samples)), file=sys.stderr)
    print('3. Grading them in sandboxed workers ...', file=sys.stderr)
    level = isolation.pick(args)
    if level is None:
        return 3
    results, failures = grade_all(samples, out / 'grades', jobs=args.jobs, isolation=level)
    print()
    print(reports.score_table(results))
    if failures:
        print('\nNotes on %d submission(s):' % len(failures))
        for student, why in failures:
            print('  %s: %s' % (terminal(student, 60), terminal(why, 300)))
    print('\nDone in %.0f s. Feedback: %s/<student>/feedback.md; class: %s/report.html, grades.csv and summary.md'
          % (time.monotonic() - start, out / 'grades', out / 'grades'))
    return 0
