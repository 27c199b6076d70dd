"""RestoreCellMetadata: a submitted notebook's nbgrader cell metadata is the source notebook's, never the student's.

A student's notebook is a JSON file the student may edit. nbgrader's own sanitizing trusts part of what it
says of its cells: a cell that claims a grade id nbgrader does not know, a solution cell turned into a graded
one, or a graded cell without a grade id stops the student's whole autograde with a traceback ("the nbgrader
metadata may be corrupted"), while ``bnkit grade`` grades the same file; a graded cell copied twice, or one
whose metadata lacks a schema version, ends the autograde of the whole class ("nbgrader update"). So, first
in the course's sanitize pipeline, every cell's nbgrader flags are put back as the instructor's source
notebook has them, matched by grade id, on the last copy of a cell that stands twice; a cell whose grade id
the source does not have, and the earlier copies, are ordinary cells again. nbgrader's
``OverwriteCells`` then restores the locked cells' sources and types as always, and the points still come
only from the kit's sandbox (``autograder.course.grades``).
"""
import functools
from pathlib import Path

import nbformat
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

FLAGS = ('grade', 'grade_id', 'locked', 'points', 'solution', 'task', 'schema_version')
# What else nbgrader's schema (v3) lets a cell's metadata say, set by nbgrader itself when it made the release;
# any other key fails the schema and stops the student's autograde, so it goes.
KEPT = ('checksum', 'cell_type')


def source_notebook(preprocessor, info):
    """The instructor's source notebook of the submission nbgrader is processing (``resources['nbgrader']``),
    read once per autograde for both preprocessors and every student, and again only if it changes. Read only:
    a cell taken from it is copied first."""
    coursedir = CourseDirectory(parent=preprocessor)
    path = Path(coursedir.format_path(coursedir.source_directory, '.', info['assignment'])) / (info['notebook'] + '.ipynb')
    stat = path.stat()
    return _read_source(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _read_source(path, mtime_ns, size):
    return nbformat.read(path, as_version=4)


def grade_id(cell):
    meta = cell.metadata.get('nbgrader')
    return meta.get('grade_id') if isinstance(meta, dict) else None


class RestoreCellMetadata(NbGraderPreprocessor):
    """Put back each cell's nbgrader flags from the source notebook; forget those of cells it does not have."""

    def preprocess(self, nb, resources):
        info = resources['nbgrader']
        source = source_notebook(self, info)
        flags = {meta['grade_id']: {k: meta[k] for k in FLAGS if k in meta}
                 for meta in (cell.metadata.get('nbgrader') for cell in source.cells) if meta and 'grade_id' in meta}
        claims = [self.claim(cell, flags, info['student']) for cell in nb.cells]
        last = {grade_id: index for index, grade_id in enumerate(claims) if grade_id}
        for index, (cell, grade_id) in enumerate(zip(nb.cells, claims)):
            if grade_id is None:
                continue
            if last[grade_id] != index:
                # nbgrader's DeduplicateIds keeps the last copy too, but leaves the others an empty dict that its
                # CheckCellMetadata then takes for an outdated schema, which ends the whole class's autograde.
                self.log.warning("%s: cell %r stands more than once: only its last copy keeps its nbgrader metadata",
                                 info['student'], grade_id)
                del cell.metadata['nbgrader']
                continue
            claimed = cell.metadata['nbgrader']
            restored = {k: claimed[k] for k in KEPT if isinstance(claimed.get(k), str)}
            restored.update(flags[grade_id])
            if restored != claimed:
                self.log.warning("%s: the nbgrader metadata of cell %r was changed: restored from the source notebook",
                                 info['student'], grade_id)
            cell.metadata['nbgrader'] = restored
        return nb, resources

    def claim(self, cell, flags, student):
        """The grade id the cell claims, when the source has it; otherwise its nbgrader metadata goes (None)."""
        claimed = cell.metadata.get('nbgrader')
        if claimed is None:
            return None
        grade_id = claimed.get('grade_id') if isinstance(claimed, dict) else None
        if isinstance(grade_id, str) and grade_id in flags:
            return grade_id
        self.log.warning("%s: a cell claims the grade id %r, which the source notebook does not have: graded as an "
                         "ordinary cell", student, grade_id)
        del cell.metadata['nbgrader']
        return None


class RestoreMissingGradedCells(NbGraderPreprocessor):
    """Put a graded cell the student deleted back where the source has it, after the cell before it there.

    nbgrader can do this too (``OverwriteCells.add_missing_cells``), but it fails the student's autograde when
    the cell before the missing one is neither graded nor a solution (a locked text cell, say). Runs after
    ``RestoreCellMetadata``, so every grade id left in the notebook is the source's, once.
    """

    def preprocess(self, nb, resources):
        info = resources['nbgrader']
        source = source_notebook(self, info)
        present = {grade_id(cell) for cell in nb.cells} - {None}
        used_ids = {cell.get('id') for cell in nb.cells}
        for index, cell in enumerate(source.cells):
            meta = cell.metadata.get('nbgrader') or {}
            if not meta.get('grade') or meta.get('grade_id') in present:
                continue
            self.log.warning("%s: graded cell %r was deleted: put back from the source notebook",
                             info['student'], meta['grade_id'])
            before = [grade_id(c) for c in source.cells[:index] if grade_id(c) in present]
            at = next((i + 1 for i, c in enumerate(nb.cells) if before and grade_id(c) == before[-1]), 0)
            restored = nbformat.from_dict(cell)
            if restored.get('id') in used_ids:
                restored['id'] = 'restored-%s' % meta['grade_id'][:40]
            nb.cells.insert(at, restored)
            present.add(meta['grade_id'])
        return nb, resources
