"""The isolation options every grading command shares, and the one place that picks and announces the level."""
import sys

from autograder.sandbox import LEVELS, IsolationError, choose_level
from autograder.sandbox.levels import process_level_warning


def add_arguments(parser):
    parser.add_argument('--isolation', choices=LEVELS, default=None,
                        help='use this sandbox level instead of the strongest that starts here')
    parser.add_argument('--require-isolation', choices=LEVELS, default=None, metavar='LEVEL',
                        help='refuse to grade below this level (%s, strongest first)' % ', '.join(LEVELS))


def pick(args, limits=None, stream=sys.stderr):
    """The level to grade at, announced on ``stream``; None (after saying why) when no acceptable level starts."""
    try:
        level, failed = choose_level(args.isolation, args.require_isolation, limits)
    except IsolationError as exc:
        print('error: %s' % exc, file=stream)
        return None
    print('isolation: %s' % level, file=stream)
    for stronger, why in failed.items():
        print('  (%s is not available here: %s)' % (stronger, why), file=stream)
    if level == 'process':
        print('WARNING: %s.' % process_level_warning(), file=stream)
    return level
