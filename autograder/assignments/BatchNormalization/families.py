"""The mistake families of batch normalization (``autograder.grading.families``): kinds of mistake written as
edits of the reference's lines, each setting one mistake the diagnosis may name, in the check it costs.

Written from the kinds of mistake the layer invites (where eps goes and what it defaults to, which variance,
how the running averages move, which paths the backward keeps) and the validation set's listed bugs; each
family's unit test plants one of its mistakes and runs every correct variant (tests/assignments/test_families.py).
"""
import numpy as np

from autograder.assignments.BatchNormalization.layer_checks import NORMALIZATION_LAYER
from autograder.assignments.BatchNormalization.net_families import NET_FAMILIES
from autograder.grading import formula_families, output_formula, properties
from autograder.grading.families import Edit, Family, grid, literal, returned_families

FORWARD, BACKWARD = 'batchnorm_forward', 'batchnorm_backward'
TRAIN, STATS, GRADIENTS = 'batchnorm_forward_train', 'batchnorm_running_stats_test_mode', 'batchnorm_backward'

# The reference's lines the families edit (solutions/BatchNormalization/layers.py).
EPS_DEFAULT = "eps = bn_param.get('eps', 1e-5)"
VARIANCE = "sample_var = np.einsum('ij,ij->j', xc, xc) / N"
TRAIN_STD = 'std = np.sqrt(sample_var + eps)'
TRAIN_X_HAT = 'x_hat = xc * (1.0 / std)'
RUNNING_MEAN = 'running_mean = momentum * running_mean + (1 - momentum) * sample_mean'
RUNNING_VAR = 'running_var = momentum * running_var + (1 - momentum) * sample_var'
UPDATE = RUNNING_MEAN + '\n        ' + RUNNING_VAR
SWAPPED_MEAN = 'running_mean = (1 - momentum) * running_mean + momentum * sample_mean'
SWAPPED_VAR = 'running_var = (1 - momentum) * running_var + momentum * sample_var'
TEST_X_HAT = 'x_hat = (x - running_mean) / np.sqrt(running_var + eps)'
RETURN = 'return dx, dgamma, dbeta'
VARIANCE_PATH = 'dxc += 2.0 * xc * dvar / N'
MEAN_PATH = 'dx = dxc - dxc.sum(axis=0) / N'
VARIANCE_SUM = 'dstd = -np.sum(dx_hat * xc, axis=0) / std ** 2'
CODE = "    mode = bn_param['mode']"    # where the forward's code starts, past its docstring
DBETA = 'dbeta = dout.sum(axis=0)'

CENTRED = 'xc = x - sample_mean'
READ_MEAN = "running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))"
READ_VAR = "running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))"
WRITE = "    bn_param['running_mean'] = running_mean\n    bn_param['running_var'] = running_var"
DGAMMA = 'dgamma = np.sum(dout * x_hat, axis=0)'
MEAN = 'sample_mean = x.mean(axis=0)'
CACHE = 'cache = (x_hat, xc, std, gamma)'

EPS_VALUES = ('1e-3', '1e-4', '1e-6', '1e-7', '1e-8', '0')
MOMENTUM_DEFAULT = "momentum = bn_param.get('momentum', 0.9)"
# Other libraries' defaults (Keras 0.99, PyTorch's 0.1 weights the batch) and the round numbers a student tries.
MOMENTUM_VALUES = ('0.99', '0.999', '0.1', '0.5', '0.95')
FACTORS = (('N', 'N, the batch size'), ('1 / N', '1/N'), ('2', '2'), ('0.5', '1/2'))



def measured_eps(calls):
    """The eps the outputs show inside the square root, when it is not the one the call should have used."""
    with np.errstate(all='ignore'):
        found = properties.measured_eps(NORMALIZATION_LAYER, calls)
    return ({'eps': literal(found[0])},) if found else ()


def measured_momentum(calls):
    """The weight a train call kept on the old running mean, when it is not the momentum it should have used."""
    with np.errstate(all='ignore'):
        found = properties.measured_momentum(NORMALIZATION_LAYER, calls)
    # 0 and 1 are no momentum: the last batch alone, or no update (families of their own).
    return ({'momentum': literal(found[0])},) if found and 1e-3 < found[0] < 1 - 1e-3 else ()


GRAPH = """    # x_hat = xc / std, and std = sqrt(var + eps), var = mean(xc ** 2)
    dxc = dx_hat / std
    dstd = -np.sum(dx_hat * xc, axis=0) / std ** 2
    dvar = 0.5 * dstd / std
    dxc += 2.0 * xc * dvar / N

    # xc = x - mean(x): the mean's branch spreads -sum(dxc) / N back over every row
    dx = dxc - dxc.sum(axis=0) / N"""
STATISTICS = {'var': 'sample_var', 'unbiased': 'sample_var * N / (N - 1)', 'second_moment': 'np.mean(x * x, axis=0)'}


EPS = (
    Family('eps_default', TRAIN, 'eps defaults to {eps} instead of 1e-5',
           "Check the default value of eps the docstring gives.",
           (Edit(FORWARD, EPS_DEFAULT, "eps = bn_param.get('eps', {eps})"),), grid(eps=EPS_VALUES), measured_eps),
    Family('eps_fixed', TRAIN, "eps is always {eps}: the eps bn_param sets is not used",
           "Check where eps is read from when bn_param sets it.",
           (Edit(FORWARD, EPS_DEFAULT, 'eps = {eps}'),), grid(eps=('1e-5',) + EPS_VALUES[:-1]), measured_eps),
    Family('eps_outside_root:test', STATS, 'eps is added after the square root in test mode',
           'Check where eps enters the standard deviation in test mode.',
           (Edit(FORWARD, TEST_X_HAT, 'x_hat = (x - running_mean) / (np.sqrt(running_var) + eps)'),)),
    # Both modes alike: the test-mode check leaves a test mode that normalizes as train mode does to this one.
    Family('eps_outside_root:both', TRAIN, 'eps is added after the square root, in train and test mode alike',
           'Check where eps enters the standard deviation.',
           (Edit(FORWARD, TRAIN_STD, 'std = np.sqrt(sample_var) + eps'),
            Edit(FORWARD, TEST_X_HAT, 'x_hat = (x - running_mean) / (np.sqrt(running_var) + eps)'))),
    Family('eps_missing:both', TRAIN, 'eps is left out of the normalization, in train and test mode alike',
           'Look at what happens to a feature whose variance is almost zero.',
           (Edit(FORWARD, TRAIN_STD, 'std = np.sqrt(sample_var)'),
            Edit(FORWARD, TEST_X_HAT, 'x_hat = (x - running_mean) / np.sqrt(running_var)'))),
)

VARIANCES = (
    Family('unbiased_variance:normalization', TRAIN,
           'train mode normalizes with the unbiased variance (dividing by N - 1), though the running variance '
           'is the plain one', 'Batch norm divides by the number of examples N: check which variance your code '
           'normalizes with.',
           (Edit(FORWARD, TRAIN_STD, 'std = np.sqrt(sample_var * N / (N - 1) + eps)'),)),
    Family('unbiased_variance:running', STATS,
           'the running variance averages the unbiased batch variance (dividing by N - 1)',
           'Check which variance your running average is updated with.',
           (Edit(FORWARD, RUNNING_VAR, after=CODE,
                 new='running_var = momentum * running_var + (1 - momentum) * sample_var * N / (N - 1)'),)),
    Family('variance_for_std:train', TRAIN,
           'train mode divides by the variance plus eps instead of its square root',
           'Check what the centred x is divided by.',
           (Edit(FORWARD, TRAIN_X_HAT, 'x_hat = xc / (sample_var + eps)'),)),
    # Train mode alone: the test-mode check forgives a test mode that normalizes as train mode does, so this
    # check cannot tell one mode from both.
    Family('normalizer', TRAIN, 'train mode divides x by (var + eps) ** 2 instead of sqrt(var + eps)',
           'Check what the centred x is divided by.', (Edit(FORWARD, TRAIN_X_HAT, 'x_hat = xc / (sample_var + eps) ** 2'),)),
    Family('statistic_over_whole_array', TRAIN, 'the batch {stat} taken over the whole array (a single '
           'number) instead of over the batch for each feature (axis 0)',
           'Check the axis of your batch statistics: one mean and one variance per feature.',
           (Edit(FORWARD, MEAN, '{_mean}'), Edit(FORWARD, VARIANCE, '{_var}')),
           tuple({'stat': stat, '_mean': 'sample_mean = x.mean()' if 'mean' in stat else MEAN,
                  '_var': 'sample_var = np.mean(xc * xc)' if 'variance' in stat else VARIANCE}
                 for stat in ('mean and variance are', 'mean is', 'variance is'))),
    Family('mean_off', TRAIN, 'the batch mean is {words}', 'Check the batch mean: the average of each feature.',
           (Edit(FORWARD, MEAN, 'sample_mean = {_mean}'),),
           ({'mean': 'divided by N twice', 'words': 'divided by N twice (the mean of x, divided by N again)',
             '_mean': 'x.mean(axis=0) / N'},
            {'mean': 'sum', 'words': 'the sum of each feature instead of its mean', '_mean': 'x.sum(axis=0)'})),
    Family('variance_clamped', TRAIN, 'train mode clamps the variance at eps (sqrt(max(var, eps))) instead of '
           'adding eps to it', 'Check how eps enters the standard deviation.',
           (Edit(FORWARD, TRAIN_STD, 'std = np.sqrt(np.maximum(sample_var, eps))'),)),
    Family('std_for_variance', TRAIN, 'train mode uses the standard deviation where the variance belongs: x is '
           'divided by sqrt(std + eps)', 'Check what goes under the square root.',
           (Edit(FORWARD, TRAIN_STD, 'std = np.sqrt(np.sqrt(sample_var) + eps)'),)),
    Family('precedence', TRAIN, 'train mode computes x - mean / std: only the mean is divided, for want of '
           'parentheses around x - mean', 'Check the order in which x_hat is computed.',
           (Edit(FORWARD, TRAIN_X_HAT, 'x_hat = x - sample_mean / std'),)),
    Family('mean_not_subtracted', TRAIN, '{words}', 'Check what is subtracted from x before it is scaled.',
           (Edit(FORWARD, CENTRED, '{_centred}'), Edit(FORWARD, TRAIN_X_HAT, '{_x_hat}')),
           ({'kind': 'rms', 'words': 'the batch mean is never subtracted: x is divided by sqrt(mean(x ** 2) + eps), '
             'its root mean square', '_centred': 'xc = x', '_x_hat': TRAIN_X_HAT},
            {'kind': 'scaled only', 'words': 'x is divided by its standard deviation without the batch mean '
             'subtracted first', '_centred': CENTRED, '_x_hat': 'x_hat = x * (1.0 / std)'})),
    Family('running_var_of', STATS, 'the running variance averages {words} instead of the batch variance',
           'Check which statistic your running_var is updated with, and where eps is added.',
           (Edit(FORWARD, RUNNING_VAR, after=CODE, new='running_var = momentum * running_var + (1 - momentum) * ({stat})'),),
           # (var + eps averaged is within the diagnosis's tolerance of var: charged by the check, not nameable)
           ({'stat': 'np.mean(x * x, axis=0)', 'words': 'mean(x ** 2), the variance without the mean subtracted'},
            {'stat': 'x.var(axis=0) ** 2', 'words': 'the square of the batch variance'})),
    Family('variance_for_std:test', STATS,
           'test mode divides by running_var plus eps instead of its square root',
           'Compare the test-mode formula with the train-mode one, term by term.',
           (Edit(FORWARD, TEST_X_HAT, 'x_hat = (x - running_mean) / (running_var + eps)'),)),
    Family('std_for_variance:running', STATS,
           'the running variance averages the standard deviation instead of the variance',
           'Check which statistic your running_var is updated with.',
           (Edit(FORWARD, RUNNING_VAR, after=CODE, new='running_var = momentum * running_var + (1 - momentum) * {std}'),),
           grid(std=('np.sqrt(sample_var)', 'std'))),
)

RUNNING = (
    Family('momentum_default', STATS, 'momentum defaults to {momentum} instead of 0.9',
           'Check the default value of momentum the docstring gives.',
           (Edit(FORWARD, MOMENTUM_DEFAULT, "momentum = bn_param.get('momentum', {momentum})"),),
           grid(momentum=MOMENTUM_VALUES), measured_momentum),
    Family('momentum_fixed', STATS, 'momentum is always {momentum}: the momentum bn_param sets is not used',
           'Check where momentum is read from when bn_param sets it.',
           (Edit(FORWARD, MOMENTUM_DEFAULT, 'momentum = {momentum}'),), grid(momentum=('0.9',) + MOMENTUM_VALUES),
           measured_momentum),
    Family('momentum_swapped_one', STATS, 'momentum and (1 - momentum) are swapped in the running {stat}',
           'Ask which part of the running average should change slowly from batch to batch.',
           (Edit(FORWARD, UPDATE, '{_update}', after=CODE),),
           ({'stat': 'mean', '_update': UPDATE.replace(RUNNING_MEAN, SWAPPED_MEAN)},
            {'stat': 'variance', '_update': UPDATE.replace(RUNNING_VAR, SWAPPED_VAR)})),
    Family('running_not_updated', STATS, 'the running averages are never updated in train mode',
           'Check what train mode does to running_mean and running_var.',
           (Edit(FORWARD, RUNNING_MEAN, after=CODE, new='running_mean = running_mean'),
            Edit(FORWARD, RUNNING_VAR, after=CODE, new='running_var = running_var'))),
    Family('running_is_batch', STATS,
           "the running averages keep only the last batch's statistics (momentum is not used)",
           'Check how the old running average enters the new one.',
           (Edit(FORWARD, RUNNING_MEAN, after=CODE, new='running_mean = sample_mean'),
            Edit(FORWARD, RUNNING_VAR, after=CODE, new='running_var = sample_var'))),
    Family('running_start_at_batch', STATS, "running averages that start absent start at the first batch's "
           'statistics instead of zeros', 'Check what the running averages start from when bn_param has none.',
           (Edit(FORWARD, RUNNING_MEAN, after=CODE, new="running_mean = momentum * running_mean + (1 - momentum) * "
                 "sample_mean if 'running_mean' in bn_param else sample_mean"),
            Edit(FORWARD, RUNNING_VAR, after=CODE, new="running_var = momentum * running_var + (1 - momentum) * "
                 "sample_var if 'running_var' in bn_param else sample_var"))),
    Family('test_updates_running', STATS, "test mode updates the running averages with the test batch's statistics",
           'Check what test mode does to running_mean and running_var.',
           (Edit(FORWARD, TEST_X_HAT, TEST_X_HAT + '\n        running_mean = momentum * running_mean + (1 - momentum) * '
                 'x.mean(axis=0)\n        running_var = momentum * running_var + (1 - momentum) * x.var(axis=0)'),)),
    Family('running_keys', STATS, 'the running averages are kept in bn_param under {names} instead of '
           "'running_mean' and 'running_var'", 'Check the keys of bn_param the docstring names.',
           (Edit(FORWARD, READ_MEAN, '{_read_mean}'), Edit(FORWARD, READ_VAR, '{_read_var}'), Edit(FORWARD, WRITE, '{_write}')),
           tuple({'names': "'%s' and '%s'" % (mean, var), '_read_mean': READ_MEAN.replace("'running_mean'", repr(mean)),
                  '_read_var': READ_VAR.replace("'running_var'", repr(var)),
                  '_write': WRITE.replace("['running_mean']", '[%r]' % mean).replace("['running_var']", '[%r]' % var)}
                 for mean, var in (('moving_mean', 'moving_variance'), ('moving_mean', 'moving_var'), ('mean', 'var'),
                                   ('running_mean', 'running_variance')))),
    Family('test_batch_statistic', STATS, "test mode normalizes with the batch's own {stat}",
           'Think about what test mode should do with a batch of one example.',
           (Edit(FORWARD, TEST_X_HAT, 'x_hat = (x - {_mean}) / np.sqrt({_var} + eps)'),),
           ({'stat': 'mean', '_mean': 'x.mean(axis=0)', '_var': 'running_var'},
            {'stat': 'variance', '_mean': 'running_mean', '_var': 'x.var(axis=0)'})),
)

FORMULAS = (
    formula_families.normalizer_family(TRAIN, NORMALIZATION_LAYER, Edit(FORWARD, TRAIN_X_HAT, ''), STATISTICS,
                               variance=Edit(FORWARD, VARIANCE, '')),
    formula_families.normalizer_family(STATS, NORMALIZATION_LAYER, Edit(FORWARD, TEST_X_HAT, ''), {'running_var': 'running_var'},
                               test=True),
    formula_families.running_family(STATS, NORMALIZATION_LAYER, {'running_mean': Edit(FORWARD, RUNNING_MEAN, '', after=CODE),
                                                                 'running_var': Edit(FORWARD, RUNNING_VAR, '', after=CODE)},
                                    dict(STATISTICS, mean='sample_mean', std='np.sqrt(sample_var)', inverse_std='1 / std')),
    output_formula.output_family(TRAIN, NORMALIZATION_LAYER, Edit(FORWARD, '        out = x_hat * gamma\n        out += beta', ''),
                                 'std'),
    output_formula.output_family(STATS, NORMALIZATION_LAYER, Edit(FORWARD, '        out = gamma * x_hat + beta', ''),
                                 'np.sqrt(running_var + eps)', mode='test'),
    formula_families.dx_family(GRADIENTS, NORMALIZATION_LAYER, Edit(BACKWARD, GRAPH, ''), 'axis=0', 'N'),
    formula_families.parameter_family(GRADIENTS, NORMALIZATION_LAYER, Edit(BACKWARD, DGAMMA, ''), Edit(BACKWARD, DBETA, '')),
)

BACKWARD_HINT = 'Follow the chain rule from out back to x, one node at a time.'
GRADIENT = returned_families('returned', GRADIENTS, BACKWARD, RETURN, ('dx', 'dgamma', 'dbeta'), FACTORS,
                             squeezed=('dgamma', 'dbeta'), hint=BACKWARD_HINT) + (
    Family('dx_direct_path_only', GRADIENTS,
           'dx keeps only the path through x_hat, leaving out both the batch mean and the batch variance',
           'Look again at how x_hat depends on the mean and the variance, and they on x.',
           (Edit(BACKWARD, VARIANCE_PATH, 'pass'), Edit(BACKWARD, MEAN_PATH, 'dx = dxc'))),
    Family('dx_path_factor:variance', GRADIENTS,
           "dx's path through the batch variance is off by a constant factor of {words}",
           'Look again at the derivative of the variance with respect to x.',
           (Edit(BACKWARD, VARIANCE_PATH, 'dxc += ({expression}) * (2.0 * xc * dvar / N)'),),
           tuple({'expression': e, 'words': w} for e, w in FACTORS)),
    Family('dx_path_factor:mean', GRADIENTS, "dx's path through the batch mean is off by a constant factor of "
           '{words}', 'Look again at the derivative of the mean with respect to x.',
           (Edit(BACKWARD, MEAN_PATH, 'dx = dxc - ({expression}) * (dxc.sum(axis=0) / N)'),),
           tuple({'expression': e, 'words': w} for e, w in FACTORS)),
    Family('dx_paths_whole_array', GRADIENTS, "dx's {words} summed over the whole array instead of over the "
           'batch (axis 0)', "Check the axis of every sum in dx's paths through the batch statistics.",
           (Edit(BACKWARD, VARIANCE_SUM, '{_variance}'), Edit(BACKWARD, MEAN_PATH, '{_mean}')),
           tuple({'path': path, 'words': words,
                  '_variance': VARIANCE_SUM.replace(', axis=0', '') if 'variance' in path else VARIANCE_SUM,
                  '_mean': MEAN_PATH.replace('axis=0', '') if 'mean' in path else MEAN_PATH}
                 for path, words in (('mean', 'path through the mean is'),
                                     ('variance', 'path through the variance is'),
                                     ('mean+variance', 'paths through the mean and the variance are')))),
    Family('std_without_eps_in_backward', GRADIENTS, 'the backward pass divides by sqrt(var) without eps, where the '
           'forward divided by sqrt(var + eps)', 'Check that the backward uses the standard deviation the forward '
           'divided by.', (Edit(FORWARD, CACHE, 'cache = (x_hat, xc, np.sqrt(sample_var), gamma)'),)),
    Family('dgamma_from', GRADIENTS, 'dgamma sums dout * {words} instead of dout * x_hat',
           'Check which normalized value dgamma multiplies dout by.',
           (Edit(BACKWARD, DGAMMA, 'dgamma = np.sum(dout * {_value}, axis=0)'),),
           ({'value': 'xc', 'words': 'the centred x (not divided by std)', '_value': 'xc'},
            {'value': 'xc * std', 'words': 'the centred x times std', '_value': 'xc * std'})),
    Family('dx_paths_count', GRADIENTS, "dx's paths through the mean and the variance divide by D, the number of "
           'features, instead of N, the batch size', "Check what the sums in dx's paths are divided by.",
           (Edit(BACKWARD, VARIANCE_PATH, VARIANCE_PATH.replace('/ N', '/ dout.shape[1]')),
            Edit(BACKWARD, MEAN_PATH, MEAN_PATH.replace('/ N', '/ dout.shape[1]')))),
    Family('param_gradients_times_gamma', GRADIENTS, '{name} computed from dout * gamma instead of dout',
           'Check which upstream gradient dgamma and dbeta sum.',
           (Edit(BACKWARD, DGAMMA, '{_dgamma}'), Edit(BACKWARD, DBETA, '{_dbeta}')),
           tuple({'name': name, '_dgamma': 'dgamma = np.sum(dout * gamma * x_hat, axis=0)' if 'dgamma' in name else DGAMMA,
                  '_dbeta': 'dbeta = (dout * gamma).sum(axis=0)' if 'dbeta' in name else DBETA}
                 for name in ('dgamma and dbeta are', 'dgamma is', 'dbeta is'))),
    # dgamma over the wrong axis is a listed bug (variants/bugs.py: dgamma_wrong_axis).
    Family('dbeta_wrong_axis', GRADIENTS, 'dbeta is summed over the features instead of the batch',
           'Check the shape of dbeta.', (Edit(BACKWARD, DBETA, DBETA.replace('axis=0', 'axis=1')),)),
)

FAMILIES = EPS + VARIANCES + RUNNING + GRADIENT + FORMULAS + NET_FAMILIES
