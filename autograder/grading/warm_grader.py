"""A warm grading process: started once per job slot, it grades many submissions, each in a child forked
for it alone.

    python -m autograder.grading.warm_grader --assignment NAME --options JSON

It imports pytest, numpy, the engine and the assignment's checks, and runs pytest's collection of the hidden
tests once, so none of that is paid per submission. It never grades: for each submission the run sends it,
it forks a child that grades that one submission exactly as ``grade_one`` does (a fresh sandboxed worker,
the checks in pytest, the results written atomically) and exits. So

- every submission gets a fresh worker, started by a child that has run no other submission's checks;
- no student's data outlives their child: the child's memory goes with it, and this process never parses a
  notebook: it takes the bytes off its input, and its copy is overwritten with zeros as soon as the child
  is forked;
- a child that dies, hangs (the run kills it) or is killed costs its own submission only; this process,
  and the next submission, are not touched.

The protocol, on this process's stdin and stdout (the run's ``warm_pool`` speaks the other side). In: for
each submission a 4-byte big-endian length and a JSON header (student, folder, sha256, submission, outdir,
size), then ``size`` bytes of the notebook. Out, one JSON object per line: ``{"ready": true}`` once warm,
then per submission ``{"started": PID}`` (the child, in a session of its own, whose group the run may kill)
and ``{"finished": EXIT_STATUS, "stderr": "..."}`` (the last 4 KB of what the child wrote on stderr; a
negative status is the signal that ended it). End of stdin: this process exits.
"""
import argparse
import ctypes
import json
import os
import signal
import struct
import sys

import numpy  # noqa: F401  (imported once here, so that no child pays for it)

from autograder.assignment import get as get_assignment
from autograder.grading import misconceptions
from autograder.grading.grade_one import grade_and_exit_code, run_hidden_tests
from autograder.grading.options import options_argument
from autograder.grading.pytest_plugin import GradingPlugin
from autograder.grading.submissions import Submission

HEADER_BYTES = 1 << 16      # a header names a student and two paths; more is not a header
STDERR_TAIL = 4096
HEADER_FIELDS = {'student', 'folder', 'sha256', 'submission', 'outdir', 'size'}


def warm_up(assignment):
    """Load what every grading needs: the assignment's modules, the diagnosis's mistakes compiled, and pytest
    with the hidden tests collected once (no worker is started: collecting runs no check)."""
    for name in ('checks', 'side'):
        assignment.module(name)
    assignment.optional_module('figures')
    misconceptions.prepare(assignment)
    run_hidden_tests(GradingPlugin(assignment, []), ['--collect-only'])


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
    that is not one."""
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


def say(message):
    sys.stdout.write(json.dumps(message) + '\n')
    sys.stdout.flush()


def grade_in_child(assignment, options, header, content, stderr_w):
    """In the forked child: grade the one submission and exit with grade_one's status. Never returns."""
    code = 1
    try:
        os.setsid()                 # its own group: the run kills the whole grading, workers' launchers too
        if sys.platform.startswith('linux'):
            ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)     # PR_SET_PDEATHSIG: die with this process
        os.dup2(stderr_w, 2)
        os.close(stderr_w)
        sys.stdin.close()
        os.close(0)                 # the next requests are not this child's to read
        sub = Submission(student=header['student'], path=header['submission'], folder=header['folder'],
                         sha256=header['sha256'], content=bytes(content))
        code = grade_and_exit_code(assignment, sub, header['outdir'], options)
    except BaseException as exc:    # whatever happens, the child ends here and never returns to the loop
        try:
            print('the grading process failed: %s: %s' % (type(exc).__name__, exc), file=sys.stderr)
        except BaseException:
            pass
    finally:
        try:
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(assignment, options):
    warm_up(assignment)
    say({'ready': True})
    while True:
        request = read_request()
        if request is None:
            return 0
        header, content = request
        stderr_r, stderr_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os.close(stderr_r)
            grade_in_child(assignment, options, header, content, stderr_w)
        content[:] = bytes(len(content))    # this process keeps nothing of the notebook
        del content, header
        os.close(stderr_w)
        say({'started': pid})
        tail = b''
        while True:
            chunk = os.read(stderr_r, 1 << 16)
            if not chunk:
                break
            tail = (tail + chunk)[-STDERR_TAIL:]
        os.close(stderr_r)
        _, status = os.waitpid(pid, 0)
        say({'finished': os.waitstatus_to_exitcode(status), 'stderr': tail.decode(errors='replace')})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--assignment', required=True)
    parser.add_argument('--options', required=True, help="the run's GradingOptions, its isolation level chosen")
    args = parser.parse_args(argv)
    options = options_argument(parser, args.options)
    return serve(get_assignment(args.assignment), options)


if __name__ == '__main__':
    sys.exit(main())
