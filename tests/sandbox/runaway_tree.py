"""A runaway process tree ended by ``process_tree.kill_tree`` (run it inside ``run_contained``: it is a
bounded fork bomb).

    python tests/sandbox/runaway_tree.py OUT.json

This process becomes a subreaper and starts a fork bomb below it (``runaway``): the live processes fork as
fast as they can and some move down a generation, reparented here, all the time. Then the tree is ended,
and OUT.json says how many of its processes were still alive a moment later.
"""
import ctypes
import json
import os
import resource
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from autograder.sandbox import process_tree  # noqa: E402

BOMB_UID = 59999          # no one else's: RLIMIT_NPROC counts this uid's processes only
BOMB_PROCESSES = 48


def runaway():
    """A fork bomb, as a student's ``while True: os.fork()``, held to BOMB_PROCESSES by RLIMIT_NPROC under a
    uid of its own (root's own processes are not counted), while its first process forks and exits over and
    over (a chain that moves down a generation, reparented here each time)."""
    os.setsid()
    os.setgid(BOMB_UID)
    os.setuid(BOMB_UID)
    resource.setrlimit(resource.RLIMIT_NPROC, (BOMB_PROCESSES, BOMB_PROCESSES))
    while True:
        try:
            if os.fork() and os.getpid() % 3 == 0:
                os._exit(0)
        except OSError:
            pass


def ours():
    return [p for p in process_tree.descendants([os.getpid()], process_tree.parents()) if p != os.getpid()
            and process_tree._state(p) not in ('Z', 'X')]


def main():
    out = sys.argv[1]
    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)     # PR_SET_CHILD_SUBREAPER
    if not os.fork():
        runaway()
    time.sleep(1.0)
    started = len(ours())
    process_tree.kill_tree(lambda table: process_tree.children_of(os.getpid(), table))
    time.sleep(0.5)
    left = ours()
    Path(out).write_text(json.dumps({'alive_before': started, 'alive_after': len(left)}))
    for pid in left:                            # the namespace's end takes the rest anyway
        os.kill(pid, signal.SIGKILL)


if __name__ == '__main__':
    main()
