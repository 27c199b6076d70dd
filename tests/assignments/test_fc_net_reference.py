"""The reference FullyConnectedNet: architecture, initialization, gradients and modes."""
import numpy as np
import pytest

from cs231n.gradient_check import eval_numerical_gradient, rel_error
from solutions.BatchNormalization.fc_net import FullyConnectedNet


def grad_errors(model, X, y):
    """Relative error of every analytic gradient against a centered difference of the loss."""
    _, grads = model.loss(X, y)
    assert set(grads) == set(model.params)
    errors = {}
    for name in grads:
        num = eval_numerical_gradient(lambda _: model.loss(X, y)[0], model.params[name], verbose=False, h=1e-5)
        if name.startswith('b') and model.use_batchnorm and name != 'b%d' % model.num_layers:
            # A bias right before batch norm has true gradient 0: its numeric gradient is rounding noise.
            errors[name] = float(np.abs(num - grads[name]).max()) * 1e-3
        else:
            errors[name] = rel_error(num, grads[name])
    return errors


@pytest.mark.parametrize('reg', [0.0, 3.14])
@pytest.mark.parametrize('use_batchnorm', [True, False])
@pytest.mark.parametrize('dims', [(15, [20, 30], 10), (7, [9], 4), (12, [8, 8, 8], 3)])
def test_gradients_match_numeric(rng, reg, use_batchnorm, dims):
    D, hidden, C = dims
    np.random.seed(0)
    X = rng.standard_normal((6, D))
    y = rng.integers(C, size=6)
    # Without batch norm, small weights shrink deep activations until the gradients drown in rounding noise.
    scale = 5e-2 if use_batchnorm else 3e-1
    model = FullyConnectedNet(hidden, input_dim=D, num_classes=C, reg=reg, weight_scale=scale,
                              dtype=np.float64, use_batchnorm=use_batchnorm)
    errors = grad_errors(model, X, y)
    assert max(errors.values()) < 1e-4, errors  # seed: ~1e-4 at worst (the first weights)
    if use_batchnorm:
        assert max(v for k, v in errors.items() if k.startswith(('gamma', 'beta'))) < 1e-6


def test_gradients_with_seeded_dropout(rng):
    np.random.seed(0)
    X, y = rng.standard_normal((5, 10)), rng.integers(4, size=5)
    for p in (0.25, 0.5):
        model = FullyConnectedNet([12, 9], input_dim=10, num_classes=4, weight_scale=5e-2, dtype=np.float64,
                                  dropout=p, seed=123, use_batchnorm=True, reg=0.5)
        assert max(grad_errors(model, X, y).values()) < 1e-4


def test_seed_gradient_check_setup_initial_loss(rng):
    """Seed notebook: N=2, D=15, [20, 30], C=10, scale 5e-2: loss ~2.3 with reg 0, ~6.7 with reg 3.14."""
    X, y = rng.standard_normal((2, 15)), rng.integers(10, size=2)
    losses = {}
    for reg in (0.0, 3.14):
        np.random.seed(231)
        model = FullyConnectedNet([20, 30], input_dim=15, num_classes=10, reg=reg, weight_scale=5e-2,
                                  dtype=np.float64, use_batchnorm=True)
        losses[reg], _ = model.loss(X, y)
        weights = sum(np.sum(model.params['W%d' % i] ** 2) for i in (1, 2, 3))
        assert losses[reg] == pytest.approx(losses[0.0] + 0.5 * reg * weights)
    assert 1.8 < losses[0.0] < 2.8
    assert 5.5 < losses[3.14] < 8.0


def test_parameters_follow_the_contract():
    np.random.seed(0)
    model = FullyConnectedNet([20, 30], input_dim=15, num_classes=10, use_batchnorm=True, weight_scale=1e-1)
    expected = {'W1': (15, 20), 'b1': (20,), 'W2': (20, 30), 'b2': (30,), 'W3': (30, 10), 'b3': (10,),
                'gamma1': (20,), 'beta1': (20,), 'gamma2': (30,), 'beta2': (30,)}
    assert {k: v.shape for k, v in model.params.items()} == expected
    assert all(v.dtype == np.float32 for v in model.params.values())
    for i in (1, 2):
        np.testing.assert_array_equal(model.params['gamma%d' % i], 1)
        np.testing.assert_array_equal(model.params['beta%d' % i], 0)
    np.testing.assert_array_equal(model.params['b3'], 0)
    assert abs(model.params['W2'].std() - 1e-1) < 2e-2
    assert len(model.bn_params) == 2 and model.bn_params[0] is not model.bn_params[1]
    assert model.bn_params[0] == {'mode': 'train'}
    assert model.dropout_param == {}
    assert 'gamma1' not in FullyConnectedNet([20], input_dim=15).params


def test_dropout_param_contract():
    model = FullyConnectedNet([5], input_dim=3, dropout=0.3, seed=7)
    assert model.dropout_param == {'mode': 'train', 'p': 0.3, 'seed': 7}
    assert FullyConnectedNet([5], input_dim=3, dropout=0.3).dropout_param == {'mode': 'train', 'p': 0.3}


def test_test_mode_scores_follow_the_architecture(rng):
    """affine - batchnorm(running stats) - relu, then a plain affine output layer, computed by hand."""
    np.random.seed(0)
    model = FullyConnectedNet([6], input_dim=4, num_classes=3, use_batchnorm=True, dtype=np.float64)
    X = rng.standard_normal((8, 4))
    model.loss(X, rng.integers(3, size=8))  # one training step's worth of running statistics
    p, bn = model.params, model.bn_params[0]
    a = X.dot(p['W1']) + p['b1']
    h = np.maximum(0, p['gamma1'] * (a - bn['running_mean']) / np.sqrt(bn['running_var'] + 1e-5) + p['beta1'])
    np.testing.assert_allclose(model.loss(X), h.dot(p['W2']) + p['b2'], rtol=1e-10)


def test_test_mode_uses_running_statistics_and_updates_nothing(rng):
    np.random.seed(0)
    model = FullyConnectedNet([6, 5], input_dim=4, num_classes=3, use_batchnorm=True, dtype=np.float64,
                              dropout=0.5, seed=1)
    X, y = rng.standard_normal((10, 4)) * 3 + 2, rng.integers(3, size=10)
    model.loss(X, y)
    running = [(p['running_mean'].copy(), p['running_var'].copy()) for p in model.bn_params]
    scores = model.loss(X[:1])  # one example: batch statistics would be degenerate, running ones are not
    assert scores.shape == (1, 3) and np.all(np.isfinite(scores))
    assert all(p['mode'] == 'test' for p in model.bn_params) and model.dropout_param['mode'] == 'test'
    for p, (mean, var) in zip(model.bn_params, running):
        np.testing.assert_array_equal(p['running_mean'], mean)
        np.testing.assert_array_equal(p['running_var'], var)
    # Deterministic at test time (no dropout).
    np.testing.assert_array_equal(model.loss(X[:3]), model.loss(X[:3]))
    assert running[0][0].shape == (6,) and running[1][0].shape == (5,)


def test_training_mode_changes_running_statistics_per_layer(rng):
    np.random.seed(0)
    model = FullyConnectedNet([6, 5], input_dim=4, num_classes=3, use_batchnorm=True)
    model.loss(rng.standard_normal((10, 4)), rng.integers(3, size=10))
    assert model.bn_params[0]['running_mean'].shape == (6,)
    assert model.bn_params[1]['running_mean'].shape == (5,)
    assert model.bn_params[0]['running_mean'].dtype == np.float32
