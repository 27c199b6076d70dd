"""The engine's test fixture: a one-layer "scale" assignment, out = x * gamma, and nothing of normalization.

It lives among the tests, outside ``autograder/assignments/``: the tests give it to the engine through
``autograder.assignment.register`` or the ``BNKIT_ASSIGNMENTS`` environment variable, so the engine's tests
show that grading needs no file of the engine to change for an assignment of another shape (a layer, no net).
"""
from autograder.assignment import Assignment, Question

ASSIGNMENT = Assignment(
    name='Scale',
    title='A scaling layer',
    package=__name__,
    questions=(Question('answer_scale', 'Question (what gamma learns)', 5),),
)
