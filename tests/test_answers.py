"""The written answers reach the grader's outputs: one file per student and one page for the class."""
import nbformat
import pytest

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.grading.options import GradingOptions
from autograder.grading.runner import grade_all
from autograder.notebook.extract import read_notebook
from autograder.reports.answers import find_answers
from tests.notebooks import RELEASE_NB, grade_id

QUESTION = ASSIGNMENT.questions[0]
ANSWER = 'Batch norm re-standardizes each layer.\n\n```\n# a fence and <b>markup</b> stay text\n```'


def with_answer(path, text, keep_metadata=True):
    nb = nbformat.read(RELEASE_NB, as_version=4)
    for cell in nb.cells:
        if grade_id(cell) == QUESTION.id:
            cell.source = text
            if not keep_metadata:
                del cell.metadata['nbgrader']
    nbformat.write(nb, str(path))
    return path


def test_the_answer_is_found_by_metadata_and_without_it(tmp_path):
    def answer(path):
        return find_answers(read_notebook(path), ASSIGNMENT.questions)[QUESTION.id]
    assert answer(with_answer(tmp_path / 'a.ipynb', ANSWER)) == ANSWER
    assert answer(with_answer(tmp_path / 'b.ipynb', ANSWER, keep_metadata=False)) == ANSWER
    assert answer(RELEASE_NB) == 'YOUR ANSWER HERE'


@pytest.mark.slow
def test_bnkit_grade_writes_each_answer_and_a_class_page(tmp_path):
    subs = {'ada': with_answer(tmp_path / 'ada.ipynb', ANSWER), 'bob': RELEASE_NB}
    grade_all(ASSIGNMENT, subs, tmp_path / 'out', GradingOptions(jobs=2), progress=False)
    ada = (tmp_path / 'out' / 'ada' / 'answer.md').read_text()
    assert ANSWER in ada and '````' in ada            # verbatim, in a fence longer than the one inside
    assert 'Not answered' in (tmp_path / 'out' / 'bob' / 'answer.md').read_text()
    page = (tmp_path / 'out' / 'answers.md').read_text()
    assert page.index('## ada') < page.index(ANSWER) < page.index('## bob')
    assert page.count('Points: ___ / %g' % QUESTION.points) == 2
