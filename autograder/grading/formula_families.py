"""The families that name a mistake by the formula its outputs follow (``formulas``): what a student reads
of each reading, the code its replay runs, and the families a normalization layer declares from them
(``normalizer_family``, ``dx_family``, ``parameter_family``, ``running_family``), given the lines of its
reference they replace.
"""
from fractions import Fraction

import numpy as np

from autograder.grading.families import Edit, Family
from autograder.grading.formulas import (REFERENCE_PARAMETERS, REFERENCE_RUNNING, REFERENCE_TERMS, SOURCES, TERMS,
                                         dx_terms, normalizer, parameter_gradients, plain, running_updates,
                                         test_normalizer)

# What a student reads, and the code a family replays, for each reading.

CENTRE_WORDS = {'mean': 'x - mean', 'zero': 'x', 'running': 'x - running_mean'}
STATISTIC_WORDS = {'var': 'var', 'running_var': 'running_var', 'unbiased': 'the unbiased variance (dividing by n - 1)',
                   'second_moment': 'mean(x ** 2) (the variance without the mean subtracted)'}
TERM_WORDS = {'direct': '{s}', 'mean': 'mean({s})', 'variance': 'x_hat * mean({s} * x_hat)'}
PATH_WORDS = {'direct': 'the direct term', 'mean': 'the path through the mean',
              'variance': 'the path through the variance'}
SCALE_WORDS = {-1: ' / std', 1: ' * std', -2: ' / std ** 2', 0: '', -3: ' / std ** 3'}     # a term's std ** k


def number(value):
    """A Fraction as its shortest readable text: 1/4 -> '0.25', 1/3 -> '1/3'."""
    if value.denominator in (1, 2, 4):
        return '%g' % float(value)
    return '%d/%d' % (value.numerator, value.denominator)


def power_of(base, power, simple):
    """``base`` to ``power`` as text; ``simple`` when base needs no parentheses."""
    if power == 1:
        return base
    if power == Fraction(1, 2):
        return 'sqrt(%s)' % base
    return '%s ** %s' % (base if simple else '(%s)' % base, number(power))


def normalizer_words(setting):
    """(what x is divided by, as text; what is divided) of a ``normalizer`` reading."""
    s = STATISTIC_WORDS[setting['statistic']].split(' (')[0]
    simple = ' ' not in s
    if setting['placement'] in ('inside', 'both'):
        divisor = power_of('%s + eps' % s, setting['power'], False) + (' + eps' if setting['placement'] == 'both' else '')
    else:
        divisor = power_of(s, setting['power'], simple) + (' + eps' if setting['placement'] == 'outside' else '')
    return divisor, CENTRE_WORDS[setting['centre']]


def normalizer_code(setting, statistics, eps='eps'):
    """The divisor's code, from ``statistics``: {statistic name: its code in the reference}."""
    s, p = statistics[setting['statistic']], setting['power']
    power = '(%d / %d)' % (p.numerator, p.denominator)
    if setting['placement'] in ('inside', 'both'):
        return '(%s + %s) ** %s' % (s, eps, power) + (' + %s' % eps if setting['placement'] == 'both' else '')
    return '(%s) ** %s' % (s, power) + (' + %s' % eps if setting['placement'] == 'outside' else '')


FORM_CODE = {'': '{n}', 'n': '{n}', '1/n': '(1 / {n})', 'n/(n-1)': '({n} / ({n} - 1))', '(n-1)/n': '(({n} - 1) / {n})'}


def form_code(form, n):
    """The code of a coefficient's varying part, ``n`` the code of the length."""
    return FORM_CODE[form].format(n=n)


def coefficient_text(coefficient):
    """(sign, size) of a term's coefficient as text: (1, 0, '') -> ('+', ''), (-1, 1, 'n') -> ('-', '(1 - n)')."""
    a, b, form = coefficient
    if b == 0:
        return ('-' if a < 0 else '+'), ('' if abs(a) == 1 else number(abs(a)))
    n = form
    varying = (n if b == 1 else '-' + n if b == -1 else '%s * %s' % (number(b), n))
    if a == 0:
        return ('-', varying[1:]) if varying.startswith('-') else ('+', varying)
    if b > 0:
        return '+', '(%s %s %s)' % (varying, '-' if a < 0 else '+', number(abs(a)))
    if a > 0:
        return '+', '(%s - %s)' % (number(a), varying[1:])
    return '-', '(%s + %s)' % (varying[1:], number(abs(a)))


def combination_text(items):
    """'a - 2 * b' of [(coefficient, name)], each coefficient as ``coefficient_text`` reads it; '0' of none."""
    parts = []
    for coefficient, name in items:
        sign, size = coefficient_text(coefficient)
        parts.append('%s%s%s' % (sign + ' ' if parts else sign.replace('+', ''), size + ' * ' if size else '', name))
    return ' '.join(parts) or '0'


def coefficient_code(coefficient, n):
    """The code of a coefficient (a, b, form), ``n`` the code of the length its form varies with."""
    a, b, form = coefficient
    return '(%d / %d + %d / %d * %s)' % (a.numerator, a.denominator, b.numerator, b.denominator, form_code(form, n))


def _ordered(terms):
    return sorted(terms.items(), key=lambda item: (TERMS.index(item[0][0]), SOURCES.index(item[0][1])))


def dx_formula(setting):
    """``dx = (...) / std`` of a ``dx_terms`` reading, as a student reads it: the power of std factored out
    when every term has the same one."""
    scales = setting['scales']
    shared = set(scales.values()) if len(set(scales.values())) == 1 else None
    body = combination_text((coefficient, TERM_WORDS[term].format(s=source) + ('' if shared else SCALE_WORDS[scales[term]]))
                            for (term, source), coefficient in _ordered(setting['terms']))
    return 'dx = (%s)%s' % (body, SCALE_WORDS[shared.pop()]) if shared else 'dx = %s' % body


def _scale_words(k):
    return {1: 'multiplied by std where it should be divided by it', 0: 'not divided by std'}.get(
        k, 'divided by std ** %d where std belongs' % -k)


def dx_differences(setting):
    """What a ``dx_terms`` reading differs in from the true gradient, as phrases."""
    found, terms, scales = [], setting['terms'], setting['scales']
    if len(set(scales.values())) == 1 and set(scales.values()) != {-1}:
        found.append('the whole is %s' % _scale_words(next(iter(scales.values()))))
    else:
        found += ['%s is %s' % (PATH_WORDS[term], _scale_words(k))
                  for term, k in scales.items() if k != -1]
    direct, mean = terms.get(('direct', 'dx_hat')), terms.get(('mean', 'dx_hat'))
    if direct is None and mean is not None and mean[1:] == (1, 'n') and mean[0] == -1:
        # n * mean(dx_hat) is the sum over the batch: the per-row term summed where each row's own belongs
        found.append('the direct term dx_hat is replaced by its sum over the batch, n * mean(dx_hat)')
        terms = {k: v for k, v in terms.items() if k != ('mean', 'dx_hat')}
        terms[('direct', 'dx_hat')], terms[('mean', 'dx_hat')] = plain(1), plain(-1)
    for (term, source), want in REFERENCE_TERMS.items():
        own, other = terms.get((term, 'dx_hat')), terms.get((term, 'dout'))
        if own is None and other is None:
            found.append('%s is left out' % PATH_WORDS[term])
        elif own is None:
            found.append('%s takes dout where dx_hat = dout * gamma belongs' % PATH_WORDS[term])
            if other != plain(want):
                found.append('%s has %s where %s belongs' % (PATH_WORDS[term], coefficient_words(other), want))
        elif own != plain(want):
            found.append('%s has %s where %s belongs' % (PATH_WORDS[term], coefficient_words(own), want))
    for (term, source), _ in terms.items():
        if source == 'dout' and (term, 'dx_hat') in terms:
            found.append('%s has an extra part from dout' % PATH_WORDS[term])
    return found


def coefficient_words(coefficient):
    sign, size = coefficient_text(coefficient)
    return 'the factor %s%s' % ('-' if sign == '-' else '', size or '1')


def dx_code(setting, axis, n):
    """The code of dx for a ``dx_terms`` reading: ``axis`` the keyword of the statistics' axis (with
    keepdims where the layer needs it), ``n`` the code of the slice's length."""
    code = {'direct': '{s}', 'mean': '{s}.mean(%s)' % axis, 'variance': 'x_hat * (({s}) * x_hat).mean(%s)' % axis}
    return ' + '.join('%s * %s * std ** %d' % (coefficient_code(coefficient, n), code[term].format(s=source),
                                                setting['scales'][term])
                      for (term, source), coefficient in setting['terms'].items()) or '0 * dout'


# The families a normalization layer gets from these readings (its ``families.py`` gives the lines).

def normalizer_family(check, layer, x_hat, statistics, variance=None, test=False):
    """The family 'normalizer_formula' of ``layer`` ('test_normalizer_formula' when ``test``): ``x_hat`` the
    reference's line computing x_hat, ``statistics`` {statistic: its code}, ``variance`` (optional) the line
    computing the variance, which another statistic may replace everywhere (the running average too)."""
    read, right = (test_normalizer, '(x - running_mean) / sqrt(running_var + eps)') if test else (
        normalizer, '(x - mean) / sqrt(var + eps)')
    centres = {'mean': 'xc', 'zero': 'x', 'running': '(x - running_mean)'}

    def measured(calls):
        with np.errstate(all='ignore'):
            readings = read(layer, calls)
        settings = []
        for reading in readings:
            divisor, divided = normalizer_words(reading)
            centre = centres[reading['centre']]
            # a divisor that ends in "+ eps" is read in parentheses, as it is computed
            shown = '(%s)' % divisor if reading['placement'] in ('outside', 'both') else divisor
            settings.append({'divided': divided, 'divisor': divisor, 'where': 'x_hat', '_words': '', '_shown': shown,
                             '_x_hat': 'x_hat = %s / (%s)' % (centre, normalizer_code(reading, statistics)),
                             '_variance': variance.old if variance else ''})
            if variance is not None and reading['statistic'] != 'var':
                code = normalizer_code(dict(reading, statistic='var'), statistics)
                settings.append({'divided': divided, 'divisor': divisor, 'where': 'variance', '_shown': shown,
                                 '_words': ', with %s taken for the variance everywhere' % STATISTIC_WORDS[reading['statistic']],
                                 '_x_hat': 'x_hat = %s / (%s)' % (centre, code),
                                 # the statistic replaces the variance from here on (the running average too)
                                 '_variance': '%s; %s = %s' % (variance.old, variance.old.split(' = ')[0],
                                                                statistics[reading['statistic']])})
        return tuple(settings)

    edits = (Edit(x_hat.cell, x_hat.old, '{_x_hat}'),)
    if variance is not None:
        edits = (Edit(variance.cell, variance.old, '{_variance}'),) + edits
    return Family('test_normalizer_formula' if test else 'normalizer_formula', check,
                  '%sx is normalized as ({divided}) / {_shown}{_words}, where %s belongs' % (
                      'test mode: ' if test else '', right),
                  'Check what x is divided by, term by term, against the docstring.', edits, (), measured)


def dx_family(check, layer, dx, axis, n):
    """The family 'dx_formula' of ``layer``: ``dx`` the reference's lines computing dx from dx_hat, x_hat,
    std and dout (replaced whole), ``axis`` the keywords of its means' axis, ``n`` the code of their length."""
    def measured(calls):
        with np.errstate(all='ignore'):
            readings = dx_terms(layer, calls)
        return tuple({'formula': dx_formula(r), '_differences': '; '.join(dx_differences(r)),
                      '_dx': '    dx = ' + dx_code(r, axis, n)} for r in readings)

    over = 'the batch' if layer.statistics_axis == 0 else "each example's features"
    return Family('dx_formula', check, 'dx works out as {formula}: {_differences} (the true gradient is dx = (dx_hat - '
                  'mean(dx_hat) - x_hat * mean(dx_hat * x_hat)) / std, with means over %s and dx_hat = dout * gamma)'
                  % over, 'Work the chain rule through x_hat, the mean and the variance again, one term at a time.',
                  (Edit(dx.cell, dx.old, '{_dx}'),), (), measured)


def parameter_text(terms):
    """sum(dout * x_hat) of a ``parameter_gradients`` reading's terms, sums over the batch."""
    return combination_text((coefficient, 'sum(dout)' if column == '1' else 'sum(dout * %s)' % column)
                            for column, coefficient in terms.items())


def parameter_family(check, layer, dgamma, dbeta):
    """The family 'parameter_gradient_formula' of ``layer``: ``dgamma`` and ``dbeta`` the reference's lines
    computing them (replaced whole)."""
    def code(terms):
        return ' + '.join('%s * np.sum(dout * %s, axis=0)' % (coefficient_code(coefficient, 'dout.shape[0]'), column)
                          for column, coefficient in terms.items()) or '0 * dout[0]'

    def measured(calls):
        with np.errstate(all='ignore'):
            readings = parameter_gradients(layer, calls)
        settings = []
        for reading in readings:
            wrong = [name for name in ('dgamma', 'dbeta') if reading[name] != REFERENCE_PARAMETERS[name]]
            settings.append({'dgamma': parameter_text(reading['dgamma']), 'dbeta': parameter_text(reading['dbeta']),
                             '_words': ' and '.join('%s = %s where %s belongs' % (
                                 name, parameter_text(reading[name]), parameter_text(REFERENCE_PARAMETERS[name]))
                                 for name in wrong),
                             '_dgamma': 'dgamma = ' + code(reading['dgamma']), '_dbeta': 'dbeta = ' + code(reading['dbeta'])})
        return tuple(settings)

    return Family('parameter_gradient_formula', check, '{_words} (sums over the batch; n is the batch size)',
                  'Check which values dgamma and dbeta sum over the batch.',
                  (Edit(dgamma.cell, dgamma.old, '{_dgamma}'), Edit(dbeta.cell, dbeta.old, '{_dbeta}')), (), measured)


RUNNING_WORDS = {'mean': 'the batch mean', 'var': 'the batch variance', 'unbiased': 'the unbiased batch variance',
                 'second_moment': 'mean(x ** 2)', 'std': 'the batch standard deviation',
                 'inverse_std': 'the inverse standard deviation 1 / sqrt(var + eps)'}
WEIGHT_CODE = {'m': 'momentum', '1 - m': '(1 - momentum)', '1': '1', '0': '0'}


def running_text(key, update):
    """running_var = momentum * running_var + (1 - momentum) * the batch variance, of one update."""
    a, b, statistic = update
    parts = []
    if a != '0':
        parts.append('%s%s' % ('' if a == '1' else WEIGHT_CODE[a] + ' * ', key))
    if b != '0':
        parts.append('%s%s' % ('' if b == '1' else WEIGHT_CODE[b] + ' * ', RUNNING_WORDS[statistic]))
    return '%s = %s' % (key, ' + '.join(parts))


def running_family(check, layer, lines, statistics):
    """The family 'running_update_formula' of ``layer``: ``lines`` {running_mean / running_var: the Edit of
    the reference's line updating it}, ``statistics`` {statistic: its code}."""
    def measured(calls):
        with np.errstate(all='ignore'):
            readings = running_updates(layer, calls)
        settings = []
        for reading in readings:
            wrong = [key for key in lines if reading[key] != REFERENCE_RUNNING[key]]
            setting = {key: running_text(key, reading[key]) for key in lines}
            setting['_words'] = ' and '.join('%s where %s belongs' % (running_text(key, reading[key]),
                                                                     running_text(key, REFERENCE_RUNNING[key]))
                                             for key in wrong)
            for key, (a, b, statistic) in reading.items():
                setting['_' + key] = '%s = %s * %s + %s * %s' % (key, WEIGHT_CODE[a], key, WEIGHT_CODE[b],
                                                                 statistics[statistic])
            settings.append(setting)
        return tuple(settings)

    return Family('running_update_formula', check, 'train mode updates {_words}',
                  'Check each running average against the update the docstring gives.',
                  tuple(Edit(edit.cell, edit.old, '{_%s}' % key, after=edit.after) for key, edit in lines.items()),
                  (), measured)
