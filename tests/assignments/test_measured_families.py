"""Mistake families without a grid, and grids' values outside them: settings read off the student's outputs
(``Family.measured``: an eps or a momentum, a whole formula from ``autograder.grading.formulas`` and
``output_formula``), each shown here on a mistake planted apart from the family's own edit, none of them a
held-out bug; and every declared family planted here or in ``test_families``.
"""
import pytest

from autograder.assignment import get
from autograder.grading import families, misconceptions
from autograder.validation.kinds import patch
from tests.assignments.test_families import ASSIGNMENTS, BN_UPDATE, PLANTED, by_id, recorded
from tests.assignments.test_held_out import reproduces

# Values outside every family's grid, named from what the outputs show (a family's ``measured`` settings).
MEASURED = [
    ('BatchNormalization', 'eps_default[3e-05]', 'batchnorm_forward',
     [("eps = bn_param.get('eps', 1e-5)", "eps = bn_param.get('eps', 3e-5)")]),
    ('BatchNormalization', 'eps_fixed[0.0005]', 'batchnorm_forward', [("eps = bn_param.get('eps', 1e-5)", 'eps = 5e-4')]),
    ('BatchNormalization', 'momentum_default[0.8]', 'batchnorm_forward',
     [("momentum = bn_param.get('momentum', 0.9)", "momentum = bn_param.get('momentum', 0.8)")]),
    ('BatchNormalization', 'momentum_fixed[0.6]', 'batchnorm_forward',
     [("momentum = bn_param.get('momentum', 0.9)", 'momentum = 0.6')]),
    ('LayerNormalization', 'eps_default[2.5e-06]', 'layernorm_forward',
     [("eps = ln_param.get('eps', 1e-5)", "eps = ln_param.get('eps', 2.5e-6)")]),
    # A formula read off the outputs (autograder.grading.formulas): the normalizer's power and statistic, dx's terms.
    ('BatchNormalization', 'normalizer_formula[x - mean,(var + eps) ** 0.75,x_hat]', 'batchnorm_forward',
     [('x_hat = xc * (1.0 / std)', 'x_hat = xc / std ** 1.5')]),
    ('BatchNormalization', 'normalizer_formula[x - mean,sqrt(the unbiased variance) + eps,x_hat]', 'batchnorm_forward',
     [('std = np.sqrt(sample_var + eps)', 'std = np.std(x, axis=0, ddof=1) + eps')]),
    ('BatchNormalization', 'dx_formula[dx = (dout - mean(dout) - x_hat * mean(dx_hat * x_hat)) / std]',
     'batchnorm_backward', [('dxc = dx_hat / std', 'dxc = dout / std')]),
    ('LayerNormalization', 'normalizer_formula[x,sqrt(mean(x ** 2)) + eps,x_hat]',
     'layernorm_forward', [('x_hat = xc / std', 'x_hat = x / (np.sqrt(np.mean(x ** 2, axis=1, keepdims=True)) + eps)')]),
    ('BatchNormalization', 'dx_formula[dx = dx_hat / std - mean(dx_hat) / std - x_hat * mean(dx_hat * x_hat)]',
     'batchnorm_backward', [('dvar = 0.5 * dstd / std', 'dvar = 0.5 * dstd')]),
    ('BatchNormalization', 'parameter_gradient_formula[sum(dout * x_hat) + sum(dout),sum(dout)]', 'batchnorm_backward',
     [('dgamma = np.sum(dout * x_hat, axis=0)', 'dgamma = np.sum(dout * (x_hat + 1), axis=0)')]),
    ('LayerNormalization', 'parameter_gradient_formula[sum(dout * x_hat),sum(dout * x_hat) + sum(dout)]',
     'layernorm_backward', [('dbeta = dout.sum(axis=0)', 'dbeta = np.sum(dout * (1 + x_hat), axis=0)')]),
    ('BatchNormalization', 'running_update_formula[running_mean = momentum * running_mean + (1 - momentum) * the batch '
     'mean,running_var = momentum * running_var + the batch variance]', 'batchnorm_forward',
     [(BN_UPDATE, BN_UPDATE.replace('running_var = momentum * running_var + (1 - momentum) * sample_var',
                                    'running_var = running_var * momentum + x.var(axis=0)'))]),
    ('BatchNormalization', 'running_update_formula[running_mean = running_mean,running_var = momentum * running_var + '
     '(1 - momentum) * the batch variance]', 'batchnorm_forward',
     [(BN_UPDATE, BN_UPDATE.replace('running_mean = momentum * running_mean + (1 - momentum) * sample_mean', 'pass'))]),
    ('BatchNormalization', 'output_formula[out = gamma * x_hat - beta]', 'batchnorm_forward',
     [('        out += beta', '        out -= beta')]),
    ('BatchNormalization', 'test_output_formula[out = gamma + beta * x_hat]', 'batchnorm_forward',
     [('out = gamma * x_hat + beta', 'out = beta * x_hat + gamma')]),
    ('LayerNormalization', 'output_formula[out = gamma + beta * x_hat]', 'layernorm_forward',
     [('out = gamma * x_hat + beta', 'out = x_hat * beta + gamma')]),
    ('LayerNormalization', 'dx_formula[dx = (dx_hat - n/(n-1) * mean(dx_hat) - x_hat * mean(dx_hat * x_hat)) / std]',
     'layernorm_backward', [('dx_hat.mean(axis=1, keepdims=True)', 'dx_hat.sum(axis=1, keepdims=True) / (x_hat.shape[1] - 1)')]),
    ('BatchNormalization', 'normalizer_formula[x - mean,sqrt(the unbiased variance + eps) + eps,x_hat]',
     'batchnorm_forward', [('std = np.sqrt(sample_var + eps)', 'std = np.sqrt(np.var(x, axis=0, ddof=1) + eps) + eps')]),
    ('BatchNormalization', 'test_normalizer_formula[x - running_mean,(running_var + eps) ** 1.5,x_hat]',
     'batchnorm_forward', [('np.sqrt(running_var + eps)', '(running_var + eps) ** 1.5')]),
    ('LayerNormalization', 'dx_formula[dx = (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat)) / std ** 2]',
     'layernorm_backward', [('          - x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)) / std',
                             '          - x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)) / std / std')]),
]


@pytest.mark.parametrize('planted', MEASURED, ids=lambda p: '%s-%s' % (p[0][:5], p[1]))
def test_a_value_outside_the_grid_is_named_from_what_the_outputs_show(planted):
    name, mistake, cell, edits = planted
    assignment = get(name)
    assert mistake not in by_id(assignment)
    family = next(f for f in families.declared(assignment) if f.id == mistake.split('[')[0])
    sources = dict(assignment.reference_cells(), **patch(assignment.reference_cells(), cell, *edits))
    outcome, calls = recorded(assignment, sources, family.check)
    assert outcome.fraction < 1
    found = misconceptions.diagnose(assignment, calls, check=family.check)
    assert [d.mistake.id for d in found] == [mistake]
    assert reproduces(assignment, found[0].mistake, calls)


def test_every_family_fits_its_reference_and_is_planted_here():
    for name in ASSIGNMENTS:
        assignment = get(name)
        declared = families.declared(assignment)
        generated = by_id(assignment)
        assert declared and {m.family for m in generated.values()} == {f.id for f in declared if f.grid}
        assert {f.check for f in declared} <= set(assignment.by_name)
        planted = ({generated[mistake].family for a, mistake, _, _ in PLANTED if a == name}
                   | {mistake.split('[')[0] for a, mistake, _, _ in MEASURED if a == name})
        assert planted == {f.id for f in declared}, {f.id for f in declared} - planted
