"""The nbgrader course: nbgrader's own commands, with every score and every kernel in the kit's sandbox.

``bnkit release`` writes a course folder whose ``nbgrader_config.py`` puts two preprocessors into
nbgrader's autograde pipeline:

- ``execute.SandboxedExecute`` in place of nbgrader's ``Execute``: the student's notebook runs for its
  outputs (experiments, figures) in a kernel inside the sandbox (``kernel``), or not at all;
- ``grades.SandboxGrades`` just before nbgrader's ``SaveAutoGrades``: each autograded cell's output, from
  which nbgrader reads its points, is written from the kit's own sandboxed grading of the submitted file.

``metadata.RestoreCellMetadata``, first in its sanitizing, puts back every cell's nbgrader flags from the source
notebook. ``isolation`` holds the options both share. The instructor's commands stay nbgrader's: ``autograde``,
``generate_feedback``, ``export`` and the formgrader.
"""
