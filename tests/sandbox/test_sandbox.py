"""The sandbox measured from inside, at every level this machine offers, and the ladder that picks the level.

Every test here runs hostile code, so each runs inside ``run_contained`` (its own PID namespace with outer
limits) and, where it needs to change mounts, its own mount namespace with private /tmp and /dev/shm.
"""
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from autograder.sandbox import levels
from autograder.sandbox.levels import unreachable_ancestor
from tests.containment import require_containment, run_contained

pytestmark = pytest.mark.hostile
ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SECRET = 'planted-secret-5d1c'


def in_private_mounts(command):
    """A shell line that runs ``command`` in a private mount namespace: fresh /tmp, /dev/shm, /var/tmp with a
    planted secret in /tmp, and the interpreter's folder re-exposed when an ancestor (e.g. /root, 0700)
    would keep other users from running it (as in a container, where Python is installed for everyone).
    The checkout and the Python installation stay where they are, even when they live under /tmp."""
    needed = sorted({str(ROOT), os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)})
    covers = ['/tmp', '/dev/shm', '/var/tmp']
    blocked = unreachable_ancestor(os.path.realpath(sys.executable))
    if blocked:
        covers.append(blocked)
    keep = [p for p in needed if any(p.startswith(c + '/') for c in covers)]
    lines = ['mount --make-rprivate /']
    lines += ['mkdir -p /run/bnkit-keep%d && mount --bind %s /run/bnkit-keep%d' % (i, p, i) for i, p in enumerate(keep)]
    lines += ['mount -t tmpfs -o mode=%s tmpfs %s' % ('755' if c == blocked else '1777', c) for c in covers]
    lines += ['mkdir -p %s && mount --bind /run/bnkit-keep%d %s' % (p, i, p) for i, p in enumerate(keep)]
    lines += ['echo %s > /tmp/secret.txt' % SECRET, 'cd %s' % ROOT, command]
    return ['unshare', '--mount', 'sh', '-c', ' && '.join(lines)]


def docker_like(command):
    """Root as Docker leaves it: no CAP_SYS_ADMIN, and the seccomp refusals of Docker's default profile."""
    return "capsh --drop=cap_sys_admin -- -c '%s %s/tests/dockerlike.py %s'" % (PYTHON, ROOT, command)


def needs(*tools):
    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        pytest.skip('needs %s' % ', '.join(missing))


def probe(level, wrap=lambda c: c):
    require_containment()
    command = wrap('%s tests/sandbox/sandbox_probe.py %s /tmp/secret.txt' % (PYTHON, level))
    proc = run_contained(in_private_mounts(command), timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def assert_contained(found):
    for name in ('read_secret', 'read_shadow', 'read_answer_key', 'grader_environ', 'inet_socket',
                 'netlink_socket', 'new_user_namespace', 'new_mount_namespace', 'ptrace_parent', 'keyctl', 'bpf'):
        assert found[name].startswith('refused'), (name, found[name])
    assert SECRET not in json.dumps(found)
    assert not found['host_tmp_marker_exists'] and not found['host_dev_shm_marker_exists']
    assert int(found['uid'].split()[-1]) >= 61000
    assert found['left_after_stop'] == 0
    assert found['half_message_seconds'] < 30 and 'no answer' in found['half_message']
    assert found['flood'] == 'flooded' and found['grader_peak_mb'] < 1024


@pytest.mark.slow
def test_full_level_holds():
    needs('bwrap')
    found = probe('full')
    assert_contained(found)
    # Its root holds only the allowlist: no home folders' contents, no /etc but the loader's cache.
    assert "'home'" not in found['list_root'] and "'var'" not in found['list_root']
    assert found['write_dev_shm'].startswith('ok')      # its own private /dev/shm, gone with it
    site = found['stdlib_site_packages']          # the standard library's own site-packages: empty or absent
    assert site == 'ok: []' or site.startswith('refused'), site


@pytest.mark.slow
def test_container_level_holds_without_cap_sys_admin_or_user_namespaces():
    needs('capsh')
    found = probe('container', docker_like)
    assert_contained(found)
    assert found['write_host_tmp_marker'].startswith('refused')    # Landlock: writes only in its scratch folder


@pytest.mark.slow
def test_container_level_without_landlock_locks_the_kit_and_cleans_up():
    """An older Docker profile refuses Landlock's calls: the level locks the kit by permissions, and what the
    worker writes in shared folders is deleted by owner when it stops."""
    needs('capsh')
    wrap = lambda c: docker_like(c).replace('dockerlike.py ', 'dockerlike.py --no-landlock ')  # noqa: E731
    script = ('%s -c "from autograder.sandbox import lockdown, view; lockdown.lock(lockdown.kit_paths(), '
              'lockdown.needed_by_workers(view.build()))" && ' % PYTHON)
    # The lock changes modes in the checkout: do it on a copy, as a container's own checkout would be.
    # (outside /tmp, which the contained run replaces with its own).
    copy = Path(tempfile.mkdtemp(prefix='bnkit-kit-copy-', dir='/run'))
    try:
        shutil.copytree(ROOT, copy / 'kit', symlinks=True, ignore=shutil.ignore_patterns('.git', '.venv', '__pycache__'))
        command = wrap('%s tests/sandbox/sandbox_probe.py container /tmp/secret.txt' % PYTHON)
        env = dict(os.environ, PYTHONPATH=str(copy / 'kit'))
        proc = run_contained(in_private_mounts('cd %s && %s%s' % (copy / 'kit', script, command)), timeout=600, env=env)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    for name in ('read_answer_key', 'read_shadow', 'grader_environ', 'inet_socket', 'new_user_namespace',
                 'ptrace_parent', 'bpf'):
        assert found[name].startswith('refused'), (name, found[name])
    assert found['write_host_tmp_marker'].startswith('ok')          # no Landlock: it can write there ...
    assert not found['host_tmp_marker_exists']                       # ... and it is gone after the worker
    assert not found['host_dev_shm_marker_exists']
    assert found['left_after_stop'] == 0


def ladder(wrap):
    command = wrap('%s -c "from autograder.sandbox import choose_level; print(choose_level()[0])"' % PYTHON)
    proc = run_contained(in_private_mounts(command), timeout=300)
    return proc


@pytest.mark.slow
def test_the_ladder_picks_full_as_root_and_container_under_dockers_refusals():
    require_containment()
    needs('bwrap', 'capsh')
    assert ladder(lambda c: c).stdout.split()[-1] == 'full'
    proc = ladder(docker_like)
    assert proc.stdout.split()[-1] == 'container', proc.stderr[-2000:]


@pytest.mark.slow
def test_a_sandbox_that_cannot_start_is_the_graders_failure_not_a_students_zero():
    """Forced to the full level where it cannot start, grading stops with the cause and the fix, exit 3, and
    no student gets a results.json; run-autograder likewise writes nothing, so Gradescope shows an error."""
    require_containment()
    needs('bwrap', 'capsh')
    nb = ROOT / 'release' / 'BatchNormalization' / 'BatchNormalization.ipynb'
    tmp_path = Path(tempfile.mkdtemp(prefix='bnkit-nostart-', dir='/run'))   # outside the private /tmp
    try:
        _no_sandbox_no_score(nb, tmp_path)
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


def _no_sandbox_no_score(nb, tmp_path):
    out = tmp_path / 'out'
    grade = docker_like('%s -m autograder.cli grade %s --out %s --isolation full' % (PYTHON, nb, out))
    proc = run_contained(in_private_mounts(grade), timeout=300)
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert 'no sandbox could start' in proc.stderr and 'fix:' in proc.stderr
    assert not list(out.glob('*/results.json'))
    sub = tmp_path / 'submission'
    sub.mkdir()
    shutil.copy(nb, sub)
    results = tmp_path / 'results.json'
    gradescope = docker_like('%s -m autograder.cli run-autograder --assignment BatchNormalization --submission-dir %s --results %s '
                             '--require-isolation full' % (PYTHON, sub, results))
    proc = run_contained(in_private_mounts(gradescope), timeout=300)
    assert proc.returncode == 3 and not results.exists(), proc.stderr[-2000:]


def test_the_container_level_says_so_when_a_private_folder_hides_the_environment(tmp_path, monkeypatch):
    """The container level's worker imports by path as a uid of its own: a kit installed below a private
    folder (a private home, a `mktemp -d` folder) would start without numpy, so the level says it cannot run
    there, and why, before any worker starts."""
    if os.geteuid() != 0:
        pytest.skip('the container level needs root')
    site = tmp_path / 'private' / 'kit' / '.venv' / 'site-packages'
    site.mkdir(parents=True)
    (tmp_path / 'private').chmod(0o700)
    monkeypatch.setattr(levels.view, 'build', lambda *a: SimpleNamespace(interpreter='/bin/sh', sys_path=(str(site),)))
    reason = levels.Container.unavailable()
    assert reason and 'cannot be read by other users' in reason and str(site) in reason
