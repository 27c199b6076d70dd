"""What the environment allows a run, read once at its start, and the kit's limits fitted inside it.

Batch systems, HPC login nodes, CI runners and containers start the grader under limits of their own: hard
rlimits it inherits (``ulimit -v``, ``-u``, ``-f``, ``-n``) and the memory and pids limits of the cgroup it
runs in. No process may raise a hard rlimit, so a grader that asked for more than it has would fail to start
its own processes. Instead the kit's limits are clamped to what is allowed (``fit``), the number of
parallel gradings is cut to what the memory holds (``jobs_that_fit``), each clamp is said in one line, and
a run whose allowance is too small to grade at all stops with one message naming the limit and the fix
(``too_small``). ``within`` is what every ``setrlimit`` of the kit goes through.
"""
import os
import resource
from dataclasses import dataclass, replace

from autograder.sandbox.cgroups import ROOT as CGROUP_ROOT
from autograder.sandbox.cgroups import own_cgroups

MB = 1 << 20
# The least address space a grading may have, with a margin: a correct notebook got full credit with every
# process held to 214 MB and failed to load at 176 MB (`ulimit -v N; bnkit grade complete.ipynb` with these
# minimums lowered, on this kit's machine), so 512 MB leaves more than twice the room. Below it the grader
# would fail mid-run, and that must never become a student's zero.
MIN_GRADER_MB = 512
MIN_WORKER_MB = 384
MIN_NOFILE = 256         # descriptors of one grader: pytest, the worker's three pipes, the results' files
MIN_NPROC = 16           # a grader, its worker, and a few threads of each
# The largest file a run writes is its class report (29 KB for 4 students, about 2 MB for 2,000) or a
# feedback page with its figures (tens of KB); past the limit a write kills the writer (SIGXFSZ), so a
# run under less than this would die mid-way, and that must never become a student's zero.
MIN_FSIZE_MB = 16
# What one parallel grading may hold at once in memory: its grader process (121 MB at its peak, measured
# in results.json's peak_memory_mb on the demo class) with room, and a worker at its whole memory limit,
# since a hostile one may use all of it.
GRADER_RESIDENT_MB = 300


@dataclass(frozen=True)
class Allowance:
    address_space_mb: int = None    # hard RLIMIT_AS of each process (None: unlimited)
    nproc: int = None               # hard RLIMIT_NPROC of the user
    fsize_kb: int = None            # hard RLIMIT_FSIZE: the largest file a process may write
    nofile: int = None              # hard RLIMIT_NOFILE
    cgroup_memory_mb: int = None    # the memory limit of the cgroup the run is in (or of one above it)
    cgroup_pids: int = None         # its pids limit

    def describe(self):
        """The limits that are set, in one line (empty when nothing limits the run)."""
        parts = [('address space (ulimit -v) %d MB', self.address_space_mb), ('processes (ulimit -u) %d', self.nproc),
                 ('file size (ulimit -f) %s', _size(self.fsize_kb)), ('open files (ulimit -n) %d', self.nofile),
                 ('cgroup memory %d MB', self.cgroup_memory_mb), ('cgroup pids %d', self.cgroup_pids)]
        return ', '.join(text % value for text, value in parts if value is not None)


def _size(kb):
    """A size in KB as a person reads it: MB from 1 MB on."""
    return None if kb is None else '%d MB' % (kb // 1024) if kb >= 1024 else '%d KB' % kb


def _hard(which, unit=1):
    hard = resource.getrlimit(which)[1]
    return None if hard == resource.RLIM_INFINITY else hard // unit


def within(which, value):
    """``value`` lowered to the hard limit this process has for ``which``: what setrlimit may set."""
    hard = resource.getrlimit(which)[1]
    return value if hard == resource.RLIM_INFINITY else min(value, hard)


def _read_number(path):
    try:
        with open(path) as f:
            text = f.read().strip()
    except OSError:
        return None
    if not text.isdigit():          # 'max' (v2) means no limit
        return None
    value = int(text)
    return None if value >= 1 << 60 else value      # v1 writes 'no limit' as a huge number


def _cgroup_limit(controller, v1_file, v2_file):
    """The smallest limit on the way from this process's cgroup up to the hierarchy's root."""
    own = own_cgroups()
    if controller in own:
        base, path, name = os.path.join(CGROUP_ROOT, controller), own[controller], v1_file
    elif '' in own:
        base, path, name = CGROUP_ROOT, own[''], v2_file
    else:
        return None
    limits = []
    parts = [p for p in path.split('/') if p]
    for depth in range(len(parts), -1, -1):
        value = _read_number(os.path.join(base, *parts[:depth], name))
        if value is not None:
            limits.append(value)
    return min(limits) if limits else None


def read():
    """The allowance of this process, now."""
    memory = _cgroup_limit('memory', 'memory.limit_in_bytes', 'memory.max')
    return Allowance(address_space_mb=_hard(resource.RLIMIT_AS, MB), nproc=_hard(resource.RLIMIT_NPROC),
                     fsize_kb=_hard(resource.RLIMIT_FSIZE, 1024), nofile=_hard(resource.RLIMIT_NOFILE),
                     cgroup_memory_mb=memory // MB if memory is not None else None,
                     cgroup_pids=_cgroup_limit('pids', 'pids.max', 'pids.max'))


def too_small(allowance):
    """The instructor's message when the allowance cannot hold one grading, else None."""
    checks = [
        (allowance.address_space_mb, MIN_GRADER_MB, 'the address-space limit (ulimit -v) is %d MB',
         'a grading process needs %d MB: raise it (`ulimit -v unlimited`, or ask the batch system for more memory)'),
        (allowance.cgroup_memory_mb, GRADER_RESIDENT_MB + MIN_WORKER_MB, "the cgroup's memory limit is %d MB",
         'one grading and its worker need %d MB: give the job or the container more memory'),
        (allowance.fsize_kb, MIN_FSIZE_MB * 1024, 'the file-size limit (ulimit -f) is %d KB',
         'grading needs %d KB: raise it (`ulimit -f unlimited`)'),
        (allowance.nofile, MIN_NOFILE, 'the open-files limit (ulimit -n) is %d',
         'grading needs %d: raise it (`ulimit -n 1024`)'),
        (allowance.nproc, MIN_NPROC, 'the process limit (ulimit -u) is %d', 'grading needs %d: raise it'),
        (allowance.cgroup_pids, MIN_NPROC, "the cgroup's pids limit is %d",
         'grading needs %d: raise it (e.g. `--pids-limit` of the container)'),
    ]
    for have, need, what, fix in checks:
        if have is not None and have < need:
            return 'cannot grade here: %s; %s.' % (what % have, fix % need)
    return None


def fit(limits, grader_memory_mb, allowance):
    """(the worker's limits, the grader process's memory, [what was clamped, one phrase each])."""
    notes = []
    memory, fsize, nproc = limits.memory_mb, limits.fsize_mb, limits.nproc
    if allowance.address_space_mb is not None:
        if memory > allowance.address_space_mb:
            notes.append('worker memory %d -> %d MB (ulimit -v)' % (memory, allowance.address_space_mb))
            memory = allowance.address_space_mb
        if grader_memory_mb > allowance.address_space_mb:
            notes.append('grader memory %d -> %d MB (ulimit -v)' % (grader_memory_mb, allowance.address_space_mb))
            grader_memory_mb = allowance.address_space_mb
    if allowance.cgroup_memory_mb is not None and memory > allowance.cgroup_memory_mb - GRADER_RESIDENT_MB:
        clamped = max(MIN_WORKER_MB, allowance.cgroup_memory_mb - GRADER_RESIDENT_MB)
        notes.append('worker memory %d -> %d MB (cgroup memory)' % (memory, clamped))
        memory = clamped
    if allowance.fsize_kb is not None and fsize > allowance.fsize_kb // 1024:
        notes.append('worker file size %d -> %d MB (ulimit -f)' % (fsize, allowance.fsize_kb // 1024))
        fsize = allowance.fsize_kb // 1024
    if allowance.nproc is not None and nproc > allowance.nproc:
        notes.append('worker processes %d -> %d (ulimit -u)' % (nproc, allowance.nproc))
        nproc = allowance.nproc
    return replace(limits, memory_mb=memory, fsize_mb=fsize, nproc=nproc), grader_memory_mb, notes


def jobs_that_fit(jobs, limits, allowance):
    """(parallel gradings, a phrase when cut): each may hold a grader and a worker at its memory limit."""
    if allowance.cgroup_memory_mb is None:
        return jobs, None
    fitting = max(1, allowance.cgroup_memory_mb // (GRADER_RESIDENT_MB + limits.memory_mb))
    if fitting >= jobs:
        return jobs, None
    return fitting, 'jobs %d -> %d (cgroup memory %d MB)' % (jobs, fitting, allowance.cgroup_memory_mb)


class AllowanceTooSmall(RuntimeError):
    """The environment's limits cannot hold one grading: the instructor's message names the limit and the fix."""


@dataclass(frozen=True)
class Fitted:
    limits: object            # the worker's Limits, clamped
    jobs: int                 # parallel gradings that fit
    grader_memory_mb: int     # each grader process's address space
    line: str                 # what the environment limits and what was clamped, in one line (or '')


def fitted(limits, jobs, grader_memory_mb, allowance=None):
    """The run's limits fitted to the environment's ``allowance`` (read now by default)."""
    allowance = allowance or read()
    problem = too_small(allowance)
    if problem:
        raise AllowanceTooSmall(problem)
    limits, grader_memory_mb, notes = fit(limits, grader_memory_mb, allowance)
    jobs, cut = jobs_that_fit(jobs, limits, allowance)
    notes += [cut] if cut else []
    described = allowance.describe()
    line = ''
    if described:
        line = 'environment limits: %s; %s' % (described, ('clamped ' + ', '.join(notes)) if notes
                                               else "the kit's own limits fit inside them")
    return Fitted(limits, jobs, grader_memory_mb, line)
