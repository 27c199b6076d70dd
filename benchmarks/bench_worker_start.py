"""The sandboxed worker's start, in its parts: bubblewrap's setup, the interpreter, numpy, the rest.

    python benchmarks/bench_worker_start.py [--repeat 20] [--assignment BatchNormalization]

At the level a run would choose here, each part is timed --repeat times (median), in one run:

- ``python -I -S -c pass`` outside any sandbox: the interpreter alone;
- the same inside the worker's sandbox (the very argv the worker gets, its last command replaced): the
  difference is the sandbox's setup (at the full level bubblewrap's namespaces, mounts and seccomp filter);
- ``import numpy`` inside the sandbox, with the worker's sys.path: numpy's import;
- a whole ``Worker`` start and stop, empty submission: with the worker's own protocol, its uid, cgroup and
  folder made and removed. What is left over after the three parts is the worker's own.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from autograder.assignment import get
from autograder.sandbox import Limits, Worker, choose_level
from autograder.sandbox.levels import BY_NAME


def timed(run, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def inside(worker, level, command):
    """Run ``command`` (replacing the worker's interpreter and program) in the worker's sandbox."""
    worker.config = {'fd_in': 0, 'fd_out': 1, 'sys_path': list(worker.view.sys_path), 'side_module': None,
                     'become': None}
    argv, keep, enter, cwd = level.launch(worker)
    tail = len(argv) - 1 - argv[::-1].index(worker.view.interpreter)
    try:
        subprocess.run(argv[:tail] + command, cwd=cwd, env=worker.environment(worker.scratch or '/tmp'),
                       stdin=subprocess.DEVNULL, capture_output=True, pass_fds=keep, preexec_fn=enter, check=True)
    finally:
        for fd in keep:
            os.close(fd)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=20)
    parser.add_argument('--assignment', default='BatchNormalization')
    args = parser.parse_args(argv)
    assignment = get(args.assignment)
    name = choose_level(None, None, Limits())[0]
    level = BY_NAME[name]()
    probe = Worker([], Limits(), level=name, side_file=assignment.side_file)
    probe._prepare()
    try:
        interpreter = probe.view.interpreter
        sys_path = json.dumps(list(probe.view.sys_path))
        outside = timed(lambda: subprocess.run([interpreter, '-I', '-S', '-c', 'pass'], check=True), args.repeat)
        bare = timed(lambda: inside(probe, level, [interpreter, '-I', '-S', '-c', 'pass']), args.repeat)
        numpy = timed(lambda: inside(probe, level, [interpreter, '-I', '-S', '-c',
                                                    'import sys; sys.path[:0] = %s; import numpy' % sys_path]),
                      args.repeat)
    finally:
        probe.stop()

    def whole():
        Worker([], Limits(), level=name, side_file=assignment.side_file).start().stop()
    start = timed(whole, args.repeat)
    parts = [('the interpreter (python -I -S -c pass, no sandbox)', outside),
             ('the sandbox\'s setup (the same in the sandbox, less the above)', bare - outside),
             ('numpy\'s import in the sandbox', numpy - bare),
             ('the worker\'s own: its uid, cgroup and folder, protocol, operations\' modules', start - numpy)]
    print('level: %s; medians of %d, %s' % (name, args.repeat, time.strftime('%Y-%m-%d %H:%M')))
    print('load average at the end: %.1f %.1f %.1f' % os.getloadavg())
    print('| part | ms | share of the start |\n|---|---|---|')
    for label, seconds in parts:
        print('| %s | %.1f | %.0f%% |' % (label, 1000 * seconds, 100 * seconds / start))
    print('| **a whole worker start and stop** | **%.1f** | 100%% |' % (1000 * start))


if __name__ == '__main__':
    sys.exit(main())
