"""What a validation run watches outside its outputs: the processes of the machine and the shared places.

Before the run the process table and the entries of the shared places are noted; after it, what is new
and belongs to the run (a process it left, a file a hostile submission made) is found, and at the end
ended or removed. This process is the subreaper of the run, so that no descendant can slip away by
double forking.
"""
import ctypes
import json
import os
import shutil
import time
from pathlib import Path

from autograder.sandbox import process_tree, uids
from autograder.validation.hostile import TRACE_PREFIX

PWNED = Path('/tmp/bnkit-pwned')   # what the pickle payload would create if anything ever unpickled it
SHARED_PLACES = ('/tmp', '/dev/shm', '/var/tmp')
# Places only root may write to: a hostile trace there means something became root.
ROOT_PLACES = ('/', '/etc', '/root', '/usr/local', '/var/lib', '/srv', '/autograder', '/autograder/source')
# Every uid the sandbox hands its workers lies in this range (61000-61999 today; 60000-64999 covers the
# per-grader uids of the single-module sandbox too).
SANDBOX_UIDS = range(60000, 65000)
# Set when the run has a PID and mount namespace of its own (``bnkit validate`` sets it when it contains
# itself, ``tests/containment.run_contained`` too): then every process in it is the run's, and, as root,
# it may mount a tmpfs on /autograder.
CONTAINED_ENV = 'BNKIT_VALIDATE_CONTAINED'
PR_SET_CHILD_SUBREAPER = 36


# ------------------------------------------------------------------------------------------------ processes

def process_table():
    """{pid: (real uid, effective uid, ppid, state, cmdline)} of every process this /proc shows."""
    table = {}
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        try:
            with open('/proc/%s/status' % name) as f:
                status = dict(line.split(':', 1) for line in f if ':' in line)
            with open('/proc/%s/cmdline' % name, 'rb') as f:
                cmdline = f.read().replace(b'\0', b' ').decode(errors='replace').strip()
            real, effective = (int(x) for x in status['Uid'].split()[:2])
            table[int(name)] = (real, effective, int(status['PPid']), status['State'].split()[0], cmdline)
        except (OSError, KeyError, ValueError):
            continue
    return table


def leftovers(before, markers):
    """Processes that belong to the run and are still there: adopted by this process (its subreaper), of a
    sandbox uid, or whose command line names the run's folder or a hostile trace."""
    me = os.getpid()
    found = {}
    for pid, (real, effective, ppid, state, cmdline) in process_table().items():
        if pid == me or pid in before or state in ('Z', 'X'):
            continue
        ours = ppid == me or any(m and m in cmdline for m in markers)
        # A process of a sandbox uid counts when no live run holds that uid's lease: then it was this run's
        # (or a dead run's). Another live run's workers are not this run's leftovers, and a run that is not
        # root leases no sandbox uid at all.
        orphaned = next((u for u in (real, effective) if u in SANDBOX_UIDS and os.geteuid() == 0
                         and not uids.is_leased(u)), None)
        if ours or orphaned is not None:
            found[pid] = (real, ppid, cmdline, ours)
    return found


def owner_of_process(pid, cmdline, variants):
    """The submission a leftover process ran, when it can be told: the notebook on the grader's command line,
    or the cells of the worker's folder (its cwd, or next to the program it runs)."""
    for variant in variants:
        if '/%s.ipynb' % variant.name in cmdline:
            return variant.name
    folders = ['/proc/%d/cwd' % pid] + [os.path.dirname(a) for a in cmdline.split() if a.startswith('/')]
    for folder in folders:
        try:
            with open(os.path.join(folder, 'cells.json')) as f:
                text = '\n'.join(c.get('source', '') for c in json.load(f) if isinstance(c, dict))
        except (OSError, ValueError, TypeError, AttributeError):
            continue
        for variant in variants:
            cells = [c for c in variant.cells.values() if c]
            if variant.kind == 'hostile' and cells and all(c.strip() in text for c in cells):
                return variant.name
    return None


def subreaper(on):
    """Make this process adopt its orphaned descendants, so none can slip away by double forking."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1 if on else 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


# ------------------------------------------------------------------------------------------------ shared places

def entries(places):
    out = {}
    for place in places:
        try:
            out[place] = set(os.listdir(place))
        except OSError:
            out[place] = set()
    return out


def remove(path):
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass


def clean_up(left, new_files, evidence):
    """End what the run left behind: its own processes, and the files its hostile submissions made."""
    contained = os.environ.get(CONTAINED_ENV) == '1'
    process_tree.signal_each([pid for pid, (_, _, _, ours) in left.items() if ours or contained])
    time.sleep(0.2)
    reap()
    for path in new_files:
        if os.path.basename(path).startswith(TRACE_PREFIX):
            remove(path)
    for paths in evidence.traces.values():
        for path in paths:
            if os.path.basename(path).startswith(TRACE_PREFIX):
                remove(path)
    if PWNED.exists():
        remove(str(PWNED))

