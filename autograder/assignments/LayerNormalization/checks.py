"""The hidden checks of layer normalization, in the order they run (each declared where it is written)."""
from autograder.assignments.LayerNormalization import layer_checks, net_checks, training_check
from autograder.grading.checking import Checklist

CHECKS = Checklist(layer_checks, net_checks, training_check)

# The layer whose outputs autograder.grading.properties describes when no known mistake explains them.
LAYER = layer_checks.NORMALIZATION_LAYER
