"""A class run killed with SIGKILL at random points, and a run whose output disk fills (run inside
``run_contained``, as root: the full disk is a tmpfs mounted on the output folder, half the size of the uninterrupted run's output).

    python tests/sandbox/crash_safety.py WORK OUT.json [--kills 10] [--seed N]

Grades the class once uninterrupted; then, ten times over, grades it into a new folder, kills the whole run
at a random moment, checks that every results.json there is whole, reruns it to the end and checks that
no student's recorded result changed and that grades.csv is the uninterrupted run's. Then grades into a full disk, checks the run stopped as the
grader's failure with nothing half written, makes room and reruns. OUT.json holds what was seen.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from autograder.assignment import get  # noqa: E402
from autograder.notebook.fill import fill_solution_cells  # noqa: E402
from autograder.reports.results import PARTIAL  # noqa: E402
from autograder.sandbox import leftovers  # noqa: E402

ASSIGNMENT = get('BatchNormalization')


def write_class(folder):
    folder.mkdir(parents=True)
    reference = ASSIGNMENT.reference_cells()
    variants = ASSIGNMENT.module('variants')
    notebooks = {'complete': reference, 'untouched': {}}
    for bug in list(variants.BUGS)[:1]:
        notebooks[bug.name] = {k: v for k, v in bug.sources(reference).items() if v is not None}
    # Four of each: a run of three went from its first result to its end too fast for random kills to land
    # in between once graders were kept warm.
    for name, sources in notebooks.items():
        for copy in range(4):
            nbformat.write(fill_solution_cells(ASSIGNMENT.release_notebook, sources),
                           str(folder / ('%s%d.ipynb' % (name, copy))))


def grade_cmd(folder, out):
    return [sys.executable, '-m', 'autograder.cli', 'grade', str(folder), '--out', str(out), '--assignment',
            ASSIGNMENT.name, '--quiet', '--jobs', '2']


def recorded(out):
    """{student folder: (sha256, scores)} of every results.json, and the files that are not whole JSON."""
    found, broken = {}, []
    for path in Path(out).glob('*/results.json'):
        try:
            data = json.loads(path.read_text())
            found[path.parent.name] = (data['extra_data']['submission_sha256'],
                                       [t['score'] for t in data['tests']])
        except (ValueError, KeyError) as exc:
            broken.append('%s: %s' % (path, exc))
    return found, broken


def partial_files(out):
    return sorted(str(p) for p in Path(out).rglob(PARTIAL + '*'))


def disk_that_fills(out):
    """A disk size in KB that holds about half of what the uninterrupted run wrote into OUT (each file takes
    whole 4 KB pages on tmpfs), so the run fills it part way on any machine, whatever its output's size."""
    pages = sum(-(-p.stat().st_size // 4096) for p in Path(out).rglob('*') if p.is_file())
    return max(8, 4 * (pages // 2))


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument('work')
    parser.add_argument('out')
    parser.add_argument('--kills', type=int, default=10)
    parser.add_argument('--seed', type=int, default=20261204)
    args = parser.parse_args(argv)
    work = Path(args.work)
    folder = work / 'class'
    write_class(folder)
    rng = random.Random(args.seed)

    start = time.monotonic()
    base = subprocess.run(grade_cmd(folder, work / 'base'), capture_output=True, text=True)
    seconds = time.monotonic() - start
    baseline = (work / 'base' / 'grades.csv').read_text() if base.returncode == 0 else None

    kills, changed, broken, partials = [], [], [], []
    for trial in range(args.kills):
        out = work / ('killed%d' % trial)
        delay = rng.uniform(0.2, seconds)
        proc = subprocess.Popen(grade_cmd(folder, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(delay)
        finished = proc.poll() is not None
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        before, bad = recorded(out)
        broken += bad
        rerun = subprocess.run(grade_cmd(folder, out), capture_output=True, text=True)
        after, bad = recorded(out)
        broken += bad
        changed += [s for s, r in before.items() if after.get(s) != r]
        partials += partial_files(out)
        kills.append({'after_seconds': round(delay, 2), 'had_finished': finished, 'graded_when_killed': len(before),
                      'rerun_exit': rerun.returncode, 'rerun_stderr': rerun.stderr[-800:],
                      'same_as_baseline': baseline is not None and rerun.returncode == 0
                      and (out / 'grades.csv').read_text() == baseline})

    full = work / 'full'
    full.mkdir()
    subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=%dk' % disk_that_fills(work / 'base'), 'tmpfs', str(full)],
                   check=True)
    filled = subprocess.run(grade_cmd(folder, full), capture_output=True, text=True)
    filled_records, filled_broken = recorded(full)
    subprocess.run(['mount', '-o', 'remount,size=64m', str(full)], check=True)
    rerun = subprocess.run(grade_cmd(folder, full), capture_output=True, text=True)
    rerun_records, rerun_broken = recorded(full)
    result = {
        'seed': args.seed, 'baseline_exit': base.returncode, 'baseline_seconds': round(seconds, 1),
        'baseline_stderr': base.stderr[-1500:], 'kills': kills,
        'broken_results': broken, 'changed_results': sorted(set(changed)), 'partial_files_after_rerun': partials,
        'full_disk_exit': filled.returncode, 'full_disk_stderr': filled.stderr[-1500:],
        'full_disk_graded': len(filled_records), 'full_disk_broken': filled_broken,
        'full_disk_rerun_exit': rerun.returncode, 'full_disk_rerun_stderr': rerun.stderr[-1500:],
        'full_disk_rerun_same_as_baseline': baseline is not None and rerun.returncode == 0
        and (full / 'grades.csv').read_text() == baseline,
        'full_disk_rerun_broken': rerun_broken,
        'full_disk_kept_its_results': all(rerun_records.get(s) == r for s, r in filled_records.items()),
        # Each rerun sweeps what the killed run's graders left in the temporary folder.
        'sandbox_folders_left': sorted(n for n in os.listdir(tempfile.gettempdir()) if n.startswith(leftovers.PREFIXES)),
    }
    subprocess.run(['umount', '-l', str(full)])
    Path(args.out).write_text(json.dumps(result, indent=1))


if __name__ == '__main__':
    main()
