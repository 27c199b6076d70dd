"""A control group per worker, where the grader may create one: limits that cover the whole sandbox.

Rlimits are per process: a worker that forks gets a fresh address-space allowance in every child, and
tmpfs pages count against no process. A cgroup's memory limit counts all of it (processes, their page
cache, the sandbox's tmpfs), its pids limit counts every task, and its member list is how a stopped
worker is verified gone. Both cgroup v1 (memory and pids hierarchies) and a delegated v2 subtree work; when
neither can be written (most containers), ``create`` returns None and the rlimits remain.
"""
import os
import time

from autograder.sandbox import process_tree

ROOT = '/sys/fs/cgroup'


def own_cgroups():
    """{controller: path relative to its hierarchy} for this process; '' is the v2 unified hierarchy."""
    own = {}
    try:
        with open('/proc/self/cgroup') as f:
            for line in f:
                _, controllers, path = line.rstrip('\n').split(':', 2)
                for c in controllers.split(',') if controllers else ['']:
                    own[c] = path
    except OSError:
        pass
    return own


def _write(path, value):
    with open(path, 'w') as f:
        f.write(str(value))


class Cgroup:
    def __init__(self, folders, kind):
        self.folders = folders        # the cgroup folders this worker joins
        self.kind = kind              # 'v1' or 'v2'

    @classmethod
    def create(cls, name, memory_bytes, max_tasks):
        own = own_cgroups()
        made = []
        try:
            if 'memory' in own and 'pids' in own:                    # v1
                memory = os.path.join(ROOT, 'memory', own['memory'].lstrip('/'), name)
                pids = os.path.join(ROOT, 'pids', own['pids'].lstrip('/'), name)
                for folder in (memory, pids):
                    os.mkdir(folder)
                    made.append(folder)
                _write(os.path.join(memory, 'memory.limit_in_bytes'), memory_bytes)
                if os.path.exists(os.path.join(memory, 'memory.memsw.limit_in_bytes')):
                    _write(os.path.join(memory, 'memory.memsw.limit_in_bytes'), memory_bytes)
                _write(os.path.join(pids, 'pids.max'), max_tasks)
                return cls(made, 'v1')
            if '' in own and os.path.exists(os.path.join(ROOT, 'cgroup.controllers')):   # v2
                folder = os.path.join(ROOT, own[''].lstrip('/'), name)
                os.mkdir(folder)
                made.append(folder)
                _write(os.path.join(folder, 'memory.max'), memory_bytes)
                _write(os.path.join(folder, 'memory.swap.max'), 0)
                _write(os.path.join(folder, 'pids.max'), max_tasks)
                return cls(made, 'v2')
        except OSError:
            for folder in reversed(made):
                try:
                    os.rmdir(folder)
                except OSError:
                    pass
        return None

    def join(self):
        """Move the calling process in (the launcher calls this in the child, before dropping privileges)."""
        for folder in self.folders:
            _write(os.path.join(folder, 'cgroup.procs'), os.getpid())

    def members(self):
        pids = set()
        for folder in self.folders:
            try:
                with open(os.path.join(folder, 'cgroup.procs')) as f:
                    pids.update(int(line) for line in f if line.strip())
            except OSError:
                pass
        return pids

    def hit_memory_limit(self):
        for folder in self.folders:
            for name in ('memory.events', 'memory.oom_control'):   # v2, v1
                try:
                    with open(os.path.join(folder, name)) as f:
                        text = f.read()
                except OSError:
                    continue
                for line in text.splitlines():
                    parts = line.split()
                    if len(parts) == 2 and parts[0] == 'oom_kill' and int(parts[1]) > 0:
                        return True
        return False

    def kill_all(self, patience=5.0):
        """SIGKILL every member until the group is empty; True when it is."""
        deadline = time.monotonic() + patience
        while True:
            pids = self.members()
            if not pids:
                return True
            if time.monotonic() > deadline:
                return False
            process_tree.signal_each(pids)
            time.sleep(0.01)

    def remove(self):
        self.kill_all()
        for folder in self.folders:
            for _ in range(100):
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)   # the last members are still being reaped
