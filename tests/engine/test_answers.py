"""The written answers reach the grader's outputs: one file per student and one page for the class."""
import nbformat
import pytest

from autograder.grading.options import GradingOptions
from autograder.grading.runner import grade_all
from autograder.notebook.extract import read_notebook
from autograder.reports.answers import find_answers
from tests.engine.scale_notebooks import notebook, write
from tests.fixture_assignment import ASSIGNMENT

QUESTION = ASSIGNMENT.questions[0]
ANSWER = 'Gamma learns each feature\'s scale.\n\n```\n# a fence and <b>markup</b> stay text\n```'


def with_answer(path, text, keep_metadata=True):
    nbformat.write(notebook(answer=text, metadata=keep_metadata), str(path))
    return path


def test_the_answer_is_found_by_metadata_and_without_it(tmp_path):
    def answer(path):
        return find_answers(read_notebook(path), ASSIGNMENT.questions)[QUESTION.id]
    assert answer(with_answer(tmp_path / 'a.ipynb', ANSWER)) == ANSWER
    assert answer(with_answer(tmp_path / 'b.ipynb', ANSWER, keep_metadata=False)) == ANSWER
    assert answer(write(tmp_path, 'release')) == 'YOUR ANSWER HERE'


@pytest.mark.slow
def test_bnkit_grade_writes_each_answer_and_a_class_page(tmp_path):
    subs = {'ada': with_answer(tmp_path / 'ada.ipynb', ANSWER), 'bob': write(tmp_path, 'bob')}
    grade_all(ASSIGNMENT, subs, tmp_path / 'out', GradingOptions(jobs=2), progress=False)
    ada = (tmp_path / 'out' / 'ada' / 'answer.md').read_text()
    assert ANSWER in ada and '````' in ada            # verbatim, in a fence longer than the one inside
    assert 'Not answered' in (tmp_path / 'out' / 'bob' / 'answer.md').read_text()
    page = (tmp_path / 'out' / 'answers.md').read_text()
    assert page.index('## ada') < page.index(ANSWER) < page.index('## bob')
    assert page.count('Points: ___ / %g' % QUESTION.points) == 2
