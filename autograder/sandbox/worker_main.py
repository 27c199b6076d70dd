"""The sandboxed worker: runs one submission's code and answers the grader's calls with plain data.

This file is copied, with ``wire.py`` and the operations' modules (the engine's ``side.py`` and the
assignment's, in a stripped ``autograder`` package of their own), into the worker's read-only folder and run
from there, already inside its sandbox (namespaces, uid, limits and filters are the launcher's job, done
before this interpreter starts); of ``autograder`` it imports only those copies.

    python -I -S worker_main.py CONFIG_JSON

CONFIG_JSON gives the protocol's pipe descriptors, the ``sys.path`` to use and the module of the assignment's
operations (its class ``Operations``; without one, the engine's ``StudentOperations``). The worker reports
``started`` before it reads any student code (so a sandbox that cannot start is told apart from a
submission that crashes), receives the cells, executes them, reports ``ready`` with the load errors, then
answers requests until the grader closes the pipe: only the declared operations (and ``ping``) are
answered. Its stdout and stderr are a pipe the grader drains.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BLOCKED_PACKAGES = ('solutions', 'autograder')
ENGINE_SIDE = 'autograder.sandbox.side'
ENGINE_PLAIN = 'autograder.sandbox.plain'   # imported by side.py


def copied_modules(side_module):
    """The modules of ``autograder`` this folder holds: the operations' modules and their packages."""
    names = set()
    for module in filter(None, (ENGINE_SIDE, ENGINE_PLAIN, side_module)):
        parts = module.split('.')
        names.update('.'.join(parts[:i]) for i in range(1, len(parts) + 1))
    return frozenset(names)


class ImportBlocker:
    """Defense in depth where folders could not be hidden: refuse to import the grader or the answer key.
    Of ``autograder`` only the copies in this folder may load (``allowed``)."""

    def __init__(self, allowed=frozenset(), blocked=BLOCKED_PACKAGES):
        self.allowed, self.blocked = allowed, blocked

    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in self.blocked and name not in self.allowed:
            raise ImportError('%s is not available to submissions' % name)
        return None


def side_class(side_module):
    """The class whose declared operations this worker performs."""
    import importlib
    if side_module is None:
        return importlib.import_module(ENGINE_SIDE).StudentOperations
    return importlib.import_module(side_module).Operations


def serve(config):
    sys.path[:] = [HERE, *config['sys_path']]  # wire, the operations, the students' cs231n; numpy
    sys.meta_path.insert(0, ImportBlocker(copied_modules(config.get('side_module'))))
    import numpy as np  # noqa: F401  (imported before student code runs, so a broken numpy is theirs alone)
    import wire
    from autograder.sandbox.side import BadReturn, MissingName
    Operations = side_class(config.get('side_module'))
    operations = frozenset(Operations.operations())

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
    side = Operations(namespace)
    wire.write_message(proto_out, {'ready': True, 'load_errors': load_errors})

    while True:
        try:
            request = requests.read()
        except EOFError:
            return
        op = request.get('op')
        try:
            if op == 'ping':
                result = 'pong'
            elif type(op) is not str or op not in operations:
                raise ValueError('unknown operation %r' % (op,))
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
