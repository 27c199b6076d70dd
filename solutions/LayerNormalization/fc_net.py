"""The fully connected network with optional batch or layer normalization and dropout."""
import numpy as np

from cs231n.layers import (affine_backward, affine_forward, dropout_backward, dropout_forward, relu_backward,
                           relu_forward, softmax_loss)
from solutions.BatchNormalization.layers import batchnorm_backward, batchnorm_forward
from solutions.LayerNormalization.layers import layernorm_backward, layernorm_forward


class FullyConnectedNet:
    """A fully connected network of L = len(hidden_dims) + 1 layers:

        {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax

    normalization is None, 'batchnorm' or 'layernorm'; the last affine layer
    is never normalized. Learnable parameters live in ``self.params``, with
    layers numbered from 1: 'W1'..'WL' (d_in, d_out), 'b1'..'bL' (d_out,) and,
    with either normalization, 'gamma1'..'gamma{L-1}' and 'beta1'..'beta{L-1}'
    (hidden_dim,). Weights start as weight_scale * randn, biases and beta as
    zeros, gamma as ones, all cast to dtype.

    ``self.bn_params`` is a list of L-1 separate dicts, created once here and
    passed to the same layer on every call: {'mode': 'train'} for batch norm
    (its running averages accumulate there), {} for layer norm; empty without
    normalization. ``self.dropout_param`` is {'mode': 'train', 'p': dropout}
    (plus 'seed' when seed is given), p being the probability of dropping a
    unit; {} when dropout is 0. Dropout is inverted.
    """

    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10,
                 dropout=0, normalization=None, reg=0.0,
                 weight_scale=1e-2, dtype=np.float32, seed=None):
        """
        Inputs:
        - hidden_dims: list of the hidden layers' sizes.
        - input_dim: size of one flattened input, D.
        - num_classes: number of classes, C.
        - dropout: probability of dropping a unit after each ReLU; 0 means no dropout layers.
        - normalization: None, 'batchnorm' or 'layernorm': the normalization between each hidden
          affine layer and its ReLU.
        - reg: L2 regularization strength (the loss adds 0.5 * reg * sum(W ** 2)).
        - weight_scale: standard deviation of the normal weight initialization.
        - dtype: numpy dtype of every parameter and of the computation (float64 for gradient checks).
        - seed: if given, seeds the dropout masks so that gradient checks are deterministic.
        """
        if normalization not in (None, 'batchnorm', 'layernorm'):
            raise ValueError('normalization must be None, "batchnorm" or "layernorm", not %r' % (normalization,))
        self.normalization = normalization
        self.use_dropout = dropout > 0
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        dims = [input_dim] + list(hidden_dims) + [num_classes]
        for i in range(1, self.num_layers + 1):
            d_in, d_out = dims[i - 1], dims[i]
            self.params['W%d' % i] = weight_scale * np.random.randn(d_in, d_out)
            self.params['b%d' % i] = np.zeros(d_out)
            if normalization is not None and i < self.num_layers:
                self.params['gamma%d' % i] = np.ones(d_out)
                self.params['beta%d' % i] = np.zeros(d_out)

        # Each normalization layer has a dict of its own (batch norm keeps its running averages there).
        self.bn_params = []
        if normalization == 'batchnorm':
            self.bn_params = [{'mode': 'train'} for _ in range(self.num_layers - 1)]
        elif normalization == 'layernorm':
            self.bn_params = [{} for _ in range(self.num_layers - 1)]

        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {'mode': 'train', 'p': dropout}
            if seed is not None:
                self.dropout_param['seed'] = seed

        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """Compute the loss and gradients, or the scores at test time.

        Inputs:
        - X: (N, d_1, ..., d_k) input data.
        - y: (N,) labels, or None.

        X is read, never modified in place. Every call first sets
        self.dropout_param['mode'] and, for batch norm, every bn_param['mode']
        to 'test' (y is None) or 'train'.

        Returns:
        - if y is None: scores (N, C), computed in test mode;
        - otherwise (loss, grads): the scalar loss and a dict of gradients
          with exactly the keys of ``self.params``.
        """
        X = X.astype(self.dtype)
        mode = 'test' if y is None else 'train'
        if self.use_dropout:
            self.dropout_param['mode'] = mode
        if self.normalization == 'batchnorm':
            for bn_param in self.bn_params:
                bn_param['mode'] = mode
        normalize = {'batchnorm': batchnorm_forward, 'layernorm': layernorm_forward}.get(self.normalization)
        normalize_backward = {'batchnorm': batchnorm_backward, 'layernorm': layernorm_backward}.get(
            self.normalization)

        L = self.num_layers
        caches = {}
        h = X
        for i in range(1, L):
            a, fc_cache = affine_forward(h, self.params['W%d' % i], self.params['b%d' % i])
            norm_cache = None
            if normalize is not None:
                a, norm_cache = normalize(a, self.params['gamma%d' % i], self.params['beta%d' % i],
                                          self.bn_params[i - 1])
            h, relu_cache = relu_forward(a)
            caches['hidden%d' % i] = (fc_cache, norm_cache, relu_cache)
            if self.use_dropout:
                h, caches['dropout%d' % i] = dropout_forward(h, self.dropout_param)
        scores, caches['output'] = affine_forward(h, self.params['W%d' % L], self.params['b%d' % L])

        if mode == 'test':
            return scores

        grads = {}
        loss, dscores = softmax_loss(scores, y)
        dh, grads['W%d' % L], grads['b%d' % L] = affine_backward(dscores, caches['output'])
        for i in range(L - 1, 0, -1):
            if self.use_dropout:
                dh = dropout_backward(dh, caches['dropout%d' % i])
            fc_cache, norm_cache, relu_cache = caches['hidden%d' % i]
            da = relu_backward(dh, relu_cache)
            if normalize_backward is not None:
                da, grads['gamma%d' % i], grads['beta%d' % i] = normalize_backward(da, norm_cache)
            dh, grads['W%d' % i], grads['b%d' % i] = affine_backward(da, fc_cache)

        # L2 regularization of the weight matrices only (biases, gamma and beta are not regularized).
        for i in range(1, L + 1):
            W = self.params['W%d' % i]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads['W%d' % i] += self.reg * W
        return loss, grads
