"""Rehearse the Gradescope bundle in a clean Debian 12 root file system, entered the way a container is.

A script of phases run in order (about 660 lines): kept in one file so it can be read top to bottom.

    python scripts/rehearse_gradescope.py [--settings a,b,c,d] [--bundle ZIP | --online] [--keep] ...

Run it through scripts/rehearse_gradescope.sh, which checks for root and installs what it needs. Phases:

1. a Debian 12 (bookworm) root file system made with debootstrap, cached under
   ${XDG_CACHE_HOME:-~/.cache}/bnkit/debian12-rootfs (built into a temporary folder, renamed into place);
2. the bundle: ``bnkit gradescope-bundle --vendor`` (or --online: without the dependencies' wheels, so
   setup.sh reaches the package index), or a zip given with --bundle;
3. a fresh copy of the cached root for this run;
4. the image build, as Gradescope does it: the zip unpacked into /autograder/source, run_autograder copied
   to /autograder/run_autograder, setup.sh run once as root with every capability;
5. run_autograder on each submission (the reference, the untouched release, hostile ones and their stub
   twins) in each setting:
     a  root with every capability
     b  root without CAP_SYS_ADMIN
     c  root without CAP_SYS_ADMIN, under Docker's default seccomp refusals (tests/dockerlike.py)
     d  an unprivileged user (uid 1000), without CAP_SYS_ADMIN, under the same refusals (docker run --user)
     docker  (not in the default list) root with exactly Docker's default capabilities, under the refusals;
6. a table per setting, then the copy is removed (mounts live in namespaces that die with their processes).

Every command runs in the root through ``enter``: new mount, PID and cgroup namespaces, the root bound
onto itself, /proc, a minimal /dev and a read-only /sys mounted in it, pivot_root into it and the host's
tree unmounted, then the setting's capabilities dropped and seccomp filter loaded, the user switched, and
the command executed, in that order (runc's). The network is the host's, so apt-get and pip work.
Verdicts: the reference gets 70, the stub 0, a hostile submission no more than its stub twin (in total and
in each check) and nothing in the checks it attacks, and every run_autograder exits 0. Where only
`bnkit validate`'s stricter judgement objects (a failed or overlong grading), the row says "warn"
(--strict: fail). Exit status: 0 when every verdict is ok, 1 on any mismatch, 2 when the rehearsal itself
could not run, 130 when interrupted.
"""
import argparse
import ctypes
import json
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = 'bookworm'
INCLUDE = ('python3', 'python3-venv', 'ca-certificates')
DEFAULT_MIRROR = 'http://deb.debian.org/debian'
GRADER_UID = 1000
CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
VENV = '/autograder/bnkit-venv'

CAP_NAMES = ('chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap linux_immutable '
             'net_bind_service net_broadcast net_admin net_raw ipc_lock ipc_owner sys_module sys_rawio sys_chroot '
             'sys_ptrace sys_pacct sys_admin sys_boot sys_nice sys_resource sys_time sys_tty_config mknod lease '
             'audit_write audit_control setfcap mac_override mac_admin syslog wake_alarm block_suspend audit_read '
             'perfmon bpf checkpoint_restore').split()
CAP = {name: i for i, name in enumerate(CAP_NAMES)}
DOCKER_CAPS = ('chown', 'dac_override', 'fsetid', 'fowner', 'mknod', 'net_raw', 'setgid', 'setuid', 'setfcap',
               'setpcap', 'net_bind_service', 'sys_chroot', 'kill', 'audit_write')

SETTINGS = {
    'a': dict(title='root, every capability', uid=0, drop=(), keep_only=None, seccomp=False),
    'b': dict(title='root, no CAP_SYS_ADMIN', uid=0, drop=('sys_admin',), keep_only=None, seccomp=False),
    'c': dict(title='root, no CAP_SYS_ADMIN, Docker seccomp', uid=0, drop=('sys_admin',), keep_only=None,
              seccomp=True),
    'd': dict(title='uid %d, Docker seccomp' % GRADER_UID, uid=GRADER_UID, drop=('sys_admin',), keep_only=None,
              seccomp=True),
    'docker': dict(title="root, Docker's default capabilities and seccomp", uid=0, drop=(), keep_only=DOCKER_CAPS,
                   seccomp=True),
}


# ----------------------------------------------------------------------------------------------- entering
# Everything below runs in the `enter` subcommand, a process of its own, so that its namespaces are its own.

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWPID = 0x00020000, 0x02000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 1, 24, 47, 4
SYS_PIVOT_ROOT = {'x86_64': 155, 'aarch64': 41}
LINUX_CAPABILITY_VERSION_3 = 0x20080522
DEVICES = ('null', 'zero', 'full', 'random', 'urandom', 'tty')


class CapHeader(ctypes.Structure):
    _fields_ = [('version', ctypes.c_uint32), ('pid', ctypes.c_int)]


class CapData(ctypes.Structure):
    _fields_ = [('effective', ctypes.c_uint32), ('permitted', ctypes.c_uint32), ('inheritable', ctypes.c_uint32)]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, '%s: %s' % (what, os.strerror(err)))


def _mount(libc, source, target, fstype, flags, data=None):
    enc = lambda s: None if s is None else str(s).encode()
    _check(libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           'mount %s on %s' % (source or fstype, target))


def _populate_dev(libc, root):
    dev = root / 'dev'
    _mount(libc, 'tmpfs', dev, 'tmpfs', MS_NOSUID, 'mode=755,size=65536k')
    for name in DEVICES:
        (dev / name).touch()
        _mount(libc, '/dev/' + name, dev / name, None, MS_BIND)
    for sub in ('pts', 'shm', 'mqueue'):
        (dev / sub).mkdir()
    _mount(libc, 'devpts', dev / 'pts', 'devpts', MS_NOSUID | MS_NOEXEC, 'newinstance,ptmxmode=0666,mode=0620')
    _mount(libc, 'shm', dev / 'shm', 'tmpfs', MS_NOSUID | MS_NODEV | MS_NOEXEC, 'mode=1777,size=65536k')
    os.symlink('pts/ptmx', dev / 'ptmx')
    os.symlink('/proc/self/fd', dev / 'fd')
    for i, name in enumerate(('stdin', 'stdout', 'stderr')):
        os.symlink('/proc/self/fd/%d' % i, dev / name)


def _set_caps(libc, keep):
    """Bounding set, then effective/permitted/inheritable and ambient, reduced to the capabilities in `keep`."""
    last = int(Path('/proc/sys/kernel/cap_last_cap').read_text())
    for cap in range(last + 1):
        if cap not in keep:
            _check(libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), 'drop capability %d from the bounding set' % cap)
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (CapData * 2)()
    _check(libc.capget(ctypes.byref(header), data), 'capget')
    for cap in range(last + 1):
        if cap not in keep:
            word, bit = divmod(cap, 32)
            mask = ~(1 << bit) & 0xFFFFFFFF
            data[word].effective &= mask
            data[word].permitted &= mask
            data[word].inheritable &= mask
    _check(libc.capset(ctypes.byref(header), data), 'capset')


def enter(args):
    """Run a command inside the root the way a container runtime starts a container; returns its status."""
    setting = SETTINGS[args.setting]
    root = Path(args.root).resolve()
    libc = _libc()
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    seccomp_filter = None
    if setting['seccomp']:
        sys.path.insert(0, str(ROOT))
        import pyseccomp

        from tests.dockerlike import docker_refusals  # needs pyseccomp; built now, loaded after pivot_root
        seccomp_filter = docker_refusals()
        # Loaded as root with CAP_SYS_ADMIN, as Docker does: no_new_privs stays off (Docker's default).
        seccomp_filter.set_attr(pyseccomp.Attr.CTL_NNP, 0)
    if setting['keep_only'] is not None:
        keep = {CAP[name] for name in setting['keep_only']}
    else:
        keep = set(range(64)) - {CAP[name] for name in setting['drop']}
    pivot_nr = SYS_PIVOT_ROOT[platform.machine()]
    env = {'PATH': CONTAINER_PATH, 'HOME': '/root' if setting['uid'] == 0 else '/home/grader',
           'LANG': 'C.UTF-8', 'HOSTNAME': 'rehearsal'}
    env.update(dict(item.split('=', 1) for item in args.env))
    argv = args.command

    _check(libc.unshare(CLONE_NEWPID), 'unshare the PID namespace')   # the child is its pid 1
    child = os.fork()
    if child == 0:
        try:
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            _check(libc.unshare(CLONE_NEWNS | CLONE_NEWCGROUP), 'unshare the mount and cgroup namespaces')
            _mount(libc, None, '/', None, MS_REC | MS_PRIVATE)
            _mount(libc, root, root, None, MS_BIND | MS_REC)          # the root is a mount point
            _mount(libc, 'proc', root / 'proc', 'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC)
            _mount(libc, 'sysfs', root / 'sys', 'sysfs', MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
            _populate_dev(libc, root)
            old = root / '.host-root'
            old.mkdir(exist_ok=True)
            os.chdir(root)
            _check(libc.syscall(pivot_nr, b'.', b'.host-root'), 'pivot_root')
            os.chdir('/')
            _check(libc.umount2(b'/.host-root', MNT_DETACH), 'unmount the host tree')
            os.rmdir('/.host-root')
            if seccomp_filter is not None:
                seccomp_filter.load()            # as root, before the capabilities go (as runc does)
            _set_caps(libc, keep)
            if setting['uid']:
                os.setgroups([])
                os.setgid(setting['uid'])
                os.setuid(setting['uid'])
                libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)   # reset by the change of credentials
            os.chdir(args.cwd)
            os.execve(argv[0], argv, env)
        except BaseException as exc:                       # noqa: BLE001 - report and leave, never return
            os.write(2, ('rehearsal: cannot enter the root: %s\n' % exc).encode())
            os._exit(125)
    signal.signal(signal.SIGTERM, lambda *_: os.kill(child, signal.SIGKILL))
    signal.signal(signal.SIGINT, lambda *_: os.kill(child, signal.SIGKILL))
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
    return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)


# -------------------------------------------------------------------------------------------- rehearsing

class RehearsalError(RuntimeError):
    pass


class Clock:
    def __init__(self):
        self.phases = []

    def phase(self, name):
        clock = self

        class _Phase:
            def __enter__(self):
                print('\n== %s' % name, flush=True)
                self.start = time.monotonic()
                return self

            def __exit__(self, *exc):
                seconds = time.monotonic() - self.start
                clock.phases.append((name, seconds, exc[0] is None))
                print('   (%s: %.1f s%s)' % (name, seconds, '' if exc[0] is None else ', failed'), flush=True)
        return _Phase()

    def summary(self):
        lines = ['', 'phase times:']
        lines += ['  %-48s %8.1f s%s' % (name, s, '' if ok else '  (failed)') for name, s, ok in self.phases]
        return '\n'.join(lines)


def run(cmd, log=None, check=True, timeout=None, **kwargs):
    if log is not None:
        with open(log, 'ab') as out:
            out.write(('$ %s\n' % ' '.join(shlex.quote(str(c)) for c in cmd).replace('\n', '\\n')).encode())
            out.flush()
            proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, **kwargs)
    else:
        proc = subprocess.run(cmd, timeout=timeout, **kwargs)
    if check and proc.returncode != 0:
        raise RehearsalError('%s exited with %d%s' % (' '.join(map(str, cmd[:6])), proc.returncode,
                                                      '; log: %s' % log if log else ''))
    return proc.returncode


def tail(path, lines=40):
    try:
        text = Path(path).read_text(errors='replace').splitlines()
    except OSError:
        return ''
    return '\n'.join('    | ' + line for line in text[-lines:])


class Rootfs:
    """A fresh copy of the cached root, and commands run in it through `enter`."""

    def __init__(self, path, logs):
        self.path = path
        self.logs = logs

    def run(self, setting, script, log, cwd='/', env=(), timeout=1800, check=True):
        cmd = [sys.executable, str(Path(__file__).resolve()), 'enter', '--root', str(self.path),
               '--setting', setting, '--cwd', cwd]
        for item in env:
            cmd += ['--env', item]
        cmd += ['--', '/bin/bash', '-c', script]
        try:
            return run(cmd, log=log, check=check, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RehearsalError('%s did not finish in %d s; log: %s' % (script[:60], timeout, log))

    def host(self, inside):
        return self.path / inside.lstrip('/')


def cache_root(args):
    base = Path(args.cache or os.environ.get('XDG_CACHE_HOME') or Path.home() / '.cache') / 'bnkit'
    return base / 'debian12-rootfs'


def debootstrap_cmd(target, mirror):
    return ['debootstrap', '--variant=minbase', '--include=' + ','.join(INCLUDE), SUITE, str(target), mirror]


def ensure_rootfs(args, clock, logs):
    cached = cache_root(args)
    stamp = cached.with_name(cached.name + '.stamp')
    wanted = ' '.join(debootstrap_cmd('ROOT', args.mirror))
    with clock.phase('root file system (debootstrap, cached)'):
        if cached.is_dir() and not args.rebuild_rootfs and stamp.is_file() and stamp.read_text().strip() == wanted:
            print('cached: %s (made with: %s)' % (cached, wanted))
            return cached
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=cached.name + '.tmp-', dir=cached.parent))
        os.chmod(tmp, 0o755)        # mkdtemp's 0700 would become the root's own mode: no user could use it
        try:
            log = logs / 'debootstrap.log'
            print('debootstrap into %s (log: %s)' % (tmp, log), flush=True)
            start = time.monotonic()
            run(debootstrap_cmd(tmp, args.mirror), log=log)
            print('debootstrap took %.1f s' % (time.monotonic() - start))
            run(['chroot', str(tmp), 'apt-get', 'clean'], log=log, check=False)
            if cached.exists():
                old = cached.with_name(cached.name + '.old')
                os.rename(cached, old)
                run(['rm', '-rf', '--one-file-system', str(old)])
            os.rename(tmp, cached)
            stamp.write_text(wanted + '\n')
        except BaseException:
            run(['rm', '-rf', '--one-file-system', str(tmp)], check=False)
            raise
    return cached


def build_bundle(args, clock, work, logs):
    if args.bundle:
        return Path(args.bundle).resolve()
    out = work / 'autograder.zip'
    with clock.phase('bundle (bnkit gradescope-bundle%s)' % ('' if args.online else ' --vendor')):
        cmd = ['bnkit', 'gradescope-bundle', '--assignment', 'BatchNormalization', '--out', str(out)] + ([] if args.online else ['--vendor'])
        print('$ ' + ' '.join(cmd), flush=True)
        run(cmd, log=logs / 'bundle.log', cwd=ROOT)
        print(tail(logs / 'bundle.log', 1))
    return out


def mounts_under(path):
    found = []
    prefix = str(path).rstrip('/') + '/'
    with open('/proc/self/mountinfo') as f:
        for line in f:
            point = line.split()[4]
            if point == str(path) or point.startswith(prefix):
                found.append(point)
    return found


def remove_copy(path):
    for point in sorted(mounts_under(path), key=len, reverse=True):   # none expected: belt and braces
        subprocess.run(['umount', '-l', point], check=False)
    subprocess.run(['rm', '-rf', '--one-file-system', str(path)], check=False)


def image_build(rootfs, bundle, args, logs):
    """What Gradescope does when it builds the image: unpack, copy run_autograder, run setup.sh."""
    source = rootfs.host('/autograder/source')
    source.mkdir(parents=True)
    for sub in ('submission', 'results'):
        rootfs.host('/autograder/' + sub).mkdir()
    with zipfile.ZipFile(bundle) as zf:
        for info in zf.infolist():
            target = source / info.filename
            zf.extract(info, source)
            mode = (info.external_attr >> 16) & 0o777
            if mode and not info.is_dir():
                os.chmod(target, mode)
    shutil.copy2(source / 'run_autograder', rootfs.host('/autograder/run_autograder'))
    os.chmod(rootfs.host('/autograder/run_autograder'), 0o755)
    shutil.copy(Path('/etc/resolv.conf').resolve(), rootfs.host('/etc/resolv.conf'))
    if args.online:
        # This network's TLS goes through a proxy whose certificate only the host trusts.
        shutil.copy('/etc/ssl/certs/ca-certificates.crt', rootfs.host('/etc/ssl/certs/ca-certificates.crt'))
    rootfs.run('a', 'useradd --create-home --uid %d --shell /bin/bash grader' % GRADER_UID, logs / 'image.log')
    log = logs / 'setup.log'
    print('$ bash /autograder/source/setup.sh   (root, every capability; log: %s)' % log, flush=True)
    start = time.monotonic()
    status = rootfs.run('a', 'bash /autograder/source/setup.sh', log, cwd='/autograder', check=False)
    print('setup.sh exited with %d after %.1f s' % (status, time.monotonic() - start))
    print(tail(log, 12))
    if status != 0:
        raise RehearsalError('setup.sh failed (exit %d); log: %s' % (status, log))


LOCK_PROBE = r'''
site=$(%(venv)s/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
say() { printf '%%-62s %%s\n' "$1" "$2"; }
verdict() { if [ "$1" = "$2" ]; then echo ok; else echo FAIL; fi; }
[ -e /autograder/source/wheels ] && w=present || w=absent
say "wheels folder /autograder/source/wheels: $w" "$(verdict $w absent)"
if setpriv --reuid=65534 --regid=65534 --clear-groups ls /autograder/source >/dev/null 2>&1; then r=readable; else r=unreadable; fi
say "/autograder/source by uid 65534: $r" "$(verdict $r unreadable)"
# The kit is every user's to run (a platform may grade as a user); the sandbox keeps workers from it.
if setpriv --reuid=65534 --regid=65534 --clear-groups %(venv)s/bin/python -c 'import autograder.cli.run_autograder, cs231n, numpy' 2>/dev/null; then
    r=importable; else r=unimportable; fi
say "the kit, cs231n and numpy by uid 65534: $r" "$(verdict $r importable)"
command -v bwrap >/dev/null && b="$(command -v bwrap)" || b=missing
say "bubblewrap: $b" info
'''

SETTING_PROBE = r'''
echo "uid $(id -u); $(grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status | tr -s '\t\n' ' ')"
try() { if "$@" >/dev/null 2>&1; then echo "works"; else echo "refused"; fi; }
echo "  unshare --user --map-root-user: $(try unshare --user --map-root-user true)"\
"; unshare --mount --pid --fork: $(try unshare --mount --pid --fork true)"\
"; bwrap --unshare-all: $( command -v bwrap >/dev/null && try bwrap --unshare-all --ro-bind / / true || echo missing)"
'''


def rehearsed_assignment():
    """The assignment whose autograder the rehearsal runs (its notebook is submitted as BatchNormalization.ipynb)."""
    from autograder.assignment import get
    return get('BatchNormalization')


def make_submissions(folder, hostile_names):
    """[(name, kind, notebook, twin name, variant)]: the reference, the release's stubs, hostile ones and
    their stub twins (one per set of replaced cells)."""
    from autograder.validation.hostile import hostile_variants, stub_twin
    from autograder.validation.class_notebooks import write_class
    from autograder.validation.variant import all_variants
    assignment = rehearsed_assignment()
    by_name = {v.name: v for v in all_variants(assignment)}
    unknown = [n for n in hostile_names if n not in by_name or by_name[n].kind != 'hostile']
    if unknown:
        raise RehearsalError('no hostile submission named %s; there are: %s' % (
            ', '.join(unknown), ', '.join(v.name for v in hostile_variants(assignment))))
    chosen = [by_name['reference']] + [by_name[n] for n in hostile_names]
    twins = {}
    for v in chosen[1:]:
        twin = stub_twin(v)
        key = tuple(sorted(v.cells))          # twins replacing the same cells are the same notebook
        twins.setdefault(key, twin)
    paths = write_class(folder, chosen + list(twins.values()), assignment)
    stub = Path(folder) / 'stub.ipynb'
    shutil.copy(assignment.release_notebook, stub)
    subs = [('reference', 'correct', paths['reference'], None, chosen[0]), ('stub', 'stub', stub, None, None)]
    for v in chosen[1:]:
        twin = twins[tuple(sorted(v.cells))]
        subs.append((v.name, 'hostile', paths[v.name], twin.name, v))
    for twin in twins.values():
        subs.append((twin.name, 'twin', paths[twin.name], None, twin))
    return subs


def grade(rootfs, setting, name, notebook, logs, extra_args, timeout):
    submission = rootfs.host('/autograder/submission')
    results = rootfs.host('/autograder/results/results.json')
    for old in submission.iterdir():
        old.unlink()
    if results.exists():
        results.unlink()
    shutil.copy(notebook, submission / 'BatchNormalization.ipynb')
    os.chmod(submission / 'BatchNormalization.ipynb', 0o644)
    log = logs / ('run-%s-%s.log' % (setting, name))
    cmd = ' '.join(['/autograder/run_autograder'] + [shlex.quote(a) for a in extra_args])
    # Gradescope runs it from /autograder and keeps its output in /autograder/results/stdout.
    start = time.monotonic()
    status = rootfs.run(setting, cmd, log, cwd='/autograder', timeout=timeout, check=False)
    seconds = time.monotonic() - start
    data = None
    if results.is_file():
        try:
            data = json.loads(results.read_text())
        except ValueError:
            data = None
    return status, data, seconds, log


def verdict(kind, status, data, variant, twin_data):
    """(ok, why, warning): the score rules decide; `bnkit validate`'s stricter judgement of a hostile
    submission (its grading finished in time, nothing left behind) adds a warning when only it objects."""
    from autograder.validation.verdicts import check_points, judge
    assignment = rehearsed_assignment()
    full = assignment.max_automatic_points
    if status != 0 or data is None:
        return False, 'autograder error (exit %d%s)' % (status, '' if data else ', no results.json'), None
    if kind == 'correct':
        return data['score'] == full, '%g/%g' % (data['score'], full), None
    if kind == 'stub':
        return data['score'] == 0, '%g, expected 0' % data['score'], None
    if kind == 'twin':
        return True, 'stub twin of the hostile ones', None
    if twin_data is None:
        return False, 'its stub twin was not graded', None
    points, twin_points = check_points(data), check_points(twin_data)
    attacked = {c: points.get(c, 0) for c in variant.loses_in if points.get(c, 0) > 0}
    above = {c: p for c, p in points.items() if p > twin_points.get(c, 0) + 1e-9}
    if data['score'] > twin_data['score'] + 1e-9 or attacked or above:
        earned = dict(attacked, **above)
        return False, '%g, stub twin %g; earned %s' % (data['score'], twin_data['score'], ', '.join(
            '%s %g' % kv for kv in earned.items()) or 'more'), None
    row = judge(assignment, variant, data, twin_data)
    why = '%g <= stub twin %g' % (data['score'], twin_data['score'])
    return True, why, None if row.ok else row.got


def _interrupted(signum, frame):
    raise KeyboardInterrupt('signal %d' % signum)     # so that the cleanup in rehearse() runs


def rehearse(args):
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupted)
    clock = Clock()
    settings = [s.strip() for s in args.settings.split(',') if s.strip()]
    for s in settings:
        if s not in SETTINGS:
            raise RehearsalError('unknown setting %r (choose from %s)' % (s, ', '.join(SETTINGS)))
    cache = cache_root(args)
    cache.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix='rehearsal-', dir=cache.parent))
    logs = work / 'logs'
    logs.mkdir()
    print('work folder: %s' % work)
    rootfs = Rootfs(work / 'rootfs', logs)
    failures, warnings = [], []
    ok_all = False
    try:
        with clock.phase('submissions (write_class)'):
            subs = make_submissions(work / 'submissions', args.hostile)
            print('  ' + ', '.join(s[0] for s in subs))
        base = ensure_rootfs(args, clock, logs)
        bundle = build_bundle(args, clock, work, logs)
        with clock.phase('fresh copy of the root (cp -a)'):
            run(['cp', '-a', '--reflink=auto', str(base), str(rootfs.path)])
            os.chmod(rootfs.path, 0o755)
        with clock.phase('image build (unpack, setup.sh as root)'):
            image_build(rootfs, bundle, args, logs)
        with clock.phase('the lock after setup.sh'):
            log = logs / 'lock.log'
            rootfs.run('a', LOCK_PROBE % {'venv': VENV}, log)
            text = Path(log).read_text().splitlines()[1:]
            print('\n'.join('  ' + line for line in text))
            failures += ['lock: ' + line for line in text if line.rstrip().endswith('FAIL')]
        rows = []
        for setting in settings:
            with clock.phase('setting %s: %s' % (setting, SETTINGS[setting]['title'])):
                if SETTINGS[setting]['uid']:
                    # A platform that runs the grader as a user gives it the results folder; the kit, which
                    # setup.sh installed as root, is every user's to run.
                    rootfs.run('a', 'chown -R %d:%d /autograder/results' % (GRADER_UID, GRADER_UID), logs / 'image.log')
                probe = logs / ('probe-%s.log' % setting)
                rootfs.run(setting, SETTING_PROBE, probe, check=False)
                print('  ' + '\n  '.join(Path(probe).read_text().splitlines()[1:]))
                graded = {}
                for name, kind, notebook, twin, variant in sorted(subs, key=lambda s: s[1] != 'twin'):
                    status, data, seconds, log = grade(rootfs, setting, name, notebook, logs,
                                                       args.run_autograder_args, args.timeout)
                    graded[name] = data
                    ok, why, warning = verdict(kind, status, data, variant, graded.get(twin) if twin else None)
                    if warning and args.strict:
                        ok, why, warning = False, warning, None
                    extra = (data or {}).get('extra_data', {})
                    isolation = extra.get('isolation') or '-'
                    guard = extra.get('isolation_files') or ''
                    if guard:      # 'allowlist: Landlock', 'permissions: ...', 'none: ...'
                        head = guard.partition(':')[0]
                        isolation += ' (%s)' % (guard if head == 'allowlist' else head)
                    score = '-' if data is None else '%g' % data['score']
                    word = 'FAIL' if not ok else 'warn' if warning else 'ok'
                    rows.append((setting, name, status, score, isolation, seconds, word, warning or why))
                    print('  %-32s exit %-3d score %-5s isolation %-32s %6.1f s  %s: %s' % (
                        name, status, score, isolation, seconds, word, warning or why), flush=True)
                    if not ok:
                        failures.append('setting %s, %s: %s' % (setting, name, why))
                    if warning:
                        warnings.append('setting %s, %s: %s' % (setting, name, warning))
                    if not ok or warning:
                        print(tail(log, 8))
        print('\n%-8s %-32s %-5s %-6s %-32s %7s  %s' % ('setting', 'submission', 'exit', 'score', 'isolation',
                                                        'seconds', 'verdict'))
        print('-' * 140)
        for setting, name, status, score, isolation, seconds, word, why in rows:
            print('%-8s %-32s %-5d %-6s %-32s %7.1f  %s: %s' % (setting, name, status, score, isolation, seconds,
                                                                word, why))
        ok_all = not failures
    finally:
        with clock.phase('cleanup'):
            if args.keep:
                print('kept: %s (remove with rm -rf --one-file-system)' % work)
            else:
                remove_copy(rootfs.path)
                if ok_all:
                    remove_copy(work)
                else:
                    for child in work.iterdir():
                        if child != logs:
                            remove_copy(child)
                    print('logs kept in %s' % logs)
        print(clock.summary())
    if warnings:
        print('\nwarnings (score rules kept; `bnkit validate` would call these failures; --strict fails on them):'
              '\n  %s' % '\n  '.join(warnings))
    if failures:
        print('\nMISMATCH: %d verdict(s) failed:\n  %s' % (len(failures), '\n  '.join(failures)))
        return 1
    print('\nevery verdict ok%s' % (' (%d warning(s))' % len(warnings) if warnings else ''))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    sub = parser.add_subparsers(dest='command_name')
    p_enter = sub.add_parser('enter', help='run a command inside a root file system (internal)')
    p_enter.add_argument('--root', required=True)
    p_enter.add_argument('--setting', choices=sorted(SETTINGS), default='a')
    p_enter.add_argument('--cwd', default='/')
    p_enter.add_argument('--env', action='append', default=[])
    p_enter.add_argument('command', nargs='+')
    parser.add_argument('--settings', default='a,b,c,d', help='comma-separated, from %s (default: %%(default)s)'
                        % ', '.join(SETTINGS))
    parser.add_argument('--bundle', help='rehearse this autograder.zip instead of building one')
    parser.add_argument('--online', action='store_true',
                        help='build the bundle without --vendor: setup.sh installs the dependencies from the index')
    parser.add_argument('--hostile', default='reads_the_answer_key,kills_everything',
                        type=lambda s: [n.strip() for n in s.split(',') if n.strip()],
                        help='hostile submissions to grade (default: %(default)s)')
    parser.add_argument('--run-autograder-args', default='', type=shlex.split,
                        help="extra arguments for run_autograder, e.g. '--require-isolation container'")
    parser.add_argument('--timeout', type=float, default=900, help='seconds for one run_autograder')
    parser.add_argument('--mirror', default=os.environ.get('BNKIT_DEBIAN_MIRROR', DEFAULT_MIRROR),
                        help="debootstrap's Debian mirror (default: $BNKIT_DEBIAN_MIRROR or %(default)s)")
    parser.add_argument('--cache', help='cache folder (default: ${XDG_CACHE_HOME:-~/.cache})')
    parser.add_argument('--rebuild-rootfs', action='store_true', help='run debootstrap again')
    parser.add_argument('--keep', action='store_true', help='keep the copy of the root and the logs')
    parser.add_argument('--strict', action='store_true',
                        help="judge hostile submissions as `bnkit validate` does: a grading that failed or ran "
                             "past the validation's time budget fails too")
    args = parser.parse_args(argv)
    if args.command_name == 'enter':
        return enter(args)
    if os.geteuid() != 0 or not sys.platform.startswith('linux'):
        print('error: the rehearsal needs root on Linux (it mounts file systems and enters namespaces)',
              file=sys.stderr)
        return 2
    if platform.machine() not in SYS_PIVOT_ROOT:
        print('error: no pivot_root system call number known for %s' % platform.machine(), file=sys.stderr)
        return 2
    try:
        return rehearse(args)
    except RehearsalError as exc:
        print('\nerror: %s' % exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print('\ninterrupted', file=sys.stderr)
        return 130
    except Exception:                                  # noqa: BLE001 - the rehearsal itself broke
        import traceback
        traceback.print_exc()
        print('\nerror: the rehearsal could not run (see the traceback above)', file=sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(main())
