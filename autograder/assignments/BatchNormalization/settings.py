"""The hidden inputs of batch normalization's checks: their seed, and activations like the notebook's.

The tolerances every check compares with are the engine's (``autograder.grading.tolerances``).
"""
import numpy as np

from autograder.grading import tolerances

SEED = 8231  # every hidden input derives from this


def hidden_rng(k):
    return tolerances.hidden_rng(SEED, k)


def seedlike_activations(rng, N=200, D1=50, D2=60, D3=3):
    """Activations of a random two-layer ReLU net, as in the notebook's forward check: (N, D3)."""
    X = rng.standard_normal((N, D1))
    return np.maximum(0, X.dot(rng.standard_normal((D1, D2)))).dot(rng.standard_normal((D2, D3)))
