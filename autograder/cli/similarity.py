"""Find students whose solution cells share much of their code, as evidence for a person to judge.

SUBMISSIONS is what `bnkit grade` takes. Each student's solution cells are compared with every other's by
copydetect, the release's starter code left out; pairs where each student has at least --threshold of their
own code in common with the other are listed, with the shared code highlighted side by side, in
OUTDIR/similarity.html and, when OUTDIR holds a graded class, in OUTDIR/report.html. No grade changes.
Needs the [instructor] extra: pip install 'bnkit[instructor]'.
"""
import sys
from pathlib import Path

from autograder.cli import choose
from autograder.grading.submissions import MAX_NOTEBOOK_MB, accept
from autograder.reports.safetext import terminal


def add_arguments(parser):
    from autograder.reports.similarity import THRESHOLD
    parser.add_argument('submissions', help='a notebook folder or an nbgrader tree, as for bnkit grade')
    parser.add_argument('--out', required=True, type=Path, help='output folder (the graded class\'s, to add '
                                                                'a section to its report.html)')
    choose.add_argument(parser)
    parser.add_argument('--threshold', type=float, default=THRESHOLD,
                        help='share of each student\'s own code in common (default %(default)s)')
    parser.add_argument('--release', type=Path, default=None,
                        help="the release notebook whose starter code is left out (default: the assignment's)")
    parser.add_argument('--max-notebook-mb', type=float, default=MAX_NOTEBOOK_MB)


def run(args):
    try:
        import copydetect  # noqa: F401
    except ImportError:
        print("error: bnkit similarity needs copydetect: pip install 'bnkit[instructor]'", file=sys.stderr)
        return 2
    from autograder.reports import class_report, similarity
    from autograder.reports import results as reports
    if not 0 <= args.threshold <= 1:
        print('error: --threshold is a share of code, between 0 and 1 (got %g)' % args.threshold, file=sys.stderr)
        return 2
    assignment, submissions = choose.assignment_and_submissions(args.assignment, args.submissions)
    if assignment is None:
        print('error: %s' % submissions, file=sys.stderr)
        return 2
    args.release = args.release or assignment.release_notebook
    if not args.release.is_file():
        print('error: %s: no release notebook there (give its path with --release)' % args.release, file=sys.stderr)
        return 2
    pairs, skipped = similarity.compare_notebooks(accept(submissions, args.max_notebook_mb), args.release,
                                                  args.threshold)
    args.out.mkdir(parents=True, exist_ok=True)
    similarity.save(args.out, pairs, args.threshold)
    reports.write_atomically(args.out / 'similarity.html', class_report.similarity_page(assignment, pairs, args.threshold))
    graded = reports.load_results(args.out)
    if graded:
        reports.write_class_reports(args.out, assignment, graded, reports.failures_of(graded))
    for student, why in sorted(skipped.items()):
        print('left out %s: %s' % (terminal(student, 60), terminal(why, 300)))
    print('%d submissions compared; %d pair(s) with at least %.0f%% of their code in common:'
          % (len(submissions) - len(skipped), len(pairs), 100 * args.threshold))
    for pair in pairs:
        print('  %-30s %-30s %3.0f%% %3.0f%%' % (terminal(pair['a'], 30), terminal(pair['b'], 30),
                                               100 * pair['share_a'], 100 * pair['share_b']))
    print('Side by side: %s%s' % (args.out / 'similarity.html', ' and report.html' if graded else ''))
    return 0
