"""Layer normalization: the answer key against numeric gradients, and its hidden checks run in-process.

Every correct variant earns full credit and every bug loses points in the check named for it and nowhere
else; full credit does not hang on the hidden seed; empty and stub submissions earn nothing.
"""
import functools
from dataclasses import replace

import numpy as np
import pytest

from autograder.assignment import get
from autograder.grading.checking import rel_err
from autograder.validation.variant import collateral
from autograder.assignments.LayerNormalization import layer_checks, net_checks, settings, training_check
from autograder.assignments.LayerNormalization.variants import BUGS, CORRECT
from cs231n.gradient_check import eval_numerical_gradient, eval_numerical_gradient_array, rel_error
from solutions.LayerNormalization.fc_net import FullyConnectedNet
from solutions.LayerNormalization.layers import layernorm_backward, layernorm_forward
from autograder.grading import inprocess, tolerances

ASSIGNMENT = get('LayerNormalization')
SIDE = ASSIGNMENT.module('side').Operations


def namespace_of(sources):
    return inprocess.namespace_of(ASSIGNMENT, sources)


def student_of(namespace):
    return inprocess.InProcessStudent(namespace, SIDE)


def scores(namespace):
    student = student_of(namespace)
    return {spec.name: ASSIGNMENT.run_check(spec.name, student) for spec in ASSIGNMENT.checks}


@functools.lru_cache(maxsize=None)
def variant_scores(name):
    return scores(namespace_of(next(v for v in CORRECT + BUGS if v.name == name).sources()))


# ---------------------------------------------------------------- the answer key

def test_reference_layer_matches_numeric_gradients():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 7)) * rng.uniform(0.5, 5, (4, 1)) + 3
    gamma, beta, dout = rng.standard_normal(7), rng.standard_normal(7), rng.standard_normal((4, 7))
    out, cache = layernorm_forward(x, gamma, beta, {})
    dx, dgamma, dbeta = layernorm_backward(dout, cache)
    numeric = [eval_numerical_gradient_array(lambda v: layernorm_forward(v, gamma, beta, {})[0], x.copy(), dout),
               eval_numerical_gradient_array(lambda v: layernorm_forward(x, v, beta, {})[0], gamma.copy(), dout),
               eval_numerical_gradient_array(lambda v: layernorm_forward(x, gamma, v, {})[0], beta.copy(), dout)]
    for analytic, expected in zip((dx, dgamma, dbeta), numeric):
        assert rel_error(analytic, expected) < 1e-7
    normalized, _ = layernorm_forward(x, np.ones(7), np.zeros(7), {})
    assert np.allclose(normalized.mean(axis=1), 0) and np.allclose(normalized.std(axis=1), 1, rtol=1e-4)


@pytest.mark.parametrize('normalization', [None, 'batchnorm', 'layernorm'])
def test_reference_net_matches_numeric_gradients(normalization):
    np.random.seed(231)
    X, y = np.random.randn(3, 6), np.array([0, 2, 1])
    net = FullyConnectedNet([5, 4], input_dim=6, num_classes=3, normalization=normalization, reg=0.3,
                            weight_scale=0.5, dtype=np.float64)
    loss, grads = net.loss(X, y)
    assert sorted(grads) == sorted(net.params)
    for name in grads:
        numeric = eval_numerical_gradient(lambda _: net.loss(X, y)[0], net.params[name], verbose=False)
        assert rel_error(numeric, grads[name]) < 1e-5 or np.abs(numeric - grads[name]).max() < 1e-8, name


def test_reference_net_rejects_an_unknown_normalization():
    with pytest.raises(ValueError, match='normalization'):
        FullyConnectedNet([5], normalization='groupnorm')


# ---------------------------------------------------------------- the checks

def test_the_checks_and_points():
    assert [spec.name for spec in ASSIGNMENT.checks] == [
        'layernorm_forward_values', 'layernorm_backward', 'layernorm_net_parameters', 'layernorm_net_loss',
        'layernorm_net_training']
    assert ASSIGNMENT.max_automatic_points == 55 and ASSIGNMENT.hand_graded_points == 20


@pytest.mark.parametrize('variant', CORRECT, ids=lambda v: v.name)
def test_correct_variant_gets_full_credit(variant):
    lost = {name: o.messages for name, o in variant_scores(variant.name).items() if o.fraction < 1}
    assert not lost


@pytest.mark.parametrize('variant', BUGS, ids=lambda v: v.name)
def test_bug_loses_points_in_the_check_named_for_it_and_nowhere_else(variant):
    results = variant_scores(variant.name)
    outcome = results[variant.loses_in]
    assert outcome.fraction < 1 and outcome.messages
    lost = {name: (1 - o.fraction) * ASSIGNMENT.by_name[name].points for name, o in results.items() if o.fraction < 1}
    assert collateral(ASSIGNMENT, variant, lost) < 1e-9, {name: o.messages for name, o in results.items() if o.fraction < 1}


def test_normalizing_over_the_batch_is_named():
    messages = variant_scores('batch_axis')['layernorm_forward_values'].messages
    assert any('axis 1' in m and 'axis 0' in m for m in messages), messages


def test_a_layer_bug_costs_the_net_nothing():
    results = variant_scores('dx_missing_mean_term')
    assert results['layernorm_net_parameters'].fraction == results['layernorm_net_loss'].fraction == 1


def test_empty_namespace_earns_nothing():
    for name, outcome in scores(namespace_of({})).items():
        assert outcome.fraction == 0, name
        assert 'not defined' in outcome.messages[0]


def test_stubs_that_raise_earn_nothing():
    stub = 'raise NotImplementedError()'
    results = scores(namespace_of({
        'layers': 'def layernorm_forward(x, gamma, beta, ln_param):\n    %s\n'
                  'def layernorm_backward(dout, cache):\n    %s\n' % (stub, stub),
        'net': 'class FullyConnectedNet:\n    def __init__(self, *a, **k):\n        %s\n' % stub}))
    for name, outcome in results.items():
        assert outcome.fraction == 0, name
        assert any('NotImplementedError' in m for m in outcome.messages)


def test_a_batchnorm_stub_costs_nothing():
    """The pasted batch norm is not graded here: a stub left in its cell changes no score."""
    stub = ('def batchnorm_forward(x, gamma, beta, bn_param):\n    raise NotImplementedError()\n'
            'def batchnorm_backward(dout, cache):\n    raise NotImplementedError()\n')
    results = scores(namespace_of({**CORRECT[0].sources(), 'batchnorm': stub}))
    assert all(o.fraction == 1 for o in results.values()), {n: o.messages for n, o in results.items()}


def test_functions_that_do_nothing_earn_nothing():
    results = scores(namespace_of({
        'zeros': 'def layernorm_forward(x, gamma, beta, ln_param):\n    return np.zeros_like(x), None\n'
                 'def layernorm_backward(dout, cache):\n'
                 '    return np.zeros_like(dout), np.zeros(dout.shape[1]), np.zeros(dout.shape[1])\n'}))
    assert results['layernorm_forward_values'].fraction == 0
    assert results['layernorm_backward'].fraction == 0


def test_a_trivial_net_around_a_bogus_layer_earns_no_training_credit():
    """Training credit is carried forward only for a net that computes the reference logic."""
    results = scores(namespace_of({
        'layer': 'def layernorm_forward(x, gamma, beta, ln_param):\n    return np.zeros_like(x), None\n'
                 'def layernorm_backward(dout, cache):\n'
                 '    return np.zeros_like(dout), np.zeros(dout.shape[1]), np.zeros(dout.shape[1])\n',
        'net': 'class FullyConnectedNet:\n'
               '    def __init__(self, hidden_dims, input_dim=3072, num_classes=10, **kwargs):\n'
               '        self.params, self.bn_params, self.dropout_param = {}, [], {}\n'
               '    def loss(self, X, y=None):\n'
               '        return np.zeros((X.shape[0], 5)) if y is None else (0.0, {})\n'}))
    for name in ('layernorm_net_loss', 'layernorm_net_training'):
        assert results[name].fraction == 0, (name, results[name].messages)


@pytest.mark.parametrize('returned', ['x[:, :2]', 'np.full_like(x, np.nan)', 'x.T', '(x, x)'])
def test_malformed_outputs_earn_nothing_and_break_no_check(returned):
    results = scores(namespace_of({'bad': 'def layernorm_forward(x, gamma, beta, ln_param):\n'
                                          '    return %s, None\n'
                                          'def layernorm_backward(dout, cache):\n'
                                          '    return dout, dout.sum(axis=0), dout.sum(axis=0)\n' % returned}))
    assert results['layernorm_forward_values'].fraction == 0
    assert results['layernorm_backward'].fraction < 0.5


def test_messages_do_not_reveal_reference_numbers():
    for variant in BUGS:
        for outcome in variant_scores(variant.name).values():
            for message in outcome.messages:
                assert '[' not in message or 'grads[' in message or "_param['" in message, message
                assert 'array(' not in message and 'solutions/' not in message


@pytest.mark.parametrize('seed', [1, 2])
def test_full_credit_does_not_depend_on_the_hidden_seed(monkeypatch, seed):
    for module in (settings, layer_checks, net_checks, training_check):
        if hasattr(module, 'SEED'):
            monkeypatch.setattr(module, 'SEED', 1000 + seed)
    monkeypatch.setattr(training_check, 'TRAINING', replace(training_check.TRAINING,
                                                            seeds=(2000 + 2 * seed, 2001 + 2 * seed)))
    for variant in CORRECT:
        lost = {n: o.messages for n, o in scores(namespace_of(variant.sources())).items() if o.fraction < 1}
        assert not lost, (variant.name, lost)


def test_tolerances_separate_correct_forms_from_bugs():
    """The correct forms agree far inside TOL_FLOAT64; the smallest bug (eps missing) falls far outside."""
    rng = np.random.default_rng(5)
    x = settings.rows_of_different_scales(rng, 30, 12)
    gamma, beta = rng.uniform(0.5, 2, 12), rng.standard_normal(12)
    expected, _ = layernorm_forward(x, gamma, beta, {})
    worst = 0.0
    for variant in CORRECT[1:5]:
        namespace = namespace_of(variant.sources())
        out, _ = namespace['layernorm_forward'](x, gamma, beta, {})
        worst = max(worst, rel_err(out, expected))
    no_eps = namespace_of(next(v for v in BUGS if v.name == 'eps_missing').sources())['layernorm_forward']
    assert worst < tolerances.TOL_FLOAT64 / 100
    assert rel_err(no_eps(x, gamma, beta, {})[0], expected) > tolerances.TOL_FLOAT64 * 5


SAFE_IN_PROCESS = ('ndarray_subclass', 'lies_in_comparisons', 'prints_fake_scores', 'pickle_payload')


@pytest.mark.parametrize('name', SAFE_IN_PROCESS)
def test_hostile_returns_earn_nothing_where_they_must(name):
    """The hostile attacks that only return lies (the others need the sandbox: tests/course/test_validation.py)."""
    from autograder.validation.hostile import hostile_variants
    variant = next(v for v in hostile_variants(ASSIGNMENT) if v.name == name)
    student = student_of(namespace_of(variant.sources()))
    for check in variant.loses_in:
        assert ASSIGNMENT.run_check(check, student).fraction == 0, check
