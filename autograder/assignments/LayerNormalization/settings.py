"""The hidden inputs of layer normalization's checks: their seed, and rows of different scales.

The tolerances every check compares with are the engine's (``autograder.grading.tolerances``).
"""
from autograder.grading import tolerances

SEED = 4517  # every hidden input derives from this


def hidden_rng(k):
    return tolerances.hidden_rng(SEED, k)


def rows_of_different_scales(rng, N, D):
    """(N, D) inputs whose examples differ in mean and spread, as activations of different images do."""
    return rng.standard_normal((N, D)) * rng.uniform(0.5, 20, (N, 1)) + rng.uniform(-10, 10, (N, 1))
