"""The sandboxed worker: runs one submission's code and answers the grader's calls with plain data.

This file is copied, with ``wire.py`` and ``side.py``, into the worker's read-only folder and run
from there, already inside its sandbox (namespaces, uid, limits and filters are the launcher's job, done
before this interpreter starts); it imports nothing of ``autograder``.

    python -I -S worker_main.py CONFIG_JSON

CONFIG_JSON gives the protocol's pipe descriptors and the ``sys.path`` to use. The worker reports
``started`` before it reads any student code (so a sandbox that cannot start is told apart from a
submission that crashes), receives the cells, executes them, reports ``ready`` with the load errors, then
answers requests until the grader closes the pipe. Its stdout and stderr are a pipe the grader drains.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OPERATIONS = ('has', 'changed_inputs', 'batchnorm_forward', 'batchnorm_backward', 'batchnorm_forward_kept',
              'batchnorm_backward_kept', 'net_create', 'net_state', 'net_set_params', 'net_loss', 'seed_numpy',
              'train_and_predict', 'ping')
BLOCKED_PACKAGES = ('solutions', 'autograder')


class ImportBlocker:
    """Defense in depth where folders could not be hidden: refuse to import the grader or the answer key."""

    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in BLOCKED_PACKAGES:
            raise ImportError('%s is not available to submissions' % name)
        return None


def serve(config):
    sys.path[:] = [HERE, *config['sys_path']]  # wire, side, the students' cs231n; numpy
    sys.meta_path.insert(0, ImportBlocker())
    import numpy as np  # noqa: F401  (imported before student code runs, so a broken numpy is theirs alone)
    import wire
    from side import BadReturn, MissingName, StudentSide

    requests = wire.Reader(config['fd_in'])
    proto_out = os.fdopen(config['fd_out'], 'wb')
    wire.write_message(proto_out, {'started': True})
    cells = requests.read()['cells']
    namespace = {'__name__': '__submission__', '__builtins__': __builtins__}
    load_errors = []
    for cell in cells:
        try:
            exec(compile(cell['source'], '<%s>' % cell['label'], 'exec'), namespace)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt included: the submission cannot stop us
            load_errors.append('%s: %s: %s' % (cell['label'], type(exc).__name__, str(exc)[:300]))
    side = StudentSide(namespace)
    wire.write_message(proto_out, {'ready': True, 'load_errors': load_errors})

    while True:
        try:
            request = requests.read()
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


def become(uid):
    """Drop to the sandbox's own uid (bubblewrap left only CAP_SETUID/CAP_SETGID, which this spends)."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.getresuid() != (uid, uid, uid) or os.getresgid() != (uid, uid, uid):
        os._exit(3)


def close_inherited(keep):
    """Close every descriptor but ours: a stray one could open a door out of the sandbox."""
    top = os.sysconf('SC_OPEN_MAX') if hasattr(os, 'sysconf') else 1024
    low = 3
    for fd in sorted(keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, top)


def main():
    config = json.loads(sys.argv[1])
    if config.get('become') is not None:
        become(config['become'])
    close_inherited({config['fd_in'], config['fd_out']})
    serve(config)


if __name__ == '__main__':
    main()
