"""Update rules: the first steps match the rules' definitions, and each rule minimizes a quadratic."""
import numpy as np
import pytest

from cs231n import optim


def test_sgd_step():
    w, dw = np.array([1.0, -2.0]), np.array([0.5, 0.5])
    next_w, config = optim.sgd(w.copy(), dw, {'learning_rate': 0.1})
    np.testing.assert_allclose(next_w, w - 0.1 * dw)


def test_momentum_accumulates_velocity():
    w, dw = np.zeros(3), np.ones(3)
    config = {'learning_rate': 0.1, 'momentum': 0.9}
    w1, config = optim.sgd_momentum(w, dw, config)
    w2, config = optim.sgd_momentum(w1, dw, config)
    np.testing.assert_allclose(w1, -0.1)
    np.testing.assert_allclose(w2, -0.1 - (0.9 * 0.1 + 0.1))


def test_rmsprop_first_step():
    w, dw = np.zeros(2), np.array([2.0, -4.0])
    next_w, config = optim.rmsprop(w, dw, {'learning_rate': 0.01})
    cache = 0.01 * dw ** 2
    np.testing.assert_allclose(next_w, -0.01 * dw / (np.sqrt(cache) + 1e-8))


def test_adam_first_step_is_learning_rate_times_sign():
    # With bias correction, Adam's first step has size learning_rate in every coordinate.
    w, dw = np.zeros(3), np.array([3.0, -0.2, 10.0])
    next_w, config = optim.adam(w, dw, {'learning_rate': 1e-3})
    np.testing.assert_allclose(next_w, -1e-3 * np.sign(dw), rtol=1e-6)
    assert config['t'] == 1


@pytest.mark.parametrize('rule, lr', [('sgd', 0.1), ('sgd_momentum', 0.05), ('rmsprop', 0.01), ('adam', 0.05)])
def test_rules_minimize_a_quadratic(rule, lr):
    target = np.array([1.0, -2.0, 3.0])
    w, config = np.zeros(3), {'learning_rate': lr}
    for _ in range(500):
        w, config = getattr(optim, rule)(w, 2 * (w - target), config)
    np.testing.assert_allclose(w, target, atol=0.05)
