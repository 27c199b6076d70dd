"""The tolerances checks compare numbers with, and the hidden inputs' generators.

Tolerances are relative errors of whole arrays, ||a - b|| / max(||a||, ||b||, floor)
(``autograder.grading.checking.rel_err``); the measurements behind them are in docs/checks.md and
docs/layernorm.md. Hidden inputs come from fixed seeds, so grading the same submission twice gives the same
score: an assignment declares its seed, and each check draws from ``hidden_rng(seed, k)`` with its own k.
"""
import numpy as np

TOL_FLOAT64 = 1e-7    # the same math in float64 agrees to ~1e-14; algebraically different correct forms to ~1e-12
TOL_FLOAT32 = 1e-4    # float32 rounding of O(1) values is ~1e-7; kept wide for one-pass variance formulas
TOL_NUMERIC = 1e-5    # centered differences with h=1e-5 on the checks' inputs reach ~1e-9
TOL_NET = 1e-6        # loss and gradients of a float64 net with identical parameters


def hidden_rng(seed, k):
    """The generator of check k's hidden inputs under the assignment's ``seed``."""
    return np.random.default_rng([seed, k])
