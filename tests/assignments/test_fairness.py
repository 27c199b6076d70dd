"""Fairness mechanics: what the student's code sees, what the grader notices, and a mistake charged once."""
import sys

import numpy as np

from autograder.assignments.BatchNormalization import ASSIGNMENT

from autograder.grading.net_reference import contract_shapes
from autograder.grading.param_matching import Mismatch, match_params
from autograder.assignments.BatchNormalization.side import Operations
from autograder.assignments.BatchNormalization.variants import BUGS, CORRECT
from autograder.grading.inprocess import InProcessStudent, namespace_of
from autograder.notebook.extract import compile_warnings
from tests.assignments.test_checks import scores
from tests.engine.test_wire import roundtrip


def test_strings_from_the_wire_are_interned_like_notebook_literals():
    sent = ''.join(['tr', 'ain'])          # built at run time: not interned
    assert sent is not 'train'  # noqa: F632  (the point of the test)
    out = roundtrip({'mode': sent, 'modes': [sent]})
    assert out['mode'] is 'train' and out['modes'][0] is 'train'  # noqa: F632
    assert all(k is sys.intern(k) for k in out)


def test_the_load_time_scan_reports_is_with_a_literal_and_nothing_else():
    found = compile_warnings('the cell fc_net', "def f(mode):\n    return mode is 'train'\n")
    assert len(found) == 1 and 'line 2' in found[0] and '==' in found[0]
    assert compile_warnings('the cell fc_net', "def f(mode):\n    return mode == 'train'\n") == []


def test_the_student_side_says_which_input_changed_and_the_grader_keeps_its_own():
    ns = namespace_of(ASSIGNMENT, {'f': 'def batchnorm_forward(x, gamma, beta, bn_param):\n'
                            '    x -= x.mean(axis=0)\n    return x / x.std(axis=0), None\n'})
    student = InProcessStudent(ns, Operations)
    x = np.arange(12.0).reshape(4, 3)
    student.batchnorm_forward(x, np.ones(3), np.zeros(3), {'mode': 'train'})
    assert student.changed_inputs() == ['x']
    assert np.array_equal(x, np.arange(12.0).reshape(4, 3))


def test_parameters_under_another_consistent_scheme_are_matched_to_layers():
    shapes = contract_shapes([20, 30], 15, 10, True)
    theirs = {'W0': np.zeros((15, 20)), 'W1': np.zeros((20, 30)), 'W2': np.zeros((30, 10)),
              'b0': np.zeros(20), 'b1': np.zeros(30), 'b2': np.zeros(10),
              'BN0gamma': np.ones(20), 'BN1gamma': np.ones(30), 'BN0beta': np.zeros(20), 'BN1beta': np.zeros(30)}
    mapping = match_params(theirs, shapes, theirs)
    assert dict(mapping) == {'W1': 'W0', 'W2': 'W1', 'W3': 'W2', 'b1': 'b0', 'b2': 'b1', 'b3': 'b2',
                       'gamma1': 'BN0gamma', 'gamma2': 'BN1gamma', 'beta1': 'BN0beta', 'beta2': 'BN1beta'}
    assert isinstance(match_params({k: v for k, v in theirs.items() if k != 'W2'}, shapes), Mismatch)


def test_zero_based_names_and_the_mode_typo_cost_only_their_own_parts():
    """A real answer written with the seed's zero-based names whose only other mistake is bn_param[mode]."""
    zero_based = next(v for v in BUGS if v.name == 'zero_based_names').sources()['fc_net']
    source = zero_based.replace("bn_param['mode'] = mode", 'bn_param[mode] = mode')
    assert source != zero_based
    results = scores(namespace_of(ASSIGNMENT, {**CORRECT[0].sources(), 'fc_net': source}))
    lost = {name for name, outcome in results.items() if outcome.fraction < 1}
    assert lost == {'fc_net_init', 'fc_net_test_mode'}
    assert any('numbered from 0' in m for m in results['fc_net_init'].messages)
    assert any("key 'test'" in m for m in results['fc_net_test_mode'].messages)


def test_a_trivial_net_around_a_bogus_layer_earns_no_training_credit():
    """Training credit is carried forward only for a net that computes the reference logic."""
    ns = namespace_of(ASSIGNMENT, {
        'layer': 'def batchnorm_forward(x, gamma, beta, bn_param):\n    return np.zeros_like(x), None\n'
                 'def batchnorm_backward(dout, cache):\n'
                 '    return np.zeros_like(dout), np.zeros(dout.shape[1]), np.zeros(dout.shape[1])\n',
        'net': 'class FullyConnectedNet:\n'
               '    def __init__(self, hidden_dims, input_dim=3072, num_classes=10, **kwargs):\n'
               '        self.params, self.bn_params, self.dropout_param = {}, [], {}\n'
               '    def loss(self, X, y=None):\n'
               '        return np.zeros((X.shape[0], 5)) if y is None else (0.0, {})\n',
    })
    assert ASSIGNMENT.run_check('fc_net_training', InProcessStudent(ns, Operations)).fraction == 0


def test_a_layer_bug_costs_the_net_nothing():
    """dx without the mean's branch: charged in the backward check; the net, right around it, keeps every point."""
    results = scores(namespace_of(ASSIGNMENT, next(v for v in BUGS if v.name == 'dx_missing_mean_term').sources()))
    for name in ('fc_net_init', 'fc_net_loss_and_gradients', 'fc_net_test_mode', 'fc_net_training'):
        assert results[name].fraction == 1, (name, results[name].messages)
    assert results['batchnorm_backward'].fraction < 1
