"""The declared student operations (``autograder.sandbox.side``) on functions in this very process.

Used by the hidden cells of the nbgrader notebook, where student code and
checks share a kernel anyway, and by the misconception diagnosis on the kit's
own code. ``bnkit grade`` never runs student code here: there, the same
``Operations`` runs inside a sandboxed worker process.
"""
from autograder.sandbox.side import BadReturn, MissingName
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
    """The operations of ``side_class`` (an assignment's ``Operations``) on ``namespace``, called directly.

    The student's own exceptions come out as StudentCodeError, as they do from the sandboxed worker.
    """

    def __init__(self, namespace, side_class):
        self.side = side_class(namespace)
        self.operations = side_class.operations()
        for name in self.operations:
            setattr(self, name, self._operation(getattr(self.side, name)))

    @staticmethod
    def _operation(method):
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
        call.__name__ = call.__qualname__ = method.__name__
        return call
