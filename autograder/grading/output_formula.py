"""What a normalization layer's output is made of, read off its outputs, and the family that replays it.

The output should be gamma * x_hat + beta. A student's is often another simple combination of the same
quantities: x_hat + beta (gamma left out), x_hat alone, beta * x_hat + gamma (the two swapped), gamma *
(x_hat + beta) (the shift inside the scale), x itself (a
test mode that does nothing), gamma * x / std (a folded scale without its shift). ``output`` fits the
output, on every call of one mode, as a combination of those columns with coefficients that are small
fractions; ``output_family`` makes the reading a family setting (``autograder.grading.families``), named only
when its replay reproduces every wrong value of the check, like any other mistake.
"""
import numpy as np

from autograder.grading.families import Edit, Family
from autograder.grading.formula_families import combination_text
from autograder.grading.formulas import fitted, nice, plain, standardized
from autograder.grading.properties import forward_calls

COLUMNS = ('gamma * x_hat', 'x_hat', 'beta', 'gamma', 'gamma * beta', 'beta * x_hat', 'x', 'gamma * x / std')
REFERENCE = {'gamma * x_hat': 1, 'beta': 1}


def _calls(layer, calls, mode):
    """(x, gamma, beta, x_hat, std, out) of each float64 forward call in ``mode`` ('train' or 'test'), x_hat and
    std from the batch's statistics in train mode, from the running averages it was given in test mode."""
    for x, gamma, beta, param, out, _ in forward_calls(layer, calls, mode):
        eps = param.get('eps', layer.default_eps)
        if mode == 'train':
            x_hat, std = standardized(x, layer.statistics_axis, eps)
        else:
            mean, var = param.get('running_mean'), param.get('running_var')
            if not (isinstance(mean, np.ndarray) and isinstance(var, np.ndarray)):
                continue
            std = np.sqrt(var + eps)
            x_hat = (x - mean) / std
        yield x, gamma, beta, x_hat, std, out


def output(layer, calls, mode='train'):
    """[{column: coefficient}]: the output of every call in ``mode`` as one combination of ``COLUMNS``, told by
    the calls whose columns are independent; [] when none fits, none tells it, or it is the true one."""
    found = None
    for x, gamma, beta, x_hat, std, out in _calls(layer, calls, mode):
        values = {'gamma * x_hat': gamma * x_hat, 'x_hat': x_hat, 'beta': beta, 'gamma': gamma, 'gamma * beta': gamma * beta,
                  'beta * x_hat': beta * x_hat, 'x': x, 'gamma * x / std': gamma * x / std}
        columns = {(c, ''): np.broadcast_to(values[c], x.shape) for c in COLUMNS}
        matrix = np.stack([v.ravel() for v in columns.values()], axis=1)
        if np.linalg.matrix_rank(matrix) < len(COLUMNS):
            continue        # gamma or beta too plain to tell the columns apart
        fit = fitted(out, columns, {c: 1 for c in COLUMNS})
        if fit is None:
            return []
        reading = {}
        for (column, _), value in fit.items():
            k = nice(value, most=8)
            if k is None:
                return []
            if k != 0:
                reading[column] = k
        if found is not None and reading != found:
            return []
        found = reading
    return [] if found is None or found == REFERENCE else [found]


def text(reading):
    """out = x_hat + beta, of a reading."""
    return 'out = ' + combination_text((plain(reading[c]), c) for c in COLUMNS if c in reading)


def output_family(check, layer, line, std, mode='train'):
    """The family 'output_formula' of ``layer`` in ``mode`` ('test_output_formula' in test mode): ``line`` the
    Edit of the reference's lines computing out from x_hat (replaced whole), ``std`` the code of what x_hat
    divides by there."""
    code = {'gamma * x_hat': 'gamma * x_hat', 'x_hat': 'x_hat', 'beta': '(beta + 0 * x_hat)',
            'gamma': '(gamma + 0 * x_hat)', 'gamma * beta': '(gamma * beta + 0 * x_hat)', 'beta * x_hat': 'beta * x_hat', 'x': 'x', 'gamma * x / std': 'gamma * x / %s' % std}
    indent = line.old[:len(line.old) - len(line.old.lstrip())]

    def measured(calls):
        with np.errstate(all='ignore'):
            readings = output(layer, calls, mode)
        return tuple({'output': text(r), '_code': '%sout = %s' % (indent, ' + '.join(
            '(%d / %d) * %s' % (k.numerator, k.denominator, code[c]) for c, k in r.items()) or '0 * x')}
            for r in readings)

    return Family('test_output_formula' if mode == 'test' else 'output_formula', check,
                  '%s output is {output} where out = gamma * x_hat + beta belongs' % (
                      'test mode\'s' if mode == 'test' else 'the'),
                  'Check how gamma and beta enter the output.', (Edit(line.cell, line.old, '{_code}'),), (), measured)
