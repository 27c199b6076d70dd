"""A notebook kernel in the sandbox: the same levels, allowlist, uid, cgroup and limits as a worker's.

Where an instructor's tools execute a student's notebook (nbgrader's autograde, for the experiments and
figures a person reads), the kernel runs in here. It sees the interpreter, the standard library, the
distributions a kernel needs (``KERNEL_PACKAGES`` and what they require), a copy of the students'
``cs231n`` in a working folder of its own, the CIFAR-10 folder read-only when there is one, and the folder
of its IPC sockets. It has no network (a new network namespace at the full level; the seccomp filter's
AF_UNIX-only sockets at every level), no view of the course, the gradebook, other students, the kit or the
answer key, and the worker's limits. Stopping it kills every process it started and checks that none is
left, as for a worker.
"""
import dataclasses
import os
import shutil
import subprocess
import threading

import cs231n

from autograder.sandbox import leftovers
from autograder.sandbox.levels import BY_NAME
from autograder.sandbox.limits import Limits
from autograder.sandbox.worker import HERE, SandboxError, Worker

KERNEL_PACKAGES = ('numpy', 'matplotlib', 'ipykernel')
# Generous next to a worker's: the kernel runs the whole notebook, experiments included (the longest
# cell took 351 s on a loaded 2-core machine, docs/notebook.md).
KERNEL_LIMITS = Limits(memory_mb=4096, cpu_seconds=3600, nproc=128, tmpfs_mb=512)
# What of the instructor's environment a notebook may read: where the data set is, the quick mode of the
# experiments, and nbgrader's word that this is an autograde run.
PASSED_ON = ('BNKIT_QUICK', 'NBGRADER_EXECUTION')
OUTPUT_TAIL = 4000


def _owned_folder(prefix, uid):
    """A folder of the sandbox's uid that others may pass through but not list: at the full level the
    sandbox starts as a root without CAP_DAC_OVERRIDE, and must reach it before it becomes that uid."""
    folder = leftovers.make(prefix)
    if uid is not None:
        os.chown(folder, uid, uid)
        os.chmod(folder, 0o711)
    return folder


class KernelSandbox(Worker):
    """One kernel's sandbox. ``prepare()`` makes its folders (``sockets``: where the connection file and the
    IPC sockets go); ``launch(kernel_args)`` starts ipykernel inside; ``stop()`` ends it."""

    main = 'kernel_main.py'
    packages = KERNEL_PACKAGES

    def __init__(self, level, limits=None, data_dir=None):
        super().__init__(cells=[], limits=limits or KERNEL_LIMITS, level=level)
        self.data_dir = data_dir if data_dir and os.path.isdir(data_dir) else None
        self.sockets = None
        self._tail = b''

    def _make_folder(self):
        folder = leftovers.make('bnkit-kernel-')
        for name in ('kernel_main.py', 'worker_main.py'):
            shutil.copy(HERE / name, folder)
        os.chmod(folder, 0o755)
        for name in os.listdir(folder):
            os.chmod(os.path.join(folder, name), 0o644)
        self._framework = os.path.dirname(cs231n.__file__)
        return folder

    def environment(self, workdir):
        env = {'PATH': '/usr/bin:/bin', 'HOME': workdir, 'TMPDIR': workdir, 'LANG': 'C.UTF-8',
               'MPLCONFIGDIR': os.path.join(workdir, '.matplotlib'), 'IPYTHONDIR': os.path.join(workdir, '.ipython'),
               'JUPYTER_RUNTIME_DIR': os.path.join(workdir, '.runtime'), 'PYTHONDONTWRITEBYTECODE': '1',
               'OPENBLAS_NUM_THREADS': '1', 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1'}
        env.update({k: os.environ[k] for k in PASSED_ON if k in os.environ})
        if self.data_dir:
            env['CIFAR10_DIR'] = self.data_dir
        return env

    def prepare(self):
        """Make the sandbox's folders; raises SandboxError when it cannot (the grader's failure)."""
        try:
            self._prepare()
            uid = self.uid.uid if self.uid else None
            self.sockets = _owned_folder('bnkit-kernel-ipc-', uid)
            self.workdir = _owned_folder('bnkit-kernel-home-', uid)
            shutil.copytree(self._framework, os.path.join(self.workdir, 'cs231n'),
                            ignore=shutil.ignore_patterns('__pycache__'))
            if uid is not None:
                for root, dirs, files in os.walk(self.workdir):
                    for name in (root, *(os.path.join(root, f) for f in files)):
                        os.chown(name, uid, uid)
        except OSError as exc:
            self.stop()
            raise SandboxError(self.level, 'could not prepare the kernel sandbox: %s' % exc) from None
        self.writable = (self.sockets, self.workdir)
        if self.data_dir:
            self.view = dataclasses.replace(self.view, readable=(*self.view.readable, self.data_dir))
        return self

    def give(self, path):
        """Hand a file the kernel must read (its connection file) to the sandbox's uid."""
        if self.uid:
            os.chown(path, self.uid.uid, self.uid.uid)

    def launch(self, kernel_args):
        """Start ``ipykernel_launcher kernel_args`` in the sandbox; returns the Popen."""
        self.config = {'sys_path': list(self.view.sys_path), 'workdir': self.workdir, 'argv': list(kernel_args),
                       'become': self.uid.uid if self.uid and self.level == 'full' else None}
        output_r, output_w = os.pipe()
        keep = ()
        try:
            argv, keep, enter, cwd = BY_NAME[self.level]().launch(self)
            self.proc = subprocess.Popen(argv, cwd=cwd, env=self.environment(self.workdir), stdin=subprocess.DEVNULL,
                                         stdout=output_w, stderr=output_w, pass_fds=keep, preexec_fn=enter)
        except (OSError, subprocess.SubprocessError) as exc:
            os.close(output_r)
            raise SandboxError(self.level, 'could not start the kernel: %s' % exc) from None
        finally:
            os.close(output_w)
            for fd in keep:
                os.close(fd)
        threading.Thread(target=self._drain_output, args=(output_r,), daemon=True).start()
        return self.proc

    def _drain_output(self, fd):
        """The kernel's own stdout and stderr (not its cells', which travel as messages): read and dropped,
        the last bytes kept to explain a kernel that died, never shown to anyone as they are."""
        with os.fdopen(fd, 'rb', buffering=0) as pipe:
            while chunk := pipe.read(1 << 16):
                self._tail = (self._tail + chunk)[-OUTPUT_TAIL:]

    def last_output(self, lines=3):
        return self._tail.decode(errors='replace').strip().splitlines()[-lines:]

    def stop(self):
        try:
            super().stop()
        finally:
            for folder in (self.sockets, self.workdir):
                if folder:
                    leftovers.forget(folder)
            self.sockets = self.workdir = None

