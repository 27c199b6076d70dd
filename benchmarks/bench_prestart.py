"""What starting the worker ahead takes off a grading's own time, with the load hitting both sides alike.

    python benchmarks/bench_prestart.py [--repeat 8] [--level full]

Grades the reference in this process (``grade_one.grade_notebook``), alternating a grading that starts its
worker on demand with one handed a worker launched just before (``prestart.launch``, as a warm grader's
child ahead does during the previous grading), and prints the median of each. Alternating one grading at a
time keeps both sides under the same load on a shared machine.
"""
import os

# One BLAS thread, as in the grader (autograder.grading.warm_pool.ONE_THREAD), before numpy is imported.
os.environ.update(OPENBLAS_NUM_THREADS='1', OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import nbformat  # noqa: E402

from autograder.assignments.BatchNormalization import ASSIGNMENT  # noqa: E402
from autograder.grading import prestart  # noqa: E402
from autograder.grading.grade_one import grade_notebook  # noqa: E402
from autograder.grading.options import GradingOptions  # noqa: E402
from autograder.notebook.fill import fill_solution_cells  # noqa: E402


def timed(call):
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=8)
    parser.add_argument('--level', default='full')
    args = parser.parse_args(argv)
    print('bench_prestart %s, level %s, load average at the start %.1f %.1f %.1f'
          % (time.strftime('%Y-%m-%d %H:%M'), args.level, *os.getloadavg()))
    options = GradingOptions(isolation=args.level, budget=60, check_timeout=30)
    with tempfile.TemporaryDirectory(prefix='bnkit-bench-prestart-') as tmp:
        path = Path(tmp) / 'reference.ipynb'
        nbformat.write(fill_solution_cells(ASSIGNMENT.release_notebook, ASSIGNMENT.reference_cells()), str(path))
        grade_notebook(ASSIGNMENT, path, options)        # the first grading imports and warms what all need
        on_demand, ahead = [], []
        for _ in range(args.repeat):
            on_demand.append(timed(lambda: grade_notebook(ASSIGNMENT, path, options)))
            worker = prestart.launch(ASSIGNMENT, options)
            try:
                ahead.append(timed(lambda: grade_notebook(ASSIGNMENT, path, options, prestarted=worker)))
            finally:
                worker.stop()
    for label, times in (('worker started on demand', on_demand), ('worker started ahead', ahead)):
        print('%-25s median %.3f s  (%s)' % (label, statistics.median(times), ' '.join('%.2f' % t for t in times)))
    print('load average at the end %.1f %.1f %.1f' % os.getloadavg())


if __name__ == '__main__':
    sys.exit(main())
