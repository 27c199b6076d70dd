"""The bridge from nbgrader's hidden test cells to the shared checks.

A hidden block in the source notebook reads::

    from autograder.notebook.hooks import run_hidden_checks
    run_hidden_checks(globals(), 'BatchNormalization', 'batchnorm_forward_train', 'batchnorm_invalid_mode')

As the cell's last expression, the returned float is what nbgrader records as
the cell's (partial) score. Everything is printed to stdout: nbgrader gives a
cell zero points for any output on stderr.
"""
from autograder.assignment import get
from autograder.grading.inprocess import InProcessStudent


def run_hidden_checks(namespace, assignment_name, *check_names):
    """Run the named checks of the named assignment on the notebook's own code; return the points earned.

    Raises AssertionError when nothing was earned, so the cell shows as failed.
    """
    assignment = get(assignment_name)
    student = InProcessStudent(namespace, assignment.module('side').Side)
    earned, possible, lines = 0.0, 0.0, []
    for name in check_names:
        spec = assignment.by_name[name]
        outcome = assignment.run_check(name, student)
        # Rounded per check as `bnkit grade` rounds them (autograder.grading.grade_one), so both agree.
        points = round(outcome.fraction * spec.points, 2)
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
