"""Generate the student release with nbgrader's generate_assignment, in the instructor's course folder.

Writes release/BatchNormalization/ (the student notebook with stubs and visible tests, the cs231n
framework it imports, its nbgrader_config.py and the student's README.md) from source/BatchNormalization/,
and leaves the nbgrader course folder (course/ by default) ready for nbgrader autograde, generate_feedback,
export and the formgrader. Rebuild the source notebook from the reference first
with --rebuild-source when solutions/ or the cell texts changed.
"""
import sys
from pathlib import Path

from autograder.notebook import build as notebook_build
from autograder.notebook.release import ROOT, ReleaseError, generate_release


def add_arguments(parser):
    parser.add_argument('--source', type=Path, default=ROOT / 'source', help='nbgrader source folder (default: %(default)s)')
    parser.add_argument('--out', type=Path, default=ROOT / 'release', help='release folder (default: %(default)s)')
    parser.add_argument('--course', type=Path, default=ROOT / 'course',
                        help='the nbgrader course folder to write or refresh (default: %(default)s)')
    parser.add_argument('--rebuild-source', action='store_true',
                        help='first rebuild the source notebook from solutions/ and the cell texts')


def run(args):
    if args.rebuild_source:
        notebook_build.main([])
    elif notebook_build.main(['--check']) != 0:
        print('warning: the source notebook differs from a fresh build; use --rebuild-source to update it',
              file=sys.stderr)
    try:
        target = generate_release(args.source, args.out, course=args.course)
    except ReleaseError as exc:
        print('error: %s' % exc, file=sys.stderr)
        return 1
    print('Student release written to %s' % target)
    print('nbgrader course folder ready: %s (put submissions in submitted/<student>/%s/)'
          % (args.course.resolve(), target.name))
    return 0
