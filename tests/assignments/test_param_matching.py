"""A net's parameters and per-layer dicts are matched to layers by structure; a naming scheme costs points once.

The matching is tested on planted schemes (each must be found, and each broken structure must be refused with
the candidates named), and the nets of ``variants/structures.py`` are graded: each loses points in the
parameters check only, never reads "missing" for a parameter it holds under another name, and the seed's
real answer lands where a marker who carries errors forward puts it.
"""
import numpy as np
import pytest

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.structures import STRUCTURES
from autograder.grading.inprocess import namespace_of
from autograder.grading.net_reference import contract_shapes
from autograder.grading.param_matching import Matching, Mismatch, match_params
from tests.assignments.test_checks import variant_scores

SHAPES = contract_shapes([20, 30], 15, 10, True)


def planted(name_of, vector_shape=lambda d: (d,)):
    """A freshly built net's params under the names ``name_of(kind, layer)``, created layer by layer."""
    params = {}
    for layer, (d_in, d_out) in enumerate([(15, 20), (20, 30), (30, 10)], start=1):
        params[name_of('W', layer)] = 0.1 * np.random.default_rng(layer).standard_normal((d_in, d_out))
        params[name_of('b', layer)] = np.zeros(d_out)
        if layer < 3:
            params[name_of('gamma', layer)] = np.ones(vector_shape(d_out))
            params[name_of('beta', layer)] = np.zeros(vector_shape(d_out))
    return params


SCHEMES = {
    'release': lambda kind, layer: '%s%d' % (kind, layer),
    'from zero': lambda kind, layer: '%s%d' % (kind, layer - 1),
    'prefix and suffix': lambda kind, layer: 'fc%d_%s' % (layer, kind),
    'tuple keys (as the sandbox writes them)': lambda kind, layer: repr((kind, layer)),
    'words': lambda kind, layer: '%s_layer%d' % ({'W': 'weights', 'b': 'bias'}.get(kind, kind), layer + 10),
    'no numbers, creation order': lambda kind, layer: '%s%s' % (kind, 'abc'[layer - 1]),
}


@pytest.mark.parametrize('scheme', sorted(SCHEMES))
@pytest.mark.parametrize('row', [False, True], ids=['(D,)', '(1, D)'])
def test_every_consistent_scheme_is_matched_to_its_layers(scheme, row):
    name_of = SCHEMES[scheme]
    params = planted(name_of, (lambda d: (1, d)) if row else (lambda d: (d,)))
    matching = match_params(params, SHAPES, params)
    assert isinstance(matching, Matching), matching
    assert dict(matching) == {'%s%d' % (kind, layer): name_of(kind, layer) for kind in ('W', 'b', 'gamma', 'beta')
                              for layer in (1, 2, 3) if '%s%d' % (kind, layer) in SHAPES}


def test_unnamed_vectors_are_told_apart_by_their_initial_values_and_the_counts_the_net_needs():
    params = planted(lambda kind, layer: 'p%d_%d' % (layer, ('W', 'b', 'gamma', 'beta').index(kind)))
    matching = match_params(params, SHAPES, params)
    assert isinstance(matching, Matching), matching
    assert matching['gamma2'] == 'p2_2' and matching['W3'] == 'p3_0' and matching['b3'] == 'p3_1'
    assert matching['b1'] == 'p1_1' and matching['beta1'] == 'p1_3'   # alike zeros: b was created first


def test_values_cross_in_the_students_layout_and_gradients_come_back_in_the_contracts():
    params = planted(SCHEMES['from zero'], lambda d: (1, d))
    matching = match_params(params, SHAPES, params)
    theirs = matching.to_student({'gamma1': np.arange(20.0), 'W1': np.ones((15, 20))})
    assert theirs['gamma0'].shape == (1, 20) and theirs['W0'].shape == (15, 20)
    back = matching.to_contract({'gamma0': np.ones((1, 20)), 'beta0': np.ones(20), 'extra': np.ones(3)}, SHAPES)
    assert back['gamma1'].shape == (20,) and back['beta1'].shape == (20,) and 'extra' in back


def test_a_net_whose_structure_does_not_fit_is_refused_naming_the_candidates():
    params = planted(SCHEMES['from zero'])
    del params['W1']
    assert isinstance(match_params(params, SHAPES, params), Mismatch)
    wrong = planted(SCHEMES['release'])
    wrong['gamma2'] = np.ones(7)
    refused = match_params(wrong, SHAPES, wrong)
    assert isinstance(refused, Mismatch) and "'gamma2'" in refused


@pytest.mark.parametrize('variant', STRUCTURES, ids=lambda v: v.name)
def test_a_structure_costs_the_parameters_check_only_and_feedback_never_calls_it_missing(variant):
    results = variant_scores(variant.name)
    lost = {name for name, outcome in results.items() if outcome.fraction < 1}
    assert lost <= {variant.loses_in, *variant.also_loses_in} and variant.loses_in in lost
    for outcome in results.values():
        for message in outcome.messages:
            assert 'missing' not in message and 'no entries' not in message and 'could not be matched' not in message


def test_the_seeds_real_answer_scores_as_a_marker_carrying_errors_forward_would():
    results = variant_scores('seed_answer')
    total = sum(outcome.fraction * ASSIGNMENT.by_name[name].points for name, outcome in results.items())
    print("the seed's real answer: %.2f / 70" % total)
    assert 60 <= total <= 67
    assert results['fc_net_loss_and_gradients'].fraction == 1
    assert any('numbered from 0' in m for m in results['fc_net_init'].messages)


def test_bn_params_kept_in_a_dict_reach_the_checks_layer_by_layer():
    from autograder.assignments.BatchNormalization.side import Operations
    from autograder.grading.inprocess import InProcessStudent
    sources = next(v for v in STRUCTURES if v.name == 'bn_params_dict').sources()
    student = InProcessStudent(namespace_of(ASSIGNMENT, sources), Operations)
    state = student.net_state(student.net_create(hidden_dims=[4, 5], input_dim=3, num_classes=2,
                                                 use_batchnorm=True))
    assert state['containers']['bn_params'] == 'dict' and len(state['bn_params']) == 2


def test_the_gradient_a_parameter_receives_tells_a_bias_feeding_batch_norm_from_beta():
    """Names that say nothing and beta created before the bias: creation order guesses wrong, and says it
    guessed; the gradients (zero for a bias that batch norm cancels) decide."""
    shapes = contract_shapes([4], 3, 2, True)
    params = {'p0': np.zeros((3, 4)), 'p1': np.zeros(4), 'p2': np.ones(4), 'p3': np.zeros(4),
              'p4': np.zeros((4, 2)), 'p5': np.zeros(2)}
    guessed = match_params(params, shapes, params)
    assert guessed.guessed and guessed['b1'] == 'p1'
    grads = {'p0': np.full((3, 4), 0.3), 'p1': np.array([0.2, -0.1, 0.4, 0.1]), 'p2': np.full(4, 0.5),
             'p3': np.full(4, 1e-17), 'p4': np.full((4, 2), 0.2), 'p5': np.array([0.3, -0.3])}
    matching = match_params(params, shapes, params, grads)
    assert not matching.guessed
    assert (matching['b1'], matching['beta1'], matching['gamma1'], matching['b2']) == ('p3', 'p1', 'p2', 'p5')
