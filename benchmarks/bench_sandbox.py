"""Sandbox cost: a class of correct submissions graded with --jobs by this tree and by an earlier revision.

    python benchmarks/bench_sandbox.py [--class-size 100] [--jobs 2] [--baseline REV]

Checks out REV (default: dd99fe0, the last revision with the hand-written namespace sandbox) into a
temporary git worktree and runs both in this environment, the baseline through PYTHONPATH, alternating
baseline and current twice; prints seconds per submission for each run and the ratio current/baseline.
The same submissions (the reference solution, --class-size copies) are graded by both.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def grade(tree, folder, out, jobs):
    # --assignment: this tree has two assignments; the baseline's option of that name picks an nbgrader
    # folder, which a flat folder of notebooks ignores.
    env = dict(os.environ, PYTHONPATH=str(tree))
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, '-m', 'autograder.cli', 'grade', str(folder), '--out', str(out), '--jobs',
                    str(jobs), '--quiet', '--assignment', 'BatchNormalization'], check=True, env=env, cwd=tree)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--class-size', type=int, default=100)
    parser.add_argument('--jobs', type=int, default=2)
    parser.add_argument('--baseline', default='dd99fe0')
    args = parser.parse_args()
    from autograder.assignment import get
    from autograder.validation.class_notebooks import write_class
    from autograder.validation.variant import all_variants
    assignment = get('BatchNormalization')
    reference = next(v for v in all_variants(assignment) if v.name == 'reference')
    with tempfile.TemporaryDirectory(prefix='bnkit-bench-sandbox-') as tmp:
        tmp = Path(tmp)
        baseline = tmp / 'baseline'
        subprocess.run(['git', '-C', str(ROOT), 'worktree', 'add', '--detach', str(baseline), args.baseline],
                       check=True, capture_output=True)
        try:
            one = write_class(tmp / 'one', [reference], assignment)['reference']
            folder = tmp / 'class'
            folder.mkdir()
            for i in range(args.class_size):
                shutil.copy(one, folder / ('student%03d.ipynb' % i))
            times = {'baseline': [], 'current': []}
            for _ in range(2):
                times['baseline'].append(grade(baseline, folder, tmp / 'out-baseline', args.jobs))
                times['current'].append(grade(ROOT, folder, tmp / 'out-current', args.jobs))
        finally:
            subprocess.run(['git', '-C', str(ROOT), 'worktree', 'remove', '--force', str(baseline)], check=False)
    n = args.class_size
    print('%d correct submissions, --jobs %d' % (n, args.jobs))
    for name, runs in times.items():
        print('  %-9s %s  -> %.2f s per submission (median run)' % (
            name, ', '.join('%.1f s' % t for t in runs), statistics.median(runs) / n))
    ratio = statistics.median(times['current']) / statistics.median(times['baseline'])
    print('current / baseline: %.2fx' % ratio)


if __name__ == '__main__':
    main()
