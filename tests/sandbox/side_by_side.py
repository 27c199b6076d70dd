"""Several `bnkit grade` runs at once on one machine, each with hostile neighbours (run inside ``run_contained``).

    python tests/sandbox/side_by_side.py RUNS WORK OUT.json [--own-run K]

Writes RUNS classes under WORK, each three honest complete notebooks among hostile ones that kill everything
they may, fork without end, fill the disk, outlive their worker and tamper with other workers, starts a
`bnkit grade` of every class at the same moment and writes OUT.json: each run's exit status, seconds and
grades. With ``--own-run K`` the first K runs each get a /run of their own (a mount namespace with a tmpfs
there, as root), in the same PID namespace as the others: they see each other's processes but not each
other's uid lock files.
"""
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from autograder.assignment import get  # noqa: E402
from autograder.notebook.fill import fill_solution_cells  # noqa: E402
from autograder.validation.hostile import hostile_variants  # noqa: E402

ASSIGNMENT = get('BatchNormalization')
NEIGHBOURS = ('kills_everything', 'fork_bomb', 'fills_tmp', 'setsid_child_kills_later', 'tampers_other_workers',
              'double_fork_daemon')
BUDGET = 60
HONEST = 3      # honest notebooks in each class: a neighbour's worker killed by mistake would cost one


def write_class(folder):
    folder.mkdir(parents=True)
    reference = ASSIGNMENT.reference_cells()
    for i in range(HONEST):
        nbformat.write(fill_solution_cells(ASSIGNMENT.release_notebook, reference), str(folder / ('honest%d.ipynb' % i)))
    for variant in hostile_variants(ASSIGNMENT):
        if variant.name in NEIGHBOURS:
            sources = {k: v for k, v in variant.sources(reference).items() if v is not None}
            nbformat.write(fill_solution_cells(ASSIGNMENT.release_notebook, sources),
                           str(folder / ('%s.ipynb' % variant.name)))


OWN_RUN = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c',
           'mount -t tmpfs -o size=64m tmpfs /run && exec "$@"', 'sh']


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    own_run = int(argv[argv.index('--own-run') + 1]) if '--own-run' in argv else 0
    runs, work, out = argv[:3]
    work = Path(work)
    procs = {}
    for i in range(int(runs)):
        write_class(work / ('class%d' % i))
    start = time.monotonic()
    for i in range(int(runs)):
        cmd = [sys.executable, '-m', 'autograder.cli', 'grade', str(work / ('class%d' % i)), '--out',
               str(work / ('out%d' % i)), '--assignment', ASSIGNMENT.name, '--quiet', '--jobs', '2',
               '--budget', str(BUDGET)]
        procs[i] = subprocess.Popen((OWN_RUN if i < own_run else []) + cmd, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
    result = {}
    for i, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=1200)
        grades = {}
        csv_path = work / ('out%d' % i) / 'grades.csv'
        if csv_path.exists():
            with open(csv_path) as f:
                grades = {row['student']: float(row['score']) for row in csv.DictReader(f)}
        result['run%d' % i] = {'exit': proc.returncode, 'seconds': round(time.monotonic() - start, 1),
                               'grades': grades, 'stderr_tail': stderr[-1500:]}
    Path(out).write_text(json.dumps(result, indent=1))


if __name__ == '__main__':
    main()
