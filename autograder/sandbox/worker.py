"""One sandboxed worker: start it at a level, talk to it with deadlines and caps, stop every process of it.

The grader reads nothing the worker can write except two pipes: the protocol's (through ``wire.Reader``:
a deadline on every read, a cap on every message) and the worker's stdout/stderr, drained and thrown away
(its last bytes kept only to explain a sandbox that failed to start, to the instructor). No file in a
place the worker can write is ever opened. Stopping a worker kills its processes and checks that none is
left: by its uid (a uid of its own at the full and container levels), its cgroup, or, at the process
level, as the grader's orphaned descendants (the grader is their subreaper).
"""
import ctypes
import fcntl
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import cs231n

from autograder.sandbox import leftovers, lockdown, process_tree, uids, wire
from autograder.sandbox import view as views
from autograder.sandbox.cgroups import Cgroup
from autograder.sandbox.levels import BY_NAME
from autograder.sandbox.limits import Limits
from autograder.sandbox.student_api import StudentCodeError

HERE = Path(__file__).resolve().parent
WORKER_FILES = (HERE / 'worker_main.py', HERE / 'wire.py')
ENGINE_SIDE = HERE / 'side.py'
ENGINE_PLAIN = HERE / 'plain.py'   # imported by side.py
OUTPUT_TAIL = 4000
PR_SET_CHILD_SUBREAPER = 36


class SandboxError(RuntimeError):
    """The sandbox could not start or be cleaned up: the grader's failure, reported to the instructor."""

    def __init__(self, level, reason):
        super().__init__('the %s sandbox failed: %s' % (level, reason))
        self.level, self.reason = level, reason


def side_module(side_file):
    """The name the worker imports an assignment's operations under: its place in the kit's own layout."""
    return 'autograder.assignments.%s.side' % Path(side_file).resolve().parent.name


def _make_folder(side_file=None):
    """The worker's read-only folder, owned by the grader: its code, the students' cs231n, and a stripped
    ``autograder`` package holding only the engine's side.py (with plain.py) and the assignment's (empty ``__init__.py``s)::

        worker_main.py  wire.py  cs231n/
        autograder/__init__.py  autograder/sandbox/{__init__,side,plain}.py
        autograder/assignments/__init__.py  autograder/assignments/<Name>/{__init__,side}.py
    """
    folder = leftovers.make('bnkit-worker-')
    for path in WORKER_FILES:
        shutil.copy(path, folder)
    modules = {'autograder.sandbox.side': ENGINE_SIDE, 'autograder.sandbox.plain': ENGINE_PLAIN}
    if side_file is not None:
        modules[side_module(side_file)] = Path(side_file)
    for name, source in modules.items():
        parts = name.split('.')
        for depth in range(1, len(parts)):
            package = os.path.join(folder, *parts[:depth])
            os.makedirs(package, exist_ok=True)
            open(os.path.join(package, '__init__.py'), 'a').close()
        shutil.copy(source, os.path.join(folder, *parts) + '.py')
    shutil.copytree(Path(cs231n.__file__).parent, os.path.join(folder, 'cs231n'),
                    ignore=shutil.ignore_patterns('__pycache__'))
    for root, dirs, files in os.walk(folder):
        os.chmod(root, 0o755)
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)
    return folder


class Worker:
    """One sandboxed process holding one submission's code. Use as a context manager."""

    main = 'worker_main.py'     # what the sandbox runs, from its read-only folder
    packages = views.PACKAGES   # the distributions of site-packages it may import
    writable = ()               # folders besides its scratch space it may write, each at its own path
    workdir = None              # its working folder (default: its scratch space, or /tmp at the full level)

    def __init__(self, cells, limits=None, level='process', side_file=None):
        self.cells = cells              # [{'label': ..., 'source': ...}]
        self.side_file = side_file      # the assignment's side.py; without it, only the engine's operations
        self.limits = limits or Limits()
        self.level = level
        self.proc = None
        self.load_errors = []
        self.dead = None                # (kind, message) once the worker is gone
        self.deadline = None            # time.monotonic() by which the current check must end
        self.uid = self.cgroup = self.folder = self.scratch = None
        self.output_tail = b''
        self._started = False
        self.loaded = False             # its one submission's cells were sent (load)
        self.cleanup_error = None       # a SandboxError met while stopping after a failed call

    def environment(self, scratch):
        return {'PATH': '/usr/bin:/bin', 'HOME': scratch, 'TMPDIR': scratch, 'MPLCONFIGDIR': scratch,
                'LANG': 'C.UTF-8', 'MPLBACKEND': 'Agg', 'OPENBLAS_NUM_THREADS': '1', 'OMP_NUM_THREADS': '1',
                'MKL_NUM_THREADS': '1', 'PYTHONDONTWRITEBYTECODE': '1', 'PYTHONHASHSEED': '0'}

    # ------------------------------------------------------------ life cycle
    def start(self):
        return self.launch().load()

    def launch(self):
        """Start the sandbox up to its greeting: sandboxed, numpy imported, no student's code in it yet. So a
        worker can be launched while the previous submission is graded (``autograder.grading.prestart``)."""
        try:
            self._spawn()
            hello = self._receive(self.limits.start_timeout, 'starting the sandbox', sandbox_phase=True)
            if hello != {'started': True}:
                raise SandboxError(self.level, 'the worker answered %r instead of starting' % (hello,))
        except SandboxError:
            self.stop()
            raise
        self._started = True
        return self

    def load(self, cells=None):
        """Hand the launched worker its submission's cells (``cells``, or those it was made with). Once only:
        a worker serves one submission, ever, and is never given a second one's code."""
        if self.loaded:
            raise RuntimeError('this worker already holds a submission; a worker serves one only')
        self.loaded = True
        if cells is not None:
            self.cells = cells
        timeout = self.limits.start_timeout
        if self.deadline is not None:     # loading the code counts toward the submission's time
            timeout = max(0.0, min(timeout, self.deadline - time.monotonic()))
        self._send({'cells': self.cells}, time.monotonic() + timeout)
        hello = self._receive(max(0.0, timeout), 'loading your code')
        self.load_errors = [str(e)[:600] for e in hello.get('load_errors', [])][:50] if isinstance(hello, dict) else []
        return self

    def _make_folder(self):
        return _make_folder(self.side_file)

    def _prepare(self):
        """Everything the level's launch needs besides the command: the view, the read-only folder, a uid and a
        cgroup of its own (as root), its scratch space."""
        self.view = views.build(self.packages)
        self.folder = self._make_folder()
        as_root = os.geteuid() == 0 and self.level != 'process'
        try:
            if as_root:
                self.uid = uids.acquire()
                self.cgroup = Cgroup.create('bnkit-%d-%d' % (self.uid.uid, os.getpid()),
                                            self.limits.memory_mb << 20, self.limits.nproc)
            if self.level != 'full':
                self.scratch = leftovers.make('bnkit-scratch-')
                if self.uid:
                    os.chown(self.scratch, self.uid.uid, self.uid.uid)
        except (OSError, uids.UidError) as exc:
            raise SandboxError(self.level, str(exc)) from None
        if self.level == 'process' and sys.platform.startswith('linux'):
            # Orphans of the worker (a double fork, setsid) become our children, so stop() can find them.
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

    def _spawn(self):
        level = BY_NAME[self.level]()
        self._prepare()
        to_worker_r, self._to_worker = os.pipe()
        self._from_worker, from_worker_w = os.pipe()
        self._output, output_w = os.pipe()
        for fd in (self._to_worker, self._from_worker, self._output):
            os.set_inheritable(fd, False)
        fcntl.fcntl(self._output, fcntl.F_SETFL, os.O_NONBLOCK)
        fcntl.fcntl(self._to_worker, fcntl.F_SETFL, os.O_NONBLOCK)
        self.config = {'fd_in': to_worker_r, 'fd_out': from_worker_w, 'sys_path': list(self.view.sys_path),
                       'side_module': side_module(self.side_file) if self.side_file else None,
                       # at the full level the worker starts as root in its namespaces and becomes this uid first
                       'become': self.uid.uid if self.uid and self.level == 'full' else None}
        keep = ()
        try:
            argv, keep, enter, cwd = level.launch(self)
            self.proc = subprocess.Popen(
                argv, cwd=cwd, env=self.environment(self.scratch or '/tmp'), stdin=subprocess.DEVNULL,
                stdout=output_w, stderr=output_w, pass_fds=(to_worker_r, from_worker_w, *keep), preexec_fn=enter)
        except (OSError, subprocess.SubprocessError) as exc:
            raise SandboxError(self.level, 'could not start the worker: %s' % exc) from None
        finally:
            for fd in (to_worker_r, from_worker_w, output_w, *keep):
                os.close(fd)
        self._reader = wire.Reader(self._from_worker, max_bytes=self.limits.reply_mb << 20, on_idle=self._drain)

    def _drain(self, ready):
        """Empty the worker's output pipe; keep the last bytes only until the sandbox has started."""
        if self._output not in ready:
            return
        try:
            while True:
                chunk = os.read(self._output, 1 << 16)
                if not chunk:
                    self._close_output()
                    return
                if not self._started:
                    self.output_tail = (self.output_tail + chunk)[-OUTPUT_TAIL:]
        except BlockingIOError:
            pass

    def _close_output(self):
        if self._output is not None:
            os.close(self._output)
            self._output = None

    def _kill_everything(self):
        """Kill every process of this worker and verify none is left; raises SandboxError if one survives."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass
        survivors = []
        if self.cgroup and not self.cgroup.kill_all():
            survivors.append('processes left in its cgroup')
        if self.uid:
            try:
                uids.sweep(self.uid.uid)
            except uids.UidError as exc:
                survivors.append(str(exc))
        if self.level == 'process' and sys.platform.startswith('linux'):
            # This process is the subreaper of the worker's tree: all of it is below this process's children.
            alive = process_tree.kill_tree(lambda table: process_tree.children_of(os.getpid(), table))
            if alive:
                survivors.append('processes %s outlived every kill' % ', '.join(map(str, alive[:10])))
        if self.proc is not None:
            self.proc.wait()
        return survivors

    def stop(self):
        if self.cleanup_error:
            raise self.cleanup_error
        survivors = self._kill_everything()
        for fd in ('_to_worker', '_from_worker'):
            if getattr(self, fd, None) is not None:
                os.close(getattr(self, fd))
                setattr(self, fd, None)
        if getattr(self, '_output', None) is not None:
            self._close_output()
        if self.cgroup:
            self.cgroup.remove()
            self.cgroup = None
        for folder in (self.scratch, self.folder):
            if folder:
                leftovers.forget(folder)
        self.scratch = self.folder = None
        if self.uid and self.level == 'container' and not survivors:
            lockdown.remove_files_of(self.uid.uid)   # Landlock kept it out of them; without it, clean by owner
        if self.uid and not survivors:
            self.uid.release()
            self.uid = None
        if survivors:
            raise SandboxError(self.level, 'stopping the worker left processes running: ' + '; '.join(survivors))

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------ calls
    def _death_reason(self):
        try:
            code = self.proc.wait(timeout=5) if self.proc else None
        except subprocess.TimeoutExpired:
            code = None
        if self.cgroup and self.cgroup.hit_memory_limit():
            return 'limit', 'the memory limit (%d MB) was exceeded' % self.limits.memory_mb
        if code is not None and code < 0:
            if -code == signal.SIGXCPU:
                return 'limit', 'the CPU time limit (%d s) was exceeded' % self.limits.cpu_seconds
            return 'crash', 'the worker process was killed by %s' % signal.Signals(-code).name
        return 'crash', 'the worker process exited (exit code %s)' % code

    def _fail(self, kind, message):
        self.dead = (kind, message)
        try:
            self.stop()
        except SandboxError as exc:   # the student's call failed; that the cleanup failed is the grader's
            self.cleanup_error = exc
        raise StudentCodeError(message, kind=kind)

    def _sandbox_failed(self, what):
        tail = self.output_tail.decode(errors='replace').strip().splitlines()[-3:]
        raise SandboxError(self.level, what + (': ' + ' | '.join(tail) if tail else ''))

    def _extra_fds(self):
        return (self._output,) if self._output is not None else ()

    def _receive(self, timeout, doing, sandbox_phase=False):
        if self.dead:
            raise StudentCodeError(self.dead[1], kind=self.dead[0])
        try:
            return self._reader.read(time.monotonic() + timeout, self._extra_fds())
        except wire.WireTimeout:
            if sandbox_phase:
                self._sandbox_failed('the worker did not start within %g s' % timeout)
            self._fail('timeout', 'no answer after %g s while %s' % (timeout, doing))
        except EOFError:
            if sandbox_phase:
                self._drain_rest()
                self._sandbox_failed('the worker exited before it started (exit code %s)' % self.proc.wait())
            kind, message = self._death_reason()
            self._fail(kind, message + ' while ' + doing)
        except wire.WireError as exc:
            if sandbox_phase:
                self._sandbox_failed('the worker sent a malformed greeting (%s)' % exc)
            self._fail('crash', 'the worker sent a malformed answer (%s)' % exc)

    def _drain_rest(self):
        deadline = time.monotonic() + 1.0
        while self._output is not None and time.monotonic() < deadline:
            self._drain([self._output])
            time.sleep(0.01)

    def _send(self, obj, deadline):
        data = memoryview(wire.encode(obj))
        while data:
            timeout = deadline - time.monotonic()
            if timeout <= 0:
                self._fail('timeout', 'the worker stopped reading requests')
            _, writable, _ = select.select([*self._extra_fds()], [self._to_worker], [], timeout)
            self._drain(self._extra_fds())
            if writable:
                try:
                    data = data[os.write(self._to_worker, data[:1 << 16]):]
                except BlockingIOError:
                    continue
                except (BrokenPipeError, OSError):
                    kind, message = self._death_reason()
                    self._fail(kind, message)

    def call(self, op, *args, timeout=None, **kwargs):
        if self.dead:
            raise StudentCodeError(self.dead[1], kind=self.dead[0])
        start = time.monotonic()
        timeout = timeout or self.limits.call_timeout
        if self.deadline is not None:
            timeout = max(0.0, min(timeout, self.deadline - start))
        self._send({'op': op, 'args': list(args), 'kwargs': kwargs}, start + timeout)
        reply = self._receive(max(0.0, start + timeout - time.monotonic()), 'running %s' % op)
        if not isinstance(reply, dict) or ('ok' not in reply and 'error' not in reply):
            self._fail('crash', 'the worker sent an answer of the wrong form')
        if 'error' in reply:
            err = reply['error'] if isinstance(reply['error'], dict) else {}
            raise StudentCodeError(str(err.get('message', 'error'))[:600], kind=str(err.get('kind', 'exception')),
                                   exc_type=err.get('type') if isinstance(err.get('type'), str) else None)
        return reply['ok']
