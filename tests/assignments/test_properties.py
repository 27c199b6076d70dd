"""The property diagnosis: each property shows on a planted mistake and stays silent on every correct variant.

The checks run in-process with every call recorded, as the grader records them; the properties then read
the recorded calls (``autograder.grading.properties``). A planted mistake is a validation bug whose mistake
the property describes; the words each property must say are its evidence, not a fixed result.
"""
import functools

import pytest

from autograder.assignment import get
from autograder.grading.inprocess import InProcessStudent, namespace_of
from autograder.grading.properties import PROPERTIES, observations
from autograder.grading.recording import RecordingStudent
from autograder.validation.kinds import Bug, patch

ASSIGNMENTS = ('BatchNormalization', 'LayerNormalization')


def recorded(assignment, sources, check):
    """The recorded calls of one check run on the given solution cells."""
    student = RecordingStudent(InProcessStudent(namespace_of(assignment, sources),
                                                assignment.module('side').Operations))
    assignment.run_check(check, student)
    return student.calls


# Planted here rather than taken from the validation set, whose keepdims bug is held out (docs/validation.md).
PLANTED_KEEPDIMS = ('dgamma = np.sum(dout * x_hat, axis=0)', 'dgamma = np.sum(dout * x_hat, axis=0, keepdims=True)')


@functools.lru_cache(maxsize=None)
def variant(assignment_name, name):
    assignment = get(assignment_name)
    variants = assignment.module('variants')
    if name == 'planted_dgamma_keepdims':
        return assignment, Bug(name, 'dgamma with keepdims=True', patch(assignment.reference_cells(),
                                                                        'batchnorm_backward', PLANTED_KEEPDIMS),
                               loses_in='batchnorm_backward', explanation='', hint='', assignment=assignment_name)
    found = next(v for v in variants.CORRECT + variants.BUGS if v.name == name)
    assert not found.held_out, 'a property planted on a held-out bug would be tuned on it'
    return assignment, found


def layer_of(assignment):
    return assignment.module('checks').LAYER


PLANTED = [   # (assignment, bug, the check whose calls show it, the property, words it must say)
    ('BatchNormalization', 'unbiased_variance', 'batchnorm_forward_train', 'normalized_statistics', 'unbiased'),
    ('LayerNormalization', 'batch_axis_forward_only', 'layernorm_forward_values', 'normalized_statistics',
     'normalized over axis 0'),
    ('BatchNormalization', 'eps_outside_sqrt', 'batchnorm_forward_train', 'eps_placement', 'after the square root'),
    ('BatchNormalization', 'eps_missing_train', 'batchnorm_forward_train', 'eps_placement', 'not added'),
    ('BatchNormalization', 'eps_default_keras', 'batchnorm_forward_train', 'eps_placement', 'as 0.001'),
    ('BatchNormalization', 'momentum_swapped', 'batchnorm_running_stats_test_mode', 'running_weight', 'swapped'),
    ('BatchNormalization', 'planted_dgamma_keepdims', 'batchnorm_backward', 'gradient_shape', 'keepdims'),
    ('BatchNormalization', 'dgamma_wrong_axis', 'batchnorm_backward', 'gradient_shape', 'wrong axis'),
    ('BatchNormalization', 'dbeta_as_mean', 'batchnorm_backward', 'gradient_relation', 'constant factor'),
    ('BatchNormalization', 'dx_missing_mean_term', 'batchnorm_backward', 'gradient_relation', 'through the mean'),
    ('BatchNormalization', 'dx_missing_variance_term', 'batchnorm_backward', 'gradient_relation',
     'through the variance'),
]


@pytest.mark.parametrize('assignment_name, bug, check, prop, words', PLANTED, ids=[p[1] + '-' + p[3] for p in PLANTED])
def test_each_property_shows_on_its_planted_mistake(assignment_name, bug, check, prop, words):
    assignment, planted = variant(assignment_name, bug)
    calls = recorded(assignment, planted.sources(), check)
    said = next(p for p in PROPERTIES if p.__name__ == prop)(layer_of(assignment), calls)
    assert said and words in said, said


def test_every_property_has_a_planted_mistake():
    assert {p.__name__ for p in PROPERTIES} == {planted[3] for planted in PLANTED}


@pytest.mark.parametrize('assignment_name', ASSIGNMENTS)
def test_no_property_fires_on_any_correct_variant(assignment_name):
    assignment = get(assignment_name)
    for correct in assignment.module('variants').CORRECT:
        for spec in assignment.checks:
            if spec.name in assignment.training_checks:
                continue
            calls = recorded(assignment, correct.sources(), spec.name)
            assert observations(layer_of(assignment), calls) == [], (correct.name, spec.name)


def graded_net(assignment, sources):
    sources = dict(assignment.reference_cells(), **sources)
    student = InProcessStudent(namespace_of(assignment, sources), assignment.module('side').Operations)
    return assignment.run_check('fc_net_loss_and_gradients', student)


def test_the_net_says_in_which_layer_its_gradient_first_goes_wrong():
    """A backward step that halves the gradient on its way from layer 2 into layer 1: the loss and layer 2's
    gradients are right, so the feedback points at that step; a net whose last layer is already wrong gets no
    such line (nothing after it is right to point from)."""
    assignment = get('BatchNormalization')
    halved = patch(assignment.reference_cells(), 'fc_net',
                   ('\n\n        # L2 regularization', '\n            if i == L - 1:\n                dh = 0.5 * dh'
                                                     '\n\n        # L2 regularization'))
    outcome = graded_net(assignment, halved)
    said = '\n'.join(outcome.messages)
    assert outcome.fraction < 1
    assert ('the gradient first goes wrong in the backward step that carries it from layer 2 into layer 1' in said)
    assert 'after layer 1 (W2, b2, W3, b3)' in said and 'NameError' not in said
    last = patch(assignment.reference_cells(), 'fc_net', ('affine_backward(dscores, caches', 'affine_backward(2 * dscores, caches'))
    outcome = graded_net(assignment, last)
    assert outcome.fraction < 1 and 'first goes wrong' not in '\n'.join(outcome.messages)
