"""Grading speed: bnkit grade against nbgrader autograde of the same submission, and a class with --jobs.

    python benchmarks/bench_grading.py [--class-size 100] [--jobs 2] [--repeat 3]

1. One reference submission, graded --repeat times by `bnkit grade` (one grader process, one sandboxed
   worker) and by nbgrader's own autograde (NbGraderAPI), which executes the whole notebook in a kernel:
   in full mode, as students hand it in (once; on CIFAR10_DIR when set, else generated data), and in quick
   mode (BNKIT_QUICK=1, a lower bound for nbgrader). Prints the times and the ratios.
2. A class of --class-size submissions (the demo's five kinds, repeated) graded with --jobs; prints the wall
   time, the time per submission, and the extrapolation to 200 submissions.
Also prints the grader's and the workers' peak memory per submission, from the results.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.notebook.fill import fill_solution_cells
from autograder.notebook.release import autograde
from autograder.notebook.samples import sample_class
from autograder.validation.fakedata import write_fake_cifar10

ROOT = Path(__file__).resolve().parent.parent
RELEASE_NB = ROOT / 'release' / 'BatchNormalization' / 'BatchNormalization.ipynb'


def bnkit_grade(target, out, jobs=1):
    start = time.perf_counter()
    subprocess.run([sys.executable, '-m', 'autograder.cli', 'grade', str(target), '--out', str(out), '--jobs', str(jobs),
                    '--quiet', '--assignment', ASSIGNMENT.name], check=True)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--class-size', type=int, default=100)
    parser.add_argument('--jobs', type=int, default=2)
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix='bnkit-bench-') as tmp:
        tmp = Path(tmp)
        ref = tmp / 'one' / 'reference.ipynb'
        ref.parent.mkdir()
        nbformat.write(fill_solution_cells(RELEASE_NB, ASSIGNMENT.reference_cells()), str(ref))

        ours = [bnkit_grade(ref, tmp / ('out%d' % i)) for i in range(args.repeat)]
        memory = json.loads((tmp / 'out0' / 'reference' / 'results.json').read_text())['extra_data']['peak_memory_mb']
        if not os.environ.get('CIFAR10_DIR'):
            os.environ['CIFAR10_DIR'] = str(write_fake_cifar10(tmp / 'cifar', 1200, 1000))
        b = statistics.median(ours)
        print('one submission: bnkit grade %.2f s (median of %d, score 70/70)' % (b, args.repeat))
        for mode, runs in (('full', 1), ('quick', args.repeat)):
            os.environ['BNKIT_QUICK'] = '1' if mode == 'quick' else '0'
            theirs = []
            for _ in range(runs):
                start = time.perf_counter()
                scores = autograde({'reference': ref}, timeout=1800, assignment=ASSIGNMENT)
                theirs.append(time.perf_counter() - start)
            n = statistics.median(theirs)
            print('  nbgrader autograde, %s mode: %.2f s (score %s): nbgrader/bnkit = %.1fx'
                  % (mode, n, scores['reference'][0], n / b))
        print('peak memory of that grading: grader %.0f MB, workers %.0f MB' % (memory['grader'], memory['workers']))

        kinds = sample_class(ASSIGNMENT)
        folder = tmp / 'class'
        folder.mkdir()
        names = sorted(kinds)
        for i in range(args.class_size):
            kind = names[i % len(names)]
            nbformat.write(fill_solution_cells(RELEASE_NB, kinds[kind]), str(folder / ('s%03d_%s.ipynb' % (i, kind))))
        seconds = bnkit_grade(folder, tmp / 'class-out', jobs=args.jobs)
        print('%d submissions with --jobs %d: %.0f s (%.2f s per submission; 200 would take ~%.0f s)'
              % (args.class_size, args.jobs, seconds, seconds / args.class_size, 200 * seconds / args.class_size))


if __name__ == '__main__':
    main()
