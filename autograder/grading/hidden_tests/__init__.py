"""The hidden checks as pytest tests, run by ``bnkit grade`` against a sandboxed worker.

Each test is named ``test_<check name>`` after its entry in ``autograder.assignments.BatchNormalization.registry`` (which holds its
points and title) and takes the ``student`` fixture of ``autograder.grading.pytest_plugin``. All logic lives in
``autograder.assignments.BatchNormalization.checks``, shared with the nbgrader notebook's hidden cells.
"""
