"""The hidden checks of batch normalization, in the order they run.

Each check is declared where it is written (``autograder.grading.checking.check``: title, points, the names
it calls, its headings); this list of modules is the only list of them. Messages say what is wrong and where
to look, never the hidden inputs or the reference's outputs.
"""
from autograder.assignments.BatchNormalization import layer_checks, net_checks, net_test_mode, training_check
from autograder.grading.checking import Checklist

CHECKS = Checklist(layer_checks, net_checks, net_test_mode, training_check)

# Transitional names for the modules not yet reading the assignment.
from autograder.assignments.BatchNormalization.settings import TOL_FLOAT32, TOL_FLOAT64, TOL_NET  # noqa: E402,F401
from autograder.grading.checking import compare, explain, rel_err  # noqa: E402,F401

CHECK_FUNCTIONS = {spec.name: spec.function for spec in CHECKS.specs}
run_check = CHECKS.run
