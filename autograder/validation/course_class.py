"""A class through nbgrader's own commands in the kit's course, the in-kernel cheats among it, judged by outcome.

    python -m autograder.validation.course_class WORK OUT.json [--assignment NAME] [--level LEVEL]
        [--cheats-only] [--cheats FOLDER ...] [--tampered NOTEBOOK ...]

Hostile code runs for real: run it as ``bnkit validate --nbgrader`` does, in a PID namespace of its own.

Builds an nbgrader course in WORK with ``bnkit release``'s machinery, hands in an honest complete
notebook (carrying a secret line no one else may see), the untouched release, every cheat of
``autograder.validation.kernel_cheats`` and one of each attack class of the validation set's hostile
submissions, runs ``nbgrader autograde``, ``generate_feedback`` and ``export``
and ``bnkit grade`` of the same ``submitted/`` tree, waits for anything a cheat left behind to act, exports
again, and writes OUT.json: each student's score in both, whether the gradebook changed afterwards,
processes left running, where the secret leaked and the levels each notebook reports. ``verdicts`` judges
it: the rules are written once, here, for ``bnkit validate --nbgrader`` and the tests alike.
"""
import argparse
import copy
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

from autograder.assignment import get
from autograder.notebook.fill import fill_solution_cells
from autograder.notebook.release import generate_release
from autograder.validation.hostile import hostile_variants
from autograder.validation.kernel_cheats import cheat_notebook, cheats
from autograder.validation.tampering import tamperings

WAIT_FOR_LEFTOVERS = 12     # seconds: a cheat's leftover process acts after 8
BUDGET = 60.0               # seconds per submission for its code and every check (a correct one needs about 1;
                            # the margin keeps a loaded machine from cutting a slow hostile one short)
CELL_TIMEOUT = 20           # nbgrader's limit per cell
KERNEL_WALL = 90            # the sandboxed kernel's whole life


def run(cmd, cwd, env):
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    return proc.returncode, proc.stdout + proc.stderr


def nbgrader_scores(csv_path, assignment):
    with open(csv_path) as f:
        return {row['student_id']: float(row['raw_score']) for row in csv.DictReader(f)
                if row['assignment'] == assignment.name}


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


def files_of(student, places):
    """(path, text) of every file a student has under each of ``places``."""
    for place in places:
        folder = place / student
        for file in folder.rglob('*') if folder.exists() else ():
            if file.is_file():
                yield file, file.read_text(errors='replace')


def one_of_each_group(variants):
    first = {}
    for variant in variants:
        first.setdefault(variant.group, variant)
    return list(first.values())


def run_class(work, assignment, level=None, hostile=True, cheat_folders=(), tampered=()):
    """Hand in the class in a new course under ``work``, grade it both ways; returns what was measured.

    ``hostile=False`` leaves out the validation set's hostile submissions: the in-kernel cheats alone.
    ``cheat_folders`` adds the cheats of other folders (files as in ``attacks/in_kernel/``), ``tampered``
    whole notebooks handed in as they are (a release whose metadata or outputs were edited by hand): each
    is judged as a cheat."""
    work = Path(work).resolve()
    course = work / 'course'
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get('PATH', ''))
    env.pop('CIFAR10_DIR', None)
    generate_release(dest_dir=work / 'release', assignment=assignment, course=course)
    # Short limits, the same for nbgrader's sandboxed grading and bnkit grade: a cheat that walks the whole
    # file system (through /proc's links, forever) is stopped by them.
    settings = ['c = get_config()  # noqa: F821', 'c.SandboxGrades.budget = %r' % BUDGET,
                'c.SandboxedExecute.timeout = %d' % CELL_TIMEOUT, 'c.SandboxProvisioner.wall_seconds = %d' % KERNEL_WALL]
    if level:
        settings.append('c.BnkitSandbox.isolation = %r' % level)
    (course / 'instructor_config.py').write_text('\n'.join(settings) + '\n')
    release_nb = work / 'release' / assignment.name / (assignment.name + '.ipynb')
    secret = 'classmate-secret-' + secrets.token_hex(8)
    answer = fill_solution_cells(release_nb, assignment.reference_cells())
    complete = copy.deepcopy(answer)
    first = next(c for c in complete.cells if c.metadata.get('nbgrader', {}).get('solution') and c.cell_type == 'code')
    first.source = '# %s\n%s' % (secret, first.source)
    notebooks = {'complete': complete, 'untouched': nbformat.read(str(release_nb), as_version=4)}
    attacks = cheats() + [cheat for folder in cheat_folders for cheat in cheats(folder)]
    notebooks.update({'cheat_' + cheat.name: cheat_notebook(release_nb, cheat) for cheat in attacks})
    described = {'cheat_' + c.name: {'attacks': c.attacks, 'summary': c.summary} for c in attacks}
    # Notebooks whose metadata was edited: cheats from the release, honest students from the complete answer.
    for edit in tamperings():
        student = ('cheat_' if edit.starts_from == 'release' else 'honest_') + edit.name
        notebooks[student] = edit.notebook(notebooks['untouched'], answer)
        if edit.starts_from == 'release':
            described[student] = {'attacks': edit.attacks, 'summary': edit.summary}
    for path in map(Path, tampered):
        notebooks['cheat_' + path.stem] = nbformat.read(str(path), as_version=4)
        described['cheat_' + path.stem] = {'attacks': 'the notebook file', 'summary': str(path)}
    # The validation set's hostile submissions aimed at bnkit grade, one of each attack class: under nbgrader
    # too they must be graded exactly as bnkit grade grades them, and leave nothing behind.
    reference = assignment.reference_cells()
    for variant in one_of_each_group(hostile_variants(assignment)) if hostile else ():
        sources = {k: v for k, v in variant.sources(reference).items() if v is not None}
        notebooks['hostile_' + variant.name] = fill_solution_cells(release_nb, sources)
    for student, nb in notebooks.items():
        folder = course / 'submitted' / student / assignment.name
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(folder / (assignment.name + '.ipynb')))

    started = time.monotonic()
    autograde_code, autograde_log = run(['nbgrader', 'autograde', assignment.name], course, env)
    autograde_seconds = time.monotonic() - started
    run(['nbgrader', 'generate_feedback', assignment.name], course, env)
    run(['nbgrader', 'export', '--to', str(work / 'export-1.csv')], course, env)
    grade_cmd = ['bnkit', 'grade', 'submitted', '--out', str(work / 'bnkit'), '--quiet', '--budget', str(BUDGET)]
    grade_code, grade_log = run(grade_cmd + (['--isolation', level] if level else []), course, env)
    time.sleep(WAIT_FOR_LEFTOVERS)
    run(['nbgrader', 'export', '--to', str(work / 'export-2.csv')], course, env)

    first_export = nbgrader_scores(work / 'export-1.csv', assignment)
    second_export = nbgrader_scores(work / 'export-2.csv', assignment)
    with open(work / 'bnkit' / 'grades.csv') as f:
        bnkit = {row['student']: float(row['score']) for row in csv.DictReader(f)}
    # What students are given (the notebook and the framework) is no secret: the answer key is the rest of it.
    release_text = '\n'.join([cell.source for cell in notebooks['untouched'].cells] +
                              [path.read_text() for path in (release_nb.parent / 'cs231n').glob('*.py')])
    answer_key = {line.strip() for source in reference.values() for line in source.splitlines()
                  if len(line.strip()) >= 30 and line.strip() not in release_text}
    leaks, answer_key_seen = [], []
    for student in notebooks:
        if student == 'complete':
            continue
        for file, text in files_of(student, [course / 'feedback', course / 'autograded', work / 'bnkit']):
            if secret in text:
                leaks.append(str(file.relative_to(work)))
            if student.startswith('cheat_') and any(line in text for line in answer_key):
                answer_key_seen.append(str(file.relative_to(work)))
    levels = {}
    for student in notebooks:
        autograded = course / 'autograded' / student / assignment.name / (assignment.name + '.ipynb')
        if autograded.exists():
            text = json.dumps(json.loads(autograded.read_text()))
            levels[student] = sorted(set(re.findall(r'isolation level (\w+)', text)))
    return {
        'assignment': assignment.name, 'level': level, 'levels_reported': levels,
        'autograde_exit': autograde_code, 'autograde_log_tail': autograde_log[-3000:], 'autograde_seconds': autograde_seconds,
        'bnkit_exit': grade_code, 'bnkit_log_tail': grade_log[-2000:],
        'nbgrader': first_export, 'nbgrader_after_wait': second_export, 'bnkit': bnkit,
        'cheats': described,
        'left_running': sandbox_processes(), 'leaks': leaks, 'answer_key_seen': answer_key_seen,
    }


def verdicts(result):
    """[(what must hold, whether it did, what was seen)] for a class run by ``run_class``."""
    assignment = get(result['assignment'])
    nbgrader, bnkit = result['nbgrader'], result['bnkit']
    full = assignment.max_automatic_points
    honest = [s for s in set(nbgrader) | set(bnkit) if s == 'complete' or s.startswith('honest_')]
    short = {s: (nbgrader.get(s), bnkit.get(s)) for s in honest if not nbgrader.get(s) == bnkit.get(s) == full}
    over = {s: nbgrader.get(s) for s in result['cheats'] if nbgrader.get(s, 0) > nbgrader.get('untouched', 0)}
    differ = {s: (nbgrader.get(s), bnkit.get(s)) for s in set(nbgrader) | set(bnkit)
              if nbgrader.get(s) is None or bnkit.get(s) is None or abs(nbgrader[s] - bnkit[s]) > 1e-6}
    changed = {s: (v, result['nbgrader_after_wait'].get(s)) for s, v in nbgrader.items()
               if result['nbgrader_after_wait'].get(s) != v}
    reported = result['levels_reported']
    wrong_level = {s: levels for s, levels in reported.items() if result['level'] and levels != [result['level']]}
    return [
        ('nbgrader autograde finished for every student', result['autograde_exit'] == 0,
         'exit %s' % result['autograde_exit']),
        ('bnkit grade finished', result['bnkit_exit'] == 0, 'exit %s' % result['bnkit_exit']),
        ('every honest student keeps full credit in both', not short,
         short or '%d honest students at %s' % (len(honest), full)),
        ('no cheat earns more than the untouched release', not over, over or '%d cheats' % len(result['cheats'])),
        ("nbgrader's export equals bnkit grade for every student", not differ, differ or '%d students' % len(nbgrader)),
        ('the gradebook is unchanged after autograde', not changed, changed or 'the same'),
        ('nothing of a sandbox is left running', not result['left_running'], result['left_running'] or 'nothing'),
        ("no one else's files hold the honest student's secret", not result['leaks'], result['leaks'] or 'none'),
        ("no cheat's files hold a line of the answer key", not result.get('answer_key_seen'),
         result.get('answer_key_seen') or 'none'),
        ('every notebook reports its isolation level', set(reported) == set(nbgrader) and not wrong_level,
         wrong_level or sorted({lv for levels in reported.values() for lv in levels})),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work')
    parser.add_argument('out')
    parser.add_argument('--assignment', default='BatchNormalization')
    parser.add_argument('--level', default=None)
    parser.add_argument('--cheats-only', action='store_true',
                        help="leave out the validation set's hostile submissions")
    parser.add_argument('--cheats', action='append', default=[], metavar='FOLDER',
                        help='also hand in the cheats of FOLDER (files as in attacks/in_kernel/)')
    parser.add_argument('--tampered', action='append', default=[], metavar='NOTEBOOK',
                        help='also hand in NOTEBOOK as it is, judged as a cheat')
    args = parser.parse_args(argv)
    result = run_class(args.work, get(args.assignment), args.level, hostile=not args.cheats_only,
                       cheat_folders=args.cheats, tampered=args.tampered)
    Path(args.out).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == '__main__':
    sys.exit(main())
