"""Secrets planted before a validation run, where a hostile submission might look for them.

Another checkout of the kit with the answer key, an nbgrader course (its gradebook, the source notebook,
another student's graded notebook), Gradescope's /autograder/source, the grader's environment and the
traffic on the loopback (``listener``). Each secret is a string that must appear in no output of the run;
each planted folder must be unchanged after it.
"""
import hashlib
import io
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.grading.gradescope import SETUP_SH, run_autograder_script
from autograder.notebook.fill import fill_solution_cells
from autograder.validation.hostile import placeholders
from autograder.validation.watch import CONTAINED_ENV

# The grader's environment variable that holds a secret during the run.
ENV_SECRET_NAME = 'BNKIT_VALIDATION_TOKEN'


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


# The planted /autograder is a tmpfs mounted in the run's own mount namespace, so runs side by side each
# see their own. Its mount point, an empty folder, is left in place: removing it at the end of one run
# would take it away from a run still using it.
def _plant_gradescope(assignment, planted, path, secret, answers_file):
    path.mkdir(mode=0o755, exist_ok=True)
    subprocess.run(['mount', '-t', 'tmpfs', '-o', 'mode=755,size=32m', 'tmpfs', str(path)], check=True,
                   capture_output=True)
    planted._mounted.append(path)
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

