"""Writing an output file whole or not at all, and clearing what a killed run left half written."""
import os
import tempfile
from pathlib import Path

PARTIAL = '.partial-'     # the prefix of a file being written: never read, removed when a run starts
# What a class's output folder holds beside its students' folders: the class's pages and records, the shards'
# records and the Slurm scripts' logs. No student's folder may take one of these names (a student whose
# notebook is shards.ipynb or grades.csv.ipynb is named otherwise); tests/engine/test_grade.py keeps the list whole.
CLASS_ENTRIES = ('grades.csv', 'summary.md', 'report.html', 'answers.md', 'run.json', 'grade_distribution.svg',
                 'similarity.html', 'similarity.json', 'missing.txt', 'shards', 'slurm-logs')


def write_atomically(path, text):
    """Write ``path`` whole or not at all: into a partial file beside it, then renamed over it. A grader
    killed or out of disk leaves at most a partial file (``remove_partial_files``), never half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=PARTIAL + path.name + '-', dir=path.parent)
    try:
        with os.fdopen(fd, 'w') as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def remove_partial_files(folder):
    """What a writer that was killed left half written in ``folder`` (not below it): only the folders a run
    writes are cleared, so runs that share an output folder (shards) never clear each other's."""
    for partial in Path(folder).glob(PARTIAL + '*'):
        try:
            partial.unlink()
        except OSError:
            pass
