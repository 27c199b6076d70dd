"""Grade the validation set (correct variants, realistic bugs, hostile submissions) of each assignment, one
run per assignment, and print one verdict table with totals for each. Exit status 1 if any verdict fails.

Hostile code runs here on purpose. When this machine allows it (root, util-linux), the whole run is first
moved into a PID namespace of its own with an outer memory limit, so that even a sandbox bug could not let a
kill(-1) or a fork bomb reach anything outside it.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder.cli import choose, isolation
from autograder.grading.options import GradingOptions
from autograder.reports.results_schema import Results
from autograder.validation.nbgrader_comparison import nbgrader_agreement
from autograder.validation.runner import validate
from autograder.validation.verdict_table import table
from autograder.validation.watch import CONTAINED_ENV


def add_arguments(parser):
    parser.add_argument('--assignment', default=None, metavar='NAME',
                        help='validate only this assignment (default: every assignment of the kit)')
    parser.add_argument('--jobs', type=int, default=os.cpu_count() or 1, help='parallel gradings (default: %(default)s)')
    parser.add_argument('--keep', type=Path, default=None, help='keep the notebooks and grades in this folder')
    parser.add_argument('--nbgrader', action='store_true',
                        help='also autograde the correct variants and the bugs with nbgrader and compare scores, and '
                             "run the in-kernel cheats through nbgrader's autograde in the kit's course")
    parser.add_argument('--no-contain', action='store_true', help='do not move the run into its own PID namespace')
    isolation.add_arguments(parser)


def contain(argv):
    """Re-run this command inside a new PID namespace with an outer memory limit, if possible."""
    if os.environ.get(CONTAINED_ENV) or os.geteuid() != 0 or not shutil.which('unshare') or not shutil.which('prlimit'):
        return None
    env = dict(os.environ, **{CONTAINED_ENV: '1'})
    cmd = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child', 'prlimit', '--as=%d' % (12 << 30), '--',
           sys.executable, '-m', 'autograder.cli', 'validate'] + argv
    return subprocess.call(cmd, env=env)


def run(args):
    if not args.no_contain:
        forwarded = ['--jobs', str(args.jobs)] + (['--keep', str(args.keep)] if args.keep else []) \
            + (['--assignment', args.assignment] if args.assignment else []) \
            + (['--nbgrader'] if args.nbgrader else []) \
            + (['--isolation', args.isolation] if args.isolation else []) \
            + (['--require-isolation', args.require_isolation] if args.require_isolation else [])
        code = contain(forwarded)
        if code is not None:
            return code
        if not os.environ.get(CONTAINED_ENV):
            print('note: running without an outer PID namespace (needs root and util-linux)', file=sys.stderr)
    chosen = choose.chosen_or_all(args.assignment)
    if args.nbgrader and args.keep is None:
        # The comparison needs bnkit's grades after the run: keep them in a folder of our own.
        args.keep = Path(tempfile.mkdtemp(prefix='bnkit-validate-'))
    level = isolation.pick(args)
    if level is None:
        return 3
    ok = True
    for i, assignment in enumerate(chosen):
        if i:
            print()
        keep = args.keep / assignment.name if args.keep is not None and len(chosen) > 1 else args.keep
        ok = validate_one(assignment, keep, args, level) and ok
    return 0 if ok else 1


def validate_one(assignment, keep, args, level):
    """Validate one assignment and print its table; True if every verdict holds."""
    print('== %s (%s)' % (assignment.name, assignment.title))
    options = GradingOptions(jobs=args.jobs, isolation=level, require_isolation=args.require_isolation)
    rows, global_rows, seconds = validate(assignment, keep, options)
    print(table(rows, global_rows))
    print('\n%d submissions graded in %.0f s with --jobs %d' % (len(rows), seconds, args.jobs))
    ok = all(r.ok for r in rows + global_rows)
    if args.nbgrader:
        honest = list(assignment.module('variants').CORRECT) + list(assignment.module('variants').BUGS)
        grades = keep / 'grades'
        bnkit_scores = {v.name: Results.read(grades / v.name / 'results.json').score for v in honest}
        print('\nnbgrader autograde of the same notebooks (automatic points):')
        agreement = nbgrader_agreement(assignment, honest, bnkit_scores)
        for name, nb_score, bn_score in agreement:
            same = nb_score is not None and abs(nb_score - bn_score) < 0.05
            ok = ok and same
            print('  %-30s nbgrader %6s   bnkit %6.2f   %s' % (name, '%.2f' % nb_score if nb_score is not None else '-',
                                                            bn_score, 'same' if same else 'DIFFERENT'))
        print('agreement: %d / %d' % (sum(1 for _, n, b in agreement if n is not None and abs(n - b) < 0.05),
                                      len(agreement)))
        ok = course_class(assignment, keep, level) and ok
    return ok


def course_class(assignment, keep, level):
    """The in-kernel cheats through nbgrader's own commands in the kit's course: print the verdicts."""
    from autograder.validation.course_class import run_class, verdicts
    from autograder.validation.kernel_cheats import cheats
    print("\nIn-kernel cheats through nbgrader's autograde (%d cheats, an honest student and the untouched "
          'release, at the %s level):' % (len(cheats()), level))
    rows = verdicts(run_class(keep / 'course-class', assignment, level))
    for what, held, seen in rows:
        print('  %-58s %s  (%s)' % (what, 'ok' if held else 'FAILED', seen))
    return all(held for _, held, _ in rows)
