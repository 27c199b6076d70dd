"""A uid of its own for every running worker, and the sweep that ends every process of a uid.

Workers run as uids from ``UID_RANGE`` that nothing else on the machine uses. A grader takes one by locking
its file in ``LOCK_DIR`` (root's, mode 0700, so no worker can touch the locks), sweeps it (kills every
process left with that uid, e.g. by a grader that died) and gives it back when its worker has been stopped
and swept again. The kernel drops the lock of a grader that dies, so a uid is never lost.
"""
import errno
import fcntl
import os
import signal
import stat
import time

UID_RANGE = range(61000, 62000)
LOCK_DIR = '/run/bnkit-uids' if os.path.isdir('/run') else '/var/run/bnkit-uids'


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
    """A locked uid; ``release()`` (after the worker was swept) hands it back."""

    def __init__(self, uid, fd):
        self.uid, self._fd = uid, fd

    def release(self):
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


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
        fd = _try_lock(folder, uid)
        if fd is not None:
            sweep(uid)
            return Uid(uid, fd)
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


def sweep_orphans():
    """Sweep every sandbox uid that has processes but no grader holding its lock (its grader died)."""
    if os.geteuid() != 0 or not os.path.isdir(LOCK_DIR):
        return []
    uids = {u for pid in _all_pids() for u in (_uids_of(pid) or ()) if u in UID_RANGE}
    swept = []
    for uid in sorted(uids):
        fd = _try_lock(LOCK_DIR, uid)
        if fd is not None:
            try:
                sweep(uid)
                swept.append(uid)
            finally:
                os.close(fd)
    return swept
