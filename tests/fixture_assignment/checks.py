"""The fixture's checks, in the order they run."""
from autograder.grading.checking import Checklist
from tests.fixture_assignment import scale_checks

CHECKS = Checklist(scale_checks)
