"""The run's side of the warm graders (``autograder.grading.warm_grader``): one per job slot, started when
the slot is first used, handed one submission at a time.

A warm grader that cannot start stops the run (``GraderFailure``: the grader's failure, no student charged).
One that dies while a submission is graded costs that submission only: it is recorded as the grader's
failure for that student, and a fresh warm grader takes the slot for the next one. A submission past its
time has its grading child's whole process group killed; the warm grader goes on.
"""
import json
import os
import queue
import selectors
import signal
import struct
import subprocess
import sys
import time

READY_TIMEOUT = 120.0   # importing and collecting once: 0.5 s measured on a quiet machine, minutes under load
# One BLAS thread per grader: the run already grades --jobs submissions at once, one per core, and BLAS
# threads on top of that only compete for the same cores (the workers get the same setting).
ONE_THREAD = {'OPENBLAS_NUM_THREADS': '1', 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1'}


class WarmGraderDied(RuntimeError):
    """The warm grader ended while a submission was handed to it."""


class WarmGrader:
    def __init__(self, assignment, options, preexec, register):
        cmd = [sys.executable, '-m', 'autograder.grading.warm_grader', '--assignment', assignment.name,
               '--options', options.to_json()]
        self.proc = register(lambda: subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
            env=dict(os.environ, **ONE_THREAD), preexec_fn=preexec))
        self._buffer = b''
        self._selector = selectors.DefaultSelector()
        self._selector.register(self.proc.stdout, selectors.EVENT_READ)
        os.set_blocking(self.proc.stdout.fileno(), False)
        message = self._receive(time.monotonic() + READY_TIMEOUT)
        if message != {'ready': True}:
            self.close()
            raise WarmGraderDied('the warm grader did not start: %s' % self._stderr_tail())

    def _stderr_tail(self):
        try:
            os.set_blocking(self.proc.stderr.fileno(), False)
            data = self.proc.stderr.read() or b''
        except (OSError, ValueError):
            data = b''
        lines = data.decode(errors='replace').strip().splitlines()
        return lines[-1][:500] if lines else 'exit code %s' % self.proc.poll()

    def _receive(self, deadline):
        """The next message, None past the deadline; raises WarmGraderDied at the end of its output."""
        while b'\n' not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self._selector.select(left):
                return None
            chunk = self.proc.stdout.read(1 << 16)
            if chunk == b'':
                raise WarmGraderDied('the warm grader ended (%s)' % self._stderr_tail())
            self._buffer += chunk or b''
        line, self._buffer = self._buffer.split(b'\n', 1)
        return json.loads(line)

    def grade(self, sub, outdir, timeout):
        """Grade the accepted submission ``sub`` into outdir; returns (exit status, stderr tail), or
        (None, why) when it took longer than ``timeout`` seconds and was stopped."""
        header = json.dumps({'student': sub.student, 'folder': sub.folder, 'sha256': sub.sha256,
                             'submission': sub.path, 'outdir': str(outdir), 'size': len(sub.content)}).encode()
        deadline = time.monotonic() + timeout
        try:
            self.proc.stdin.write(struct.pack('>I', len(header)) + header + sub.content)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise WarmGraderDied('the warm grader ended (%s)' % self._stderr_tail()) from None
        started = self._receive(deadline)
        child = started.get('started') if isinstance(started, dict) else None
        if not isinstance(child, int):
            self.close()
            raise WarmGraderDied('the warm grader did not start the grading (%r)' % (started,))
        finished = self._receive(deadline)
        if finished is None:
            try:
                os.killpg(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._receive(time.monotonic() + 30)      # its report of the killed child
            return None, 'grading took longer than %g s and was stopped' % timeout
        return finished['finished'], finished.get('stderr', '')

    def close(self):
        for stream in (self.proc.stdin,):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._selector.close()


class WarmPool:
    """Up to ``jobs`` warm graders, each used by one thread at a time."""

    def __init__(self, assignment, options, jobs, preexec, register):
        self.assignment, self.options, self.preexec, self.register = assignment, options, preexec, register
        self.idle, self.all = queue.LifoQueue(), []
        for _ in range(jobs):
            self.idle.put(None)     # a slot whose warm grader is started when first used

    def take(self):
        grader = self.idle.get()
        if grader is None or grader.proc.poll() is not None:
            grader = WarmGrader(self.assignment, self.options, self.preexec, self.register)
            self.all.append(grader)
        return grader

    def give_back(self, grader, alive=True):
        if not alive:
            grader.close()
            grader = None
        self.idle.put(grader)

    def close(self):
        for grader in self.all:
            grader.close()
