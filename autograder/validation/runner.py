"""Grading the whole validation set in one run and judging the grader by what happened.

One module of about 830 lines on purpose: planting the secrets, the run, the evidence gathered after it and
the verdicts are one procedure whose steps share the run's state, and read best in the order they happen.

The assignment is a parameter (``autograder.assignment``): its release notebook, checks, reference cells
and validation variants. Every variant becomes a release notebook with its code in the solution cells. All of them, honest and
hostile mixed, are graded in ONE ``bnkit grade`` run, so a hostile submission that disturbed the run or
another student's grade would show. Before the run, secrets are planted where a hostile submission might
look (another checkout of the kit, an nbgrader course, Gradescope's /autograder/source, the grader's
environment, traffic on the loopback), a TCP and a UDP listener start on 127.0.0.1, and the shared places
(/tmp, /dev/shm, /var/tmp) and the processes are noted. Verdicts, all on outcomes:

- correct: full automatic credit;
- bug: loses points in the check named for it, and none elsewhere beyond what error carried forward
  allows (``autograder.validation.variant.collateral``: the training checks' own points, for a mistake in the
  net itself);
- hostile: no more than its stub twin in any check, zero in every check whose function it replaced, its
  grading finished, no trace of it left anywhere watched, its mark in nobody's results, no secret in its
  outputs;
- run: submissions unchanged, everyone graded with intact results, the grader's memory bounded, no planted
  secret in any output, no new files in the shared places, no process left, no connection to the
  listeners, the planted folders unchanged.
"""
import csv
import hashlib
import html
import inspect
import io
import json
import os
import re
import secrets
import selectors
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from autograder.grading.runner import grade_all
from autograder.sandbox import uids
from autograder.notebook.fill import fill_solution_cells
from autograder.reports.results import load_results
from autograder.sandbox import Limits
from autograder.validation.hostile import TRACE_PREFIX, placeholders, stub_twin
from autograder.validation.variant import all_variants, collateral

PWNED = Path('/tmp/bnkit-pwned')   # what the pickle payload would create if anything ever unpickled it

CALL_TIMEOUT = 5.0
CHECK_TIMEOUT = 30.0
# The planted /autograder is a tmpfs mounted in the run's own mount namespace, so runs side by side each
# see their own. Its mount point, an empty folder, is left in place: removing it at the end of one run
# would take it away from a run still using it.
GRADER_MEMORY_BOUND_MB = 1024
SHARED_PLACES = ('/tmp', '/dev/shm', '/var/tmp')
# Places only root may write to: a hostile trace there means something became root.
ROOT_PLACES = ('/', '/etc', '/root', '/usr/local', '/var/lib', '/srv', '/autograder', '/autograder/source')
# Every uid the sandbox hands its workers lies in this range (61000-61999 today; 60000-64999 covers the
# per-grader uids of the single-module sandbox too).
SANDBOX_UIDS = range(60000, 65000)
ENV_SECRET_NAME = 'BNKIT_VALIDATION_TOKEN'
# Set when the run has a PID and mount namespace of its own (``bnkit validate`` sets it when it contains
# itself, ``tests/containment.run_contained`` too): then, as root, it may mount a tmpfs on /autograder.
CONTAINED_ENV = 'BNKIT_VALIDATE_CONTAINED'
PR_SET_CHILD_SUBREAPER = 36


def budget(assignment):
    """A submission whose every check runs into its own timeout still finishes within its budget (loading its
    code included)."""
    return len(assignment.checks) * CHECK_TIMEOUT + 60.0


def submission_timeout(assignment):
    """The budget and a minute more for the grader's own start and reports."""
    return budget(assignment) + 60.0


@dataclass
class Row:
    variant: str
    kind: str
    expected: str
    got: str
    ok: bool
    promise: str = None     # hostile and run rows: which isolation levels must keep it (hostile.PROMISES)
    group: str = None       # hostile rows: what the submission attacks
    collateral: float = None   # bugs: points lost outside the check named for them
    beyond_rule: float = None  # bugs: the part of that the rule does not allow (variants.collateral)


def write_class(folder, variants, assignment):
    """{variant name: its notebook}: the assignment's release notebook with each variant's cells filled in."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    reference = assignment.reference_cells()
    paths = {}
    for variant in variants:
        path = folder / ('%s.ipynb' % variant.name)
        sources = {k: v for k, v in variant.sources(reference).items() if v is not None}  # None keeps the stub
        nbformat.write(fill_solution_cells(assignment.release_notebook, sources), str(path))
        paths[variant.name] = path
    return paths


def digest(paths):
    """{name: sha256 of the file} ('missing: why' for a file that cannot be read any more)."""
    out = {}
    for name, path in paths.items():
        try:
            out[name] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError as exc:
            out[name] = 'missing: %s' % (exc.strerror or exc)
    return out


def check_points(data):
    return {t['tags'][0]: t['score'] for t in data['tests']}


# ------------------------------------------------------------------------------------------------ planting

@dataclass
class Planted:
    """Secrets planted before the run: where, what (label -> secret string), and what could not be."""
    root: Path
    secrets: dict = field(default_factory=dict)        # label -> string that must appear in no output
    grader_secrets: set = field(default_factory=set)   # labels of the grader's own secrets (env, traffic)
    folders: list = field(default_factory=list)        # folders whose files must not change
    skipped: list = field(default_factory=list)
    _mounted: list = field(default_factory=list)

    def remove(self):
        for path in reversed(self._mounted):
            subprocess.run(['umount', '-l', str(path)], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


def _write(path, text, mode=0o644):
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
    path.chmod(mode)


def _open_up(folder):
    """Folders of a planted tree readable by anyone, as they would be on a real machine (whatever the umask)."""
    folder = Path(folder)
    folder.chmod(0o755)
    for path in folder.rglob('*'):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)


def _answer_key(assignment, secret_line):
    """The assignment's answer key as a module that runs, with a secret in its header."""
    code = '\n\n\n'.join(assignment.reference_cells().values())
    return '# Answer key of the %s assignment.\n# %s\nimport numpy as np\n\n\n%s\n' % (
        assignment.title.lower(), secret_line, code)


def _notebook_with_secret(assignment, note):
    nb = fill_solution_cells(assignment.release_notebook, assignment.reference_cells())
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(note))
    return nbformat.writes(nb)


def plant_secrets(assignment, token=None):
    """Plant the assignment's answer key and secrets in folders created for the purpose; returns a Planted."""
    token = token or secrets.token_hex(6)
    root = Path(tempfile.mkdtemp(prefix='bnkit-planted-'))
    root.chmod(0o755)
    planted = Planted(root)

    def secret(label):
        planted.secrets[label] = 'bnkit-secret-%s-%s' % (label.replace(' ', '-').replace('/', ''), token)
        return planted.secrets[label]

    # Another copy of the kit, as a teaching assistant's old checkout would leave it.
    checkout = root / 'home' / 'ta' / 'cs231n-2024'
    _write(checkout / 'solutions' / '__init__.py', '')
    answers_file = placeholders(assignment)['@answers_file@']   # where the attacks look for the answers
    _write(checkout / 'solutions' / answers_file,
           _answer_key(assignment, 'SECRET: %s (the answer key: do not share)' % secret('other checkout')))
    _write(checkout / 'README.md', 'Course staff only.\n')
    planted.folders.append(checkout)

    # An nbgrader course folder: the gradebook, the source notebook, another student's graded notebook.
    course = root / 'srv' / 'nbgrader' / 'cs231n'
    _write(course / 'nbgrader_config.py', "c = get_config()\nc.CourseDirectory.course_id = 'cs231n'\n")
    db = course / 'gradebook.db'
    with sqlite3.connect(str(db)) as conn:
        conn.execute('CREATE TABLE student (id TEXT PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT)')
        conn.execute("INSERT INTO student VALUES ('ada', 'Ada', 'Lovelace', 'ada@example.edu')")
        conn.execute('CREATE TABLE comment (id TEXT PRIMARY KEY, comment TEXT)')
        conn.execute('INSERT INTO comment VALUES (?, ?)',
                     ('c1', 'grader note, answer token: %s' % secret('nbgrader gradebook')))
    db.chmod(0o644)
    note = 'Instructor copy. Secret: %s' % secret('nbgrader notebooks')
    name = assignment.name
    for sub in ('source/' + name, 'autograded/ada/' + name, 'submitted/ada/' + name):
        _write(course / sub / (name + '.ipynb'), _notebook_with_secret(assignment, note))
    planted.folders.append(course)

    # Gradescope's layout, which only root in a mount namespace of its own may create.
    gradescope = Path('/autograder')
    why_not = _why_not_gradescope(gradescope)
    if why_not:
        planted.skipped.append('/autograder/source (%s)' % why_not)
    else:
        try:
            _plant_gradescope(assignment, planted, gradescope, secret, answers_file)
        except (OSError, subprocess.CalledProcessError) as exc:
            planted.skipped.append('/autograder/source (%s)' % exc)

    for folder in [root] + planted.folders:
        _open_up(folder)

    # The grader's own secrets: its environment and the traffic on the loopback.
    secret('grader environment')
    secret('loopback traffic')
    planted.grader_secrets |= {'grader environment', 'loopback traffic'}
    try:
        with open('/etc/shadow') as f:
            lines = [line.strip() for line in f if len(line.strip()) >= 8]
        for i, line in enumerate(lines):
            planted.secrets['/etc/shadow line %d' % (i + 1)] = line
            planted.grader_secrets.add('/etc/shadow line %d' % (i + 1))
    except OSError:
        pass
    return planted


def _why_not_gradescope(path):
    if os.geteuid() != 0:
        return 'needs root'
    if os.environ.get(CONTAINED_ENV) != '1':
        return 'needs a mount namespace of its own'
    if path.exists() and (not path.is_dir() or any(path.iterdir()) or os.path.ismount(path)):
        return '%s exists already' % path
    if not shutil.which('mount'):
        return 'no mount command'
    return None


def _plant_gradescope(assignment, planted, path, secret, answers_file):
    path.mkdir(mode=0o755, exist_ok=True)
    subprocess.run(['mount', '-t', 'tmpfs', '-o', 'mode=755,size=32m', 'tmpfs', str(path)], check=True,
                   capture_output=True)
    planted._mounted.append(path)
    from autograder.grading.gradescope import SETUP_SH, run_autograder_script
    source = path / 'source'
    token = secret('gradescope source')
    _write(source / 'setup.sh', SETUP_SH + '# deploy token: %s\n' % token, 0o755)
    _write(source / 'run_autograder', run_autograder_script(assignment), 0o755)
    wheel = io.BytesIO()
    with zipfile.ZipFile(wheel, 'w') as zf:
        zf.writestr('solutions/__init__.py', '')
        zf.writestr('solutions/' + answers_file, _answer_key(assignment, 'SECRET: %s (the answer key: do not share)'
                                                       % secret('gradescope wheel')))
        zf.writestr('bnkit-0.1.0.dist-info/METADATA', 'Metadata-Version: 2.1\nName: bnkit\nVersion: 0.1.0\n')
    _write(source / 'wheels' / 'bnkit-0.1.0-py3-none-any.whl', wheel.getvalue())
    planted.folders.append(path)


def folder_digest(folders):
    out = {}
    for folder in folders:
        for path in sorted(Path(folder).rglob('*')):
            try:
                out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else 'dir'
            except OSError as exc:
                out[str(path)] = 'unreadable: %s' % exc.strerror
    return out


# ------------------------------------------------------------------------------------------------ listener

class Listener:
    """TCP and UDP listeners on 127.0.0.1 that count whoever reaches them, and a chatter that sends the
    loopback secret to the UDP one every 0.2 s (what a sniffer on the machine's loopback would hear)."""

    def __init__(self, secret):
        self.secret = secret.encode()
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind(('127.0.0.1', 0))
        self.tcp.listen(64)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(('127.0.0.1', 0))
        self.chatter = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.chatter.bind(('127.0.0.1', 0))
        self.port, self.udp_port = self.tcp.getsockname()[1], self.udp.getsockname()[1]
        self.connections, self.datagrams, self.heard = 0, 0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        sel = selectors.DefaultSelector()
        sel.register(self.tcp, selectors.EVENT_READ, 'tcp')
        sel.register(self.udp, selectors.EVENT_READ, 'udp')
        chatter_address = self.chatter.getsockname()
        next_chat = 0.0
        while not self._stop.is_set():
            if time.monotonic() >= next_chat:
                try:
                    self.chatter.sendto(self.secret, ('127.0.0.1', self.udp_port))
                except OSError:
                    pass
                next_chat = time.monotonic() + 0.2
            for key, _ in sel.select(timeout=0.1):
                try:
                    if key.data == 'tcp':
                        conn, _ = self.tcp.accept()
                        self.connections += 1
                        conn.settimeout(0.2)
                        try:
                            self.heard.append(conn.recv(200))
                        except OSError:
                            pass
                        conn.close()
                    else:
                        data, address = self.udp.recvfrom(2048)
                        if address != chatter_address:
                            self.datagrams += 1
                            self.heard.append(data[:200])
                except OSError:
                    pass
        sel.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
        for s in (self.tcp, self.udp, self.chatter):
            s.close()


# ------------------------------------------------------------------------------------------------ processes

def _process_table():
    """{pid: (real uid, effective uid, ppid, state, cmdline)} of every process this /proc shows."""
    table = {}
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        try:
            with open('/proc/%s/status' % name) as f:
                status = dict(line.split(':', 1) for line in f if ':' in line)
            with open('/proc/%s/cmdline' % name, 'rb') as f:
                cmdline = f.read().replace(b'\0', b' ').decode(errors='replace').strip()
            real, effective = (int(x) for x in status['Uid'].split()[:2])
            table[int(name)] = (real, effective, int(status['PPid']), status['State'].split()[0], cmdline)
        except (OSError, KeyError, ValueError):
            continue
    return table


def _leftovers(before, markers):
    """Processes that belong to the run and are still there: adopted by this process (its subreaper), of a
    sandbox uid, or whose command line names the run's folder or a hostile trace."""
    me = os.getpid()
    found = {}
    for pid, (real, effective, ppid, state, cmdline) in _process_table().items():
        if pid == me or pid in before or state in ('Z', 'X'):
            continue
        ours = ppid == me or any(m and m in cmdline for m in markers)
        # A process of a sandbox uid counts when no live run holds that uid's lease: then it was this run's
        # (or a dead run's). Another live run's workers are not this run's leftovers, and a run that is not
        # root leases no sandbox uid at all.
        orphaned = next((u for u in (real, effective) if u in SANDBOX_UIDS and os.geteuid() == 0
                         and not uids.is_leased(u)), None)
        if ours or orphaned is not None:
            found[pid] = (real, ppid, cmdline, ours)
    return found


def _owner_of_process(pid, cmdline, variants):
    """The submission a leftover process ran, when it can be told: the notebook on the grader's command line,
    or the cells of the worker's folder (its cwd, or next to the program it runs)."""
    for variant in variants:
        if '/%s.ipynb' % variant.name in cmdline:
            return variant.name
    folders = ['/proc/%d/cwd' % pid] + [os.path.dirname(a) for a in cmdline.split() if a.startswith('/')]
    for folder in folders:
        try:
            with open(os.path.join(folder, 'cells.json')) as f:
                text = '\n'.join(c.get('source', '') for c in json.load(f) if isinstance(c, dict))
        except (OSError, ValueError, TypeError, AttributeError):
            continue
        for variant in variants:
            cells = [c for c in variant.cells.values() if c]
            if variant.kind == 'hostile' and cells and all(c.strip() in text for c in cells):
                return variant.name
    return None


def _subreaper(on):
    """Make this process adopt its orphaned descendants, so none can slip away by double forking."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1 if on else 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


# ------------------------------------------------------------------------------------------------ evidence

@dataclass
class Evidence:
    """What the run left behind, found after it, by the judge."""
    traces: dict = field(default_factory=dict)    # variant -> [paths of its trace files]
    marks: dict = field(default_factory=dict)     # variant -> [output files holding its mark]
    leaks: dict = field(default_factory=dict)     # student -> [labels of secrets in its outputs]
    processes: dict = field(default_factory=dict)     # variant -> [descriptions of processes it left]
    leaked_files: dict = field(default_factory=dict)   # label -> [output files]


def _owner_of(name, names):
    """The variant a trace or mark belongs to: the longest variant name it starts with."""
    candidates = [n for n in names if name == n or name.startswith(n + '-')]
    return max(candidates, key=len) if candidates else name


def scan_outputs(grades, planted, names):
    evidence = Evidence()
    pattern = re.compile(re.escape(TRACE_PREFIX.encode()) + rb'([A-Za-z0-9_]+)')
    for path in sorted(Path(grades).rglob('*')):
        if not path.is_file():
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        # Reports escape what they show (markdown backslashes, HTML entities): judge the text as shown.
        data = html.unescape(re.sub(rb'\\([\\`*_{}\[\]()#+\-.!|<>~])', rb'\1', data).decode(errors='replace'))
        data = data.encode()
        rel = str(path.relative_to(grades))
        student = rel.split(os.sep)[0] if os.sep in rel else None
        for match in set(pattern.findall(data)):
            owner = _owner_of(match.decode(), names)
            evidence.marks.setdefault(owner, []).append(rel)
        for label, value in planted.secrets.items():
            if value.encode() in data:
                evidence.leaked_files.setdefault(label, []).append(rel)
                if student:
                    evidence.leaks.setdefault(student, []).append(label)
    return evidence


def _traces(places, names):
    found = {}
    for place in places:
        try:
            entries = os.listdir(place)
        except OSError:
            continue
        for entry in entries:
            if entry.startswith(TRACE_PREFIX):
                owner = _owner_of(entry[len(TRACE_PREFIX):], names)
                found.setdefault(owner, []).append(os.path.join(place, entry))
    return found


def _entries(places):
    out = {}
    for place in places:
        try:
            out[place] = set(os.listdir(place))
        except OSError:
            out[place] = set()
    return out


def _remove(path):
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass


# ------------------------------------------------------------------------------------------------ verdicts

def judge(assignment, variant, data, twin=None, evidence=None):
    if data is None:
        return Row(variant.name, variant.kind, 'graded', 'no results', False, variant.promise, variant.group)
    points = check_points(data)
    failed = data['extra_data'].get('grading_failed')
    if variant.kind == 'correct':
        full = assignment.max_automatic_points
        return Row(variant.name, 'correct', 'full credit', '%g/%g' % (data['score'], full), data['score'] == full)
    if variant.kind == 'bug':
        full = assignment.by_name[variant.loses_in].points
        got = points.get(variant.loses_in, 0)
        lost = {spec.name: spec.points - points.get(spec.name, 0) for spec in assignment.checks
                if points.get(spec.name, 0) < spec.points - 1e-9}
        outside = round(sum(p for check, p in lost.items() if check != variant.loses_in), 2)
        beyond = round(collateral(assignment, variant, lost), 2)
        return Row(variant.name, 'bug', 'loses in %s' % variant.loses_in, '%g/%g there' % (got, full),
                   got < full and beyond == 0, collateral=outside, beyond_rule=beyond)
    expected = '<= stub twin, 0 in %d check(s), no trace' % len(variant.loses_in)
    if twin is None:
        return Row(variant.name, 'hostile', expected, 'its stub twin was not graded', False, variant.promise,
                   variant.group)
    earned = {c: points.get(c, 0) for c in variant.loses_in if points.get(c, 0) > 0}
    twin_points = check_points(twin)
    earned.update({c: p for c, p in points.items() if p > twin_points.get(c, 0) + 1e-9})
    problems = []
    if failed:
        problems.append('grading failed: %s' % failed)
    elif data.get('execution_time', 0) > submission_timeout(assignment):
        problems.append('graded in %.0f s' % data['execution_time'])
    if earned:
        problems.append('earned %s' % ', '.join('%s %g' % kv for kv in earned.items()))
    evidence = evidence or Evidence()
    if evidence.traces.get(variant.name):
        problems.append('left %s' % ', '.join(sorted(evidence.traces[variant.name])[:3]))
    if evidence.processes.get(variant.name):
        problems.append('left running: %s' % '; '.join(evidence.processes[variant.name][:2]))
    marked = sorted({f.split(os.sep)[0] if os.sep in f else f for f in evidence.marks.get(variant.name, [])})
    others = [m for m in marked if m != variant.name]
    if others:
        problems.append('its mark in the outputs of %s' % ', '.join(others[:4]))
    elif marked:
        problems.append('its mark (a success it reported) in %s' % ', '.join(marked))
    if evidence.leaks.get(variant.name):
        problems.append('leaked %s' % ', '.join(sorted(set(evidence.leaks[variant.name]))))
    got = '; '.join(problems) or '%g, stub twin %g' % (data['score'], twin['score'])
    return Row(variant.name, 'hostile', expected, got, not problems, variant.promise, variant.group)


def _results_intact(assignment, results, notebooks, before, grades):
    broken = []
    try:
        with open(Path(grades) / 'grades.csv') as f:
            csv_scores = {row['student']: row['score'] for row in csv.DictReader(f)}
    except (OSError, KeyError, csv.Error):
        csv_scores = {}
    for name in notebooks:
        data = results.get(name)
        try:
            extra = data['extra_data']
            assert extra['student'] == name, 'student %r' % extra['student']
            assert extra['submission_sha256'] == before[name], 'another notebook'
            assert len(data['tests']) == len(assignment.checks), '%d tests' % len(data['tests'])
            assert abs(float(csv_scores.get(name, 'nan')) - data['score']) < 0.01, 'grades.csv disagrees'
            shown = re.search(r'Score: ([0-9.]+) /', (Path(grades) / name / 'feedback.md').read_text())
            assert not shown or abs(float(shown.group(1)) - data['score']) < 0.01, 'feedback.md disagrees'
        except (AssertionError, KeyError, TypeError, ValueError, OSError) as exc:
            broken.append('%s (%s)' % (name, str(exc) or 'unreadable'))
    return broken


def _run_rows(ctx):
    """The run-level rows, from what was noted before the run and found after it."""
    results, notebooks, before = ctx['results'], ctx['notebooks'], ctx['before']
    planted, evidence, listener = ctx['planted'], ctx['evidence'], ctx['listener']
    changed = [name for name, h in digest(notebooks).items() if before[name] != h]
    # A hostile submission's own grading failure is its own verdict; anyone else's is the run's.
    failed_others = sorted(name for name, data in results.items() if ctx['kinds'].get(name) != 'hostile' and
                           (data['extra_data'].get('grading_failed') or data['extra_data'].get('not_graded')))
    broken = _results_intact(ctx['assignment'], results, notebooks, before, ctx['grades'])
    touched = {}
    for owner, files in evidence.marks.items():
        victims = sorted({f.split(os.sep)[0] for f in files if os.sep in f} - {owner})
        if victims:
            touched[owner] = victims
    memory = {name: (data['extra_data'].get('peak_memory_mb') or {}).get('grader', 0) for name, data in results.items()
              if not data['extra_data'].get('grading_failed')}
    worst = max(memory.items(), key=lambda kv: kv[1] or 0, default=(None, 0))
    file_leaks = {label: files for label, files in evidence.leaked_files.items() if label not in planted.grader_secrets}
    grader_leaks = {label: files for label, files in evidence.leaked_files.items() if label in planted.grader_secrets}

    def leaks(found):
        return '; '.join('%s in %s' % (label, ', '.join(sorted(files)[:2])) for label, files in sorted(found.items()))

    new_files = ctx['new_files']
    left = ctx['leftovers']
    rows = [
        Row('run completed', 'run', 'the grader finished the run', ctx['aborted'] or 'finished',
            not ctx['aborted'], 'robust'),
        Row('submissions unchanged', 'run', 'no file changed', ', '.join(changed) or 'none changed', not changed,
            'robust'),
        Row('no code ran outside', 'run', 'no /tmp/bnkit-pwned', 'found' if ctx['pwned'] else 'absent',
            not ctx['pwned'], 'robust'),
        Row('everyone graded', 'run', '%d results, no honest grading failed' % len(notebooks),
            '%d results%s' % (len(results), '; failed: ' + ', '.join(failed_others) if failed_others else ''),
            len(results) == len(notebooks) and not failed_others, 'robust'),
        Row('results intact', 'run', 'each results.json its own, grades.csv agrees',
            ', '.join(broken[:4]) or 'all intact', not broken, 'robust'),
        Row('nobody else touched', 'run', "no hostile mark in another submission's outputs",
            '; '.join('%s in %s' % (owner, ', '.join(victims[:3])) for owner, victims in sorted(touched.items()))
            or 'none found', not touched, 'robust'),
        Row('grader memory bounded', 'run', 'peak < %d MB for everyone' % GRADER_MEMORY_BOUND_MB,
            'at most %.0f MB (%s)' % (worst[1] or 0, worst[0]), (worst[1] or 0) < GRADER_MEMORY_BOUND_MB, 'robust'),
        Row('no planted file secret leaked', 'run', 'no secret of a planted file in any output',
            leaks(file_leaks) or 'none found', not file_leaks, 'secret'),
        Row('no grader secret leaked', 'run', 'environment, traffic, /etc/shadow in no output',
            leaks(grader_leaks) or 'none found', not grader_leaks, 'isolated'),
        Row('shared places clean', 'run', 'no new file in %s' % ', '.join(SHARED_PLACES),
            ', '.join(sorted(new_files)[:5]) + (' and %d more' % (len(new_files) - 5) if len(new_files) > 5 else '')
            or 'clean', not new_files, 'isolated'),
        Row('no process left', 'run', 'none of a sandbox uid or of this run',
            '; '.join('pid %d uid %d: %s' % (pid, uid, cmd[:90]) for pid, (uid, _, cmd, _) in sorted(left.items())[:3])
            or 'none', not left, 'isolated'),
        Row('no connection to the listeners', 'run', '127.0.0.1:%d (TCP, UDP) never reached' % listener.port,
            '%d connection(s), %d datagram(s)' % (listener.connections, listener.datagrams),
            not listener.connections and not listener.datagrams, 'isolated'),
        Row('planted folders unchanged', 'run', 'no file added or changed', ', '.join(ctx['planted_changed'][:3])
            or 'unchanged', not ctx['planted_changed'], 'isolated'),
        Row('secrets planted', 'run', 'where this machine allows',
            '%d planted%s' % (len(planted.secrets), '; skipped ' + '; '.join(planted.skipped) if planted.skipped
                              else ''), True),
    ]
    if ctx['isolation'] is not None:
        levels = sorted({str(data['extra_data'].get('isolation')) for data in results.values()
                         if not data['extra_data'].get('grading_failed')})
        rows.append(Row('isolation as requested', 'run', ctx['isolation'], ', '.join(levels) or 'none',
                        levels == [ctx['isolation']], 'robust'))
    return rows


def _grade_all_options(assignment, isolation):
    """The time limits and the isolation level, in the terms this grader's grade_all takes them."""
    accepted = inspect.signature(grade_all).parameters
    options = {}
    if 'budget' in accepted:
        options['budget'] = budget(assignment)
    if 'submission_timeout' in accepted:
        options['submission_timeout'] = submission_timeout(assignment)
    if isolation is not None:
        if 'isolation' not in accepted:
            raise ValueError('this grader cannot be told an isolation level (asked for %s)' % isolation)
        options['isolation'] = isolation
    return options


def validate(assignment, workdir=None, jobs=2, limits=None, variants=None, progress=True, isolation=None):
    """Grade the validation set of ``assignment`` (by default all of it); returns (rows, global rows, seconds).

    ``isolation`` (None: the grader probes) is passed on to ``grade_all``."""
    variants = variants or all_variants(assignment)
    twins = list({t.name: t for t in (stub_twin(v) for v in variants if v.kind == 'hostile')}.values())
    names = [v.name for v in variants + twins]
    options = _grade_all_options(assignment, isolation)
    start = time.monotonic()
    _subreaper(True)
    planted = plant_secrets(assignment)
    saved_env = os.environ.get(ENV_SECRET_NAME)
    try:
        with tempfile.TemporaryDirectory(prefix='bnkit-validate-', ignore_cleanup_errors=True) as tmp, \
                Listener(planted.secrets['loopback traffic']) as listener:
            work = Path(workdir or tmp).resolve()
            if PWNED.exists():
                PWNED.unlink()
            notebooks = write_class(work / 'submissions', variants + twins, assignment)
            before = digest(notebooks)
            limits = limits or Limits(call_timeout=CALL_TIMEOUT, cpu_seconds=120, memory_mb=1024)
            ignore = {Path(tmp).name, planted.root.name}
            ignore |= {work.relative_to(place).parts[0] for place in SHARED_PLACES if work.is_relative_to(place)}
            entries = _entries(SHARED_PLACES)
            processes = set(_process_table())
            planted_before = folder_digest(planted.folders)
            os.environ[ENV_SECRET_NAME] = planted.secrets['grader environment']
            aborted = None
            try:
                results, _ = grade_all(assignment, notebooks, work / 'grades', jobs=jobs, limits=limits,
                                       check_timeout=CHECK_TIMEOUT, progress=progress, **options)
            except Exception as exc:    # the run itself failed: judge what it left
                aborted = '%s: %s' % (type(exc).__name__, str(exc)[:200])
                results = {s: r for s, r in load_results(work / 'grades').items() if s in notebooks}
            finally:
                if saved_env is None:
                    os.environ.pop(ENV_SECRET_NAME, None)
                else:
                    os.environ[ENV_SECRET_NAME] = saved_env

            markers = [str(work), str(planted.root), TRACE_PREFIX]
            deadline = time.monotonic() + 3
            left = _leftovers(processes, markers)
            while left and time.monotonic() < deadline:   # a namespace being torn down is not a leftover
                time.sleep(0.2)
                _reap()
                left = _leftovers(processes, markers)
            after = _entries(SHARED_PLACES)
            new_files = sorted(os.path.join(place, e) for place in SHARED_PLACES
                               for e in after[place] - entries[place] - ignore)
            planted_after = folder_digest(planted.folders)
            planted_changed = sorted(p for p in set(planted_before) | set(planted_after)
                                     if planted_before.get(p) != planted_after.get(p))
            evidence = scan_outputs(work / 'grades', planted, names)
            for pid, (uid, _, cmdline, _) in sorted(left.items()):
                owner = _owner_of_process(pid, cmdline, variants)
                if owner:
                    evidence.processes.setdefault(owner, []).append('pid %d uid %d %s' % (pid, uid, cmdline[:60]))
            evidence.traces = _traces(SHARED_PLACES + ROOT_PLACES, names)
            for path in planted_changed:
                if TRACE_PREFIX in path:
                    owner = _owner_of(path.split(TRACE_PREFIX, 1)[1], names)
                    evidence.traces.setdefault(owner, []).append(path)
            rows = [judge(assignment, v, results.get(v.name),
                          results.get(stub_twin(v).name) if v.kind == 'hostile' else None, evidence) for v in variants]
            global_rows = _run_rows(dict(assignment=assignment, results=results, notebooks=notebooks, before=before, planted=planted,
                                         evidence=evidence, listener=listener, grades=work / 'grades',
                                         pwned=PWNED.exists(), new_files=new_files, leftovers=left,
                                         planted_changed=planted_changed, isolation=isolation, aborted=aborted,
                                         kinds={v.name: v.kind for v in variants + twins}))
            _clean_up(left, new_files, evidence)
    finally:
        _subreaper(False)
        _reap()
        planted.remove()
    return rows, global_rows, time.monotonic() - start


def _clean_up(left, new_files, evidence):
    """End what the run left behind: its own processes, and the files its hostile submissions made."""
    contained = os.environ.get(CONTAINED_ENV) == '1'
    for pid, (_, _, _, ours) in left.items():
        if ours or contained:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    time.sleep(0.2)
    _reap()
    for path in new_files:
        if os.path.basename(path).startswith(TRACE_PREFIX):
            _remove(path)
    for paths in evidence.traces.values():
        for path in paths:
            if os.path.basename(path).startswith(TRACE_PREFIX):
                _remove(path)
    if PWNED.exists():
        _remove(str(PWNED))


def table(rows, global_rows):
    lines = ['%-30s %-8s %-40s %-32s %-10s %s' % ('variant', 'kind', 'expected', 'got', 'collateral', 'verdict'),
             '-' * 132]
    for r in rows + global_rows:
        lines.append('%-30s %-8s %-40s %-32s %-10s %s' % (r.variant[:30], r.kind, r.expected[:40], r.got[:32],
                                                           '' if r.collateral is None else '%g' % r.collateral,
                                                           'ok' if r.ok else 'FAIL'))
    lines.append('')
    bugs = [r for r in rows if r.kind == 'bug']
    lines.append('%-36s %g points over %d bugs (%d with any); beyond the rule: %g points' % (
        'collateral (outside the named check):', sum(r.collateral or 0 for r in bugs), len(bugs),
        sum(1 for r in bugs if r.collateral), sum(r.beyond_rule or 0 for r in bugs)))
    for kind, label in (('correct', 'correct variants with full credit'), ('bug', 'bugs caught'),
                        ('hostile', 'hostile submissions contained')):
        of_kind = [r for r in rows if r.kind == kind]
        good = sum(r.ok for r in of_kind)
        lines.append('%-36s %d / %d (%.0f%%)' % (label + ':', good, len(of_kind), 100.0 * good / max(len(of_kind), 1)))
    from autograder.validation.hostile import GROUPS
    for group, words in GROUPS.items():
        of_group = [r for r in rows if r.kind == 'hostile' and r.group == group]
        if of_group:
            lines.append('  %-34s %d / %d' % (words[:33] + ':', sum(r.ok for r in of_group), len(of_group)))
    lines.append('%-36s %s' % ('run-level checks:', 'all ok' if all(r.ok for r in global_rows) else 'FAILED'))
    failed = [r for r in rows + global_rows if not r.ok]
    if failed:
        lines += ['', 'What failed, in full:'] + ['  %s: %s' % (r.variant, r.got) for r in failed]
    return '\n'.join(lines)


def rows_as_json(rows, global_rows, seconds):
    return json.dumps({'rows': [asdict(r) for r in rows], 'run': [asdict(r) for r in global_rows],
                       'seconds': round(seconds, 1)}, indent=1)


def nbgrader_agreement(assignment, variants, bnkit_scores, cifar_dir=None):
    """[(variant, nbgrader automatic score, bnkit score)] for the given honest variants."""
    from autograder.notebook.release import autograde, environment
    from autograder.validation.fakedata import write_fake_cifar10
    with tempfile.TemporaryDirectory(prefix='bnkit-agree-') as tmp:
        tmp = Path(tmp)
        notebooks = write_class(tmp / 'nb', variants, assignment)
        data = cifar_dir or write_fake_cifar10(tmp / 'cifar', 250, 100)
        with environment(BNKIT_QUICK='1', CIFAR10_DIR=data):
            scores = autograde(notebooks, assignment=assignment.name, source_dir=assignment.source_notebook.parent.parent)
    return [(v.name, scores[v.name][0], bnkit_scores.get(v.name)) for v in variants]
