"""Finding submissions: one notebook, a folder of notebooks, an nbgrader tree, or Gradescope's folder."""
from pathlib import Path


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
    if path.is_file():
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


def find_single_notebook(folder):
    """The one notebook of a Gradescope submission folder (preferring BatchNormalization.ipynb)."""
    notebooks = sorted(p for p in Path(folder).rglob('*.ipynb') if '.ipynb_checkpoints' not in p.parts)
    if not notebooks:
        raise SubmissionError('%s: the submission holds no .ipynb file' % folder)
    preferred = [p for p in notebooks if p.name == 'BatchNormalization.ipynb']
    return (preferred or notebooks)[0]
