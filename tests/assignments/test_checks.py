"""The hidden checks, run in-process: full credit for correct code, lost points for each bug.

The same checks run in the sandboxed grader; here they run on namespaces built
from the reference and from the validation variants, which is fast enough to
cover every variant on every run of the suite.
"""
import functools

import pytest

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.side import Operations
from autograder.assignments.BatchNormalization.variants import BUGS, CORRECT
from autograder.grading.inprocess import InProcessStudent, namespace_of
from autograder.validation.variant import collateral


def scores(ns):
    student = InProcessStudent(ns, Operations)
    return {name: ASSIGNMENT.run_check(name, student) for name in ASSIGNMENT.by_name}


@functools.lru_cache(maxsize=None)
def variant_scores(name):
    """Every check's outcome for a validation variant, computed once per test session."""
    variant = next(v for v in CORRECT + BUGS if v.name == name)
    return scores(namespace_of(ASSIGNMENT, variant.sources()))


@pytest.mark.parametrize('variant', CORRECT, ids=lambda v: v.name)
def test_correct_variant_gets_full_credit(variant):
    results = scores(namespace_of(ASSIGNMENT, variant.sources()))
    lost = {name: (o.fraction, o.messages) for name, o in results.items() if o.fraction < 1}
    assert not lost


@pytest.mark.parametrize('variant', BUGS, ids=lambda v: v.name)
def test_bug_loses_points_in_the_check_named_for_it_and_nowhere_else(variant):
    results = variant_scores(variant.name)
    outcome = results[variant.loses_in]
    assert outcome.fraction < 1
    assert outcome.messages and all(isinstance(m, str) for m in outcome.messages)
    lost = {name: (1 - o.fraction) * ASSIGNMENT.by_name[name].points for name, o in results.items() if o.fraction < 1}
    assert collateral(ASSIGNMENT, variant, lost) < 1e-9, {name: o.messages for name, o in results.items() if o.fraction < 1}


def test_empty_namespace_earns_nothing():
    for name, outcome in scores(namespace_of(ASSIGNMENT, {})).items():
        assert outcome.fraction == 0, name
        assert 'not defined' in outcome.messages[0]


def test_stubs_that_raise_earn_nothing():
    stub = 'raise NotImplementedError()'
    ns = namespace_of(ASSIGNMENT, {
        'layers': 'def batchnorm_forward(x, gamma, beta, bn_param):\n    %s\n'
                  'def batchnorm_backward(dout, cache):\n    %s\n' % (stub, stub),
        'net': 'class FullyConnectedNet:\n    def __init__(self, *a, **k):\n        %s\n' % stub,
    })
    for name, outcome in scores(ns).items():
        assert outcome.fraction == 0, name
        assert any('NotImplementedError' in m for m in outcome.messages)


def test_a_forward_that_always_raises_value_error_gets_nothing_for_invalid_mode():
    ns = namespace_of(ASSIGNMENT, {'f': 'def batchnorm_forward(x, gamma, beta, bn_param):\n    raise ValueError("no")\n'})
    assert ASSIGNMENT.run_check('batchnorm_invalid_mode', InProcessStudent(ns, Operations)).fraction == 0


LIARS = '''
class Liar(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(self), bool)
    def __sub__(self, other): return np.zeros(np.shape(self))
    __rsub__ = __sub__

def batchnorm_forward(x, gamma, beta, bn_param):
    return np.zeros_like(x).view(Liar), None

class Anything:
    def __eq__(self, other): return True
    def __float__(self): raise RuntimeError('not a number')

def batchnorm_backward(dout, cache):
    return Anything(), Anything(), Anything()
'''


def test_objects_that_lie_in_comparisons_earn_nothing():
    results = scores(namespace_of(ASSIGNMENT, {'liars': LIARS}))
    for name in ('batchnorm_forward_train', 'batchnorm_running_stats_test_mode', 'batchnorm_backward'):
        assert results[name].fraction == 0, (name, results[name])
    assert any('subclass' in m for m in results['batchnorm_forward_train'].messages)


def test_nan_outputs_earn_nothing():
    ns = namespace_of(ASSIGNMENT, {'nan': 'def batchnorm_forward(x, gamma, beta, bn_param):\n'
                              '    return np.full_like(x, np.nan), None\n'})
    outcome = ASSIGNMENT.run_check('batchnorm_forward_train', InProcessStudent(ns, Operations))
    assert outcome.fraction == 0


def test_grading_is_deterministic():
    variant = next(v for v in BUGS if v.name == 'momentum_swapped')
    first = {k: v.fraction for k, v in scores(namespace_of(ASSIGNMENT, variant.sources())).items()}
    second = {k: v.fraction for k, v in scores(namespace_of(ASSIGNMENT, variant.sources())).items()}
    assert first == second


def test_messages_do_not_reveal_reference_numbers():
    """Feedback names what is wrong; it never prints arrays of hidden inputs or expected values."""
    for variant in BUGS:
        for outcome in variant_scores(variant.name).values():
            for message in outcome.messages:
                assert '[' not in message or 'grads[' in message or "_param['" in message, message
                assert 'array(' not in message
                assert 'api.md' not in message and 'solutions/' not in message  # files students do not have


def test_functions_that_do_nothing_earn_nothing():
    """A forward that returns zeros and a net with no running statistics cannot collect 'changes nothing' parts."""
    ns = namespace_of(ASSIGNMENT, {
        'zeros': 'def batchnorm_forward(x, gamma, beta, bn_param):\n    return np.zeros_like(x), None\n',
        'net': 'class FullyConnectedNet:\n'
               '    def __init__(self, hidden_dims, input_dim=3072, num_classes=10, **kwargs):\n'
               '        self.params, self.bn_params, self.dropout_param = {}, [], {}\n'
               '    def loss(self, X, y=None):\n'
               '        return np.zeros((X.shape[0], 5)) if y is None else (0.0, {})\n',
    })
    results = scores(ns)
    for name in ('batchnorm_forward_train', 'batchnorm_running_stats_test_mode', 'batchnorm_invalid_mode',
                 'fc_net_loss_and_gradients', 'fc_net_test_mode', 'fc_net_training'):
        assert results[name].fraction == 0, (name, results[name].messages)


@pytest.mark.parametrize('seed', [1, 2, 3])
def test_full_credit_does_not_depend_on_the_hidden_seeds(monkeypatch, seed):
    """Every correct variant keeps full credit when the checks draw other hidden inputs and training seeds."""
    from dataclasses import replace

    from autograder.assignments.BatchNormalization import (layer_checks, net_checks, net_test_mode, settings,
                                                           training_check)
    for module in (settings, layer_checks, net_checks, net_test_mode, training_check):
        if hasattr(module, 'SEED'):
            monkeypatch.setattr(module, 'SEED', 1000 + seed)
    monkeypatch.setattr(training_check, 'TRAINING', replace(training_check.TRAINING,
                                                            seeds=(2000 + 2 * seed, 2001 + 2 * seed)))
    for variant in CORRECT:
        lost = {name: o.messages for name, o in scores(namespace_of(ASSIGNMENT, variant.sources())).items() if o.fraction < 1}
        assert not lost, (variant.name, lost)
