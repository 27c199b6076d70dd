"""The in-kernel cheats through nbgrader's own commands, judged by outcome (run inside ``run_contained``).

    python tests/course_cheats.py WORK OUT.json [--level LEVEL]

Builds an nbgrader course in WORK with ``bnkit release``'s machinery, hands in an honest complete
notebook (carrying a secret line no one else may see), the untouched release and every cheat of
``autograder/validation/kernel_cheats``, runs ``nbgrader autograde``, ``generate_feedback`` and ``export``
and ``bnkit grade`` of the same ``submitted/`` tree, waits for anything a cheat left behind to act, exports
again, and writes OUT.json: each student's score in both, what each cheat earned against the untouched
release, whether the gradebook changed afterwards, processes left running, and where the secret leaked.
"""
import argparse
import csv
import json
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.assignment import get  # noqa: E402
from autograder.notebook.fill import fill_solution_cells  # noqa: E402
from autograder.notebook.release import generate_release  # noqa: E402
from autograder.validation.kernel_cheats import cheat_notebook, cheats  # noqa: E402

ASSIGNMENT = get('BatchNormalization')
WAIT_FOR_LEFTOVERS = 12     # seconds: a cheat's leftover process acts after 8
BUDGET = 20.0               # seconds per submission for its code and every check (a correct one needs about 1)
CELL_TIMEOUT = 20           # nbgrader's limit per cell
KERNEL_WALL = 90            # the sandboxed kernel's whole life


def run(cmd, cwd, env):
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    return proc.returncode, proc.stdout + proc.stderr


def nbgrader_scores(csv_path):
    with open(csv_path) as f:
        return {row['student_id']: float(row['raw_score']) for row in csv.DictReader(f)
                if row['assignment'] == ASSIGNMENT.name}


def sandbox_processes():
    """Processes still running a sandbox's program (a kernel's, a worker's, or what they forked)."""
    left = []
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            cmdline = open('/proc/%s/cmdline' % pid, 'rb').read().replace(b'\0', b' ').decode(errors='replace')
        except OSError:
            continue
        if 'kernel_main.py' in cmdline or 'worker_main.py' in cmdline:
            left.append('%s: %s' % (pid, cmdline[:200]))
    return left


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument('work')
    parser.add_argument('out')
    parser.add_argument('--level', default=None)
    args = parser.parse_args(argv)
    work = Path(args.work).resolve()
    course = work / 'course'
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get('PATH', ''))
    env.pop('CIFAR10_DIR', None)
    generate_release(dest_dir=work / 'release', assignment=ASSIGNMENT, course=course)
    # Short limits, the same for nbgrader's sandboxed grading and bnkit grade: a cheat that walks the whole
    # file system (through /proc's links, forever) is stopped by them.
    settings = ['c = get_config()  # noqa: F821', 'c.SandboxGrades.budget = %r' % BUDGET,
                'c.SandboxedExecute.timeout = %d' % CELL_TIMEOUT, 'c.SandboxProvisioner.wall_seconds = %d' % KERNEL_WALL]
    if args.level:
        settings.append('c.BnkitSandbox.isolation = %r' % args.level)
    (course / 'instructor_config.py').write_text('\n'.join(settings) + '\n')
    release_nb = work / 'release' / ASSIGNMENT.name / (ASSIGNMENT.name + '.ipynb')
    secret = 'classmate-secret-' + secrets.token_hex(8)
    complete = fill_solution_cells(release_nb, ASSIGNMENT.reference_cells())
    first = next(c for c in complete.cells if c.metadata.get('nbgrader', {}).get('solution') and c.cell_type == 'code')
    first.source = '# %s\n%s' % (secret, first.source)
    notebooks = {'complete': complete, 'untouched': nbformat.read(str(release_nb), as_version=4)}
    attacks = cheats()
    notebooks.update({'cheat_' + cheat.name: cheat_notebook(release_nb, cheat) for cheat in attacks})
    for student, nb in notebooks.items():
        folder = course / 'submitted' / student / ASSIGNMENT.name
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(folder / (ASSIGNMENT.name + '.ipynb')))

    started = time.monotonic()
    autograde_code, autograde_log = run(['nbgrader', 'autograde', ASSIGNMENT.name], course, env)
    autograde_seconds = time.monotonic() - started
    run(['nbgrader', 'generate_feedback', ASSIGNMENT.name], course, env)
    run(['nbgrader', 'export', '--to', str(work / 'export-1.csv')], course, env)
    grade_cmd = ['bnkit', 'grade', 'submitted', '--out', str(work / 'bnkit'), '--quiet', '--budget', str(BUDGET)]
    grade_code, grade_log = run(grade_cmd + (['--isolation', args.level] if args.level else []), course, env)
    time.sleep(WAIT_FOR_LEFTOVERS)
    run(['nbgrader', 'export', '--to', str(work / 'export-2.csv')], course, env)

    first_export, second_export = nbgrader_scores(work / 'export-1.csv'), nbgrader_scores(work / 'export-2.csv')
    with open(work / 'bnkit' / 'grades.csv') as f:
        bnkit = {row['student']: float(row['score']) for row in csv.DictReader(f)}
    leaks = []
    for student in notebooks:
        if student == 'complete':
            continue
        for path in [course / 'feedback' / student, course / 'autograded' / student, work / 'bnkit' / student]:
            for file in path.rglob('*') if path.exists() else ():
                if file.is_file() and secret in file.read_text(errors='replace'):
                    leaks.append(str(file.relative_to(work)))
    levels = {}
    for student in notebooks:
        autograded = course / 'autograded' / student / ASSIGNMENT.name / (ASSIGNMENT.name + '.ipynb')
        if autograded.exists():
            text = json.dumps(json.loads(autograded.read_text()))
            levels[student] = sorted(set(re.findall(r'isolation level (\w+)', text)))
    result = {
        'level': args.level, 'levels_reported': levels,
        'autograde_exit': autograde_code, 'autograde_log_tail': autograde_log[-3000:], 'autograde_seconds': autograde_seconds,
        'bnkit_exit': grade_code, 'bnkit_log_tail': grade_log[-2000:],
        'nbgrader': first_export, 'nbgrader_after_wait': second_export, 'bnkit': bnkit,
        'cheats': {'cheat_' + c.name: {'attacks': c.attacks, 'summary': c.summary} for c in attacks},
        'left_running': sandbox_processes(), 'leaks': leaks,
    }
    Path(args.out).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == '__main__':
    sys.exit(main())
