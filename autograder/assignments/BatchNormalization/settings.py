"""The hidden inputs' seed and the tolerances every check of this assignment compares with.

Hidden inputs come from fixed seeds, so grading the same submission twice gives the same score. Tolerances
are relative errors of whole arrays (``autograder.grading.checking.rel_err``); the measurements behind them
are in docs/checks.md (``python -m autograder.assignments.BatchNormalization.calibrate`` reprints them).
"""
import numpy as np

SEED = 8231  # every hidden input derives from this

# Tolerances: relative error of whole arrays, ||a - b|| / max(||a||, ||b||, floor).
TOL_FLOAT64 = 1e-7    # the same math in float64 agrees to ~1e-14; algebraically different correct forms to ~1e-12
TOL_FLOAT32 = 1e-4    # float32 rounding of O(1) values is ~1e-7; kept wide for one-pass variance formulas
TOL_NUMERIC = 1e-5    # centered differences with h=1e-5 on the seed's inputs reach ~1e-9
TOL_NET = 1e-6        # loss and gradients of a float64 net with identical parameters


def hidden_rng(k):
    return np.random.default_rng([SEED, k])



def seedlike_activations(rng, N=200, D1=50, D2=60, D3=3):
    """Activations of a random two-layer ReLU net, as in the notebook's forward check: (N, D3)."""
    X = rng.standard_normal((N, D1))
    return np.maximum(0, X.dot(rng.standard_normal((D1, D2)))).dot(rng.standard_normal((D2, D3)))

