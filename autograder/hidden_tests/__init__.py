"""The hidden checks as pytest tests, run by ``bnkit grade`` against a sandboxed worker.

Each test is named ``test_<check name>`` after its entry in ``autograder.registry`` (which holds its
points and title) and takes the ``student`` fixture of ``autograder.pytest_plugin``. All logic lives in
``autograder.checks``, shared with the nbgrader notebook's hidden cells.
"""
