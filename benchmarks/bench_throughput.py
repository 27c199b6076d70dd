"""Grading throughput, each figure a ratio against a baseline measured in the same run.

    python benchmarks/bench_throughput.py [--class-size 20]

1. ``bnkit grade --jobs 1`` of a class of --class-size copies of the reference, per submission, against
   nbgrader's own autograde of the same notebook in the course ``bnkit release`` writes (full mode, as
   students hand it in; on CIFAR10_DIR when set, else generated data). Target: at least 60x.
2. That time per submission against the checks' own compute: every check run in this process on the
   reference through ``InProcessStudent`` (no sandbox, no pytest), median of 5. Target: at most 2x.
3. ``--jobs 2`` against ``--jobs 1`` on the same class. Target: at least 1.8x.
4. The demo's five kinds of student over --shard-class students (60): 3 shards at once (``--shard K/3 --jobs 1`` each, one
   shared output folder) plus ``bnkit report``, against one run with ``--jobs 3`` (as many graders at once).
   Target: the same grades.csv, and a time within 10%.
"""
import os

# The checks run with one BLAS thread in the grader (autograder.grading.warm_pool.ONE_THREAD): the baseline
# must too, and the setting must come before numpy is first imported.
os.environ.update(OPENBLAS_NUM_THREADS='1', OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')

import argparse  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import nbformat  # noqa: E402

from autograder.assignments.BatchNormalization import ASSIGNMENT  # noqa: E402
from autograder.grading.inprocess import InProcessStudent, namespace_of  # noqa: E402
from autograder.notebook.fill import fill_solution_cells  # noqa: E402
from autograder.notebook.release import autograde  # noqa: E402
from autograder.notebook.samples import write_class  # noqa: E402
from autograder.validation.fakedata import write_fake_cifar10  # noqa: E402

BNKIT = [sys.executable, '-m', 'autograder.cli']


def grade(folder, out, *options):
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(BNKIT + ['grade', str(folder), '--out', str(out), '--quiet', '--assignment', ASSIGNMENT.name,
                            *options], check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def checks_compute():
    """Seconds for every check on the reference, in this process."""
    student = InProcessStudent(namespace_of(ASSIGNMENT, ASSIGNMENT.reference_cells()), ASSIGNMENT.module('side').Operations)
    start = time.perf_counter()
    for spec in ASSIGNMENT.checks:
        assert ASSIGNMENT.run_check(spec.name, student).fraction == 1.0, spec.name
    return time.perf_counter() - start


def sharded(folder, out, shards):
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    runs = [subprocess.Popen(BNKIT + ['grade', str(folder), '--out', str(out), '--quiet', '--assignment',
                                      ASSIGNMENT.name, '--jobs', '1', '--shard', '%d/%d' % (k, shards)],
                             stderr=subprocess.DEVNULL) for k in range(shards)]
    if any(run.wait() for run in runs):
        raise SystemExit('a shard failed')
    subprocess.run(BNKIT + ['report', str(out), '--quiet'], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--class-size', type=int, default=20)
    parser.add_argument('--shard-class', type=int, default=60)
    args = parser.parse_args(argv)
    print('bench_throughput %s, load average at the start %.1f %.1f %.1f'
          % (time.strftime('%Y-%m-%d %H:%M'), *os.getloadavg()))
    with tempfile.TemporaryDirectory(prefix='bnkit-bench-throughput-') as tmp:
        tmp = Path(tmp)
        folder = tmp / 'class'
        folder.mkdir()
        text = nbformat.writes(fill_solution_cells(ASSIGNMENT.release_notebook, ASSIGNMENT.reference_cells()))
        for i in range(args.class_size):
            (folder / ('student%03d.ipynb' % i)).write_text(text)
        whole_run = grade(folder, tmp / 'jobs1', '--jobs', '1')
        one = whole_run / args.class_size
        single = tmp / 'single'
        single.mkdir()
        (single / 'student000.ipynb').write_text(text)
        fixed = grade(single, tmp / 'single-out', '--jobs', '1')     # a run of one: the run's fixed cost and one grading
        marginal = (whole_run - fixed) / (args.class_size - 1)
        two = grade(folder, tmp / 'jobs2', '--jobs', '2') / args.class_size
        compute = statistics.median(checks_compute() for _ in range(5))
        if not os.environ.get('CIFAR10_DIR'):
            os.environ['CIFAR10_DIR'] = str(write_fake_cifar10(tmp / 'cifar', 1200, 1000))
        os.environ['BNKIT_QUICK'] = '0'
        start = time.perf_counter()
        scores = autograde({'reference': folder / 'student000.ipynb'}, timeout=1800, assignment=ASSIGNMENT)
        nbgrader = time.perf_counter() - start

        mixed = tmp / 'mixed'
        write_class(ASSIGNMENT, ASSIGNMENT.release_notebook, mixed, args.shard_class)
        whole = grade(mixed, tmp / 'whole', '--jobs', '3')
        shards = sharded(mixed, tmp / 'shards', 3)
        same = (tmp / 'whole' / 'grades.csv').read_text() == (tmp / 'shards' / 'grades.csv').read_text()

    print('| measurement | time | baseline, same run | ratio | target | met |\n|---|---|---|---|---|---|')
    rows = [
        ('bnkit grade --jobs 1, per submission (%d copies of the reference) vs nbgrader autograde of the same '
         'notebook (score %s)' % (args.class_size, scores['reference'][0]), one, nbgrader, nbgrader / one, '>= 60x',
         nbgrader / one >= 60),
        ('that, vs the checks\' own compute (in process, no sandbox)', one, compute, one / compute, '<= 2x',
         one / compute <= 2),
        ('each further submission at --jobs 1 ((the run of %d - a run of one) / %d; the run of one took %.2f s) vs '
         'the checks\' own compute' % (args.class_size, args.class_size - 1, fixed), marginal, compute,
         marginal / compute, '(the cost a large class pays)', marginal / compute <= 2),
        ('--jobs 2 per submission vs --jobs 1', two, one, one / two, '>= 1.8x', one / two >= 1.8),
        ('3 shards at once + bnkit report vs one run --jobs 3 (%d students; same grades.csv: %s)'
         % (args.shard_class, same),
         shards, whole, shards / whole, '<= 1.10x and the same grades', same and shards / whole <= 1.10),
    ]
    for label, value, baseline, ratio, target, met in rows:
        print('| %s | %.3f s | %.3f s | %.2fx | %s | %s |' % (label, value, baseline, ratio, target,
                                                            'yes' if met else 'no'))
    print('load average at the end %.1f %.1f %.1f' % os.getloadavg())


if __name__ == '__main__':
    sys.exit(main())
