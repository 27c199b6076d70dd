"""SandboxGrades: the points nbgrader records for a notebook's autograded cells are what the kit measured.

In the course that ``bnkit release`` writes, nbgrader's autograde runs this preprocessor just before its
own ``SaveAutoGrades``. It grades the student's submitted notebook exactly as ``bnkit grade`` does (the
same checks, isolation ladder, limits and budget: ``autograder.grading.runner``), into a private folder of
the instructor's, and then writes every graded code cell's output from those results alone: a line per
check with its points and feedback, the isolation level, and the cell's points as its result (nbgrader's
partial credit). Whatever a kernel printed in those cells is replaced, so nothing the student's code did in
a kernel reaches the gradebook. A graded cell the kit does not know earns nothing.

The source notebook's autograded cells compute nothing: their hidden block only raises, so a course that
autogrades without this preprocessor gives no points rather than points a kernel could forge.
"""
import tempfile
from pathlib import Path

import nbformat
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float, Integer

from autograder.assignment import get as get_assignment
from autograder.course.isolation import BnkitSandbox, SandboxUnavailable
from autograder.grading.options import DEFAULT_BUDGET, DEFAULT_CHECK_TIMEOUT, GradingOptions
from autograder.grading.runner import GraderFailure, grade_submissions
from autograder.grading.submissions import MAX_NOTEBOOK_MB
from autograder.notebook.source import checks_cells
from autograder.reports import results as reports
from autograder.sandbox import Limits

KERNEL_NOTE = 'bnkit_kernel'     # resources key: how the notebook was executed (autograder.course.execute)


class SandboxGrades(NbGraderPreprocessor, BnkitSandbox):
    """Grade the submission in the kit's sandbox and write each autograded cell's points as its output."""

    budget = Float(DEFAULT_BUDGET, help='wall-clock seconds per submission for loading its code and all checks').tag(config=True)
    memory_mb = Integer(Limits.memory_mb, help="the worker's memory limit (MB)").tag(config=True)
    cpu_seconds = Integer(Limits.cpu_seconds, help="the worker's CPU-time limit (s)").tag(config=True)
    call_timeout = Float(Limits.call_timeout, help='wall-clock limit of one call into student code (s)').tag(config=True)
    check_timeout = Float(DEFAULT_CHECK_TIMEOUT, help='wall-clock limit per check (s)').tag(config=True)
    max_notebook_mb = Float(MAX_NOTEBOOK_MB, help='larger submissions are not graded (MB)').tag(config=True)

    def preprocess(self, nb, resources):
        info = resources['nbgrader']
        assignment = get_assignment(info['assignment'])
        coursedir = CourseDirectory(parent=self)
        submitted = Path(coursedir.format_path(coursedir.submitted_directory, info['student'], info['assignment']))
        data = self.grade(assignment, info['student'], submitted / (info['notebook'] + '.ipynb'))
        by_check = {test.check: test for test in data.tests}
        cells = {cell.id: cell.checks for cell in checks_cells(assignment)}
        header = self.header(data, resources.get(KERNEL_NOTE))
        for cell in nb.cells:
            meta = cell.metadata.get('nbgrader', {})
            if cell.cell_type != 'code' or not meta.get('grade') or meta.get('solution'):
                continue
            grade_id = meta.get('grade_id')
            if grade_id in cells:
                cell.outputs = cell_outputs(header, [by_check[name] for name in cells[grade_id]], data)
            elif float(meta.get('points') or 0) > 0:
                cell.outputs = [error_output('UnknownCell', 'this cell is not an autograded cell of %s' % assignment.name)]
            else:
                # A visible test cell earns nothing either way, but a result in it that reads as more than its
                # 0 points stops nbgrader's SaveAutoGrades for the whole notebook: kept as text for the reader.
                cell.outputs = [as_text(output) for output in cell.outputs]
        return nb, resources

    def grade(self, assignment, student, notebook):
        """results.json of ``bnkit grade`` for this one submission, written in a private folder and read back."""
        limits = Limits(memory_mb=self.memory_mb, cpu_seconds=self.cpu_seconds, call_timeout=self.call_timeout)
        try:
            options = GradingOptions(budget=self.budget, check_timeout=self.check_timeout, limits=limits,
                                     isolation=self.sandbox_level(), require_isolation=self.require_isolation,
                                     max_notebook_mb=self.max_notebook_mb)
            with tempfile.TemporaryDirectory(prefix='bnkit-autograde-') as out:
                grade_submissions(assignment, {student: notebook}, out, options, progress=False)
                return reports.load_results(out)[student]
        except GraderFailure as exc:
            # The grader's failure: nbgrader reports this submission as failed, and no score is recorded.
            raise SandboxUnavailable(exc) from None

    @staticmethod
    def header(data, kernel):
        lines = ['Scored by bnkit in its sandbox, isolation level %s (%s).' % (data.isolation, data.isolation_files)]
        lines.append(kernel or 'Under nbgrader, the notebook was not executed (the course executes no student code).')
        if data.isolation_warning:
            lines.append('Warning: %s.' % data.isolation_warning)
        if data.output:
            lines += data.output.splitlines()
        return lines


def cell_outputs(header, tests, data):
    """The outputs nbgrader reads a cell's points from: the checks' lines, then the points as the result."""
    points = round(sum(test.score for test in tests), 2)
    lines = list(header)
    for test in tests:
        lines.append('%s: %g / %g' % (test.name, test.score, test.max_score))
        lines.extend('  - ' + line for line in test.output.splitlines())
    text = '\n'.join(lines) + '\n'
    if points == 0:
        return [error_output('NoPoints', 'no points from the hidden checks\n' + text)]
    return [nbformat.v4.new_output('stream', name='stdout', text=text),
            nbformat.v4.new_output('execute_result', data={'text/plain': repr(float(points))}, execution_count=None)]


def as_text(output):
    """An execute_result as the plain text it showed; any other output as it is."""
    if output.get('output_type') != 'execute_result':
        return output
    text = output.get('data', {}).get('text/plain', '')
    return nbformat.v4.new_output('stream', name='stdout', text=''.join(text) if isinstance(text, list) else str(text))


def error_output(name, message):
    return nbformat.v4.new_output('error', ename=name, evalue=message, traceback=['%s: %s' % (name, message)])
