"""The bridge from nbgrader's hidden test cells to the shared checks.

A hidden block in the source notebook reads::

    from autograder.notebook.hooks import run_hidden_checks
    run_hidden_checks(globals(), 'batchnorm_forward_train', 'batchnorm_invalid_mode')

As the cell's last expression, the returned float is what nbgrader records as
the cell's (partial) score. Everything is printed to stdout: nbgrader gives a
cell zero points for any output on stderr.
"""
from autograder.assignments.BatchNormalization.checks import run_check
from autograder.assignments.BatchNormalization.registry import BY_NAME
from autograder.assignments.BatchNormalization.side import Side
from autograder.grading.inprocess import InProcessStudent


def run_hidden_checks(namespace, *check_names):
    """Run the named checks on the notebook's own code; return the points earned as a float.

    Raises AssertionError when nothing was earned, so the cell shows as failed.
    """
    student = InProcessStudent(namespace, Side)
    earned, possible, lines = 0.0, 0.0, []
    for name in check_names:
        spec = BY_NAME[name]
        outcome = run_check(name, student)
        points = round(outcome.fraction * spec.points, 4)
        earned += points
        possible += spec.points
        lines.append('%s: %g / %g' % (spec.title, points, spec.points))
        lines.extend('  - ' + message for message in outcome.messages)
    report = '\n'.join(lines)
    print(report)
    if earned == 0:
        raise NoPoints('No points from the hidden checks:\n' + report)
    return float(earned)


class NoPoints(AssertionError):
    """The cell's failure, shown as its message alone: IPython's usual traceback would quote the hidden
    block's source lines in nbgrader's feedback."""

    def _render_traceback_(self):
        return ['%s: %s' % (type(self).__name__, self)]
