"""Generate the student releases with nbgrader's generate_assignment, in the instructor's course folder.

For each assignment (every one, or the one --assignment names) writes release/<Name>/ (the student notebook
with stubs and visible tests, the cs231n framework it imports, its nbgrader_config.py and the student's
README.md) from source/<Name>/, and leaves the nbgrader course folder (course/ by default) ready for nbgrader
autograde, generate_feedback, export and the formgrader. Rebuild the source notebooks from their
notebook.py and the reference first with --rebuild-source when either changed.
"""
import sys
from pathlib import Path

from autograder.cli import choose
from autograder.notebook.release import ROOT, ReleaseError, generate_release


def add_arguments(parser):
    choose.add_argument(parser, 'default: every assignment of the kit')
    parser.add_argument('--source', type=Path, default=ROOT / 'source', help='nbgrader source folder (default: %(default)s)')
    parser.add_argument('--out', type=Path, default=ROOT / 'release', help='release folder (default: %(default)s)')
    parser.add_argument('--course', type=Path, default=ROOT / 'course',
                        help='the nbgrader course folder to write or refresh (default: %(default)s)')
    parser.add_argument('--rebuild-source', action='store_true',
                        help='first rebuild the source notebooks from their notebook.py and solutions/')


def run(args):
    from autograder.notebook import build as notebook_build   # jupytext: an instructor's tool, imported here only
    chosen = choose.chosen_or_all(args.assignment)
    for assignment in chosen:
        only = ['--assignment', assignment.name]
        if args.rebuild_source:
            notebook_build.main(only)
        elif notebook_build.main(only + ['--check']) != 0:
            print('warning: the source notebook of %s differs from a fresh build; use --rebuild-source to update it'
                  % assignment.name, file=sys.stderr)
        try:
            target = generate_release(args.source, args.out, assignment, course=args.course)
        except ReleaseError as exc:
            print('error: %s: %s' % (assignment.name, exc), file=sys.stderr)
            return 1
        print('Student release written to %s' % target)
        print('nbgrader course folder ready: %s (put submissions in submitted/<student>/%s/)'
              % (args.course.resolve(), target.name))
    return 0
