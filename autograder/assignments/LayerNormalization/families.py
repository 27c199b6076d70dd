"""The mistake families of layer normalization (``autograder.grading.families``): kinds of mistake written as
edits of the reference's lines, each setting one mistake the diagnosis may name, in the check it costs.

Written from the kinds of mistake the layer invites (what eps defaults to, which variance, which axis the
statistics are taken over, which paths the backward keeps) and the validation set's listed bugs; each
family's unit test plants one of its mistakes and runs every correct variant (tests/assignments/test_families.py).
"""
import numpy as np

from autograder.assignments.LayerNormalization.layer_checks import NORMALIZATION_LAYER
from autograder.grading import formula_families, output_formula, properties
from autograder.grading.families import Edit, Family, grid, literal, returned_families

FORWARD, BACKWARD = 'layernorm_forward', 'layernorm_backward'
VALUES, GRADIENTS = 'layernorm_forward_values', 'layernorm_backward'

# The reference's lines the families edit (solutions/LayerNormalization/layers.py).
EPS_DEFAULT = "eps = ln_param.get('eps', 1e-5)"
MEAN = 'mean = x.mean(axis=1, keepdims=True)'
VARIANCE = "var = np.einsum('ij,ij->i', xc, xc)[:, None] / D"
X_HAT = 'x_hat = xc / std'
RETURN = 'return dx, dgamma, dbeta'
MEAN_PATH = 'dx_hat.mean(axis=1, keepdims=True)'
VARIANCE_PATH = 'x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)'
DX = '''    dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True)
          - x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)) / std'''
DBETA = 'dbeta = dout.sum(axis=0)'
DGAMMA = 'dgamma = np.sum(dout * x_hat, axis=0)'
CENTRED = 'xc = x - mean'
CACHE = 'cache = (x_hat, std, gamma)'
STD = 'std = np.sqrt(var + eps)'

EPS_VALUES = ('1e-3', '1e-4', '1e-6', '1e-7', '1e-8', '0')
FACTORS = (('dout.shape[1]', 'D, the number of features'), ('1 / dout.shape[1]', '1/D'),
           ('dout.shape[0]', 'N, the number of examples'), ('1 / dout.shape[0]', '1/N'), ('2', '2'), ('0.5', '1/2'))
FACTOR_GRID = tuple({'expression': e, 'words': w} for e, w in FACTORS)



def measured_eps(calls):
    """The eps the outputs show inside the square root, when it is not the one the call should have used."""
    with np.errstate(all='ignore'):
        found = properties.measured_eps(NORMALIZATION_LAYER, calls)
    return ({'eps': literal(found[0])},) if found else ()


FORWARD_FAMILIES = (
    Family('eps_default', VALUES, 'eps defaults to {eps} instead of 1e-5',
           'Check the default value of eps the docstring gives.',
           (Edit(FORWARD, EPS_DEFAULT, "eps = ln_param.get('eps', {eps})"),), grid(eps=EPS_VALUES), measured_eps),
    Family('eps_fixed', VALUES, 'eps is always {eps}: the eps ln_param sets is not used',
           'Check where eps is read from when ln_param sets it.',
           (Edit(FORWARD, EPS_DEFAULT, 'eps = {eps}'),), grid(eps=('1e-5',) + EPS_VALUES[:-1]), measured_eps),
    Family('unbiased_variance', VALUES, "each example's variance is the unbiased one (dividing by D - 1)",
           'Layer norm divides by the number of features D: check which variance your code computes.',
           (Edit(FORWARD, VARIANCE, "var = np.einsum('ij,ij->i', xc, xc)[:, None] / (D - 1)"),)),
    Family('variance_for_std', VALUES, 'x is divided by the variance plus eps instead of its square root',
           'Check what the centred x is divided by.', (Edit(FORWARD, X_HAT, 'x_hat = xc / (var + eps)'),)),
    Family('normalizer', VALUES, 'x is divided by (var + eps) ** 2 instead of sqrt(var + eps)',
           'Check what the centred x is divided by.', (Edit(FORWARD, X_HAT, 'x_hat = xc / (var + eps) ** 2'),)),
    # eps after the root of the plain variance, and eps left out, are listed bugs (variants/bugs.py).
    Family('eps_outside_root', VALUES, 'eps is added after the square root of {variance}',
           'Check where eps enters the standard deviation.', (Edit(FORWARD, STD, '{_std}'),),
           ({'variance': 'the variance', '_std': 'std = np.sqrt(var) + eps'},
            {'variance': 'the unbiased variance (dividing by D - 1)', '_std': 'std = np.sqrt(var * D / (D - 1)) + eps'})),
    Family('std_for_variance', VALUES, 'the standard deviation is used where the variance belongs: x is divided by '
           'sqrt(std + eps)', 'Check what goes under the square root.',
           (Edit(FORWARD, STD, 'std = np.sqrt(np.sqrt(var) + eps)'),)),
    Family('statistic_count', VALUES, "each example's {stat} divided by N, the number of examples, instead of "
           'D, the number of features', "Check what each example's sums are divided by.",
           (Edit(FORWARD, MEAN, '{_mean}'), Edit(FORWARD, VARIANCE, '{_var}')),
           tuple({'stat': stat, '_mean': 'mean = x.sum(axis=1, keepdims=True) / x.shape[0]' if 'mean' in stat else MEAN,
                  '_var': VARIANCE.replace('/ D', '/ x.shape[0]') if 'variance' in stat else VARIANCE}
                 for stat in ('mean and variance are', 'mean is', 'variance is'))),
    Family('precedence', VALUES, 'x - mean / std is computed: only the mean is divided, for want of parentheses '
           'around x - mean', 'Check the order in which x_hat is computed.', (Edit(FORWARD, X_HAT, 'x_hat = x - mean / std'),)),
    Family('statistic_over_whole_array', VALUES, 'the {stat} taken over the whole array (a single number) '
           'instead of over each example (axis 1)', "Layer norm normalizes each example over its own features.",
           (Edit(FORWARD, MEAN, '{_mean}'), Edit(FORWARD, VARIANCE, '{_var}')),
           tuple({'stat': stat, '_mean': 'mean = x.mean()' if 'mean' in stat else MEAN,
                  '_var': 'var = np.mean(xc * xc)' if 'variance' in stat else VARIANCE}
                 for stat in ('mean and variance are', 'mean is', 'variance is'))),
    Family('mean_not_subtracted', VALUES, '{words}', 'Check what is subtracted from x before it is scaled.',
           (Edit(FORWARD, CENTRED, '{_centred}'), Edit(FORWARD, X_HAT, '{_x_hat}')),
           ({'kind': 'rms', 'words': "each example's mean is never subtracted: x is divided by sqrt(mean(x ** 2) + eps), "
             'its root mean square (RMS norm)', '_centred': 'xc = x', '_x_hat': X_HAT},
            {'kind': 'scaled only', 'words': "x is divided by each example's standard deviation without its mean "
             'subtracted first', '_centred': CENTRED, '_x_hat': 'x_hat = x / std'})),
    Family('statistic_wrong_axis', VALUES,
           'the {stat} is taken over the batch (axis 0) instead of over each example (axis 1)',
           'Layer norm normalizes each example over its own features: check the axis of your {stat}.',
           (Edit(FORWARD, MEAN, '{_mean}'), Edit(FORWARD, VARIANCE, '{_var}')),
           ({'stat': 'mean', '_mean': 'mean = x.mean(axis=0, keepdims=True)', '_var': VARIANCE},
            {'stat': 'variance', '_mean': MEAN,
             '_var': "var = np.einsum('ij,ij->j', xc, xc)[None, :] / x.shape[0]"})),
)

BACKWARD_HINT = 'Follow the chain rule from out back to x, one node at a time.'
BACKWARD_FAMILIES = returned_families('returned', GRADIENTS, BACKWARD, RETURN, ('dx', 'dgamma', 'dbeta'), FACTORS,
                                      squeezed=('dgamma', 'dbeta'), hint=BACKWARD_HINT) + (
    Family('dx_direct_path_only', GRADIENTS,
           "dx keeps only the path through x_hat, leaving out both each example's mean and its variance",
           'Look again at how x_hat depends on the mean and the variance, and they on x.',
           (Edit(BACKWARD, DX, '    dx = dx_hat / std'),)),
    Family('dx_path_factor:mean', GRADIENTS,
           "dx's path through each example's mean is off by a constant factor of {words}",
           'Look again at the derivative of the mean with respect to x.',
           (Edit(BACKWARD, MEAN_PATH, '({expression}) * ' + MEAN_PATH),), FACTOR_GRID),
    Family('dx_path_factor:variance', GRADIENTS,
           "dx's path through each example's variance is off by a constant factor of {words}",
           'Look again at the derivative of the variance with respect to x.',
           (Edit(BACKWARD, VARIANCE_PATH, '({expression}) * ' + VARIANCE_PATH),), FACTOR_GRID),
    Family('dx_paths_wrong_axis', GRADIENTS, "dx's {words} summed {_over} instead of over each example (axis 1)",
           "Check the axis of every sum in dx's paths through the statistics.",
           (Edit(BACKWARD, MEAN_PATH, '{_mean}'), Edit(BACKWARD, VARIANCE_PATH, '{_variance}')),
           tuple({'path': path, 'axis': axis, 'words': words, '_over': over,
                  '_mean': MEAN_PATH.replace('axis=1', 'axis=%s' % axis) if 'mean' in path else MEAN_PATH,
                  '_variance': VARIANCE_PATH.replace('axis=1', 'axis=%s' % axis) if 'variance' in path
                  else VARIANCE_PATH}
                 for axis, over in (('0', 'over the batch (axis 0)'), ('None', 'over the whole array'))
                 for path, words in (('mean', 'path through the mean is'),
                                     ('variance', 'path through the variance is'),
                                     ('mean+variance', 'paths through the mean and the variance are')))),
    Family('std_without_eps_in_backward', GRADIENTS, 'the backward pass divides by sqrt(var) without eps, where the '
           'forward divided by sqrt(var + eps)', 'Check that the backward uses the standard deviation the forward '
           'divided by.', (Edit(FORWARD, CACHE, 'cache = (x_hat, np.sqrt(var), gamma)'),)),
    Family('dx_paths_count', GRADIENTS, "dx's paths through the mean and the variance divide their sums by N, the "
           'number of examples, instead of D', "Check what the sums in dx's paths are divided by.",
           (Edit(BACKWARD, MEAN_PATH, 'dx_hat.sum(axis=1, keepdims=True) / dout.shape[0]'),
            Edit(BACKWARD, VARIANCE_PATH, 'x_hat * np.sum(dx_hat * x_hat, axis=1, keepdims=True) / dout.shape[0]'))),
    Family('param_gradients_times_gamma', GRADIENTS, '{name} computed from dout * gamma instead of dout',
           'Check which upstream gradient dgamma and dbeta sum.',
           (Edit(BACKWARD, DGAMMA, '{_dgamma}'), Edit(BACKWARD, DBETA, '{_dbeta}')),
           tuple({'name': name, '_dgamma': 'dgamma = np.sum(dout * gamma * x_hat, axis=0)' if 'dgamma' in name else DGAMMA,
                  '_dbeta': 'dbeta = (dout * gamma).sum(axis=0)' if 'dbeta' in name else DBETA}
                 for name in ('dgamma and dbeta are', 'dgamma is', 'dbeta is'))),
    # dgamma over the wrong axis is a listed bug (variants/bugs.py: dgamma_wrong_axis).
    Family('dbeta_wrong_axis', GRADIENTS, 'dbeta is summed over the features instead of the examples',
           'Check the shape of dbeta.', (Edit(BACKWARD, DBETA, DBETA.replace('axis=0', 'axis=1')),)),
)

STATISTICS = {'var': 'var', 'unbiased': 'var * D / (D - 1)', 'second_moment': 'np.mean(x * x, axis=1, keepdims=True)'}
FORMULAS = (
    formula_families.normalizer_family(VALUES, NORMALIZATION_LAYER, Edit(FORWARD, X_HAT, ''), STATISTICS),
    output_formula.output_family(VALUES, NORMALIZATION_LAYER, Edit(FORWARD, '    out = gamma * x_hat + beta', ''), 'std'),
    formula_families.dx_family(GRADIENTS, NORMALIZATION_LAYER, Edit(BACKWARD, DX, ''), 'axis=1, keepdims=True', 'x_hat.shape[1]'),
    formula_families.parameter_family(GRADIENTS, NORMALIZATION_LAYER, Edit(BACKWARD, DGAMMA, ''), Edit(BACKWARD, DBETA, '')),
)

FAMILIES = FORWARD_FAMILIES + BACKWARD_FAMILIES + FORMULAS
