"""The sandboxed worker: runs one submission's code and answers the grader's calls with plain data.

This file is copied, with ``wire.py`` and ``student_side.py``, into a fresh
sandbox folder and run from there; it imports nothing of ``autograder``. It
runs in two steps:

``worker_main.py setup CONFIG``
    Still privileged, inside new PID, mount and network namespaces (when the
    grader could create them): hide the kit's and the class's folders under
    empty read-only tmpfs mounts, set resource limits, drop to an unprivileged
    user with no_new_privs, and exec the second step.
``worker_main.py serve CONFIG``
    Redirect stdout/stderr to a capture file (the protocol has its own pipe),
    execute the submission's cells, then answer requests until the grader
    closes the pipe.
"""
import json
import os
import resource
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OPERATIONS = ('has', 'batchnorm_forward', 'batchnorm_backward', 'net_create', 'net_state', 'net_set_params',
              'net_set_bn_params', 'net_loss', 'seed_numpy', 'train_and_predict', 'ping')
BLOCKED_PACKAGES = ('solutions', 'autograder')


def apply_limits(config):
    mb = 1024 * 1024
    limits = [(resource.RLIMIT_AS, config['memory_mb'] * mb), (resource.RLIMIT_CPU, config['cpu_seconds']),
              (resource.RLIMIT_FSIZE, config['fsize_mb'] * mb), (resource.RLIMIT_CORE, 0),
              (resource.RLIMIT_NPROC, config['nproc'])]
    for which, value in limits:
        resource.setrlimit(which, (value, value))


def no_new_privs():
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_NO_NEW_PRIVS = 38
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def mount(*args):
    subprocess.run(['mount', *args], check=True)


def expose(path, staging):
    """Make ``path`` reachable for an unprivileged uid when an ancestor (e.g. /root, mode 700) blocks it.

    Bind the folder aside, cover the blocking ancestor with an empty tmpfs, and bind the folder back at
    its own path, read-only. Everything else under the ancestor stays out of sight.
    """
    parts = os.path.abspath(path).split(os.sep)
    ancestors = [os.sep.join(parts[:i]) or os.sep for i in range(2, len(parts))]
    blocked = next((a for a in ancestors if not os.stat(a).st_mode & 0o001), None)
    if blocked is None:
        return
    os.makedirs(staging, exist_ok=True)
    mount('--bind', path, staging)
    mount('-t', 'tmpfs', '-o', 'mode=755,size=64k', 'tmpfs', blocked)
    os.makedirs(path, mode=0o755, exist_ok=True)
    mount('--bind', staging, path)
    mount('-o', 'remount,bind,ro', path)
    subprocess.run(['umount', '-l', staging], check=False)


def setup(config):
    """Privileged step, run as root inside fresh namespaces."""
    for path in config['hide']:
        if os.path.isdir(path):
            mount('-t', 'tmpfs', '-o', 'ro,nosuid,nodev,noexec,size=4k', 'tmpfs', path)
    for index, path in enumerate(config['expose']):
        expose(path, os.path.join('/run' if os.path.isdir('/run') else HERE, '.bnkit-expose-%d' % index))
    import ctypes  # noqa: F401  (loaded while the standard library is certainly readable)
    uid = config['uid']
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    no_new_privs()
    apply_limits(config)
    os.execv(sys.executable, [sys.executable, '-I', os.path.join(HERE, 'worker_main.py'), 'serve', sys.argv[2]])


class ImportBlocker:
    """Defense in depth where folders could not be hidden: refuse to import the grader or the answer key."""

    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in BLOCKED_PACKAGES:
            raise ImportError('%s is not available to submissions' % name)
        return None


def serve(config):
    sys.path.insert(0, HERE)  # wire, student_side and the sandbox's copy of cs231n
    sys.meta_path.insert(0, ImportBlocker())
    proto_in = os.fdopen(config['fd_in'], 'rb')
    proto_out = os.fdopen(config['fd_out'], 'wb')
    capture = os.open(os.path.join(HERE, 'student_output.txt'), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(capture, 1)
    os.dup2(capture, 2)
    if not config.get('is_limited'):
        apply_limits(config)

    import numpy as np  # noqa: F401  (imported before student code runs, so a broken numpy is theirs alone)
    import wire
    from student_side import BadReturn, MissingName, StudentSide

    namespace = {'__name__': '__submission__', '__builtins__': __builtins__}
    load_errors = []
    with open(os.path.join(HERE, 'cells.json')) as f:
        cells = json.load(f)
    for cell in cells:
        try:
            exec(compile(cell['source'], '<%s>' % cell['label'], 'exec'), namespace)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt included: the submission cannot stop us
            load_errors.append('%s: %s: %s' % (cell['label'], type(exc).__name__, str(exc)[:300]))
    side = StudentSide(namespace)
    wire.write_message(proto_out, {'ready': True, 'load_errors': load_errors})

    while True:
        try:
            request = wire.read_message(proto_in)
        except EOFError:
            return
        op = request.get('op')
        try:
            if op not in OPERATIONS:
                raise ValueError('unknown operation %r' % op)
            if op == 'ping':
                result = 'pong'
            else:
                result = getattr(side, op)(*request.get('args', []), **request.get('kwargs', {}))
            reply = {'ok': result}
        except BadReturn as exc:
            reply = {'error': {'kind': 'bad_return', 'type': None, 'message': str(exc)[:500]}}
        except MissingName as exc:
            reply = {'error': {'kind': 'missing', 'type': None, 'message': str(exc)[:500]}}
        except MemoryError:
            reply = {'error': {'kind': 'limit', 'type': 'MemoryError',
                               'message': 'MemoryError: the memory limit of the grader was exceeded'}}
        except BaseException as exc:
            try:
                text = '%s: %s' % (type(exc).__name__, str(exc)[:500])
                name = type(exc).__name__
            except BaseException:  # an exception whose str() raises
                text, name = 'an exception that cannot be printed', None
            reply = {'error': {'kind': 'exception', 'type': name, 'message': text}}
        try:
            data = wire.encode(reply)
        except Exception as exc:
            data = wire.encode({'error': {'kind': 'bad_return', 'type': None, 'message': str(exc)[:500]}})
        proto_out.write(data)
        proto_out.flush()


def main():
    step, config_path = sys.argv[1], sys.argv[2]
    with open(config_path) as f:
        config = json.load(f)
    if step == 'setup':
        setup(config)
    else:
        serve(config)


if __name__ == '__main__':
    main()
