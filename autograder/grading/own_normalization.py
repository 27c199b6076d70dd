"""What a normalization layer's forward did, read off its output: error carried forward needs it.

A forward with a mistake in its statistics (an unbiased variance, the mean divided by N once more, the
statistics of the whole array) still rescales each slice of x along the layer's axis by an affine map,
x_hat = (x - shift) * scale, with its own shift and scale per feature (or per example). Read off its
output, that map lets a later check judge what follows the forward on the forward's own terms: the running
averages of the statistics it used, the release's backward on its own cache. The forward's check charges
the mistake itself, once.
"""
import numpy as np

from autograder.grading.checking import rel_err


def affine_fit(x, x_hat, axis, tol=1e-9):
    """(shift, scale), each with keepdims along ``axis``, such that x_hat = (x - shift) * scale to ``tol``
    with every scale positive; None when x_hat is no such map of x."""
    if x_hat.shape != x.shape or not np.all(np.isfinite(x_hat)):
        return None
    xc, hc = x - x.mean(axis=axis, keepdims=True), x_hat - x_hat.mean(axis=axis, keepdims=True)
    with np.errstate(all='ignore'):
        scale = (hc * xc).sum(axis=axis, keepdims=True) / (xc * xc).sum(axis=axis, keepdims=True)
        if not np.all(scale > 0):
            return None
        shift = x.mean(axis=axis, keepdims=True) - x_hat.mean(axis=axis, keepdims=True) / scale
    if rel_err(x_hat, (x - shift) * scale) > tol:
        return None
    return shift, scale
