"""The free-response answers, collected for the person who grades them.

The question at the end of the notebook is graded by hand (``registry.FREE_RESPONSE_POINTS``). ``bnkit
grade`` reads each answer from the bytes read when the submission was accepted (the same bytes that are
graded; nothing is executed) and writes ``<out>/<student>/answer.md`` and one page for the class, ``<out>/answers.md``, with
every answer verbatim under its student's name and a line for the points.
"""
from pathlib import Path

from autograder.assignments.BatchNormalization.registry import FREE_RESPONSE_POINTS
from autograder.notebook.extract import NotebookError, read_notebook
from autograder.reports.results import write_atomically
from autograder.reports.safetext import md_block, md_inline

ANSWER_ID = 'answer_initialization'       # the grade_id of the answer cell (autograder.notebook.build)
QUESTION_HEADING = '## Question'
UNANSWERED = 'YOUR ANSWER HERE'           # nbgrader's text stub in the release


def find_answer(cells):
    """The answer's text, or None. By nbgrader metadata; when that was damaged, the markdown cell after the
    question's heading."""
    for cell in cells:
        if cell['nbgrader'].get('grade_id') == ANSWER_ID:
            return cell['source'].strip()
    for question, answer in zip(cells, cells[1:]):
        if question['type'] == 'markdown' and question['source'].lstrip().startswith(QUESTION_HEADING) \
                and answer['type'] == 'markdown':
            return answer['source'].strip()
    return None


def answer_of(name, content):
    """The answer in a notebook's bytes (``name`` labels it in messages), or None."""
    try:
        return find_answer(read_notebook(name, content))
    except NotebookError:
        return None


def describe(text):
    if text is None:
        return '_No answer cell found in the notebook._'
    if not text or text == UNANSWERED:
        return '_Not answered._'
    return md_block(text)


def write_answers(outdir, answers):
    """answers: {student: (folder, text or None)}. Writes the per-student files and the class page."""
    outdir = Path(outdir)
    points = 'Points: ___ / %g' % FREE_RESPONSE_POINTS
    page = ['# Free-response answers', '',
            'The question at the end of the notebook, graded by hand (%g points). One section per student, '
            'the answer verbatim.' % FREE_RESPONSE_POINTS]
    for student, (folder, text) in sorted(answers.items()):
        section = ['## %s' % md_inline(student), '', describe(text), '', points]
        page += [''] + section
        (outdir / folder).mkdir(parents=True, exist_ok=True)
        write_atomically(outdir / folder / 'answer.md', '\n'.join(['# Free-response answer: %s' % md_inline(student),
                                                                   ''] + section[2:]) + '\n')
    write_atomically(outdir / 'answers.md', '\n'.join(page) + '\n')
