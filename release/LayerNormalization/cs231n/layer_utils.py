"""Sandwich layers: common chains of layers packed into one forward/backward pair."""
from cs231n.layers import affine_backward, affine_forward, relu_backward, relu_forward


def affine_relu_forward(x, w, b):
    """Affine layer followed by a ReLU.

    Inputs: x (N, d_1, ..., d_k), w (D, M), b (M,).
    Returns (out, cache): out (N, M) and the caches of both layers.
    """
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    return out, (fc_cache, relu_cache)


def affine_relu_backward(dout, cache):
    """Backward pass of ``affine_relu_forward``.

    Input dout (N, M). Returns dx shaped like x, dw (D, M), db (M,).
    """
    fc_cache, relu_cache = cache
    da = relu_backward(dout, relu_cache)
    return affine_backward(da, fc_cache)
