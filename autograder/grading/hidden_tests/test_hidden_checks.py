"""The hidden checks as pytest tests, run by ``bnkit grade`` against a sandboxed worker.

``autograder.grading.pytest_plugin`` gives this test one parameter per check of the assignment being graded
(``test_check[<check name>]``, in the order the checks are declared) and the ``student`` fixture; all logic
lives in the assignment's checks, shared with the nbgrader notebook's hidden cells.
"""


def test_check(check, student):
    check.function(student).require()
