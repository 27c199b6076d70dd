"""Batch normalization: the layer students write, in the CS231n layer style."""
import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    """Forward pass of batch normalization.

    In train mode the minibatch's per-feature mean and (uncorrected, ddof=0)
    variance normalize x, always, even when bn_param already holds running
    averages; exponentially decaying running averages of both are kept:

        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var

    In test mode the running averages normalize x and nothing is updated.
    Any other mode raises ValueError.

    Inputs (x, gamma and beta are read, never modified in place):
    - x: (N, D) data.
    - gamma: (D,) scale.
    - beta: (D,) shift.
    - bn_param: dict, read and updated in place, with keys
      - 'mode': 'train' or 'test' (required);
      - 'eps': added to the variance before the square root (default 1e-5);
      - 'momentum': decay of the running averages (default 0.9);
      - 'running_mean', 'running_var': arrays of shape (D,) and the dtype of x
        (both start as zeros when absent).

    Returns a tuple of:
    - out: (N, D), computed in the dtype of x
    - cache: what the backward pass needs (train mode), None in test mode.
    """
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)

    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))

    if mode == 'train':
        sample_mean = x.mean(axis=0)
        xc = x - sample_mean
        # einsum sums xc * xc over the batch in one pass, without an (N, D) temporary.
        sample_var = np.einsum('ij,ij->j', xc, xc) / N
        std = np.sqrt(sample_var + eps)
        x_hat = xc * (1.0 / std)  # one division per feature, then a multiplication per element
        out = x_hat * gamma
        out += beta
        cache = (x_hat, xc, std, gamma)

        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
    elif mode == 'test':
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_hat + beta
        cache = None
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    """Backward pass of batch normalization, one node of the computational graph at a time.

    Inputs:
    - dout: (N, D) upstream gradient (read, never modified in place).
    - cache: from ``batchnorm_forward`` in train mode.

    Returns a tuple of:
    - dx: (N, D)
    - dgamma: (D,)
    - dbeta: (D,)
    """
    x_hat, xc, std, gamma = cache
    N = dout.shape[0]

    # out = gamma * x_hat + beta
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma

    # x_hat = xc / std, and std = sqrt(var + eps), var = mean(xc ** 2)
    dxc = dx_hat / std
    dstd = -np.sum(dx_hat * xc, axis=0) / std ** 2
    dvar = 0.5 * dstd / std
    dxc += 2.0 * xc * dvar / N

    # xc = x - mean(x): the mean's branch spreads -sum(dxc) / N back over every row
    dx = dxc - dxc.sum(axis=0) / N
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """Backward pass of batch normalization in the simplified closed form.

    Working the graph out on paper gives, with x_hat the normalized input,

        dx = gamma / (N * std) * (N * dout - sum(dout) - x_hat * sum(dout * x_hat))

    which needs no intermediate gradients and is faster.

    Inputs and outputs as in ``batchnorm_backward``: dout (N, D) gives
    dx (N, D), dgamma (D,), dbeta (D,).
    """
    x_hat, _, std, gamma = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = np.einsum('ij,ij->j', dout, x_hat)  # sum(dout * x_hat, axis=0) without a temporary
    # The same formula, evaluated in place to touch each (N, D) array as few times as possible:
    # dx = gamma / std * (dout - dbeta / N - x_hat * dgamma / N)
    dx = x_hat * (-dgamma / N)
    dx += dout
    dx -= dbeta / N
    dx *= gamma / std
    return dx, dgamma, dbeta
