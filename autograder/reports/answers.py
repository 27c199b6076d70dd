"""The written answers, collected for the person who grades them.

An assignment's questions (``Assignment.questions``) are graded by hand. ``bnkit grade`` reads each answer
from the bytes read when the submission was accepted (the same bytes that are graded; nothing is executed)
and writes ``<out>/<student>/answer.md`` and one page for the class, ``<out>/answers.md``, with every answer
verbatim under its student's name and a line for the points.
"""
import json
from pathlib import Path

from autograder.notebook.extract import NotebookError, read_notebook
from autograder.reports.results import write_atomically
from autograder.reports.safetext import md_block, md_inline

QUESTION_HEADING = '## Question'
UNANSWERED = 'YOUR ANSWER HERE'           # nbgrader's text stub in the release


def find_answers(cells, questions):
    """{question id: the answer's text, or None}. By the answer cell's nbgrader grade_id; when that metadata
    was damaged, the markdown cell after the n-th question heading answers the n-th question."""
    found = {cell['nbgrader'].get('grade_id'): cell['source'].strip() for cell in cells
             if cell['nbgrader'].get('grade_id') in {q.id for q in questions}}
    by_heading = [answer['source'].strip() for question, answer in zip(cells, cells[1:])
                  if question['type'] == 'markdown' and question['source'].lstrip().startswith(QUESTION_HEADING)
                  and answer['type'] == 'markdown']
    return {q.id: found.get(q.id, by_heading[i] if i < len(by_heading) else None) for i, q in enumerate(questions)}


def answers_of(assignment, name, content):
    """{question id: answer or None} in a notebook's bytes (``name`` labels it in messages)."""
    try:
        return find_answers(read_notebook(name, content), assignment.questions)
    except NotebookError:
        return {q.id: None for q in assignment.questions}


def describe(text):
    if text is None:
        return '_No answer cell found in the notebook._'
    if not text or text == UNANSWERED:
        return '_Not answered._'
    return md_block(text)


def _answer_lines(assignment, answers, heading):
    lines = []
    for q in assignment.questions:
        lines += ['%s %s' % (heading, md_inline(q.title)), '', describe(answers.get(q.id)), '',
                  'Points: ___ / %g' % q.points, '']
    return lines


STUDENT_ANSWERS = 'written_answers.json'   # a student's answers as found, for rebuilding the class page


def write_student_answers(folder, assignment, student, texts):
    """A student's answer.md, and their answers as found (``texts``: {question id: text or None}, or None
    when the notebook could not be read) kept beside it for ``write_class_answers``."""
    if not assignment.questions:
        return
    folder = Path(folder)
    write_atomically(folder / 'answer.md', '\n'.join(
        ['# Written answers: %s' % md_inline(student), ''] + _answer_lines(assignment, texts or {}, '##')))
    write_atomically(folder / STUDENT_ANSWERS, json.dumps({'student': student, 'answers': texts}) + '\n')


def read_student_answers(folder, student):
    """The answers ``write_student_answers`` kept in ``folder`` for ``student``, or None (none kept there, or
    another student's)."""
    try:
        data = json.loads((Path(folder) / STUDENT_ANSWERS).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get('student') != student or not isinstance(data.get('answers'), dict):
        return None
    return {str(k): (v if isinstance(v, str) else None) for k, v in data['answers'].items()}


def write_class_answers(outdir, assignment, answers):
    """answers.md, the class's page: answers is {student: {question id: text or None} or None}."""
    if not assignment.questions:
        return
    page = ['# %s: written answers' % assignment.title, '',
            'Graded by hand: %s. One section per student, each answer verbatim.'
            % '; '.join('%s (%g points)' % (q.title, q.points) for q in assignment.questions)]
    for student, texts in sorted(answers.items()):
        page += ['', '## %s' % md_inline(student), ''] + _answer_lines(assignment, texts or {}, '###')
    write_atomically(Path(outdir) / 'answers.md', '\n'.join(page).rstrip() + '\n')


def write_answers(outdir, assignment, answers):
    """answers: {student: (folder, {question id: text or None} or None)}. Writes the per-student files and the
    class page; an assignment without questions writes nothing."""
    outdir = Path(outdir)
    for student, (folder, texts) in answers.items():
        write_student_answers(outdir / folder, assignment, student, texts)
    write_class_answers(outdir, assignment, {student: texts for student, (_, texts) in answers.items()})
