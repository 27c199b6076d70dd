"""Finding submissions: one notebook, a folder of notebooks, an nbgrader tree, or Gradescope's folder."""
import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from autograder.notebook.extract import NotebookError, read_notebook
from autograder.reports.files import CLASS_ENTRIES
from autograder.reports.safetext import FoldedNames, folder_name


class SubmissionError(Exception):
    pass


def find_submissions(path, assignment=None):
    """{student: notebook path}.

    - a .ipynb file: the student is its stem;
    - a folder of .ipynb files: one student per file (stem);
    - an nbgrader tree (``submitted/<student>/<assignment>/<notebook>.ipynb``, or the folder holding
      ``submitted/``): one student per folder;
    - a Gradescope submission folder: the .ipynb files anywhere below it, graded as one student
      (use ``find_single_notebook``).
    """
    path = Path(path)
    if path.is_file() or path.is_symlink() or (path.exists() and not path.is_dir()):
        if path.suffix != '.ipynb':
            raise SubmissionError('%s: not a notebook (.ipynb) file' % path)
        return {path.stem: path}
    if not path.is_dir():
        raise SubmissionError('%s: no such file or folder' % path)
    if (path / 'submitted').is_dir():
        path = path / 'submitted'
    flat = sorted(p for p in path.glob('*.ipynb') if not p.name.startswith('.'))
    if flat:
        return {p.stem: p for p in flat}
    found = {}
    for student_dir in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith('.')):
        notebooks = sorted(n for n in student_dir.glob('*/*.ipynb') if '.ipynb_checkpoints' not in n.parts
                           and (assignment is None or n.parent.name == assignment))
        if notebooks:
            found[student_dir.name] = notebooks[0]
    if not found:
        raise SubmissionError('%s: no notebooks found (expected .ipynb files, or submitted/<student>/<assignment>/'
                              '<notebook>.ipynb)' % path)
    return found


def find_single_notebook(folder, assignment_name=None):
    """The one notebook of a Gradescope submission folder (preferring the one named after the assignment)."""
    notebooks = sorted(p for p in Path(folder).rglob('*.ipynb') if '.ipynb_checkpoints' not in p.parts)
    if not notebooks:
        raise SubmissionError('%s: the submission holds no .ipynb file' % folder)
    preferred = [p for p in notebooks if assignment_name and p.name == assignment_name + '.ipynb']
    return (preferred or notebooks)[0]


MAX_NOTEBOOK_MB = 20
KIND_OF = ((stat.S_ISFIFO, 'a named pipe'), (stat.S_ISCHR, 'a character device'), (stat.S_ISBLK, 'a block device'),
           (stat.S_ISSOCK, 'a socket'), (stat.S_ISDIR, 'a folder'))


@dataclass
class Submission:
    """One student's hand-in, read exactly once: what was read is what is hashed, graded and recorded."""
    student: str                  # the student's name as found (file or folder name): untrusted text
    path: str                     # where it was found, for the instructor
    folder: str                   # the name of the student's results folder, safe for the file system
    content: bytes = None         # what was read: the bytes that are hashed and graded, held in memory
    sha256: str = None
    rejected: str = None          # why it is not graded, when it is not


def read_once(path, max_bytes):
    """The bytes of a regular file at ``path`` (never following a final symlink), or Rejected's reason."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SubmissionRejected('the file is a symbolic link; hand in the notebook itself') from None
        raise SubmissionRejected('the file cannot be opened (%s)' % (exc.strerror or exc)) from None
    try:
        info = os.fstat(fd)
        for test, kind in KIND_OF:
            if test(info.st_mode):
                raise SubmissionRejected('it is %s, not a notebook file' % kind)
        if not stat.S_ISREG(info.st_mode):
            raise SubmissionRejected('it is not a regular file')
        if info.st_size > max_bytes:
            raise SubmissionRejected('the file is %.1f MB, more than the %g MB a notebook may have (clear the '
                                     "outputs and hand it in again)" % (info.st_size / 1e6, max_bytes / 1e6))
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise SubmissionRejected('the file grew past the %g MB a notebook may have' % (max_bytes / 1e6))
        return b''.join(chunks)
    finally:
        os.close(fd)


class SubmissionRejected(Exception):
    """A submission that is not a file the grader will read; the message says why, for student and staff."""


def results_folders(students):
    """{student: the name of their results folder}, for the whole class at once: a name made safe for the file
    system, made unique in the order of the names. Every shard of a class computes it over the whole class, so
    all shards agree on every student's folder."""
    folders, taken = {}, FoldedNames()
    for entry in CLASS_ENTRIES:
        taken.add(entry)
    for student in sorted(students):
        folders[student] = folder_name(student, taken)
        taken.add(folders[student])
    return folders


def accept(submissions, max_mb=MAX_NOTEBOOK_MB, folders=None):
    """[Submission] for {student: path}: each read once, before any student code runs, or rejected.

    The bytes are held in the grader's memory (at most ``max_mb`` each) and reach the grading process on a
    pipe: no copy on disk that a worker could reach and rewrite (a run that lets them go reads them again
    with ``read_again``). They are read as a notebook here, with every
    size bounded (``read_notebook``), so a file no parser of the grader's may take is rejected with the
    reason before anything else decodes it, and only that student is not graded. ``folders`` are the results
    folders of the whole class (``results_folders``; by default, of these submissions)."""
    return list(accept_each(submissions, max_mb, folders))


def accept_each(submissions, max_mb=MAX_NOTEBOOK_MB, folders=None):
    """``accept``, one Submission at a time, so that a class's notebooks need not all be in memory at once."""
    folders = folders or results_folders(submissions)
    for student in sorted(submissions):
        sub = Submission(student=student, path=str(submissions[student]), folder=folders[student])
        try:
            data = read_once(submissions[student], int(max_mb * 1e6))
        except SubmissionRejected as exc:
            sub.rejected = str(exc)
            yield sub
            continue
        sub.sha256 = hashlib.sha256(data).hexdigest()
        try:
            read_notebook(sub.path, data)
        except NotebookError as exc:
            sub.rejected = str(exc)
        else:
            sub.content = data
        yield sub


def read_again(sub, max_mb=MAX_NOTEBOOK_MB):
    """The bytes of an accepted submission whose content was let go, read again when it is graded: the same
    bytes (same sha256) as were accepted, or SubmissionRejected saying it changed."""
    data = read_once(sub.path, int(max_mb * 1e6))
    if hashlib.sha256(data).hexdigest() != sub.sha256:
        raise SubmissionRejected('the notebook changed on disk while the class was being graded; grade it again '
                                 'to grade the new file')
    return data
