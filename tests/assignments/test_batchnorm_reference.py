"""The reference batch normalization reproduces the seed notebook's checks."""
import numpy as np
import pytest

from cs231n.gradient_check import eval_numerical_gradient_array, rel_error
from solutions.BatchNormalization.layers import batchnorm_backward, batchnorm_backward_alt, batchnorm_forward


def two_layer_activations(rng, N=200, D1=50, D2=60, D3=3, W1=None, W2=None):
    W1 = rng.standard_normal((D1, D2)) if W1 is None else W1
    W2 = rng.standard_normal((D2, D3)) if W2 is None else W2
    X = rng.standard_normal((N, D1))
    return np.maximum(0, X.dot(W1)).dot(W2), W1, W2


def test_train_forward_normalizes_then_scales_and_shifts(rng):
    a, _, _ = two_layer_activations(rng)
    assert np.abs(a.mean(axis=0)).max() > 1 and np.abs(a.std(axis=0) - 1).max() > 1  # not normalized yet
    out, _ = batchnorm_forward(a, np.ones(3), np.zeros(3), {'mode': 'train'})
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-8)
    np.testing.assert_allclose(out.std(axis=0), 1, atol=1e-6)
    gamma, beta = np.array([1.0, 2.0, 3.0]), np.array([11.0, 12.0, 13.0])
    out, _ = batchnorm_forward(a, gamma, beta, {'mode': 'train'})
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-8)
    np.testing.assert_allclose(out.std(axis=0), gamma, rtol=1e-6)


def test_train_forward_uses_uncorrected_variance_and_eps():
    x = np.array([[0.0], [2.0]])  # mean 1, uncorrected variance 1 (the corrected one would be 2)
    out, _ = batchnorm_forward(x, np.ones(1), np.zeros(1), {'mode': 'train', 'eps': 3.0})
    np.testing.assert_allclose(out[:, 0], [-0.5, 0.5])  # (x - 1) / sqrt(1 + 3)


def test_running_averages_follow_the_momentum_convention():
    x = np.array([[1.0, 4.0], [3.0, 8.0]])
    bn_param = {'mode': 'train', 'momentum': 0.75,
                'running_mean': np.array([10.0, 10.0]), 'running_var': np.array([1.0, 1.0])}
    batchnorm_forward(x, np.ones(2), np.zeros(2), bn_param)
    np.testing.assert_allclose(bn_param['running_mean'], 0.75 * 10 + 0.25 * np.array([2.0, 6.0]))
    np.testing.assert_allclose(bn_param['running_var'], 0.75 * 1 + 0.25 * np.array([1.0, 4.0]))


def test_running_statistics_default_to_zeros_of_x_dtype():
    bn_param = {'mode': 'train'}
    x = np.ones((4, 3), dtype=np.float32)
    batchnorm_forward(x, np.ones(3, np.float32), np.zeros(3, np.float32), bn_param)
    assert bn_param['running_mean'].shape == (3,) and bn_param['running_mean'].dtype == np.float32
    np.testing.assert_allclose(bn_param['running_mean'], 0.1)  # 0.9 * 0 + 0.1 * 1


def test_test_mode_after_warm_up_matches_seed_statistics(rng):
    """Seed: after 50 warm-up batches, test-time means within ~0.15 of 0 and stds within ~0.1 of 1."""
    bn_param = {'mode': 'train'}
    W1 = W2 = None
    for _ in range(50):
        a, W1, W2 = two_layer_activations(rng, W1=W1, W2=W2)
        batchnorm_forward(a, np.ones(3), np.zeros(3), bn_param)
    bn_param['mode'] = 'test'
    running = (bn_param['running_mean'].copy(), bn_param['running_var'].copy())
    a, _, _ = two_layer_activations(rng, W1=W1, W2=W2)
    out, _ = batchnorm_forward(a, np.ones(3), np.zeros(3), bn_param)
    assert np.abs(out.mean(axis=0)).max() < 0.15
    assert np.abs(out.std(axis=0) - 1).max() < 0.1
    # Test mode reads the running statistics and leaves them alone.
    np.testing.assert_array_equal(bn_param['running_mean'], running[0])
    np.testing.assert_array_equal(bn_param['running_var'], running[1])
    expected = (a - running[0]) / np.sqrt(running[1] + 1e-5)
    np.testing.assert_allclose(out, expected)


def test_invalid_mode_raises():
    with pytest.raises(ValueError):
        batchnorm_forward(np.ones((2, 2)), np.ones(2), np.zeros(2), {'mode': 'eval'})


@pytest.mark.parametrize('backward', [batchnorm_backward, batchnorm_backward_alt])
# N=2 is left out on purpose: x_hat is then always +-1 and the true dx is ~0, so the check measures noise.
@pytest.mark.parametrize('N, D', [(4, 5), (10, 3), (6, 7)])
def test_backward_matches_numeric_gradient(rng, backward, N, D):
    x = 5 * rng.standard_normal((N, D)) + 12
    gamma, beta, dout = rng.standard_normal(D), rng.standard_normal(D), rng.standard_normal((N, D))
    bn_param = {'mode': 'train'}
    dx_num = eval_numerical_gradient_array(lambda v: batchnorm_forward(v, gamma, beta, bn_param)[0], x, dout)
    dg_num = eval_numerical_gradient_array(lambda v: batchnorm_forward(x, v, beta, bn_param)[0], gamma, dout)
    db_num = eval_numerical_gradient_array(lambda v: batchnorm_forward(x, gamma, v, bn_param)[0], beta, dout)
    dx, dgamma, dbeta = backward(dout, batchnorm_forward(x, gamma, beta, bn_param)[1])
    assert rel_error(dx, dx_num) < 1e-7      # seed: ~1e-9
    assert rel_error(dgamma, dg_num) < 1e-9  # seed: ~1e-11
    assert rel_error(dbeta, db_num) < 1e-9


@pytest.mark.parametrize('N, D', [(4, 5), (10, 3), (3, 1)])
def test_both_backward_forms_agree(rng, N, D):
    x = rng.standard_normal((N, D)) * 3 + 1
    gamma, beta, dout = rng.standard_normal(D), rng.standard_normal(D), rng.standard_normal((N, D))
    _, cache = batchnorm_forward(x, gamma, beta, {'mode': 'train'})
    for graph, closed in zip(batchnorm_backward(dout, cache), batchnorm_backward_alt(dout, cache)):
        assert rel_error(graph, closed) < 1e-10


def test_both_backward_forms_agree_on_a_large_batch(rng):
    # Elementwise relative error over 50,000 entries is dominated by the few near zero, where the two
    # rounding orders differ by ~1 ulp of the row; compare the arrays as wholes instead.
    x = rng.standard_normal((100, 500)) * 3 + 1
    gamma, beta, dout = rng.standard_normal(500), rng.standard_normal(500), rng.standard_normal((100, 500))
    _, cache = batchnorm_forward(x, gamma, beta, {'mode': 'train'})
    for graph, closed in zip(batchnorm_backward(dout, cache), batchnorm_backward_alt(dout, cache)):
        assert np.linalg.norm(graph - closed) / np.linalg.norm(graph) < 1e-12


def test_float32_stays_float32(rng):
    x = rng.standard_normal((16, 8)).astype(np.float32)
    g, b = np.ones(8, np.float32), np.zeros(8, np.float32)
    out, cache = batchnorm_forward(x, g, b, {'mode': 'train'})
    assert out.dtype == np.float32
    assert all(grad.dtype == np.float32 for grad in batchnorm_backward_alt(np.ones_like(x), cache))
