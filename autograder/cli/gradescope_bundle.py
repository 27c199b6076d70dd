"""Write Gradescope's autograder.zip: setup.sh (installs the kit), run_autograder (grades
/autograder/submission into /autograder/results/results.json) and the kit's wheel; --vendor adds every
dependency's wheel (for this Python's X.Y on Linux) so the image builds without a package index.
docs/gradescope.md says what setup.sh does and how to rehearse the bundle."""
import sys
from pathlib import Path

from autograder.assignment import AssignmentError, get
from autograder.cli import choose
from autograder.grading.gradescope import BundleError, build_bundle


def add_arguments(parser):
    choose.add_argument(parser, 'required when the kit has several: a Gradescope assignment grades one notebook')
    parser.add_argument('--out', type=Path, default=Path('autograder.zip'), help='zip to write (default: %(default)s)')
    parser.add_argument('--vendor', action='store_true', help='include the wheels of every dependency, for this Python version on Linux (offline setup)')


def run(args):
    try:
        path = build_bundle(get(args.assignment), args.out, vendor=args.vendor)
    except (AssignmentError, BundleError) as exc:
        print('error: %s' % exc, file=sys.stderr)
        return 1
    print('wrote %s (%.1f MB), grading %s' % (path, path.stat().st_size / 1e6, get(args.assignment).name))
    return 0
