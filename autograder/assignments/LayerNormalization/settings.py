"""The hidden inputs' seed and the tolerances layer normalization's checks compare with.

Hidden inputs come from fixed seeds, so grading the same submission twice gives the same score. Tolerances
are relative errors of whole arrays (``autograder.grading.checking.rel_err``); docs/layernorm.md gives the
measurements behind them.
"""
import numpy as np

SEED = 4517  # every hidden input derives from this

TOL_FLOAT64 = 1e-7    # correct float64 forms (transposed batch norm, one-pass variance, closed forms) agree to ~1e-13
TOL_FLOAT32 = 1e-4    # float32 rounding of O(1) values is ~1e-7; kept wide for one-pass variance formulas
TOL_NUMERIC = 1e-5    # centered differences with h=1e-5 on these inputs reach ~1e-9
TOL_NET = 1e-6        # loss and gradients of a float64 net with identical parameters


def hidden_rng(k):
    return np.random.default_rng([SEED, k])


def rows_of_different_scales(rng, N, D):
    """(N, D) inputs whose examples differ in mean and spread, as activations of different images do."""
    return rng.standard_normal((N, D)) * rng.uniform(0.5, 20, (N, 1)) + rng.uniform(-10, 10, (N, 1))
