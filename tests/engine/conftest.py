"""The engine's tests see one assignment: the tests' own scale fixture (tests/fixture_assignment).

For this room the kit's own assignments are out of sight: ``assignment.assignments()`` finds the fixture alone
(in this process, and through ``BNKIT_ASSIGNMENTS`` in every ``bnkit`` the tests start, which are told
``--assignment Scale``), and tests/engine/test_alone.py fails if a module here names one of the kit's
assignments. What passes here passes for an assignment the engine has never heard of.
"""
import pytest

from autograder import assignment
from tests.fixture_assignment import ASSIGNMENT as FIXTURE


@pytest.fixture(scope='package', autouse=True)
def only_the_fixture_assignment():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(assignment.ENVIRONMENT, FIXTURE.package)
        patch.setattr(assignment, '_packages', lambda: [FIXTURE.package])
        yield
