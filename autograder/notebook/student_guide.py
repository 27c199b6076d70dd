"""The student's guide: setup, how to work, what is graded, how to hand in.

One text, in two places: the notebook's first cell (``autograder.notebook.build``) and the release's own
``README.md`` (``autograder.notebook.release``). The points come from ``autograder.assignments.BatchNormalization.registry``, grouped by the
notebook part whose hidden cell runs each check, so the guide cannot disagree with the grader.
"""
from autograder.assignments.BatchNormalization.registry import BY_NAME, FREE_RESPONSE_POINTS, MAX_AUTOMATIC_POINTS

ASSIGNMENT = 'BatchNormalization'

# The notebook's parts in order, and the checks each part's hidden cell runs (the notebook build calls
# exactly these, and checks that every registry check is called once).
PARTS = (
    ('Batch normalization, forward pass', ('batchnorm_forward_train', 'batchnorm_invalid_mode')),
    ('Batch normalization, test mode', ('batchnorm_running_stats_test_mode',)),
    ('Batch normalization, backward pass', ('batchnorm_backward',)),
    ('A fully connected network with batch normalization',
     ('fc_net_init', 'fc_net_loss_and_gradients', 'fc_net_test_mode')),
    ('Training a deep network', ('fc_net_training',)),
)


def part_points(checks):
    return sum(BY_NAME[name].points for name in checks)


def graded_table():
    rows = ['| part | what the hidden checks verify | points |', '|---|---|---|']
    for part, checks in PARTS:
        rows.append('| %s | %s | %g |' % (part, '; '.join(BY_NAME[c].title for c in checks), part_points(checks)))
    rows.append('| Question (weight scales) | your written answer, read by a person | %g |' % FREE_RESPONSE_POINTS)
    return '\n'.join(rows)


def guide(heading='##'):
    """The guide as markdown; ``heading`` is the level of its section titles."""
    total = MAX_AUTOMATIC_POINTS + FREE_RESPONSE_POINTS
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
`nbgrader_config.py` applies, and open `{ASSIGNMENT}.ipynb`.

- Fill in every cell that says `# YOUR CODE HERE` and remove its `raise NotImplementedError()`. Keep the
  function and class names and follow each docstring: it is the contract the grader checks.
- Run the test cell after each part: it prints what it checked and stops at the first problem.
- While you debug, `BNKIT_QUICK=1 jupyter lab` runs shorter experiments (fewer epochs and weight scales).
  Quick mode is for debugging only: before you hand in, restart without it and run the whole notebook
  (Kernel > Restart Kernel and Run All Cells), so that your plots and your answer come from the full run.
- nbgrader's **Validate** button (or `nbgrader validate {ASSIGNMENT}.ipynb`) runs the notebook from the top
  and lists every test cell that still fails, with its message. It passes when every part is done.

{heading} What is graded

{MAX_AUTOMATIC_POINTS:g} points are automatic: hidden checks run your functions on inputs you have not seen,
after you hand in. The visible tests catch most mistakes but not all, so passing them is necessary, not
sufficient. {FREE_RESPONSE_POINTS:g} more points are for your written answer to the question at the end,
graded by hand. {total:g} points in all.

{graded_table()}

A mistake costs points once, in the check that names it.

{heading} How to hand in

Hand in `{ASSIGNMENT}.ipynb`, saved after a full run, the way your course asks:

- **nbgrader**: Assignments tab > Submit (it collects this folder);
- **Gradescope**: upload `{ASSIGNMENT}.ipynb` to the assignment (keep the file name);
- **otherwise**: send the notebook file itself; the `cs231n/` folder is not needed.

Only the notebook is graded; do not rename it, and do not edit the locked (test) cells.
""".strip()


def notebook_cell():
    """The guide as the notebook's top cell shows it, under the notebook's own title and introduction."""
    return guide(heading='###')


def release_readme():
    """release/<assignment>/README.md."""
    return ('# Batch normalization: the student\'s guide\n\n'
            'This folder is the assignment: `%s.ipynb` (the notebook you fill in), `cs231n/` (the framework it '
            'imports) and `nbgrader_config.py` (settings for nbgrader\'s Validate). The notebook\'s first cell '
            'repeats this guide.\n\n' % ASSIGNMENT) + guide('##') + '\n'
