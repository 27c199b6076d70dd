"""Writing an output file whole or not at all, and clearing what a killed run left half written."""
import os
import tempfile
from pathlib import Path

PARTIAL = '.partial-'     # the prefix of a file being written: never read, removed when a run starts


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


def remove_partial_files(outdir):
    """What a run that was killed while writing left behind (the output folder and its student folders)."""
    outdir = Path(outdir)
    for partial in [*outdir.glob(PARTIAL + '*'), *outdir.glob('*/' + PARTIAL + '*')]:
        try:
            partial.unlink()
        except OSError:
            pass
