"""The affine - batchnorm - relu sandwich layer."""
from cs231n.layers import affine_backward, affine_forward, relu_backward, relu_forward
from solutions.BatchNormalization.layers import batchnorm_backward, batchnorm_forward


def affine_batchnorm_relu_forward(x, w, b, gamma, beta, bn_param):
    """Affine layer, then batch normalization, then a ReLU.

    Inputs:
    - x: (N, d_1, ..., d_k), flattened to (N, D) by the affine layer.
    - w: (D, M); b: (M,).
    - gamma, beta: (M,) batch normalization scale and shift.
    - bn_param: the batch normalization layer's dict (updated in place).

    Returns (out, cache): out (N, M) and the caches of the three layers.
    """
    a, fc_cache = affine_forward(x, w, b)
    a_bn, bn_cache = batchnorm_forward(a, gamma, beta, bn_param)
    out, relu_cache = relu_forward(a_bn)
    return out, (fc_cache, bn_cache, relu_cache)


def affine_batchnorm_relu_backward(dout, cache):
    """Backward pass of ``affine_batchnorm_relu_forward``.

    Input dout (N, M). Returns dx shaped like x, dw (D, M), db (M,),
    dgamma (M,), dbeta (M,).
    """
    fc_cache, bn_cache, relu_cache = cache
    da_bn = relu_backward(dout, relu_cache)
    da, dgamma, dbeta = batchnorm_backward(da_bn, bn_cache)
    dx, dw, db = affine_backward(da, fc_cache)
    return dx, dw, db, dgamma, dbeta
