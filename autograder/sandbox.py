"""Starting, talking to and stopping the sandboxed worker that runs one submission's code.

Isolation levels (``isolation_level()``):

- ``namespaces`` (root on Linux with util-linux ``unshare``, as on these machines and on Gradescope):
  new PID, mount and network namespaces; the kit's folders, the submissions and the output folder are
  hidden under empty read-only mounts; an unprivileged uid with no_new_privs; rlimits on memory, CPU time,
  processes, file size. A kill(-1) or a fork bomb reaches only the namespace, which dies with its worker.
- ``basic`` (anywhere else): a separate process in its own session with the same rlimits, a clean
  environment and an import blocker. Weaker: the worker runs as the grader's user.
"""
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder import wire
from autograder.student_api import StudentCodeError

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
WORKER_FILES = ('worker_main.py', 'wire.py', 'student_side.py')


@dataclass
class Limits:
    memory_mb: int = 2048         # address space of the worker
    cpu_seconds: int = 300        # CPU time of the worker over its whole life
    nproc: int = 64               # processes of the worker's uid
    fsize_mb: int = 64            # largest file the worker may write
    call_timeout: float = 60.0    # wall clock for one call into student code
    start_timeout: float = 60.0   # wall clock for loading the submission's cells


def isolation_level():
    if sys.platform.startswith('linux') and os.geteuid() == 0 and shutil.which('unshare') and shutil.which('mount'):
        return 'namespaces'
    return 'basic'


def hidden_paths(extra=()):
    """Folders a worker must not see: the kit (answer key, grader, source notebook) and the class's files.

    Every top-level folder of the kit is hidden except the framework students have anyway and the one
    holding the Python environment (a virtualenv inside the checkout), which the worker runs on.
    """
    import solutions
    prefix = Path(sys.prefix).resolve()
    paths = {PACKAGE_DIR, Path(solutions.__file__).resolve().parent}
    if (ROOT / 'pyproject.toml').is_file() and (ROOT / 'source').is_dir():
        # A source checkout (editable install): its source/, release/, tests/ ... go out of sight too.
        # Installed from a wheel, ROOT is site-packages, where only the two packages above are the kit's.
        for child in ROOT.iterdir():
            if child.is_dir() and child.name != 'cs231n' and not prefix.is_relative_to(child.resolve()):
                paths.add(child.resolve())
    paths.update(Path(p).resolve() for p in extra)
    return sorted(str(p) for p in paths if p.is_dir() and not prefix.is_relative_to(p))


def _sandbox_uid():
    # One uid per grader process, so parallel workers cannot signal or crowd each other.
    return 60000 + os.getpid() % 5000


def _clean_env(home):
    env = {'PATH': '/usr/bin:/bin', 'HOME': str(home), 'LANG': 'C.UTF-8', 'MPLBACKEND': 'Agg',
           'OPENBLAS_NUM_THREADS': '1', 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1', 'PYTHONDONTWRITEBYTECODE': '1'}
    return env


class Worker:
    """One sandboxed process holding one submission's code. Use as a context manager."""

    def __init__(self, cells, limits=None, hide=(), isolation=None):
        self.cells = cells              # [{'label': ..., 'source': ...}]
        self.limits = limits or Limits()
        self.hide = hide
        self.isolation = isolation or isolation_level()
        self.proc = None
        self.load_errors = []
        self.dead = None                # why the worker is gone, once it is
        self.deadline = None            # time.monotonic() by which the current check must end

    # ------------------------------------------------------------ life cycle
    def start(self):
        self.dir = Path(tempfile.mkdtemp(prefix='bnkit-worker-'))
        for name in WORKER_FILES:
            shutil.copy(PACKAGE_DIR / name, self.dir / name)
        import cs231n
        shutil.copytree(Path(cs231n.__file__).parent, self.dir / 'cs231n',
                        ignore=shutil.ignore_patterns('__pycache__'))
        (self.dir / 'cells.json').write_text(json.dumps(self.cells))
        to_worker_r, self._to_worker = os.pipe()
        self._from_worker, from_worker_w = os.pipe()
        config = dict(asdict(self.limits), fd_in=to_worker_r, fd_out=from_worker_w,
                      hide=hidden_paths(self.hide) if self.isolation == 'namespaces' else [],
                      uid=_sandbox_uid(), is_limited=self.isolation == 'namespaces',
                      expose=sorted({str(Path(sys.base_prefix).resolve()), str(Path(sys.prefix).resolve())}))
        (self.dir / 'config.json').write_text(json.dumps(config))
        main = str(self.dir / 'worker_main.py')
        if self.isolation == 'namespaces':
            for path in self.dir.rglob('*'):
                os.chown(path, config['uid'], config['uid'])
            os.chown(self.dir, config['uid'], config['uid'])
            os.chmod(self.dir, 0o700)
            cmd = ['unshare', '--pid', '--fork', '--mount-proc', '--mount', '--net', '--kill-child',
                   sys.executable, '-I', main, 'setup', str(self.dir / 'config.json')]
        else:
            cmd = [sys.executable, '-I', main, 'serve', str(self.dir / 'config.json')]
        self.proc = subprocess.Popen(cmd, cwd=self.dir, env=_clean_env(self.dir), pass_fds=(to_worker_r, from_worker_w),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr_sink(),
                                     start_new_session=True)
        os.close(to_worker_r)
        os.close(from_worker_w)
        self._reader = os.fdopen(self._from_worker, 'rb')
        self._writer = os.fdopen(self._to_worker, 'wb')
        hello = self._receive(self.limits.start_timeout, 'loading your code')
        self.load_errors = hello.get('load_errors', []) if isinstance(hello, dict) else []
        return self

    def _stderr_sink(self):
        # The setup step's own errors (before the worker redirects its output) land here, for diagnosis.
        return open(self.dir / 'setup_errors.txt', 'wb')

    def setup_errors(self):
        try:
            return (self.dir / 'setup_errors.txt').read_text(errors='replace')[-2000:]
        except OSError:
            return ''

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # unshare and, through --kill-child, the namespace
            except ProcessLookupError:
                pass
        if self.proc is not None:
            self.proc.wait()
        for stream in (getattr(self, '_reader', None), getattr(self, '_writer', None)):
            try:
                stream and stream.close()
            except OSError:
                pass
        shutil.rmtree(getattr(self, 'dir', ''), ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def peak_memory_mb(self):
        """Peak resident memory of finished children (the workers), from the kernel's accounting."""
        import resource
        return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    # ------------------------------------------------------------ calls
    def _death_reason(self):
        code = self.proc.wait(timeout=5) if self.proc else None
        if code is not None and code < 0:
            sig = signal.Signals(-code).name
            if -code == signal.SIGXCPU:
                return 'limit', 'the CPU time limit (%d s) was exceeded' % self.limits.cpu_seconds
            return 'crash', 'the worker process was killed by %s' % sig
        detail = self.setup_errors().strip().splitlines()
        return 'crash', 'the worker process exited (exit code %s)%s' % (code, ': ' + detail[-1] if detail else '')

    def _fail(self, kind, message):
        self.dead = (kind, message)
        self.stop()
        raise StudentCodeError(message, kind=kind)

    def _receive(self, timeout, doing):
        if self.dead:
            raise StudentCodeError(self.dead[1], kind=self.dead[0])
        ready, _, _ = select.select([self._reader], [], [], timeout)
        if not ready:
            self._fail('timeout', 'no answer after %g s while %s' % (timeout, doing))
        try:
            return wire.read_message(self._reader)
        except EOFError:
            kind, message = self._death_reason()
            self._fail(kind, message + ' while ' + doing)
        except wire.WireError as exc:
            self._fail('crash', 'the worker sent a malformed answer (%s)' % exc)

    def call(self, op, *args, timeout=None, **kwargs):
        if self.dead:
            raise StudentCodeError(self.dead[1], kind=self.dead[0])
        try:
            self._writer.write(wire.encode({'op': op, 'args': list(args), 'kwargs': kwargs}))
            self._writer.flush()
        except (BrokenPipeError, OSError):
            kind, message = self._death_reason()
            self._fail(kind, message)
        start = time.monotonic()
        timeout = timeout or self.limits.call_timeout
        if self.deadline is not None:
            timeout = max(0.0, min(timeout, self.deadline - start))
        reply = self._receive(timeout, 'running %s' % op)
        self.last_call_seconds = time.monotonic() - start
        if not isinstance(reply, dict) or ('ok' not in reply and 'error' not in reply):
            self._fail('crash', 'the worker sent an answer of the wrong form')
        if 'error' in reply:
            err = reply['error'] if isinstance(reply['error'], dict) else {}
            raise StudentCodeError(str(err.get('message', 'error'))[:600], kind=str(err.get('kind', 'exception')),
                                   exc_type=err.get('type') if isinstance(err.get('type'), str) else None)
        return reply['ok']
