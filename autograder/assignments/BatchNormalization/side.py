"""The operations the batch-normalization checks call on student code (see ``autograder.sandbox.side``).

Runs inside the sandboxed worker and in the notebook kernel: imports only numpy and the engine's side.
"""
import numpy as np

from autograder.sandbox.side import NetOperations, StudentSide, operation, pair, plain_array, plain_dict

GRADS = ('dx', 'dgamma', 'dbeta')


def _own_copy(bn_param):
    """The student's code may update the running averages in place: it gets arrays of its own."""
    return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in bn_param.items()}


class Side(NetOperations, StudentSide):

    def _forward(self, x, gamma, beta, bn_param):
        bn_param = _own_copy(bn_param)
        result = self.call('batchnorm_forward', (('x', x), ('gamma', gamma), ('beta', beta)), bn_param)
        out, cache = pair(result, 'batchnorm_forward', ('out', 'cache'))
        return plain_array(out, 'out from batchnorm_forward'), plain_dict(bn_param, 'bn_param'), cache

    def _backward(self, cache, dout):
        grads = pair(self.call('batchnorm_backward', (('dout', dout),), cache), 'batchnorm_backward', GRADS)
        return tuple(plain_array(g, '%s from batchnorm_backward' % n) for g, n in zip(grads, GRADS))

    @operation(returns=('array', 'dict'), replay=True, where='the forward pass', results=('output', 'bn_param'))
    def batchnorm_forward(self, x, gamma, beta, bn_param):
        """The student's batchnorm_forward on arrays of its own (copies of the grader's): (out, bn_param
        as the student's code left it)."""
        out, after, _ = self._forward(x, gamma, beta, bn_param)
        return out, after

    @operation(returns=('array', 'array', 'array'), replay=True, where='the backward pass', results=GRADS)
    def batchnorm_backward(self, x, gamma, beta, bn_param, dout):
        """The student's forward in the given mode, then their backward on its cache: (dx, dgamma, dbeta).
        The cache never leaves the student's side."""
        result = self.named('batchnorm_forward')(x.copy(), gamma.copy(), beta.copy(), _own_copy(bn_param))
        _, cache = pair(result, 'batchnorm_forward', ('out', 'cache'))
        return self._backward(cache, dout)

    @operation(returns=('array', 'dict', 'int'))
    def batchnorm_forward_kept(self, x, gamma, beta, bn_param):
        """The forward, its cache kept on this side: (out, bn_param after, handle for the backward).

        The grader composes the reference net's layers around the student's batch norm with these two
        calls; the cache never leaves the student's side and no reference code enters it.
        """
        out, after, cache = self._forward(x, gamma, beta, bn_param)
        return out, after, self.keep(cache)

    @operation(returns=('array', 'array', 'array'))
    def batchnorm_backward_kept(self, handle, dout):
        """The student's backward on the cache a ``batchnorm_forward_kept`` call kept: (dx, dgamma, dbeta)."""
        return self._backward(self.take(handle), dout)
