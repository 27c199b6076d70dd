"""StudentAPI over a sandboxed worker process.

Everything the worker sends back is untrusted: it has already been decoded by
``autograder.sandbox.wire`` into plain JSON values and arrays, and here its structure
is checked before any check sees it.
"""
import numpy as np

from autograder.sandbox.student_api import StudentCodeError


def _bad(what):
    raise StudentCodeError('unexpected return value: %s' % what, kind='bad_return')


def _array(value, what):
    if type(value) is not np.ndarray:
        if type(value) in (int, float, bool):
            return np.asarray(value)
        _bad('%s is not an array' % what)
    return value


def _dict(value, what):
    if type(value) is not dict:
        _bad('%s is not a dict' % what)
    return value


def _list(value, n, what):
    if type(value) is not list or len(value) != n:
        _bad('%s does not have %d parts' % (what, n))
    return value


class WorkerStudent:
    def __init__(self, worker):
        self.worker = worker

    def has(self, name):
        return self.worker.call('has', name) is True

    def batchnorm_forward(self, x, gamma, beta, bn_param):
        out, after = _list(self.worker.call('batchnorm_forward', x, gamma, beta, bn_param), 2, 'the forward result')
        return _array(out, 'out'), _dict(after, 'bn_param')

    def changed_inputs(self):
        names = self.worker.call('changed_inputs')
        if type(names) is not list or not all(type(n) is str for n in names):
            _bad('the list of changed inputs')
        return names

    def batchnorm_forward_kept(self, x, gamma, beta, bn_param):
        out, after, handle = _list(self.worker.call('batchnorm_forward_kept', x, gamma, beta, bn_param), 3,
                                   'the forward result')
        if type(handle) is not int:
            _bad('the cache handle')
        return _array(out, 'out'), _dict(after, 'bn_param'), handle

    def batchnorm_backward_kept(self, handle, dout):
        grads = _list(self.worker.call('batchnorm_backward_kept', handle, dout), 3, 'the backward result')
        return tuple(_array(g, n) for g, n in zip(grads, ('dx', 'dgamma', 'dbeta')))

    def batchnorm_backward(self, x, gamma, beta, bn_param, dout):
        grads = _list(self.worker.call('batchnorm_backward', x, gamma, beta, bn_param, dout), 3, 'the backward result')
        return tuple(_array(g, n) for g, n in zip(grads, ('dx', 'dgamma', 'dbeta')))

    def net_create(self, **kwargs):
        handle = self.worker.call('net_create', **kwargs)
        if type(handle) is not int:
            _bad('the net handle')
        return handle

    def net_state(self, handle):
        state = _dict(self.worker.call('net_state', handle), 'the net state')
        params = _dict(state.get('params'), 'params')
        bn_params = state.get('bn_params')
        if type(bn_params) is not list or not all(type(p) is dict for p in bn_params):
            _bad('bn_params')
        return {'params': {k: _array(v, 'params[%r]' % k) for k, v in params.items()},
                'bn_params': bn_params, 'dropout_param': _dict(state.get('dropout_param'), 'dropout_param')}

    def net_set_params(self, handle, params):
        self.worker.call('net_set_params', handle, params)

    def net_loss(self, handle, X, y=None):
        result = self.worker.call('net_loss', handle, X, y)
        if y is None:
            return _array(result, 'scores')
        loss, grads = _list(result, 2, 'loss(X, y)')
        if type(loss) not in (int, float):
            _bad('the loss is not a number')
        grads = _dict(grads, 'grads')
        return float(loss), {k: _array(v, 'grads[%r]' % k) for k, v in grads.items()}

    def seed_numpy(self, seed):
        self.worker.call('seed_numpy', int(seed))

    def train_and_predict(self, net_kwargs, data, solver_kwargs, X_eval):
        # Training is the longest call: it gets the worker's whole CPU budget as its wall-clock limit.
        scores = self.worker.call('train_and_predict', net_kwargs, data, solver_kwargs, X_eval,
                                  timeout=max(self.worker.limits.call_timeout, 120))
        return _array(scores, 'scores')
