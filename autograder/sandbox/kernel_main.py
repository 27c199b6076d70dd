"""Runs inside a notebook kernel's sandbox: become its uid, close what it inherited, start ipykernel.

This file is copied, with ``worker_main.py`` (whose import blocker, ``become`` and ``close_inherited`` it
uses), into the kernel's read-only folder and run from there, already inside its sandbox::

    python -I -S kernel_main.py CONFIG_JSON

CONFIG_JSON gives the ``sys.path`` to use, the working folder, the uid to become (at the full level, where
the sandbox starts as root in its namespaces) and the kernel's own arguments (``-f CONNECTION_FILE ...``).
The kernel talks to Jupyter over IPC sockets in a folder of its own; it has no network.
"""
import json
import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# Neither the grader, the answer key nor nbgrader (whose gradebook API reads every student's grades) exist
# in the sandbox's file system; refusing their import too makes that plain to a student who tries.
BLOCKED = ('autograder', 'solutions', 'nbgrader')


def without_subprocess_pipe():
    """ipykernel forwards the output of a cell's forked subprocesses over a TCP socket on 127.0.0.1; with
    only AF_UNIX sockets allowed, libzmq aborts the kernel there. The kernel does without that pipe: what
    a forked subprocess prints is dropped, the cell's own output is not."""
    from ipykernel import iostream

    def no_pipe(thread):
        thread._pipe_flag = False
    if hasattr(iostream.IOPubThread, '_setup_pipe_in'):
        iostream.IOPubThread._setup_pipe_in = no_pipe


def main():
    config = json.loads(sys.argv[1])
    sys.path.insert(0, HERE)
    from worker_main import ImportBlocker, become, close_inherited
    if config.get('become') is not None:
        become(config['become'])
    close_inherited(set())
    os.chdir(config['workdir'])
    # The working folder (the students' cs231n) last: ipykernel's launcher drops sys.path[0], and under -I
    # IPython adds no '' of its own.
    sys.path[:] = [*config['sys_path'], config['workdir']]
    sys.meta_path.insert(0, ImportBlocker(blocked=BLOCKED))
    without_subprocess_pipe()
    sys.argv = ['ipykernel_launcher', *config['argv']]
    runpy.run_module('ipykernel_launcher', run_name='__main__', alter_sys=True)


if __name__ == '__main__':
    main()
