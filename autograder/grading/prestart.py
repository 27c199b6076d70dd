"""A grading child forked before its submission is known, its sandboxed worker started while the warm grader's
previous submission is still being graded.

Starting a worker (bubblewrap, then numpy imported inside the sandbox) is most of a small submission's
grading time, and nothing in it depends on the student. So the warm grader (``autograder.grading.warm_grader``)
keeps one ``Pending`` child ahead: forked as soon as the previous submission was handed on, it launches a
worker up to the worker's greeting (``Worker.launch``: sandboxed, numpy imported, no student's code) and
then waits for the one submission it will grade. At ``--jobs 1`` the start then runs on another core,
during the previous grading, instead of before this one.

Why a child ahead, rather than workers started by the warm grader and passed on: nothing has to move. The
worker is the child's own, as it is without the pre-start: the child leases its uid, makes its cgroup and
folders and launches it, so the worker's death signal is tied to the child that grades with it, the lease
and the folders' locks are held by that child and dropped with it, and at the process level the child is
the subreaper of its worker. Each child grades at most one submission and exits, so

- a pre-started worker is handed to exactly one grading, and never sees another student's code: the child
  reads one request and closes its pipe; ``Worker.load`` refuses a second submission;
- the child is forked after the previous notebook's bytes were overwritten, so it holds no copy of them;
- a worker that fails to start is no student's concern: the child says so on its stderr and the grading
  starts one on demand, as it would without the pre-start (a second failure is the grader's, as before);
- at the end of the run the warm grader closes the pipe of the child still waiting: it stops its worker
  (the lease, cgroup and folders given back) and exits; if the warm grader dies instead, the child dies
  with it (its death signal), and the worker with the child (its own).

The level is the run's (``options.isolation``), so a pre-started worker is exactly as isolated as one
started on demand.
"""
import ctypes
import json
import os
import signal
import struct
import sys

from autograder.grading.grade_one import SANDBOX_FAILED, grade_and_exit_code
from autograder.grading.submissions import Submission
from autograder.sandbox import SandboxError, Worker

HEADER_BYTES = 1 << 16      # a header names a student and two paths; more is not a header
HEADER_FIELDS = {'student', 'folder', 'sha256', 'submission', 'outdir', 'size'}
STDERR_TAIL = 4096


def read_exactly(fd, size):
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b''.join(chunks)


def read_request(fd=0):
    """(header, bytearray of the notebook), or None at the end of the input; raises ValueError for a request
    that is not one. The same framing from the run to the warm grader and from it to a pending child."""
    prefix = read_exactly(fd, 4)
    if prefix is None:
        return None
    (length,) = struct.unpack('>I', prefix)
    if length > HEADER_BYTES:
        raise ValueError('a request header of %d bytes' % length)
    header = json.loads(read_exactly(fd, length) or b'null')
    if not isinstance(header, dict) or set(header) != HEADER_FIELDS or not isinstance(header['size'], int):
        raise ValueError('not a request header: %r' % (header,))
    content = read_exactly(fd, header['size']) if header['size'] else b''
    if content is None:
        return None
    return header, bytearray(content)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class Pending:
    """The warm grader's handle on one child forked ahead: ``hand`` it its submission, then ``collect`` its
    end; or ``cancel`` it when no submission comes. ``inherited`` are the warm grader's descriptors the child
    must not keep (the previous child's stderr)."""

    def __init__(self, assignment, options, inherited=()):
        request_r, self._request_w = os.pipe()
        self.stderr_r, stderr_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:
            for fd in (self._request_w, self.stderr_r, *inherited):
                os.close(fd)
            child_main(assignment, options, request_r, stderr_w)
        os.close(request_r)
        os.close(stderr_w)

    def hand(self, header, content):
        """Send the child its one submission and close its pipe: nothing more ever goes to it. A child that
        died meanwhile is not an error here: its exit status says what happened."""
        data = json.dumps(header).encode()
        try:
            write_all(self._request_w, struct.pack('>I', len(data)) + data + bytes(content))
        except OSError:     # BrokenPipeError: the child is gone (killed by the run past its time, or crashed)
            pass
        finally:
            self._close_request()

    def _close_request(self):
        if self._request_w is not None:
            os.close(self._request_w)
            self._request_w = None

    def collect(self):
        """(exit status, the last 4 KB of its stderr) once the child has ended; a negative status is a signal."""
        tail = b''
        while True:
            chunk = os.read(self.stderr_r, 1 << 16)
            if not chunk:
                break
            tail = (tail + chunk)[-STDERR_TAIL:]
        os.close(self.stderr_r)
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status), tail.decode(errors='replace')

    def cancel(self):
        """No submission for this child: it stops its worker and exits; returns once it has."""
        self._close_request()
        return self.collect()


def core_to_spare(options):
    """Whether a worker started ahead would run on a core the run leaves idle: fewer job slots than usable
    cores. Where every core has a slot (``--jobs 2`` on two cores), a start ahead only competes with the other
    slots' checks, and costs one worker per slot that no submission uses, so the worker starts on demand."""
    return options.jobs < len(os.sched_getaffinity(0))


def launch(assignment, options):
    """A worker at the run's level, launched and waiting for code; None (said on stderr) if it failed to."""
    worker = Worker(None, options.limits, level=options.isolation, side_file=assignment.side_file)
    try:
        return worker.launch()
    except SandboxError as exc:     # Worker.launch stopped it; the grading starts one on demand
        print('the pre-started worker failed (%s); one is started on demand' % exc, file=sys.stderr)
        return None


def child_main(assignment, options, request_fd, stderr_w):
    """In the forked child: launch a worker, wait for one submission, grade it with that worker (or cancel
    at the end of its pipe), stop the worker, exit with grade_one's status. Never returns."""
    code, worker = 1, None
    try:
        os.setsid()                 # its own group: the run kills the whole grading, workers' launchers too
        if sys.platform.startswith('linux'):
            ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)     # PR_SET_PDEATHSIG: die with the warm grader
        os.dup2(stderr_w, 2)
        os.close(stderr_w)
        sys.stdin.close()
        os.close(0)                 # the warm grader's requests are not this child's to read
        worker = launch(assignment, options) if core_to_spare(options) else None
        request = read_request(request_fd)
        os.close(request_fd)        # one submission per child, so one per pre-started worker
        if request is None:
            code = 0                # the run ended: no submission, nothing to grade
        else:
            header, content = request
            sub = Submission(student=header['student'], path=header['submission'], folder=header['folder'],
                             sha256=header['sha256'], content=bytes(content))
            code = grade_and_exit_code(assignment, sub, header['outdir'], options, prestarted=worker)
    except BaseException as exc:    # whatever happens, the child ends here and never returns to the loop
        try:
            print('the grading process failed: %s: %s' % (type(exc).__name__, exc), file=sys.stderr)
        except BaseException:
            pass
    finally:
        try:
            if worker is not None:
                worker.stop()       # a no-op if the grading stopped it; else (never taken) it is stopped here
        except BaseException as exc:
            print('sandbox failure: %s' % exc, file=sys.stderr)
            code = code if code else SANDBOX_FAILED
        finally:
            try:
                sys.stderr.flush()
            finally:
                os._exit(code)
