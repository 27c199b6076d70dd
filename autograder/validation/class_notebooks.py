"""The validation set as a class of notebooks: each variant's code in the release notebook's solution cells."""
import hashlib
from pathlib import Path

import nbformat

from autograder.notebook.fill import fill_solution_cells


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
