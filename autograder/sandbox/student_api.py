"""How a failure of the student's side reaches a check.

The operations a check may call on student code, and the two ways they are made (in the notebook kernel,
over a sandboxed worker), are described in ``autograder.sandbox.side``. Any failure of the student's side
(an exception in their code, a missing name, a crash, a timeout, a malformed return value) surfaces as
``StudentCodeError`` with a message a student can act on.
"""


class StudentCodeError(Exception):
    """The student's code raised, was missing, crashed, timed out or returned something unusable.

    ``kind`` is one of 'exception' (their code raised; ``exc_type`` names the exception class),
    'missing' (a name the check needs is not defined), 'bad_return' (a value of the wrong kind or
    shape came back), 'timeout', 'crash' (the worker died) or 'limit' (a resource limit was hit).
    """

    def __init__(self, message, kind='exception', exc_type=None):
        super().__init__(message)
        self.kind = kind
        self.exc_type = exc_type
