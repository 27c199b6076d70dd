"""Which formula a normalization layer's outputs follow, measured: the settings of the families that describe a
mistake by its formula rather than by a name from a list.

A listed mistake or a family's grid names what someone foresaw. A student's formula is often one nobody
wrote down (x - mean divided by the fourth root of var + eps; a closed-form dx whose mean term uses dout
where dout * gamma belongs), yet it is still a simple formula of the same few quantities. Two readings
recover it from the recorded calls alone:

- ``normalizer``: a train call's output is an affine map of x per slice, (x - centre) / divisor; the
  divisor is matched against (statistic + eps) ** p, statistic ** p + eps and statistic ** p, for the
  plain and unbiased variance and the mean of x squared, with one power p for every slice;
- ``dx_terms``: dx, on inputs whose forward is right, is fitted as a combination of the terms the true
  gradient is made of (dx_hat, its mean, x_hat times the mean of dx_hat * x_hat; each from dout * gamma or
  from dout alone), times 1/std or another power of std, with a coefficient per term that is a small
  fraction, possibly times the slice's length n.

What is read here is only a candidate: the family it fills (each assignment's ``families.py``) is replayed
like any other mistake and named only when the replay reproduces every wrong value of the check.
"""
from fractions import Fraction
from itertools import product

import numpy as np

from autograder.grading.families import Edit, Family
from autograder.grading.properties import backward_calls, train_calls
from autograder.grading.own_normalization import affine_fit

EXACT = 1e-6
STATISTICS = ('var', 'unbiased', 'second_moment')
PLACEMENTS = ('inside', 'outside', 'none')      # (s + eps) ** p, s ** p + eps, s ** p
TERMS = ('direct', 'mean', 'variance')
SOURCES = ('dx_hat', 'dout')                     # dout * gamma, or dout without gamma
SCALES = (-1, 1, -2, 0, -3)                      # dx as a whole times std ** k
REFERENCE_TERMS = {('direct', 'dx_hat'): 1, ('mean', 'dx_hat'): -1, ('variance', 'dx_hat'): -1}


def plain(k):
    """A constant coefficient k, as ``dx_terms`` gives one."""
    return Fraction(k), Fraction(0), ''


def statistic(name, x, axis):
    """The per-slice statistic ``name`` of x, with keepdims along ``axis``."""
    if name == 'second_moment':
        return np.mean(x * x, axis=axis, keepdims=True)
    return x.var(axis=axis, ddof=1 if name == 'unbiased' else 0, keepdims=True)


def nice(value, most=4, denominators=(1, 2, 3, 4)):
    """``value`` as a fraction of small denominator within 1e-6 of it (at most ``most`` in size), else None."""
    for d in denominators:
        k = round(value * d)
        if abs(k / d - value) <= EXACT * max(1, abs(value)) and abs(k / d) <= most:
            return Fraction(k, d)
    return None


_UNTOLD = object()     # a call that cannot tell a power: no slice's base is far enough from 1


def _power(divisor, base):
    """The one power p with divisor = base ** p on every slice (a small fraction), None when there is none,
    ``_UNTOLD`` when the bases cannot tell it."""
    if np.any(divisor <= 0) or np.any(base <= 0):
        return None
    usable = np.abs(np.log(base)) > 0.05
    if usable.sum() < 2:
        return _UNTOLD
    powers = np.log(divisor[usable]) / np.log(base[usable])
    if not np.allclose(powers, powers[0], rtol=0, atol=1e-6):
        return None
    return nice(float(powers[0]))


def normalizer(layer, calls):
    """[{'centre', 'statistic', 'placement', 'power'}]: the formulas every train call's normalization follows
    with one power, each told by at least one call (a call whose variances are all near 1 tells no power,
    one whose variances dwarf eps does not tell where eps goes); [] when none does."""
    axis = layer.statistics_axis
    powers, told = {}, 0        # candidate -> its power (None: ruled out)
    for x, gamma, beta, param, out, _ in train_calls(layer, calls):
        eps = param.get('eps', layer.default_eps)
        fit = affine_fit(x, (out - beta) / gamma, axis)
        if fit is None or x.shape[axis] < 3:
            continue
        shift, scale = fit
        if np.allclose(shift, x.mean(axis=axis, keepdims=True), rtol=1e-6, atol=1e-9):
            centre = 'mean'
        elif np.allclose(shift, 0, atol=1e-9 * np.abs(x).max()):
            centre = 'zero'
        else:
            return []
        told += 1
        divisor = 1 / scale
        for name, placement in product(STATISTICS, PLACEMENTS):
            s = statistic(name, x, axis)
            base = s + eps if placement == 'inside' else s
            d = divisor - eps if placement == 'outside' else divisor
            key, power = (centre, name, placement), _power(d, base)
            if power is _UNTOLD:
                continue
            powers[key] = power if powers.get(key, power) == power else None
        for key in [k for k in powers if k[0] != centre]:
            powers[key] = None
    return [{'centre': c, 'statistic': n, 'placement': p, 'power': power}
            for (c, n, p), power in powers.items()
            if power not in (None, 0) and (c, n, p, power) != ('mean', 'var', 'inside', Fraction(1, 2))] if told else []


def _columns(x, gamma, dout, axis, eps):
    x_hat = (x - x.mean(axis=axis, keepdims=True)) / np.sqrt(x.var(axis=axis, keepdims=True) + eps)
    columns = {}
    for source in SOURCES:
        g = dout * gamma if source == 'dx_hat' else dout
        columns['direct', source] = g
        columns['mean', source] = np.broadcast_to(g.mean(axis=axis, keepdims=True), g.shape)
        columns['variance', source] = x_hat * np.mean(g * x_hat, axis=axis, keepdims=True)
    return columns


def _fitted(got, columns, scale):
    """{term: coefficient} with got = scale * sum(coefficient * column) to 1e-9, or None."""
    keys = list(columns)
    matrix = np.stack([(scale * columns[k]).ravel() for k in keys], axis=1)
    coefficients, *_ = np.linalg.lstsq(matrix, got.ravel(), rcond=None)
    if np.linalg.norm(matrix @ coefficients - got.ravel()) > 1e-9 * max(np.linalg.norm(got), 1e-12):
        return None
    return dict(zip(keys, coefficients))


def _coefficient(values):
    """[(n, c)] of one term over calls -> (a, b, form) with c = a + b * n (form 'n') or a + b / n (form '1/n')
    on every call, a and b small fractions, b = 0 when a constant fits; None when none fits. A term that
    depends on n needs three lengths n to be told."""
    constant = [nice(c, most=8) for _, c in values]
    if constant[0] is not None and all(k == constant[0] for k in constant):
        return constant[0], Fraction(0), ''
    lengths = sorted({n for n, _ in values})
    if len(lengths) < 3:
        return None
    for form, f in (('n', lambda n: n), ('1/n', lambda n: 1 / n)):
        (n1, c1), (n2, c2) = [next((n, c) for n, c in values if n == m) for m in lengths[:2]]
        b = nice((c2 - c1) / (f(n2) - f(n1)), most=8)
        a = nice(c1 - float(b) * f(n1), most=8) if b is not None else None
        if a is not None and all(abs(a + float(b) * f(n) - c) <= EXACT * max(1, abs(c)) for n, c in values):
            return a, b, form
    return None


def dx_terms(layer, calls):
    """[{'scale': k, 'terms': {(term, source): (Fraction, form)}}]: dx as std ** k times a combination of the
    true gradient's terms, the same on every backward call whose forward is right; [] when none fits."""
    axis = layer.statistics_axis
    fits = {scale: [] for scale in SCALES}
    for arrays, dout, grads, _, param in backward_calls(layer, calls):
        x, gamma = arrays[0], arrays[1]
        got, eps = grads[0], param.get('eps', layer.default_eps)
        if got.shape != x.shape:
            return []
        columns = _columns(x, gamma, dout, axis, eps)
        std = np.sqrt(x.var(axis=axis, keepdims=True) + eps)
        for scale in SCALES:
            fitted = _fitted(got, columns, std ** scale) if fits[scale] is not None else None
            if fitted is None:
                fits[scale] = None
            else:
                fits[scale].append((x.shape[axis], fitted))
    for scale in SCALES:
        if not fits[scale]:
            continue
        terms = {}
        for key in fits[scale][0][1]:
            found = _coefficient([(n, fitted[key]) for n, fitted in fits[scale]])
            if found is None:
                break
            if found[:2] != (0, 0):
                terms[key] = found
        else:
            if scale == -1 and terms == {k: plain(v) for k, v in REFERENCE_TERMS.items()}:
                return []
            return [{'scale': scale, 'terms': terms}]
    return []


# What a student reads, and the code a family replays, for each reading.

STATISTIC_WORDS = {'var': 'var', 'unbiased': 'the unbiased variance (dividing by n - 1)',
                   'second_moment': 'mean(x ** 2) (the variance without the mean subtracted)'}
TERM_WORDS = {'direct': '{s}', 'mean': 'mean({s})', 'variance': 'x_hat * mean({s} * x_hat)'}
PATH_WORDS = {'direct': 'the direct term', 'mean': 'the path through the mean',
              'variance': 'the path through the variance'}
SCALE_WORDS = {-1: ' / std', 1: ' * std', -2: ' / std ** 2', 0: '', -3: ' / std ** 3'}


def number(value):
    """A Fraction as its shortest readable text: 1/4 -> '0.25', 1/3 -> '1/3'."""
    if value.denominator in (1, 2, 4):
        text = '%g' % float(value)
        return text
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
    if setting['placement'] == 'inside':
        divisor = power_of('%s + eps' % s, setting['power'], False)
    else:
        divisor = power_of(s, setting['power'], simple) + (' + eps' if setting['placement'] == 'outside' else '')
    return divisor, 'x - mean' if setting['centre'] == 'mean' else 'x'


def normalizer_code(setting, statistics, eps='eps'):
    """The divisor's code, from ``statistics``: {statistic name: its code in the reference}."""
    s, p = statistics[setting['statistic']], setting['power']
    power = '(%d / %d)' % (p.numerator, p.denominator)
    if setting['placement'] == 'inside':
        return '(%s + %s) ** %s' % (s, eps, power)
    return '(%s) ** %s' % (s, power) + (' + %s' % eps if setting['placement'] == 'outside' else '')


def coefficient_text(coefficient):
    """(sign, size) of a term's coefficient as text: (1, 0, '') -> ('+', ''), (-1, 1, 'n') -> ('-', '(1 - n)')."""
    a, b, form = coefficient
    if b == 0:
        return ('-' if a < 0 else '+'), ('' if abs(a) == 1 else number(abs(a)))
    n = 'n' if form == 'n' else '1/n'
    varying = (n if b == 1 else '-' + n if b == -1 else '%s * %s' % (number(b), n))
    if a == 0:
        return ('-', varying[1:]) if varying.startswith('-') else ('+', varying)
    if b > 0:
        return '+', '(%s %s %s)' % (varying, '-' if a < 0 else '+', number(abs(a)))
    if a > 0:
        return '+', '(%s - %s)' % (number(a), varying[1:])
    return '-', '(%s + %s)' % (varying[1:], number(abs(a)))


def dx_formula(setting):
    """``dx = (...) / std`` of a ``dx_terms`` reading, as a student reads it."""
    parts = []
    for (term, source), coefficient in sorted(setting['terms'].items(),
                                              key=lambda item: (TERMS.index(item[0][0]), SOURCES.index(item[0][1]))):
        sign, size = coefficient_text(coefficient)
        sign = sign if parts else sign.replace('+', '')
        name = TERM_WORDS[term].format(s=source)
        parts.append('%s%s%s' % (sign + ' ' if parts else sign, size + ' * ' if size else '', name))
    body = ' '.join(parts) or '0'
    return 'dx = (%s)%s' % (body, SCALE_WORDS[setting['scale']])


def dx_differences(setting):
    """What a ``dx_terms`` reading differs in from the true gradient, as phrases."""
    found, terms = [], setting['terms']
    if setting['scale'] != -1:
        found.append('the whole is multiplied by std' if setting['scale'] == 1 else
                     'the whole is not divided by std' if setting['scale'] == 0 else
                     'the whole is divided by std ** %d instead of std' % -setting['scale'])
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
    parts = []
    for (term, source), (a, b, form) in setting['terms'].items():
        factor = '(%d / %d + %d / %d * %s)' % (a.numerator, a.denominator, b.numerator, b.denominator,
                                               n if form != '1/n' else '(1 / %s)' % n)
        parts.append('%s * %s' % (factor, code[term].format(s='dx_hat' if source == 'dx_hat' else 'dout')))
    return '(%s) * std ** %d' % (' + '.join(parts) or '0 * dout', setting['scale'])


# The two families every normalization layer gets from these readings (its ``families.py`` gives the lines).

def normalizer_family(check, layer, x_hat, statistics, variance=None):
    """The family 'normalizer_formula' of ``layer``: ``x_hat`` the reference's line computing x_hat from the
    centred x (``xc``) or x, ``statistics`` {statistic: its code}, ``variance`` (optional) the line computing
    the variance, which another statistic may replace everywhere (the running average too)."""
    def measured(calls):
        with np.errstate(all='ignore'):
            readings = normalizer(layer, calls)
        settings = []
        for reading in readings:
            divisor, divided = normalizer_words(reading)
            centre = 'xc' if reading['centre'] == 'mean' else 'x'
            settings.append({'divided': divided, 'divisor': divisor, 'where': 'x_hat', '_words': '',
                             '_x_hat': 'x_hat = %s / (%s)' % (centre, normalizer_code(reading, statistics)),
                             '_variance': variance.old if variance else ''})
            if variance is not None and reading['statistic'] != 'var':
                code = normalizer_code(dict(reading, statistic='var'), statistics)
                settings.append({'divided': divided, 'divisor': divisor, 'where': 'variance',
                                 '_words': ', with %s taken for the variance everywhere' % STATISTIC_WORDS[reading['statistic']],
                                 '_x_hat': 'x_hat = %s / (%s)' % (centre, code),
                                 # the statistic replaces the variance from here on (the running average too)
                                 '_variance': '%s; %s = %s' % (variance.old, variance.old.split(' = ')[0],
                                                                statistics[reading['statistic']])})
        return tuple(settings)

    edits = (Edit(x_hat.cell, x_hat.old, '{_x_hat}'),)
    if variance is not None:
        edits = (Edit(variance.cell, variance.old, '{_variance}'),) + edits
    return Family('normalizer_formula', check, 'x is normalized as ({divided}) / {divisor}{_words}, where (x - mean) '
                  '/ sqrt(var + eps) belongs', 'Check what x is divided by, term by term, against the docstring.',
                  edits, (), measured)


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
