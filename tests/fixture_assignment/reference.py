"""The reference of the scale layer: out = x * gamma, one scale per feature."""


def scale_forward(x, gamma):
    """Scale each feature of x.

    Inputs: x (N, D), gamma (D,). Returns (out (N, D), cache).
    """
    return x * gamma, (x, gamma)


def scale_backward(dout, cache):
    """Inputs: dout (N, D), the cache of ``scale_forward``. Returns (dx (N, D), dgamma (D,))."""
    x, gamma = cache
    return dout * gamma, (dout * x).sum(axis=0)
