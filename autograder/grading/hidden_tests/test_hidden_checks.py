"""The hidden checks as pytest tests, run by ``bnkit grade`` against a sandboxed worker.

One test per entry of ``autograder.assignments.BatchNormalization.registry``, named ``test_<check name>`` and made here in the registry's
order (the order they run in), so the registry stays the one list of checks. Each takes the ``student``
fixture of ``autograder.grading.pytest_plugin``; all logic lives in ``autograder.assignments.BatchNormalization.checks``, shared with the nbgrader
notebook's hidden cells.
"""
from autograder.assignments.BatchNormalization import checks, registry


def _hidden_test(name):
    def test(student):
        checks.run_check(name, student).require()
    test.__name__ = test.__qualname__ = 'test_' + name
    test.__doc__ = registry.BY_NAME[name].title
    return test


for _spec in registry.CHECKS:
    globals()['test_' + _spec.name] = _hidden_test(_spec.name)
del _spec
