"""The student's guide: setup, how to work, what is graded, how to hand in.

One text, in two places: the notebook's first cell (``autograder.notebook.build``) and the release's own
``README.md`` (``autograder.notebook.release``). The parts and their checks come from the notebook source's
checks cells (``autograder.notebook.source.parts``), the points from the assignment's checks and questions,
so the guide cannot disagree with the grader.
"""
from autograder.notebook.source import parts


def graded_table(assignment):
    rows = ['| part | what the hidden checks verify | points |', '|---|---|---|']
    for part, checks in parts(assignment):
        specs = [assignment.by_name[name] for name in checks]
        rows.append('| %s | %s | %g |' % (part, '; '.join(s.title for s in specs), sum(s.points for s in specs)))
    for question in assignment.questions:
        rows.append('| %s | your written answer, read by a person | %g |' % (question.title, question.points))
    return '\n'.join(rows)


def hand_graded_sentence(assignment):
    if not assignment.questions:
        return ''
    which = ('your written answer to the question at the end' if len(assignment.questions) == 1
             else 'your written answers to the questions')
    return ' %g more points are for %s,\ngraded by hand.' % (assignment.hand_graded_points, which)


def guide(assignment, heading='##'):
    """The guide as markdown; ``heading`` is the level of its section titles."""
    notebook = assignment.name + '.ipynb'
    automatic = assignment.max_automatic_points
    total = automatic + assignment.hand_graded_points
    return f"""
{heading} Setup

You need Python 3.11 or newer and three packages:

```bash
pip install numpy matplotlib jupyterlab
```

(Your course may give you JupyterLab with nbgrader's extension instead; nothing else changes.) The
experiments train on CIFAR-10. Fetch it once, from this folder (about 170 MB, checked and resumable):

```bash
python -m cs231n.data_utils fetch      # then: python -m cs231n.data_utils check
```

or set the environment variable `CIFAR10_DIR` to an existing `cifar-10-batches-py` folder. Without the
data the parts you implement still run and are checked; only the experiments are skipped, with one line
saying so.

{heading} How to work

Start JupyterLab from inside this folder (`jupyter lab`), so that `cs231n/` is importable and
`nbgrader_config.py` applies, and open `{notebook}`.

- Fill in every cell that says `# YOUR CODE HERE` and remove its `raise NotImplementedError()`. Keep the
  function and class names and follow each docstring: it is the contract the grader checks.
- Run the test cell after each part: it prints what it checked and stops at the first problem.
- While you debug, `BNKIT_QUICK=1 jupyter lab` runs shorter experiments (fewer epochs, less data).
  Quick mode is for debugging only: before you hand in, restart without it and run the whole notebook
  (Kernel > Restart Kernel and Run All Cells), so that your plots and your answer come from the full run.
- nbgrader's **Validate** button (or `nbgrader validate {notebook}`) runs the notebook from the top
  and lists every test cell that still fails, with its message. It passes when every part is done.

{heading} What is graded

{automatic:g} points are automatic: hidden checks run your functions on inputs you have not seen,
after you hand in. The visible tests catch most mistakes but not all, so passing them is necessary, not
sufficient.{hand_graded_sentence(assignment)} {total:g} points in all.

{graded_table(assignment)}

A mistake costs points once, in the check that names it.

{heading} How to hand in

Hand in `{notebook}`, saved after a full run, the way your course asks:

- **nbgrader**: Assignments tab > Submit (it collects this folder);
- **Gradescope**: upload `{notebook}` to the assignment (keep the file name);
- **otherwise**: send the notebook file itself; the `cs231n/` folder is not needed.

Only the notebook is graded; do not rename it, and do not edit the locked (test) cells.
""".strip()


def notebook_cell(assignment):
    """The guide as the notebook's top cell shows it, under the notebook's own title and introduction."""
    return guide(assignment, heading='###')


def release_readme(assignment):
    """release/<assignment>/README.md."""
    return ('# %s: the student\'s guide\n\n'
            'This folder is the assignment: `%s.ipynb` (the notebook you fill in), `cs231n/` (the framework it '
            'imports) and `nbgrader_config.py` (settings for nbgrader\'s Validate). The notebook\'s first cell '
            'repeats this guide.\n\n' % (assignment.title, assignment.name)) + guide(assignment, '##') + '\n'
