"""The operations layer normalization's checks call on student code (run wherever student code runs).

Imports only the standard library, numpy, cs231n and ``autograder.sandbox.side``. Every operation copies
the arrays it hands to the student's code, notes which ones the code changed, and returns plain data only.
The net's operations (create, state, parameters, loss, training) are the engine's ``NetOperations``.
"""
from autograder.sandbox.side import NetOperations, StudentSide, operation, pair, plain_array, plain_dict

GRADIENTS = ('dx', 'dgamma', 'dbeta')


class Side(NetOperations, StudentSide):

    def _forward(self, x, gamma, beta, ln_param):
        # The student's code gets a dict of its own: whatever it stores there stays on this side.
        ln_param = dict(ln_param)
        result = self.call('layernorm_forward', (('x', x), ('gamma', gamma), ('beta', beta)), ln_param)
        out, cache = pair(result, 'layernorm_forward', ('out', 'cache'))
        return plain_array(out, 'out from layernorm_forward'), plain_dict(ln_param, 'ln_param'), cache

    def _gradients(self, result):
        grads = pair(result, 'layernorm_backward', GRADIENTS)
        return tuple(plain_array(g, '%s from layernorm_backward' % n) for g, n in zip(grads, GRADIENTS))

    @operation(returns=('array', 'dict'), replay=True, where='the forward pass', results=('output', 'ln_param'))
    def layernorm_forward(self, x, gamma, beta, ln_param):
        """(out, ln_param as the forward left it)."""
        out, after, _ = self._forward(x, gamma, beta, ln_param)
        return out, after

    @operation(returns=('array', 'array', 'array'), replay=True, where='the backward pass', results=GRADIENTS)
    def layernorm_backward(self, x, gamma, beta, ln_param, dout):
        """The student's backward on the cache of the student's own forward of x."""
        _, _, cache = self._forward(x, gamma, beta, ln_param)
        return self._gradients(self.call('layernorm_backward', (('dout', dout),), cache))

    @operation(returns=('array', 'int'))
    def layernorm_forward_kept(self, x, gamma, beta, ln_param):
        """The forward, keeping its cache on this side: (out, handle for ``layernorm_backward_kept``)."""
        out, _, cache = self._forward(x, gamma, beta, ln_param)
        return out, self.keep(cache)

    @operation(returns=('array', 'array', 'array'))
    def layernorm_backward_kept(self, handle, dout):
        """The student's backward on the cache a ``layernorm_forward_kept`` call kept."""
        return self._gradients(self.call('layernorm_backward', (('dout', dout),), self.take(handle)))
