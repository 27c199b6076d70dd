"""The hidden checks of batch normalization, in the order they run.

Each check is declared where it is written (``autograder.grading.checking.check``: title, points, the names
it calls, its headings); this list of modules is the only list of them. Messages say what is wrong and where
to look, never the hidden inputs or the reference's outputs.
"""
from autograder.assignments.BatchNormalization import layer_checks, net_checks, net_test_mode, training_check
from autograder.grading.checking import Checklist

CHECKS = Checklist(layer_checks, net_checks, net_test_mode, training_check)


# The layer whose outputs autograder.grading.properties describes when no known mistake explains them.
LAYER = layer_checks.NORMALIZATION_LAYER
