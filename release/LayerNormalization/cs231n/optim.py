"""First-order update rules.

Each rule has the signature ``next_w, config = rule(w, dw, config)``:
- w: the current weights, any shape;
- dw: the gradient of the loss with respect to w, shaped like w;
- config: a dict of hyperparameters and state (moments, step count) that the
  rule fills with defaults on its first call and the caller passes back in.
"""
import numpy as np


def sgd(w, dw, config=None):
    """Vanilla stochastic gradient descent. config: learning_rate (1e-2)."""
    config = {} if config is None else config
    config.setdefault('learning_rate', 1e-2)
    w -= config['learning_rate'] * dw
    return w, config


def sgd_momentum(w, dw, config=None):
    """SGD with momentum. config: learning_rate (1e-2), momentum (0.9), velocity (zeros like w)."""
    config = {} if config is None else config
    config.setdefault('learning_rate', 1e-2)
    config.setdefault('momentum', 0.9)
    v = config.get('velocity', np.zeros_like(w))
    v = config['momentum'] * v - config['learning_rate'] * dw
    config['velocity'] = v
    return w + v, config


def rmsprop(w, dw, config=None):
    """RMSProp. config: learning_rate (1e-2), decay_rate (0.99), epsilon (1e-8), cache (zeros like w)."""
    config = {} if config is None else config
    config.setdefault('learning_rate', 1e-2)
    config.setdefault('decay_rate', 0.99)
    config.setdefault('epsilon', 1e-8)
    config.setdefault('cache', np.zeros_like(w))
    cache = config['decay_rate'] * config['cache'] + (1 - config['decay_rate']) * dw ** 2
    config['cache'] = cache
    next_w = w - config['learning_rate'] * dw / (np.sqrt(cache) + config['epsilon'])
    return next_w, config


def adam(w, dw, config=None):
    """Adam with bias correction.

    config: learning_rate (1e-3), beta1 (0.9), beta2 (0.999), epsilon (1e-8),
    m and v (zeros like w), t (0, the step count).
    """
    config = {} if config is None else config
    config.setdefault('learning_rate', 1e-3)
    config.setdefault('beta1', 0.9)
    config.setdefault('beta2', 0.999)
    config.setdefault('epsilon', 1e-8)
    config.setdefault('m', np.zeros_like(w))
    config.setdefault('v', np.zeros_like(w))
    config.setdefault('t', 0)
    config['t'] += 1
    b1, b2, t = config['beta1'], config['beta2'], config['t']
    config['m'] = b1 * config['m'] + (1 - b1) * dw
    config['v'] = b2 * config['v'] + (1 - b2) * dw ** 2
    m_hat = config['m'] / (1 - b1 ** t)
    v_hat = config['v'] / (1 - b2 ** t)
    next_w = w - config['learning_rate'] * m_hat / (np.sqrt(v_hat) + config['epsilon'])
    return next_w, config
