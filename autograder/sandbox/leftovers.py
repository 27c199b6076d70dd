"""The sandbox's temporary folders, and the sweep of those a killed grader left behind.

A grader that stops normally removes its worker's folders. One that is killed (SIGKILL, the OOM killer, a
node that loses its job) cannot, and its folders would stay in the temporary folder for good. So every such
folder is made by ``make``, with a marker file on which its maker holds an exclusive lock for as long as it
lives: the kernel drops the lock with the process, however it dies, and every PID namespace sees the same
lock. ``sweep`` (at the start of every run) removes each folder whose marker's lock is free. A folder
without a marker is never touched: it is not ours, or its worker removed the marker from its own scratch
space, and then only that student's run keeps a folder.
"""
import fcntl
import os
import shutil
import tempfile

PREFIXES = ('bnkit-worker-', 'bnkit-scratch-', 'bnkit-kernel-')
MARKER = '.bnkit-owner'
_held = {}          # folder -> the descriptor of its marker, locked while this process lives


def make(prefix):
    """A new folder in the temporary folder, locked as this process's until ``forget``."""
    folder = tempfile.mkdtemp(prefix=prefix)
    fd = os.open(os.path.join(folder, MARKER), os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    _held[folder] = fd
    return folder


def forget(folder):
    """Remove ``folder`` (made by ``make``) and drop its lock."""
    shutil.rmtree(folder, ignore_errors=True)   # fd-based on Linux: follows no symlink
    fd = _held.pop(folder, None)
    if fd is not None:
        os.close(fd)


def sweep(place=None):
    """Remove the folders of dead makers in ``place`` (the temporary folder); returns their paths."""
    place = place or tempfile.gettempdir()
    removed = []
    try:
        names = os.listdir(place)
    except OSError:
        return removed
    for name in names:
        folder = os.path.join(place, name)
        if not name.startswith(PREFIXES) or folder in _held:
            continue
        try:
            fd = os.open(os.path.join(folder, MARKER), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue        # its maker is alive
        finally:
            os.close(fd)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed
