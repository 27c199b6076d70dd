"""Grade notebooks with the hidden checks, each submission's code in a sandboxed worker.

SUBMISSIONS is one .ipynb file, a folder of .ipynb files (the student is the file name's stem), or an
nbgrader tree submitted/<student>/<assignment>/<notebook>.ipynb. --assignment names the assignment when the
kit has several and the submissions do not say (an nbgrader tree's folder or a notebook's file name does). Writes OUTDIR/grades.csv,
OUTDIR/<student>/results.json (Gradescope's schema), feedback.md/.html and a class summary. A run that is
interrupted can be started again: finished, unchanged submissions are not graded twice.

--shard K/N grades only shard K (from 0) of N: each student's shard is fixed by their name alone, so N runs,
on one machine or many, into one shared output folder or one each, grade the class once between them. A shard
writes its students' results and its record (OUTDIR/shards/K-of-N.json); `bnkit report OUTDIR [OUTDIR...]`
writes the class's pages once every shard is done. A shard run again grades only what it has not.
"""
import os
import sys
from dataclasses import replace

from autograder.cli import choose, isolation
from autograder.grading.options import DEFAULT_BUDGET, DEFAULT_CHECK_TIMEOUT, GradingOptions, OptionsError
from autograder.grading.runner import GRADER_MARGIN, GraderFailure, fit_run, grade_all, grade_submissions
from autograder.grading.shards import Shard, ShardError
from autograder.grading.submissions import MAX_NOTEBOOK_MB
from autograder.reports import results as reports
from autograder.reports.safetext import terminal
from autograder.sandbox import Limits


def add_arguments(parser):
    parser.add_argument('submissions', help='a notebook, a folder of notebooks, or an nbgrader tree')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--jobs', type=int, default=os.cpu_count() or 1,
                        help='submissions graded in parallel (default: the number of CPUs, %(default)s)')
    choose.add_argument(parser)
    parser.add_argument('--memory-mb', type=int, default=Limits.memory_mb, help='worker memory limit (%(default)s MB)')
    parser.add_argument('--cpu-seconds', type=int, default=Limits.cpu_seconds, help='worker CPU-time limit (%(default)s s)')
    parser.add_argument('--call-timeout', type=float, default=Limits.call_timeout,
                        help='wall-clock limit of one call into student code (%(default)s s)')
    parser.add_argument('--check-timeout', type=float, default=DEFAULT_CHECK_TIMEOUT, help='wall-clock limit per check (%(default)s s)')
    parser.add_argument('--budget', type=float, default=DEFAULT_BUDGET,
                        help='wall-clock seconds per submission for loading its code and all checks (%(default)s)')
    parser.add_argument('--max-notebook-mb', type=float, default=MAX_NOTEBOOK_MB,
                        help='larger submissions are not graded (%(default)s MB)')
    parser.add_argument('--shard', metavar='K/N', default=None,
                        help='grade only shard K (0-based) of N; then `bnkit report OUTDIR` publishes the class')
    parser.add_argument('--quiet', action='store_true', help='no progress bar and no table')
    isolation.add_arguments(parser)


def run(args):
    assignment, submissions = choose.assignment_and_submissions(args.assignment, args.submissions)
    if assignment is None:
        print('error: %s' % submissions, file=sys.stderr)
        return 2
    try:
        shard = Shard.parse(args.shard) if args.shard is not None else None
    except ShardError as exc:
        print('error: %s' % exc, file=sys.stderr)
        return 2
    try:
        options = GradingOptions(
            budget=args.budget, check_timeout=args.check_timeout, max_notebook_mb=args.max_notebook_mb, jobs=args.jobs,
            limits=Limits(memory_mb=args.memory_mb, cpu_seconds=args.cpu_seconds, call_timeout=args.call_timeout),
            isolation=args.isolation, require_isolation=args.require_isolation, shard=shard)
        run = fit_run(options.limits, options.jobs)
    except (OptionsError, GraderFailure) as exc:
        print('error: %s' % exc, file=sys.stderr)
        return 2 if isinstance(exc, OptionsError) else 3
    level = isolation.pick(args, run.limits)
    if level is None:
        return 3
    options = replace(options, isolation=level)     # the level every submission of the run is graded at
    if not args.quiet:
        count = len(shard.select(submissions)) if shard else len(submissions)
        worst = count * (args.budget + GRADER_MARGIN) / max(run.jobs, 1)
        print('Grading %d submission(s) of %s%s with %d job(s), %g s each at most: at worst %.0f min'
              % (count, assignment.name, ' (shard %s of a class of %d)' % (shard, len(submissions)) if shard else '',
                 run.jobs, args.budget, worst / 60), file=sys.stderr)
    if run.line:
        print(run.line, file=sys.stderr)
    try:
        if shard is not None and shard.count > 1:
            record = grade_submissions(assignment, submissions, args.out, options, progress=not args.quiet)
            if not args.quiet:
                print('Shard %s graded: %d of the class\'s %d students, results in %s. When every shard is done: '
                      'bnkit report %s (with the other shards\' folders when they wrote elsewhere)'
                      % (shard, len(record.students), len(record.roster), args.out, args.out))
            return 0
        results, failures = grade_all(assignment, submissions, args.out, options, progress=not args.quiet)
    except GraderFailure as exc:
        print('\nerror: grading stopped, the grader failed (no student was charged for it): %s' % exc,
              file=sys.stderr)
        return 3
    if not args.quiet:
        print(reports.score_table(assignment, results))
        if failures:
            print('\n%d submission(s) need a look:' % len(failures))
            for student, why in failures:
                print('  %s: %s' % (terminal(student, 60), terminal(why, 300)))
        print('\nResults in %s (grades.csv, summary.md, report.html, <student>/feedback.md)' % args.out)
    return 0
