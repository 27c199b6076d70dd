"""Running a grader under test where deliberately hostile code cannot reach anything else.

``run_contained`` starts the command in PID and mount namespaces of its own (``unshare --pid --fork --mount
--mount-proc``, available to root here), with private size-capped tmpfs mounts on /tmp, /dev/shm and
/var/tmp, under outer limits on memory (prlimit) and wall time. A kill(-1) or a fork bomb that escaped the
grader's own sandbox would end at the namespace's edge, files it leaves in a shared place vanish with the
namespace, and the whole namespace dies when the test is done with it.

What the command needs from the private places stays visible: the checkout, the Python installation, the
current folder and every existing path among the arguments (or the nearest existing folder above one that
does not exist yet) are bound back at their own paths. A checkout cloned into /tmp works the same way.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.sandbox.levels import unreachable_ancestor

ROOT = Path(__file__).resolve().parent.parent
DOCKERLIKE = str(ROOT / 'tests' / 'dockerlike.py')
NOBODY = 65534
PRIVATE_PLACES = {'/tmp': '2g', '/dev/shm': '1g', '/var/tmp': '1g'}
CONTAINED_ENV = 'BNKIT_VALIDATE_CONTAINED'   # tells `bnkit validate` it is contained already

# Runs as the namespace's first process, as root: builds the private places, binds back what must stay
# visible, makes some paths reachable for other users, then runs the command and waits for it. When it
# returns, the namespace and everything left in it die.
INIT = r'''
import ctypes, json, os, sys
config = json.loads(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)
MS_BIND, MS_REC, MS_RDONLY, MS_REMOUNT = 4096, 0x4000, 1, 32


def mount(source, target, fstype, flags, data):
    if libc.mount(source.encode(), target.encode(), fstype and fstype.encode(), flags, data and data.encode()):
        errno = ctypes.get_errno()
        raise OSError(errno, 'mount %s on %s: %s' % (source, target, os.strerror(errno)))


def bind_back(fds):
    for path, fd in fds:
        os.makedirs(path, exist_ok=True)
        mount('/proc/self/fd/%d' % fd, path, None, MS_BIND | MS_REC, None)
        os.close(fd)


keep = [(p, os.open(p, os.O_PATH)) for p in config['keep']]
for place, size in config['private'].items():
    mount('tmpfs', place, 'tmpfs', 0, 'mode=1777,size=%s' % size)
bind_back(keep)
for blocked, paths in config['reachable'].items():
    held = [(p, os.open(p, os.O_PATH)) for p in paths]
    mount('tmpfs', blocked, 'tmpfs', 0, 'mode=755,size=1m')
    bind_back(held)
os.environ.update(config['env'])
# Stay as the namespace's init (which kill(-1) never reaches) and run the command as an ordinary process.
command = os.fork()
if command == 0:
    os.execvp(config['argv'][0], config['argv'])
while True:
    try:
        pid, status = os.waitpid(-1, 0)     # reaps orphans too, as an init does
    except ChildProcessError:
        sys.exit(1)
    if pid == command:
        code = os.waitstatus_to_exitcode(status)
        sys.exit(code if code >= 0 else 128 - code)
'''


def containment_available():
    return sys.platform.startswith('linux') and os.geteuid() == 0 and bool(shutil.which('unshare')) \
        and bool(shutil.which('prlimit'))


def require_containment():
    if not containment_available():
        pytest.skip('hostile-code tests need root and util-linux unshare/prlimit to run inside their own PID '
                    'namespace; this machine offers neither, so they are not run here')


def _under(path, folder):
    return path == folder or path.startswith(folder.rstrip('/') + '/')


def paths_to_keep(args, extra=()):
    """Existing folders under the private places that the command needs: the checkout, the interpreter's
    installation, the current folder, and those named by the arguments (outermost only)."""
    wanted = [str(ROOT), sys.prefix, sys.base_prefix, os.path.dirname(sys.executable), os.getcwd()]
    wanted += [a for a in map(str, args) if a.startswith('/')] + [str(e) for e in extra]
    found = set()
    for path in wanted:
        path = os.path.abspath(path)
        for candidate in (path, os.path.realpath(path)):
            while candidate != '/' and not os.path.isdir(candidate):
                candidate = os.path.dirname(candidate)
            if any(_under(candidate, p) and candidate != p for p in PRIVATE_PLACES):
                found.add(candidate)
    outermost = sorted(found, key=len)
    return [p for i, p in enumerate(outermost) if not any(_under(p, q) for q in outermost[:i])]


def _reachable_plan(paths):
    """{blocked ancestor: [paths under it to bind back]} so that other users can reach ``paths``."""
    plan = {}
    for path in paths:
        path = os.path.realpath(path)
        blocked = unreachable_ancestor(os.path.join(path, 'x'))
        if blocked:
            plan.setdefault(blocked, []).append(path)
    return {b: sorted(set(ps), key=len) for b, ps in plan.items()}


def run_contained(args, timeout=600, memory_gb=8, env=None, keep=(), reachable=(), private=None):
    """Run args (a list) in its own PID and mount namespaces with private /tmp, /dev/shm and /var/tmp and
    outer limits; returns the CompletedProcess.

    ``keep``: more paths under the private places to keep visible. ``reachable``: paths an unprivileged user
    must be able to reach (each folder above them that other users cannot search is replaced by an empty
    one holding just these paths), for commands that drop root themselves. ``private``: more places to get
    a private tmpfs of the given size (e.g. ``{'/run': '64m'}``)."""
    require_containment()
    args = [str(a) for a in args]
    config = {
        'keep': paths_to_keep(args, keep),
        'private': {**PRIVATE_PLACES, **(private or {})},
        'reachable': _reachable_plan(reachable),
        'env': {CONTAINED_ENV: '1'},
        'argv': ['prlimit', '--as=%d' % (memory_gb << 30), '--'] + args,
    }
    cmd = ['unshare', '--pid', '--fork', '--mount', '--propagation', 'private', '--mount-proc', '--kill-child',
           sys.executable, '-I', '-c', INIT, json.dumps(config)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, start_new_session=True)


def at_level(level, argv):
    """``argv`` as it runs to rehearse an isolation level from inside run_contained: as root (full); as root
    without CAP_SYS_ADMIN under Docker's default seccomp refusals (container); as uid 65534 with user
    namespaces refused too (process)."""
    if level == 'full':
        return list(argv)
    dockerlike = [sys.executable, DOCKERLIKE] + list(argv)
    if level == 'container':
        return ['capsh', '--drop=cap_sys_admin', '--', '-c', 'exec "$@"', 'capsh'] + dockerlike
    return ['setpriv', '--reuid=%d' % NOBODY, '--regid=%d' % NOBODY, '--clear-groups'] + dockerlike
