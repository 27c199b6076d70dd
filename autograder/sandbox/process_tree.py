"""Ending a tree of processes that may be forking as fast as it can (a fork bomb, a double fork, setsid).

Killing a parent's direct children over and over loses to a tree that forks faster than the loop turns: each
pass kills one generation while the next is born and reparented. So the tree is frozen first. A pass over
/proc finds every descendant of the roots, stops it (a stopped process can neither fork nor exit) and waits
until it has stopped; the passes go on until one finds nothing new; then the whole frozen tree, checked once more, is killed at once.
A pid is signalled only while it is seen in the tree, so a pid reused by an unrelated process is never hit.

Linux only (it reads /proc); callers check the platform.
"""
import os
import signal
import time

PASSES = 200            # a tree that still grows after this many passes is reported, not chased forever
REAP_SECONDS = 1.0      # how long the killed direct children are waited for


def parents():
    """{pid: parent pid} of every process visible now."""
    table = {}
    for name in os.listdir('/proc'):
        if name.isdigit():
            try:
                with open('/proc/%s/stat' % name, 'rb') as f:
                    # The command name before ')' may hold spaces and parentheses: split after the last one.
                    table[int(name)] = int(f.read().rsplit(b')', 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    return table


def children_of(pid, table=None):
    return [p for p, parent in (parents() if table is None else table).items() if parent == pid]


def descendants(roots, table):
    """The roots that are still there and everything below them in ``table``."""
    below = {}
    for pid, parent in table.items():
        below.setdefault(parent, []).append(pid)
    found, todo = set(), [r for r in roots if r in table]
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(below.get(pid, ()))
    return found


def signal_each(pids, sig=signal.SIGKILL):
    """Send ``sig`` to each of ``pids`` that still exists and may be signalled."""
    for pid in pids:
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def kill_tree(roots_in):
    """Stop, then kill, every process at or below the roots that ``roots_in(table)`` names in a table of
    ``parents()`` (asked again each pass: an orphan may be reparented to a root's parent meanwhile).

    Returns the pids of the tree that were still alive afterwards (none, unless it outgrew the passes or a
    process could not be signalled)."""
    stopped = set()
    for _ in range(PASSES):
        table = parents()
        new = descendants(roots_in(table), table) - stopped
        if not new:
            break
        signal_each(new, signal.SIGSTOP)
        stopped |= new
        _wait_stopped(new)
    table = parents()
    frozen = stopped & descendants(roots_in(table), table)   # frozen, so it cannot have changed but by a kill
    signal_each(frozen)
    return _wait_gone(frozen)


def _wait_stopped(pids):
    """Wait until the signalled processes have really stopped: a stop is delivered on the way back to user
    space, and a process caught inside fork() gives birth first. Its child is then seen by the next pass."""
    deadline = time.monotonic() + REAP_SECONDS
    running = set(pids)
    while running and time.monotonic() < deadline:
        running = {pid for pid in running if _state(pid) not in ('T', 't', 'Z', 'X')}
        if running:
            time.sleep(0.001)


def _wait_gone(pids):
    """Collect the killed processes that are our own children (so none stays a zombie) and wait a moment for
    the others to go; returns those still alive."""
    alive = set(pids)
    deadline = time.monotonic() + REAP_SECONDS
    while alive:
        for pid in list(alive):
            try:
                if os.waitpid(pid, os.WNOHANG)[0]:
                    alive.discard(pid)
                    continue
            except ChildProcessError:   # not our child: someone else reaps it
                pass
            if _state(pid) in ('Z', 'X'):
                alive.discard(pid)
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.005)
    return sorted(alive)


def _state(pid):
    try:
        with open('/proc/%d/stat' % pid, 'rb') as f:
            return f.read().rsplit(b')', 1)[1].split()[0].decode()
    except (OSError, IndexError):
        return 'X'
