"""StudentAPI over functions in this very process: the notebook's own namespace.

Used by the hidden cells of the nbgrader notebook, where student code and
checks share a kernel anyway. ``bnkit grade`` never uses it: there, the same
``StudentSide`` runs inside a sandboxed worker process.
"""
from autograder.sandbox.side import BadReturn, MissingName, StudentSide
from autograder.sandbox.student_api import StudentCodeError


def namespace_of(assignment, sources, label=None):
    """The names the assignment's setup cell and then ``sources`` define: ``sources`` is {cell id: source} or
    (cell id, source) pairs, run in order; ``label`` (with %s for the cell id) names them in tracebacks."""
    namespace = {}
    exec(assignment.setup_source, namespace)
    for cell_id, source in dict(sources).items():
        exec(compile(source, label % cell_id if label else '<string>', 'exec'), namespace)
    return namespace


class InProcessStudent:
    def __init__(self, namespace):
        self.side = StudentSide(namespace)

    def has(self, name):
        return self.side.has(name)

    def __getattr__(self, op):
        method = getattr(self.side, op)

        def call(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            except BadReturn as exc:
                raise StudentCodeError(str(exc), kind='bad_return') from None
            except MissingName as exc:
                raise StudentCodeError(str(exc), kind='missing') from None
            except Exception as exc:  # the student's own code raised: report it as theirs
                raise StudentCodeError('%s: %s' % (type(exc).__name__, exc), kind='exception',
                                       exc_type=type(exc).__name__) from None
        return call
