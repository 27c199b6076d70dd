"""A uid of its own for every running worker, leased so that no two runs on a machine hold the same one.

Workers run as uids from ``UID_RANGE`` that nothing else on the machine uses. A grader leases one with two
locks, both of which the kernel drops when the grader dies, so a lease is never lost:

- its file in ``LOCK_DIR`` (root's, mode 0700, so no worker can touch the locks), locked with flock;
- the abstract socket name ``bnkit-uid-<uid>``, bound: abstract names belong to the network namespace, not
  to a file system, so runs whose ``/run`` differs (a private mount namespace, a container sharing the
  host's network) still cannot lease the same uid.

A new lease sweeps its uid first (kills every process left with it: by a grader that died, whose lease is
gone with it), and the worker's stop sweeps it again before the lease is given back. Nothing sweeps a uid
it has not leased: another run's workers are that run's business.
"""
import errno
import fcntl
import os
import signal
import socket
import stat
import time

UID_RANGE = range(61000, 62000)
# /run is read-only in a container started with --read-only: then /tmp (_lock_dir refuses a folder not root's own)
LOCK_DIR = next((d + '/bnkit-uids' for d in ('/run', '/var/run') if os.access(d, os.W_OK)), '/tmp/bnkit-uids')


class UidError(RuntimeError):
    pass


def _lock_dir():
    try:
        os.mkdir(LOCK_DIR, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(LOCK_DIR)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != 0 or info.st_mode & 0o077:
        raise UidError('%s must be a folder owned by root with mode 0700; remove it and run again' % LOCK_DIR)
    return LOCK_DIR


class Uid:
    """A leased uid; ``release()`` (after the worker was swept) hands it back."""

    def __init__(self, uid, fd, name):
        self.uid, self._fd, self._name = uid, fd, name

    def release(self):
        if self._fd is not None:
            self._name.close()
            os.close(self._fd)
            self._fd = self._name = None


def _bind_name(uid):
    """The bound abstract socket ``bnkit-uid-<uid>``, or None when another process holds the name."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        sock.bind(b'\0bnkit-uid-%d' % uid)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            return None
        raise
    sock.set_inheritable(False)
    return sock


def _lease(folder, uid):
    """(lock file descriptor, bound name) when both locks of ``uid`` were free, else None."""
    fd = _try_lock(folder, uid)
    if fd is None:
        return None
    name = _bind_name(uid)
    if name is None:
        os.close(fd)
        return None
    return fd, name


def is_leased(uid):
    """Whether a live grader holds ``uid``'s lease (here: its lock file, or its name in this network)."""
    if os.geteuid() != 0 or not os.path.isdir(LOCK_DIR):
        return False
    held = _lease(LOCK_DIR, uid)
    if held is None:
        return True
    held[1].close()
    os.close(held[0])
    return False


def _try_lock(folder, uid):
    fd = os.open(os.path.join(folder, str(uid)), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return None
        raise
    return fd


def acquire():
    """A free uid, locked and swept clean (root only)."""
    folder = _lock_dir()
    start = os.getpid() % len(UID_RANGE)
    for i in range(len(UID_RANGE)):
        uid = UID_RANGE[(start + i) % len(UID_RANGE)]
        held = _lease(folder, uid)
        if held is not None:
            sweep(uid)
            return Uid(uid, *held)
    raise UidError('all %d sandbox uids are in use' % len(UID_RANGE))


def _uids_of(pid):
    """(real, effective) uid of a live process, from /proc/PID/status, which the kernel writes; None when
    it is gone or only a zombie (a zombie runs nothing and holds nothing; its parent reaps it)."""
    try:
        with open('/proc/%s/status' % pid, 'rb') as f:
            for line in f:
                if line.startswith(b'State:') and line.split()[1] in (b'Z', b'X'):
                    return None
                if line.startswith(b'Uid:'):
                    real, effective = line.split()[1:3]
                    return int(real), int(effective)
    except (OSError, ValueError, IndexError):
        pass
    return None


def _all_pids():
    return [int(name) for name in os.listdir('/proc') if name.isdigit()]


def processes_of(uid):
    """Pids of the processes whose real or effective uid is ``uid``."""
    return [pid for pid in _all_pids() if uid in (_uids_of(pid) or ())]


def sweep(uid, patience=5.0):
    """Kill every process of ``uid`` until none is left; returns how many were killed. Raises if some survive.

    A fork bomb can make new processes while we kill, so this repeats; SIGKILL to every process of the uid
    (with kill(2) as root) leaves it no way to hide: the uid limit (RLIMIT_NPROC) bounds how many there are.
    """
    killed, deadline = 0, time.monotonic() + patience
    while True:
        pids = processes_of(uid)
        if not pids:
            return killed
        if time.monotonic() > deadline:
            raise UidError('%d process(es) of sandbox uid %d survived being killed' % (len(pids), uid))
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
        time.sleep(0.01)


