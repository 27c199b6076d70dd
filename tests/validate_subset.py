"""Grade part of the validation set in one run and write the verdicts as JSON (for the tests).

    python tests/validate_subset.py OUT.json [--assignment NAME] [--kinds correct,hostile] [--only NAME,...]
                                             [--isolation LEVEL] [--jobs N] [--keep DIR]

Prints the verdict table too. The exit status is 0 whatever the verdicts: the caller reads them from OUT.json
and decides which ones the isolation level promises.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder.assignment import get  # noqa: E402
from autograder.grading.options import GradingOptions  # noqa: E402
from autograder.validation.runner import validate  # noqa: E402
from autograder.validation.verdict_table import rows_as_json, table  # noqa: E402
from autograder.validation.variant import all_variants  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out', type=Path)
    parser.add_argument('--assignment', default=None, help='the assignment (needed when the kit has several)')
    parser.add_argument('--kinds', default='correct,bug,hostile')
    parser.add_argument('--only', default='', help='comma-separated variant names (default: every one of --kinds)')
    parser.add_argument('--isolation', default=None)
    parser.add_argument('--jobs', type=int, default=2)
    parser.add_argument('--keep', type=Path, default=None, help='keep the notebooks and grades in this folder')
    args = parser.parse_args(argv)
    kinds, only = set(args.kinds.split(',')), set(filter(None, args.only.split(',')))
    assignment = get(args.assignment)
    variants = [v for v in all_variants(assignment) if v.kind in kinds and (not only or v.name in only)]
    options = GradingOptions(jobs=args.jobs, isolation=args.isolation)
    rows, global_rows, seconds = validate(assignment, args.keep, options, variants=variants, progress=False)
    print(table(rows, global_rows))
    print('\n%d submissions graded in %.0f s' % (len(rows), seconds))
    args.out.write_text(rows_as_json(rows, global_rows, seconds))
    return 0


if __name__ == '__main__':
    sys.exit(main())
