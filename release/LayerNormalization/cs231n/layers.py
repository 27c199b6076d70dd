"""Layers given to students, one forward/backward function pair per layer.

Every forward function returns ``(out, cache)``; the matching backward function
takes ``(dout, cache)`` and returns gradients shaped like the forward inputs.
"""
import numpy as np


def affine_forward(x, w, b):
    """Fully connected layer: out = x.reshape(N, D) @ w + b.

    Inputs:
    - x: (N, d_1, ..., d_k); each example is flattened to D = d_1 * ... * d_k.
    - w: (D, M) weights.
    - b: (M,) biases.

    Returns a tuple of:
    - out: (N, M)
    - cache: (x, w, b)
    """
    out = x.reshape(x.shape[0], -1).dot(w) + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    """Backward pass of ``affine_forward``.

    Inputs:
    - dout: (N, M) upstream gradient.
    - cache: (x, w, b) from the forward pass.

    Returns a tuple of:
    - dx: shaped like x, (N, d_1, ..., d_k)
    - dw: (D, M)
    - db: (M,)
    """
    x, w, b = cache
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    """Rectified linear unit, elementwise max(0, x).

    Input: x of any shape. Returns (out, cache) with out shaped like x and cache = x.
    """
    return np.maximum(0, x), x


def relu_backward(dout, cache):
    """Backward pass of ``relu_forward``: dx (shaped like x) passes dout where x > 0."""
    x = cache
    return dout * (x > 0)


def dropout_forward(x, dropout_param):
    """Inverted dropout.

    Inputs:
    - x: input of any shape.
    - dropout_param: dict with keys
      - 'p': probability of *dropping* each unit (0 keeps everything);
      - 'mode': 'train' drops and rescales by 1 / (1 - p), 'test' is the identity;
      - 'seed' (optional): seeds the mask, for gradient checks.

    Returns (out, cache): out shaped like x, cache = (dropout_param, mask).
    """
    p, mode = dropout_param['p'], dropout_param['mode']
    if 'seed' in dropout_param:
        np.random.seed(dropout_param['seed'])
    if mode == 'train':
        # Inverted dropout keeps the expected activation unchanged, so test time needs no rescaling.
        mask = (np.random.rand(*x.shape) >= p) / (1 - p)
        out = x * mask
    elif mode == 'test':
        mask = None
        out = x
    else:
        raise ValueError('Invalid dropout mode "%s"' % mode)
    return out.astype(x.dtype, copy=False), (dropout_param, mask)


def dropout_backward(dout, cache):
    """Backward pass of ``dropout_forward``: dx shaped like dout."""
    dropout_param, mask = cache
    if dropout_param['mode'] == 'train':
        return dout * mask
    return dout


def svm_loss(x, y):
    """Multiclass SVM (hinge) loss with margin 1.

    Inputs:
    - x: (N, C) class scores.
    - y: (N,) labels, 0 <= y[i] < C.

    Returns (loss, dx): a scalar and the (N, C) gradient of the loss.
    """
    N = x.shape[0]
    correct = x[np.arange(N), y][:, None]
    margins = np.maximum(0, x - correct + 1.0)
    margins[np.arange(N), y] = 0
    loss = margins.sum() / N
    positive = (margins > 0).astype(x.dtype)
    dx = positive
    dx[np.arange(N), y] -= positive.sum(axis=1)
    return loss, dx / N


def softmax_loss(x, y):
    """Mean softmax cross-entropy loss.

    Inputs:
    - x: (N, C) class scores.
    - y: (N,) labels, 0 <= y[i] < C.

    Returns (loss, dx): a scalar and the (N, C) gradient of the loss.
    """
    # Subtracting the row maximum keeps exp() from overflowing without changing the result.
    shifted = x - np.max(x, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = np.exp(log_probs)
    dx[np.arange(N), y] -= 1
    return loss, dx / N
