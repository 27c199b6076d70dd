"""Rehearse the grading image (container/Containerfile) in a real container engine: podman, as root.

    bash scripts/rehearse_podman.sh [--settings defaults,read-only,...] [--keep] [--no-build] ...

Builds the image over a Debian base imported from a cached debootstrap root (scripts/podman_image.py),
writes a small class (the reference, the untouched release, one buggy notebook), then runs ``bnkit grade``
on it, mounted read-only, in each setting below, with the output folder mounted from the host. In every
setting the reference must get full credit, the release nothing and the buggy notebook something in
between, at an isolation level the setting allows; where a setting may stop instead (a non-root grader),
a stop must be exit status 3 with a message that names the cause and the fix. Prints a table (setting,
level, scores, seconds) and exits 1 if any setting failed its expectation, 2 if the rehearsal could not
run, 0 otherwise. Every container it starts carries the label bnkit.rehearsal and is removed.
docs/containers.md has the results and what each setting stands for.
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import podman_image as pi  # noqa: E402 - the sibling module, found through the line above

ASSIGNMENT = 'BatchNormalization'
NONROOT = '1000680000:0'     # an arbitrary uid in the root group, as OpenShift's restricted profile gives
DOCKER_CAPS, DOCKER_SECCOMP = pi.DOCKER_CAPS, pi.DOCKER_SECCOMP
READ_ONLY = ['--read-only', '--read-only-tmpfs=false', '--tmpfs', '/tmp']   # Docker's --read-only: no tmpfs on /run
ROOT_MINIMAL_CAPS = ['--cap-drop', 'ALL', '--cap-add', 'SETUID,SETGID,CHOWN,KILL,DAC_OVERRIDE']


@dataclass
class Setting:
    name: str
    title: str
    flags: list
    levels: set                      # the isolation levels it may grade at
    user: str = None                 # podman --user; None: root
    may_stop: bool = False           # a stop naming the cause and the fix is an accepted outcome
    k8s: str = ''                    # the Kubernetes securityContext it stands for


SETTINGS = [
    Setting('defaults', "root, podman's defaults", [], {'container'}, k8s='privileged: false'),
    Setting('read-only', 'root, --read-only, tmpfs /tmp', READ_ONLY, {'container'}, k8s='readOnlyRootFilesystem: true'),
    Setting('limits', 'root, --memory 1g --pids-limit 128', ['--memory', '1g', '--memory-swap', '1g',
                                                             '--pids-limit', '128'], {'container'},
            k8s='resources.limits.memory: 1Gi'),
    Setting('user', 'non-root --user %s' % NONROOT, [], {'full', 'process'}, user=NONROOT, may_stop=True,
            k8s='runAsNonRoot: true'),
    Setting('user-unconfined', 'non-root, seccomp unconfined, /proc unmasked', ['--security-opt', 'seccomp=unconfined',
                                                                              '--security-opt', 'unmask=ALL'],
            {'full'}, user=NONROOT, k8s='Unconfined; procMount: Unmasked'),
    Setting('docker', "root, Docker's capabilities and seccomp", DOCKER_CAPS + DOCKER_SECCOMP, {'container'},
            k8s='seccompProfile: RuntimeDefault'),
    Setting('root-minimal', 'root, 5 capabilities, no_new_privs, read-only', ROOT_MINIMAL_CAPS + DOCKER_SECCOMP
            + ['--security-opt', 'no-new-privileges'] + READ_ONLY, {'container'},
            k8s='drop ALL, add 5; allowPrivilegeEscalation: false'),
    Setting('restricted', 'non-root, no capabilities, no_new_privs, read-only', ['--cap-drop', 'ALL']
            + DOCKER_SECCOMP + ['--security-opt', 'no-new-privileges'] + READ_ONLY, {'full', 'process'},
            user=NONROOT, may_stop=True, k8s="Pod Security 'restricted'"),
    Setting('sys-admin', 'root, + SYS_ADMIN NET_ADMIN, seccomp unconfined', ['--cap-add', 'SYS_ADMIN,NET_ADMIN',
                                                                             '--security-opt', 'seccomp=unconfined'],
            {'full'}, k8s='add SYS_ADMIN, NET_ADMIN; Unconfined'),
]
BY_NAME = {s.name: s for s in SETTINGS}


def write_class(folder):
    """correct (the release filled with the reference), untouched (the release), buggy (one bug)."""
    import nbformat

    from autograder.assignment import get
    from autograder.assignments.BatchNormalization.variants import BUGS
    from autograder.notebook.fill import fill_solution_cells
    assignment = get(ASSIGNMENT)
    folder.mkdir()
    nbformat.write(fill_solution_cells(assignment.release_notebook, assignment.reference_cells()),
                   str(folder / 'correct.ipynb'))
    cells = assignment.reference_cells()
    cells.update(next(v for v in BUGS if v.name == 'dx_missing_mean_term').cells)
    nbformat.write(fill_solution_cells(assignment.release_notebook, cells), str(folder / 'buggy.ipynb'))
    shutil.copy(assignment.release_notebook, folder / 'untouched.ipynb')
    os.chmod(folder, 0o755)
    for path in folder.iterdir():
        os.chmod(path, 0o644)     # readable by the container's non-root users
    return assignment.max_automatic_points


@dataclass
class Outcome:
    setting: Setting
    seconds: float
    status: int
    level: str = '-'
    scores: dict = field(default_factory=dict)
    ok: bool = False
    why: str = ''


def grade_in(setting, engine, seccomp_path, work, logs, timeout):
    """Run bnkit grade of the class in one setting; returns (exit status, output, seconds, output folder)."""
    out = work / 'out' / setting.name
    out.mkdir(parents=True)
    if setting.user:
        uid, _, gid = setting.user.partition(':')
        os.chown(out, int(uid), int(gid or uid))     # what a platform that grades as a user provides
    flags = [f.replace('DOCKER_LIKE', seccomp_path) for f in setting.flags]
    name = 'bnkit-rehearsal-%s-%d' % (setting.name, os.getpid())
    cmd = (['podman', 'run', '--rm', '--name', name, '--label', pi.LABEL + '=1', *engine, *flags]
           + (['--user', setting.user] if setting.user else [])
           + ['-v', '%s:/class:ro' % (work / 'class'), '-v', '%s:/out' % out, pi.IMAGE,
              'bnkit', 'grade', '/class', '--out', '/out', '--assignment', ASSIGNMENT, '--quiet'])
    print('$ ' + ' '.join(cmd), flush=True)
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        status, text = proc.returncode, proc.stdout + proc.stderr
    except subprocess.TimeoutExpired as exc:
        subprocess.run(['podman', 'rm', '-f', name], capture_output=True)
        status, text = -1, '%s\n(timed out after %g s)' % (exc.stdout or '', timeout)
    seconds = time.monotonic() - start
    (logs / ('grade-%s.log' % setting.name)).write_text('$ %s\n%s' % (' '.join(cmd), text))
    return status, text, seconds, out


def judge(setting, status, text, seconds, out, full):
    """What the setting's run shows against what it must."""
    result = Outcome(setting, seconds, status)
    match = re.search(r'^isolation: (\w+)', text, re.M)
    result.level = match.group(1) if match else '-'
    errors = [line for line in text.splitlines() if line.startswith('error:')]
    if status == 3 and setting.may_stop and errors:
        message = ' '.join(text[text.index(errors[0]):].split())
        result.level = 'stopped'
        result.ok = 'fix' in message
        result.why = ('stopped: ' if result.ok else 'stopped without naming a fix: ') + message[:400]
        return result
    if status != 0:
        result.why = 'exit status %d: %s' % (status, ' '.join(text.split())[-400:])
        return result
    try:
        with open(out / 'grades.csv', newline='') as f:
            result.scores = {row['student']: float(row['score']) for row in csv.DictReader(f)}
        recorded = json.loads((out / 'correct' / 'results.json').read_text())['extra_data']
    except (OSError, ValueError, KeyError) as exc:
        result.why = 'no readable grades.csv or results.json in the output folder (%s)' % exc
        return result
    problems = []
    got = result.scores
    if got.get('correct') != full:
        problems.append('correct got %s, not %g' % (got.get('correct'), full))
    if got.get('untouched') != 0:
        problems.append('untouched got %s, not 0' % got.get('untouched'))
    if not 0 < got.get('buggy', -1) < full:
        problems.append('buggy got %s, not between 0 and %g' % (got.get('buggy'), full))
    if result.level not in setting.levels:
        problems.append('graded at %s, expected %s' % (result.level, ' or '.join(sorted(setting.levels))))
    if recorded.get('isolation') != result.level:
        problems.append('results.json records isolation %s' % recorded.get('isolation'))
    if result.level == 'process' and not ('WARNING: graded at the process' in text and recorded.get('isolation_warning')):
        problems.append('graded at the process level without its warning')
    result.ok = not problems
    result.why = '; '.join(problems) or ('graded, with the process level\'s warning' if result.level == 'process'
                                         else 'graded')
    return result


def table(results):
    head = '%-16s %-13s %-9s %7s %9s %6s %8s  %s' % ('setting', 'user', 'level', 'correct', 'untouched',
                                                    'buggy', 'seconds', 'verdict')
    lines = [head, '-' * len(head)]
    for r in results:
        s = r.scores
        score = lambda name: '%g' % s[name] if name in s else '-'
        lines.append('%-16s %-13s %-9s %7s %9s %6s %8.1f  %s' % (
            r.setting.name, r.setting.user or 'root', r.level, score('correct'), score('untouched'), score('buggy'),
            r.seconds, ('ok' if r.ok else 'FAIL') + ': ' + r.why[:150]))
    return '\n'.join(lines)


def rehearse(args):
    settings = [BY_NAME[name] for name in args.settings]
    cache = pi.cache_folder()
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix='bnkit-podman-'))
    logs = work / 'logs'
    logs.mkdir()
    print('cache: %s (the debootstrap tarball; BNKIT_PODMAN_CACHE moves it)\nwork folder: %s' % (cache, work))
    phases, results, ok = [], [], False

    def phase(name, start):
        phases.append((name, time.monotonic() - start))

    try:
        print('leftover containers removed: %d' % pi.remove_containers())
        start = time.monotonic()
        tarball, _ = pi.ensure_tarball(cache, args.mirror or pi.apt_mirror(), logs)
        phase('base root (debootstrap, cached)', start)
        start = time.monotonic()
        pi.ensure_base_image(tarball, logs)
        phase('base image (podman import)', start)
        start = time.monotonic()
        info = subprocess.run(['podman', 'info', '--format', '{{.Version.Version}} storage {{.Store.GraphDriverName}}, '
                               'cgroups {{.Host.CgroupsVersion}}, default runtime {{.Host.OCIRuntime.Name}}'],
                              capture_output=True, text=True).stdout.strip()
        runtime, engine = pi.engine_flags(logs)
        print('podman %s; every run adds: %s' % (info, ' '.join(engine) or 'nothing'))
        phase('engine check', start)
        if not args.no_build:
            start = time.monotonic()
            pi.build_image(runtime, logs, None if args.pip_cert == 'none' else args.pip_cert or pi.default_pip_cert())
            phase('image build (wheel, podman build)', start)
        elif not pi.image_id(pi.IMAGE):
            raise pi.ImageError('--no-build, but there is no image %s yet: run once without it' % pi.IMAGE)
        full = write_class(work / 'class')
        seccomp_path = pi.docker_like_seccomp(work / 'docker-like-seccomp.json')
        for setting in settings:
            print('\n== %s: %s (Kubernetes: %s)' % (setting.name, setting.title, setting.k8s), flush=True)
            status, text, seconds, out = grade_in(setting, engine, seccomp_path, work, logs, args.timeout)
            result = judge(setting, status, text, seconds, out, full)
            results.append(result)
            for line in text.splitlines():
                if re.match(r'(isolation:|  \(|WARNING:|error:|environment limits:)', line):
                    print('  | ' + line[:300])
            print('  %s in %.1f s: %s' % ('ok' if result.ok else 'FAIL', seconds, result.why), flush=True)
            phases.append(('setting ' + setting.name, seconds))
        ok = all(r.ok for r in results)
    finally:
        removed = pi.remove_containers()
        if args.keep or not ok:
            print('\nkept: %s (logs in %s)' % (work, logs))
        else:
            shutil.rmtree(work, ignore_errors=True)
        if removed:
            print('containers left behind and removed: %d' % removed)
    print('\nphase times:')
    for name, seconds in phases:
        print('  %-40s %7.1f s' % (name, seconds))
    print('\n' + table(results))
    failed = [r for r in results if not r.ok]
    if failed:
        print('\nFAILED: %s' % ', '.join(r.setting.name for r in failed))
        return 1
    print('\nevery setting met its expectation')
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--settings', default=','.join(BY_NAME), type=lambda s: [n.strip() for n in s.split(',') if n.strip()],
                        help='comma-separated, from %s (default: all)' % ', '.join(BY_NAME))
    parser.add_argument('--keep', action='store_true', help='keep the work folder (class, outputs, logs)')
    parser.add_argument('--no-build', action='store_true', help='grade with the image built by an earlier run')
    parser.add_argument('--mirror', help="debootstrap's mirror (default: the one apt uses here)")
    parser.add_argument('--pip-cert', help="a CA bundle for pip in the build, as a build secret (default: $PIP_CERT, "
                                           "$SSL_CERT_FILE or $REQUESTS_CA_BUNDLE when set; 'none' for none)")
    parser.add_argument('--timeout', type=float, default=900, help='seconds for one setting (default: %(default)s)')
    args = parser.parse_args(argv)
    unknown = [n for n in args.settings if n not in BY_NAME]
    if unknown:
        parser.error('unknown setting(s) %s; choose from %s' % (', '.join(unknown), ', '.join(BY_NAME)))
    return pi.run_rehearsal(rehearse, args)


if __name__ == '__main__':
    sys.exit(main())
