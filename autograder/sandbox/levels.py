"""The isolation levels, strongest first, and how each one starts a worker.

Each level is one class whose ``launch(worker)`` returns the command, the descriptors the child inherits
(the grader closes its copies once the child has started), the function the child runs between fork and exec (as the grader's user, before any student code exists).
``choose`` tries them in order with a real probe worker and takes the first that starts.

full       bubblewrap: new user, PID, network, IPC, UTS and cgroup namespaces; a root file system built
           from nothing but the allowlist of ``view``, read-only, plus a private size-capped /tmp and
           /dev/shm; no capabilities, no new user namespaces inside, a new session, dies with the grader;
           the seccomp filter; run as a uid of its own when the grader is root; cgroup limits where the
           grader may create them, rlimits always.
container  root without CAP_SYS_ADMIN or user namespaces (Docker's default): a uid of its own, no_new_privs,
           Landlock restricting reads to the same allowlist and writes to a private scratch folder, the
           seccomp filter, rlimits (and a cgroup where possible). Where the kernel has no Landlock, the kit,
           the results and the submissions are locked by permissions instead (``lockdown``) and the
           worker's leftovers in shared folders are deleted by owner.
process    anyone else: a separate process in its own session with rlimits and an import blocker; where the
           kernel offers Landlock, the container level's file allowlist (and, on Linux 6.12 or later, no
           signals to processes outside it); the seccomp filter where pyseccomp is installed. Without
           Landlock it can read and write whatever the grading user can; every run and every results.json
           says so.
"""
import ctypes
import json
import os
import resource
import shutil
import signal
import sys

from autograder.sandbox import landlock, seccomp, view
from autograder.sandbox.allowance import within

LEVELS = ('full', 'container', 'process')
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
DEVICES = ('/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom')


def stronger_or_equal(level, other):
    return LEVELS.index(level) <= LEVELS.index(other)


def _prctl(option, value):
    ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def _rlimits(limits):
    mb = 1 << 20
    for which, value in ((resource.RLIMIT_AS, limits.memory_mb * mb), (resource.RLIMIT_CPU, limits.cpu_seconds),
                         (resource.RLIMIT_FSIZE, limits.fsize_mb * mb), (resource.RLIMIT_CORE, 0),
                         (resource.RLIMIT_NPROC, limits.nproc)):
        value = within(which, value)       # never above what the environment allows (a hard limit cannot rise)
        resource.setrlimit(which, (value, value))


def _become(uid):
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def _join_and_limit(cgroup, limits):
    """What every level does first in the child: enter the worker's cgroup (if any) and set its rlimits."""
    if cgroup:
        cgroup.join()
    _rlimits(limits)


def _die_with(parent):
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:      # the grader died before the death signal was armed
        os._exit(1)


def unreachable_ancestor(path):
    """The first folder above ``path`` that other users cannot search, or None."""
    parts = os.path.abspath(path).split(os.sep)
    for i in range(2, len(parts)):
        folder = os.sep.join(parts[:i])
        if not os.stat(folder).st_mode & 0o001:
            return folder
    return None


def _ancestors(paths, skip):
    folders = set()
    for path in paths:
        parent = os.path.dirname(path)
        while parent not in ('/', ''):
            folders.add(parent)
            parent = os.path.dirname(parent)
    return sorted((f for f in folders if f not in skip), key=lambda f: (f.count('/'), f))


def worker_argv(interpreter, main, config):
    return [interpreter, '-I', '-S', main, json.dumps(config)]


class Full:
    name = 'full'

    @staticmethod
    def unavailable():
        if not sys.platform.startswith('linux'):
            return 'bubblewrap needs Linux'
        if not shutil.which('bwrap'):
            return 'bubblewrap (bwrap) is not installed: apt-get install bubblewrap'
        return None

    def launch(self, w):
        """As root, bubblewrap's privileged mode (no user namespace: the uid outside is the worker's own),
        keeping only CAP_SETUID/CAP_SETGID, which worker_main spends at once on becoming that uid. As anyone
        else, its unprivileged mode: a user namespace, with further ones disabled."""
        mb = 1 << 20
        args = [shutil.which('bwrap'), '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts',
                '--unshare-cgroup-try', '--die-with-parent', '--new-session', '--cap-drop', 'ALL']
        if w.uid is not None:
            args += ['--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID']
        else:
            args += ['--unshare-user', '--disable-userns']
        args += ['--hostname', 'sandbox', '--proc', '/proc', '--dev', '/dev',
                 '--perms', '1777', '--size', str(w.limits.tmpfs_mb * mb), '--tmpfs', '/tmp',
                 '--perms', '1777', '--size', str(w.limits.tmpfs_mb * mb), '--tmpfs', '/dev/shm']
        for target, link in w.view.root_symlinks:
            args += ['--symlink', target, link]
        binds = w.view.binds()
        for folder in _ancestors([*binds, *w.writable], skip={link for _, link in w.view.root_symlinks}):
            args += ['--perms', '0755', '--dir', folder]   # else bubblewrap copies modes such as /root's 0700
        for path in binds:
            args += ['--ro-bind', path, path]
        for path in w.view.masked:
            args += ['--perms', '0555', '--tmpfs', path]   # the standard library's own site-packages: empty
        for path in w.writable:
            args += ['--bind', path, path]                 # a folder of the sandbox's own, e.g. a kernel's sockets
        workdir = w.workdir or '/tmp'
        args += ['--ro-bind', w.folder, '/sandbox', '--remount-ro', '/', '--chdir', workdir, '--clearenv']
        for key, value in w.environment(workdir).items():
            args += ['--setenv', key, value]
        seccomp_r, seccomp_w = os.pipe()
        os.write(seccomp_w, seccomp.program())      # small (under 1 KiB): fits in the pipe's buffer
        os.close(seccomp_w)
        args += ['--seccomp', str(seccomp_r), '--']
        argv = args + worker_argv(w.view.interpreter, '/sandbox/' + w.main, w.config)
        parent, cgroup, limits = os.getpid(), w.cgroup, w.limits

        def enter():
            _join_and_limit(cgroup, limits)
            _die_with(parent)

        return argv, [seccomp_r], enter, '/'


class Container:
    name = 'container'

    @staticmethod
    def unavailable():
        if not sys.platform.startswith('linux'):
            return 'needs Linux'
        if os.geteuid() != 0:
            return 'needs root, to run each worker as a uid of its own'
        worker_view = view.build()
        interpreter = worker_view.interpreter
        blocked = unreachable_ancestor(interpreter)
        if blocked:
            return ('the Python interpreter %s cannot be run by other users (%s is mode %o); install Python '
                    'where every user can run it' % (interpreter, blocked, os.stat(blocked).st_mode & 0o777))
        # The worker imports by path, as a uid of its own: a private folder above the environment (a kit
        # installed in a private home, or under a `mktemp -d` folder) would leave it without numpy.
        for folder in worker_view.sys_path:
            blocked = unreachable_ancestor(os.path.join(folder, 'x'))
            if blocked:
                return ('the Python environment %s cannot be read by other users (%s is mode %o); install the '
                        'kit under a folder every user may enter' % (folder, blocked, os.stat(blocked).st_mode & 0o777))
        try:
            seccomp.program()
        except seccomp.SeccompUnavailable as exc:
            return str(exc)
        return None

    def launch(self, w):
        parent, uid, cgroup, limits, view = os.getpid(), w.uid and w.uid.uid, w.cgroup, w.limits, w.view
        readable = (*view.readable, w.folder)
        writable = (w.scratch, *w.writable, *DEVICES)
        program = seccomp.program()
        use_landlock = landlock.abi_version() >= 1

        def enter():
            _join_and_limit(cgroup, limits)
            _prctl(PR_SET_NO_NEW_PRIVS, 1)
            if use_landlock:
                landlock.restrict(readable, writable, list_only=view.listable)   # as root: it opens the paths
            _become(uid)
            _die_with(parent)
            seccomp.load(program)

        argv = worker_argv(view.interpreter, os.path.join(w.folder, w.main), w.config)
        return argv, [], enter, w.workdir or w.scratch


class Process:
    name = 'process'

    @staticmethod
    def unavailable():
        if hasattr(os, 'geteuid') and os.geteuid() == 0:
            return 'refused as root: student code would run as root'
        return None

    def launch(self, w):
        """The worker runs as the grading user, so only what an unprivileged process may do to itself holds
        it: where the kernel has Landlock, the container level's file allowlist (reads from the view, writes
        to its scratch folder) and signal scope; where pyseccomp is installed, the seccomp filter."""
        parent, limits, view = os.getpid(), w.limits, w.view
        readable, writable = (*view.readable, w.folder), (w.scratch, *w.writable, *DEVICES)
        linux = sys.platform.startswith('linux')
        use_landlock = linux and landlock.abi_version() >= 1
        program = seccomp.program() if linux and seccomp.available() else None

        def enter():
            os.setsid()
            _rlimits(limits)
            if linux:
                _prctl(PR_SET_NO_NEW_PRIVS, 1)
                _die_with(parent)
                if use_landlock:
                    landlock.restrict(readable, writable, list_only=view.listable)
                landlock.scope_signals()   # where the kernel can: kill(-1) reaches only the worker's own
                if program:
                    seccomp.load(program)

        argv = worker_argv(view.interpreter, os.path.join(w.folder, w.main), w.config)
        return argv, [], enter, w.workdir or w.scratch


BY_NAME = {cls.name: cls for cls in (Full, Container, Process)}


def file_guard(level):
    """How the level keeps a worker from the host's files, as recorded with every result."""
    if level == 'full':
        return 'allowlist: a root file system of binds (bubblewrap)'
    if landlock.abi_version() >= 1:
        return 'allowlist: Landlock'
    if level == 'container':
        return 'permissions: the kit, the results and the submissions locked from other users (no Landlock)'
    return 'none: the grading user\'s own permissions'



def process_level_warning():
    """What a run at the process level must say aloud: workers run as the grading user."""
    if landlock.abi_version() >= 1:
        return ('graded at the process isolation level: student code ran as the grading user, its files held '
                'to an allowlist by Landlock but its processes, network and memory not in a sandbox of their '
                'own; grade as root or with bubblewrap for a real sandbox')
    return ('graded at the process isolation level without Landlock: student code could read and change every '
            'file the grading user can; grade as root or with bubblewrap for a real sandbox')
