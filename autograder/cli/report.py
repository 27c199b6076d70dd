"""Publish a class graded in shards: grades.csv, summary.md, report.html and answers.md from its results.

OUTDIR... are the output folders of the class's `bnkit grade --shard K/N` runs: one folder all shards shared,
or one per shard. The pages are written in the first (or --out), with the students graded elsewhere copied
beside them, and are the pages one run of the whole class writes. A class with students that have no results
yet (a shard not run, or stopped) is not published: they are listed, and missing.txt names them all, unless
--partial publishes it without them (listed in the pages as not graded yet).
Exit status: 0 published, 1 students missing, 2 folders that cannot be merged.
"""
import sys
from pathlib import Path

from autograder.grading import merge
from autograder.reports.results import score_table
from autograder.reports.safetext import terminal


def add_arguments(parser):
    parser.add_argument('outdirs', nargs='+', type=Path, metavar='OUTDIR',
                        help="the shards' output folders (one they all shared, or one each)")
    parser.add_argument('--out', type=Path, default=None, help='where the pages go (default: the first OUTDIR)')
    parser.add_argument('--partial', action='store_true',
                        help='publish even when students have no results yet; the pages list them')
    parser.add_argument('--quiet', action='store_true', help='no table')


def run(args):
    try:
        gathered = merge.gather(args.outdirs)
    except merge.MergeError as exc:
        print('error: %s' % exc, file=sys.stderr)
        return 2
    target = args.out or args.outdirs[0]
    try:
        results, failures = merge.publish(gathered, target, partial=args.partial)
    except merge.MergeError as exc:
        print('error: %s' % terminal_lines(exc), file=sys.stderr)
        return 1
    except OSError as exc:
        print('error: cannot write the pages in %s: %s' % (exc.filename or target, exc.strerror or exc), file=sys.stderr)
        return 2
    if not args.quiet:
        print(score_table(gathered.assignment, results))
    print('%d of %d students published in %s (grades.csv, summary.md, report.html%s)%s'
          % (len(results), len(gathered.roster), target, ', answers.md' if gathered.assignment.questions else '',
             '; not graded yet: %d, listed in missing.txt' % len(gathered.missing) if gathered.missing else ''))
    return 0


def terminal_lines(exc):
    """The message with every line made safe for a terminal (it names students)."""
    return '\n'.join(terminal(line) for line in str(exc).splitlines())
