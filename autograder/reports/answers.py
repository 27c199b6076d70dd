"""The written answers, collected for the person who grades them.

An assignment's questions (``Assignment.questions``) are graded by hand. ``bnkit grade`` reads each answer
from the bytes read when the submission was accepted (the same bytes that are graded; nothing is executed)
and writes ``<out>/<student>/answer.md`` and one page for the class, ``<out>/answers.md``, with every answer
verbatim under its student's name and a line for the points.
"""
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


def write_answers(outdir, assignment, answers):
    """answers: {student: (folder, {question id: text or None} or None)}. Writes the per-student files and the
    class page; an assignment without questions writes nothing."""
    if not assignment.questions:
        return
    outdir = Path(outdir)
    page = ['# %s: written answers' % assignment.title, '',
            'Graded by hand: %s. One section per student, each answer verbatim.'
            % '; '.join('%s (%g points)' % (q.title, q.points) for q in assignment.questions)]
    for student, (folder, texts) in sorted(answers.items()):
        body = _answer_lines(assignment, texts or {}, '###')
        page += ['', '## %s' % md_inline(student), ''] + body
        (outdir / folder).mkdir(parents=True, exist_ok=True)
        write_atomically(outdir / folder / 'answer.md', '\n'.join(
            ['# Written answers: %s' % md_inline(student), ''] + _answer_lines(assignment, texts or {}, '##')))
    write_atomically(outdir / 'answers.md', '\n'.join(page).rstrip() + '\n')
