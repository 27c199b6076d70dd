"""Centered finite differences, to check analytic gradients."""
import numpy as np


def eval_numerical_gradient(f, x, verbose=True, h=1e-5):
    """Numeric gradient of a scalar function at x.

    Inputs:
    - f: function of one argument returning a scalar; it may read x, which is
      perturbed in place one element at a time and restored.
    - x: array of any shape (float64 for meaningful results).
    - verbose: print each coordinate's gradient.
    - h: step size.

    Returns grad shaped like x.
    """
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        fxph = f(x)
        x[ix] = old - h
        fxmh = f(x)
        x[ix] = old
        grad[ix] = (fxph - fxmh) / (2 * h)
        if verbose:
            print(ix, grad[ix])
        it.iternext()
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """Numeric gradient of sum(f(x) * df) for an array-valued f.

    Inputs:
    - f: function of one argument returning an array (it may read x, which is
      perturbed in place and restored).
    - x: array of any shape.
    - df: upstream gradient, shaped like f(x).
    - h: step size.

    Returns grad shaped like x.
    """
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        pos = f(x).copy()
        x[ix] = old - h
        neg = f(x).copy()
        x[ix] = old
        grad[ix] = np.sum((pos - neg) * df) / (2 * h)
        it.iternext()
    return grad


def rel_error(x, y):
    """Largest elementwise relative error between two arrays of the same shape."""
    return np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))
