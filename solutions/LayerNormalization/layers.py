"""Layer normalization: the layer students write, in the CS231n layer style."""
import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    """Forward pass of layer normalization.

    Each example (each row of x, axis 1) is normalized over its own features
    with its mean and plain (ddof=0) variance, then scaled and shifted per
    feature:

        x_hat[i] = (x[i] - mean(x[i])) / sqrt(var(x[i]) + eps)
        out[i] = gamma * x_hat[i] + beta

    No statistic is shared between examples, so there are no running averages
    and train and test time compute the same thing.

    Inputs (x, gamma and beta are read, never modified in place):
    - x: (N, D) data.
    - gamma: (D,) scale, one per feature.
    - beta: (D,) shift, one per feature.
    - ln_param: dict that may hold 'eps', added to the variance before the
      square root (default 1e-5); any other key is ignored.

    Returns a tuple of:
    - out: (N, D), computed in the dtype of x
    - cache: what the backward pass needs.
    """
    eps = ln_param.get('eps', 1e-5)
    D = x.shape[1]
    mean = x.mean(axis=1, keepdims=True)
    xc = x - mean
    var = np.einsum('ij,ij->i', xc, xc)[:, None] / D
    std = np.sqrt(var + eps)
    x_hat = xc / std
    out = gamma * x_hat + beta
    cache = (x_hat, std, gamma)
    return out, cache


def layernorm_backward(dout, cache):
    """Backward pass of layer normalization.

    Batch normalization's derivative with the roles of the axes swapped: the
    statistics are per example, so the mean's and the variance's branches sum
    over the features (axis 1), while gamma and beta, per feature, gather their
    gradients over the examples (axis 0).

    Inputs:
    - dout: (N, D) upstream gradient (read, never modified in place).
    - cache: from ``layernorm_forward``.

    Returns a tuple of:
    - dx: (N, D)
    - dgamma: (D,)
    - dbeta: (D,)
    """
    x_hat, std, gamma = cache
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    # x_hat = (x - mean) / std per row: subtract the row's mean gradient (the mean's branch) and its
    # projection on x_hat (the variance's branch).
    dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True)
          - x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)) / std
    return dx, dgamma, dbeta
