"""The source notebook end to end with nbclient, in full mode and in quick mode, on CIFAR10_DIR.

    CIFAR10_DIR=/path/to/cifar-10-batches-py python benchmarks/bench_notebook.py

Prints each mode's wall time, the slowest cells, and full mode's time against the 3-minute target.
Without CIFAR10_DIR it runs on generated data of the same shape (timings then say little about accuracy).
"""
import os
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.validation.fakedata import write_fake_cifar10

SOURCE_NB = Path(__file__).resolve().parent.parent / 'source' / 'BatchNormalization' / 'BatchNormalization.ipynb'
TARGET_SECONDS = 180


def run(quick, workdir):
    nb = nbformat.read(SOURCE_NB, as_version=4)
    os.environ['BNKIT_QUICK'] = '1' if quick else '0'
    cell_times = []
    client = NotebookClient(nb, timeout=1800, kernel_name='python3', resources={'metadata': {'path': str(workdir)}})
    start = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            t = time.perf_counter()
            client.execute_cell(cell, index)
            cell_times.append((time.perf_counter() - t, cell.metadata.get('nbgrader', {}).get('grade_id')))
    return time.perf_counter() - start, sorted(cell_times, reverse=True)[:4]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        if not os.environ.get('CIFAR10_DIR'):
            os.environ['CIFAR10_DIR'] = str(write_fake_cifar10(Path(tmp) / 'cifar', 1200, 1000))
            print('CIFAR10_DIR is not set: using generated data')
        quick, _ = run(True, tmp)
        full, slowest = run(False, tmp)
    print('quick mode: %.1f s' % quick)
    print('full mode:  %.1f s = %.2f x quick, %.2f x the %d s target' % (full, full / quick, full / TARGET_SECONDS,
                                                                     TARGET_SECONDS))
    print('slowest cells in full mode: ' + ', '.join('%s %.1f s' % (gid, t) for t, gid in slowest))


if __name__ == '__main__':
    main()
