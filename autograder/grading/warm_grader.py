"""A warm grading process: started once per job slot, it grades many submissions, each in a child forked
for it alone.

    python -m autograder.grading.warm_grader --assignment NAME --options JSON

It imports pytest, numpy, the engine and the assignment's checks, and runs pytest's collection of the hidden
tests once, so none of that is paid per submission. It never grades: each submission the run sends it is
handed to a child forked for it alone (``autograder.grading.prestart``), which grades that one submission
exactly as ``grade_one`` does (a fresh sandboxed worker, the checks in pytest, the results written
atomically) and exits. That child is forked one submission ahead, so its worker is already started, and
waiting for its code, when its submission comes. So

- every submission gets a fresh worker, started by a child that has run no other submission's checks;
- no student's data outlives their child: the child's memory goes with it, and this process never parses a
  notebook: it takes the bytes off its input, and its copy is overwritten with zeros as soon as they are
  handed on, before the next child is forked;
- a child that dies, hangs (the run kills it) or is killed costs its own submission only; this process,
  and the next submission, are not touched.

The protocol, on this process's stdin and stdout (the run's ``warm_pool`` speaks the other side). In: for
each submission a 4-byte big-endian length and a JSON header (student, folder, sha256, submission, outdir,
size), then ``size`` bytes of the notebook. Out, one JSON object per line: ``{"ready": true}`` once warm,
then per submission ``{"started": PID}`` (the child, in a session of its own, whose group the run may kill)
and ``{"finished": EXIT_STATUS, "stderr": "..."}`` (the last 4 KB of what the child wrote on stderr; a
negative status is the signal that ended it). End of stdin: the child still waiting stops its worker, and
this process exits.
"""
import argparse
import gc
import json
import sys

import numpy  # noqa: F401  (imported once here, so that no child pays for it)

from autograder.assignment import get as get_assignment
from autograder.grading import misconceptions
from autograder.grading.grade_one import run_hidden_tests
from autograder.grading.options import options_argument
from autograder.grading.prestart import Pending, read_request
from autograder.grading.pytest_plugin import GradingPlugin


def warm_up(assignment):
    """Load what every grading needs: the assignment's modules and pytest with the hidden tests collected once
    (no worker is started: collecting runs no check)."""
    for name in ('checks', 'side'):
        assignment.module(name)
    assignment.optional_module('figures')
    run_hidden_tests(GradingPlugin(assignment, []), ['--collect-only'])


def say(message):
    sys.stdout.write(json.dumps(message) + '\n')
    sys.stdout.flush()


def serve(assignment, options):
    warm_up(assignment)
    # What every grading shares is left out of the collector's scans from now on: a child's full collection
    # would otherwise walk all of it (and touch its pages, copying them from this process) on every grading.
    gc.freeze()
    # The first submission's child, forked now: its worker starts while the run sends the first request.
    pending = Pending(assignment, options)
    # The diagnosis's mistakes compiled once, for every child forked from now on: done while the first child
    # starts its worker (that child compiles what it needs, if its submission fails a check).
    misconceptions.prepare(assignment)
    gc.freeze()
    say({'ready': True})
    while True:
        request = read_request()
        if request is None:
            pending.cancel()        # its worker stopped, its lease and cgroup given back, before this exits
            return 0
        header, content = request
        current = pending
        say({'started': current.pid})
        current.hand(header, content)
        content[:] = bytes(len(content))    # this process keeps nothing of the notebook
        del content, header
        # The next submission's child, forked only now, so that it has no copy of this notebook: its worker
        # starts while this one is graded, on another core.
        pending = Pending(assignment, options, inherited=(current.stderr_r,))
        code, tail = current.collect()
        say({'finished': code, 'stderr': tail})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--assignment', required=True)
    parser.add_argument('--options', required=True, help="the run's GradingOptions, its isolation level chosen")
    args = parser.parse_args(argv)
    options = options_argument(parser, args.options)
    return serve(get_assignment(args.assignment), options)


if __name__ == '__main__':
    sys.exit(main())
