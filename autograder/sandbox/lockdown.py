"""The container level's fallback where the kernel offers no Landlock: hide by permissions, clean by owner.

Without Landlock a worker's uid sees the host's files as any other user would. Before any student code
runs, ``lock`` takes every permission of group and others from the places that hold what no worker may
read (the kit's code and answer key, the class's submissions, the results), keeping open only the folders
on the way to what a worker needs (``view``), so the Python installation stays usable; the grader, as
root, still reads them. After a worker stops, ``remove_files_of`` deletes what its uid left in the
world-writable folders. Weaker than Landlock (reads are denied by the places listed, not by an
allowlist), which is why the level records which of the two it used.
"""
import os
import shutil
import stat
import sys
from pathlib import Path

import autograder
import solutions

SHARED_WRITABLE = ('/tmp', '/var/tmp', '/dev/shm', '/run/lock', '/var/lock', '/dev/mqueue')


def kit_paths():
    """The kit's private places: its packages and, in a source checkout, the checkout's folders."""
    paths = {Path(autograder.__file__).resolve().parent, Path(solutions.__file__).resolve().parent}
    root = Path(autograder.__file__).resolve().parent.parent
    if (root / 'pyproject.toml').is_file() and (root / 'source').is_dir():
        paths.add(root)
    return paths


def _needed(path, keep):
    path = str(path).rstrip('/') + '/'
    return any(k == path[:-1] or k.startswith(path) for k in keep)


def lock(roots, keep):
    """go-rwx on each root, or, where a root holds something in ``keep``, on each of its other children."""
    keep = [str(Path(k).resolve()) for k in keep]
    locked = []
    todo = [Path(r).resolve() for r in roots]
    while todo:
        path = todo.pop()
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(info.st_mode):
            continue
        if _needed(path, keep) and stat.S_ISDIR(info.st_mode):
            if not any(str(path) == k for k in keep):
                todo.extend(path.iterdir())
            continue
        os.chmod(path, stat.S_IMODE(info.st_mode) & 0o700)
        locked.append(str(path))
    return locked


def remove_files_of(uid, folders=SHARED_WRITABLE):
    """Delete the entries owned by ``uid`` at the top of the world-writable folders; returns what went."""
    removed = []
    for folder in folders:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            path = os.path.join(folder, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue
            if info.st_uid != uid:
                continue
            if stat.S_ISDIR(info.st_mode):
                shutil.rmtree(path, ignore_errors=True)   # fd-based on Linux: follows no symlink
            else:
                try:
                    os.unlink(path)
                except OSError:
                    continue
            removed.append(path)
    return removed


def needed_by_workers(view):
    return [*view.readable, os.path.realpath(sys.prefix)]
