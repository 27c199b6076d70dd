"""What a worker can do from inside its sandbox, measured: run as a script (inside ``run_contained``).

    python tests/sandbox/sandbox_probe.py LEVEL SECRET_FILE

Starts real workers at LEVEL whose code tries, one thing per attempt, to read, write, connect, create
namespaces, trace, and outlive its worker, and prints one JSON object: attempt -> what happened
('ok: ...' or the error). Also reports processes of the worker's uid left after stop, and whether the
grader's own reads stayed bounded against a worker that sends half a message or floods its output.
"""
import json
import os
import sys
import time

from autograder.assignment import get
from autograder.sandbox import Limits, Worker
from autograder.sandbox.student_api import StudentCodeError
from autograder.sandbox.uids import UID_RANGE, processes_of

ATTEMPTS = {
    'read_secret': 'open(SECRET).read()',
    'read_shadow': "open('/etc/shadow').read()[:40]",
    'read_answer_key': "open(KIT + '/solutions/layers.py').read()[:40]",
    'list_root': "sorted(os.listdir('/'))",
    'grader_environ': "open('/proc/%d/environ' % os.getppid(), 'rb').read()[:60]",
    'write_host_tmp_marker': "open('/tmp/' + MARK, 'w').write('x')",
    'write_dev_shm': "open('/dev/shm/' + MARK, 'w').write('x')",
    'inet_socket': "__import__('socket').socket(2, 1).connect(('127.0.0.1', 9))",
    'netlink_socket': "__import__('socket').socket(16, 3, 0)",
    'new_user_namespace': "check(libc.unshare(0x10000000))",
    'new_mount_namespace': "check(libc.unshare(0x00020000))",
    'ptrace_parent': "check(libc.ptrace(16, os.getppid(), 0, 0))",
    'keyctl': "check(libc.syscall(250, 0, 0, 0, 0, 0))",
    'bpf': "check(libc.syscall(321, 0, 0, 0))",
    'uid': "os.getuid()",
    'stdlib_site_packages': "os.listdir(os.path.join(os.path.dirname(os.__file__), 'site-packages'))",
    'open_fds': "sorted(int(x) for x in os.listdir('/proc/self/fd'))",
}

PRELUDE = '''
import ctypes, json, os
libc = ctypes.CDLL(None, use_errno=True)
SECRET, KIT, MARK = %r, %r, %r
def check(rc):
    if rc != 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return 'succeeded'
def batchnorm_forward(x, gamma, beta, bn_param):
    try:
        result = 'ok: %%r' %% (%s,)
    except BaseException as exc:
        result = 'refused: %%s: %%s' %% (type(exc).__name__, exc)
    raise RuntimeError(result[:400])
'''

ESCAPE = '''
import os, time
def batchnorm_forward(x, gamma, beta, bn_param):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(120)
        os._exit(0)
    raise RuntimeError('forked')
'''

HALF_MESSAGE = '''
import os
def batchnorm_forward(x, gamma, beta, bn_param):
    os.write(%d, b'\\0\\0')
    import time; time.sleep(60)
'''

FLOOD = '''
import os
def batchnorm_forward(x, gamma, beta, bn_param):
    chunk = 'x' * 65536
    for _ in range(4000):
        print(chunk)
    raise RuntimeError('flooded')
'''


def attempt(level, code):
    import numpy as np
    cells = [{'label': 'probe', 'source': code}]
    side_file = get('BatchNormalization').side_file   # its batchnorm_forward runs each attempt
    with Worker(cells, Limits(call_timeout=10, start_timeout=30), level=level, side_file=side_file) as worker:
        uid = worker.uid.uid if worker.uid else None
        try:
            worker.call('batchnorm_forward', np.zeros((2, 2)), np.ones(2), np.zeros(2), {'mode': 'train'})
        except StudentCodeError as exc:
            message = str(exc).split('RuntimeError: ', 1)[-1]
        else:
            message = 'no error'
        fd_out = worker.config['fd_out']
    return message, uid, fd_out


def main(level, secret):
    kit = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    mark = 'bnkit-probe-%d' % os.getpid()
    found = {}
    for name, expr in ATTEMPTS.items():
        found[name] = attempt(level, PRELUDE % (secret, kit, mark, expr))[0]
    found['host_tmp_marker_exists'] = os.path.exists('/tmp/' + mark)
    found['host_dev_shm_marker_exists'] = os.path.exists('/dev/shm/' + mark)
    message, uid, fd_out = attempt(level, ESCAPE)
    time.sleep(0.5)
    found['escape_message'] = message
    found['left_after_stop'] = len(processes_of(uid)) if uid is not None else None
    found['left_in_sandbox_uids'] = sum(len(processes_of(u)) for u in UID_RANGE if processes_of(u))
    start = time.monotonic()
    found['half_message'] = attempt(level, HALF_MESSAGE % fd_out)[0]
    found['half_message_seconds'] = round(time.monotonic() - start, 1)
    start = time.monotonic()
    found['flood'] = attempt(level, FLOOD)[0]
    found['flood_seconds'] = round(time.monotonic() - start, 1)
    import resource
    found['grader_peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps(found))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
