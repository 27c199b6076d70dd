"""Which formula a normalization layer's outputs follow, measured: the settings of the families that describe a
mistake by its formula rather than by a name from a list.

A listed mistake or a family's grid names what someone foresaw. A student's formula is often one nobody
wrote down (x - mean divided by the fourth root of var + eps; a closed-form dx whose mean term uses dout
where dout * gamma belongs), yet it is still a simple formula of the same few quantities. These readings
recover it from the recorded calls alone:

- ``normalizer`` (``test_normalizer`` for test mode and its running averages): a call's (out - beta) / gamma
  is an affine map of x per slice, (x - centre) / divisor; the divisor is matched against (s + eps) ** p,
  s ** p + eps and s ** p, for the plain and unbiased variance and the mean of x squared (the running
  variance in test mode), with one power p for every slice;
- ``dx_terms``: dx, on inputs whose forward is right, is fitted as a combination of the terms the true
  gradient is made of (dx_hat, its mean, x_hat times the mean of dx_hat * x_hat; each from dout * gamma or
  from dout alone), each times a power of std, with coefficients that are small fractions or a + b * f(n)
  (``FORMS``);
- ``parameter_gradients``: dgamma and dbeta as combinations of sums over the batch of dout times x_hat, 1,
  the centred x, x_hat * gamma or gamma;
- ``running_updates``: each running average's update, a weight among momentum, 1 - momentum, 1 and 0 on the
  old average and on one batch statistic.

What is read here is only a candidate: the family it fills (``formula_families``, declared in each
assignment's ``families.py``) is replayed like any other mistake and named only when the replay reproduces
every wrong value of the check.
"""
from fractions import Fraction
from itertools import product

import numpy as np

from autograder.grading.properties import backward_calls, forward_calls
from autograder.grading.own_normalization import affine_fit

EXACT = 1e-6
STATISTICS = ('var', 'unbiased', 'second_moment')
PLACEMENTS = ('inside', 'outside', 'none', 'both')     # (s + eps) ** p, s ** p + eps, s ** p, (s + eps) ** p + eps
TERMS = ('direct', 'mean', 'variance')
SOURCES = ('dx_hat', 'dout')                     # dout * gamma, or dout without gamma
SCALES = (-1, 1, -2, 0, -3)                      # a term times std ** k
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
    divisor, base = np.ravel(divisor), np.ravel(base)
    if divisor.shape != base.shape or np.any(divisor <= 0) or np.any(base <= 0):
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

    def observed():
        for x, gamma, beta, param, out, _ in forward_calls(layer, calls):
            if x.shape[axis] >= 3:
                yield (x, (out - beta) / gamma, param.get('eps', layer.default_eps),
                       {'mean': x.mean(axis=axis, keepdims=True)}, {name: statistic(name, x, axis) for name in STATISTICS})
    return _readings(observed(), axis, ('mean', 'var', 'inside', Fraction(1, 2)))


def test_normalizer(layer, calls):
    """The same for test-mode calls, whose statistics are the running averages they were given (a layer that
    keeps running averages over axis 0)."""
    def observed():
        for x, gamma, beta, param, out, _ in forward_calls(layer, calls, 'test'):
            mean, var = param.get('running_mean'), param.get('running_var')
            if x.shape[0] < 3 or not all(isinstance(a, np.ndarray) and a.dtype == np.float64 for a in (mean, var)):
                continue
            yield x, (out - beta) / gamma, param.get('eps', layer.default_eps), {'running': mean}, {'running_var': var}
    if layer.statistics_axis != 0:
        return []
    return _readings(observed(), 0, ('running', 'running_var', 'inside', Fraction(1, 2)))


def _readings(observed, axis, right):
    """The candidates (centre, statistic, placement) with one power over every observed (x, x_hat, eps,
    {centre: value}, {statistic: value}), x_hat read as an affine map of x per slice; ``right`` is the
    layer's own formula, never a mistake."""
    powers, told = {}, 0        # candidate -> its power (None: ruled out)
    for x, x_hat, eps, centres, statistics in observed:
        fit = affine_fit(x, x_hat, axis)
        if fit is None:
            continue
        shift, scale = fit
        centre = next((name for name, value in centres.items()
                       if np.allclose(shift, value, rtol=1e-6, atol=1e-9)), None)
        if centre is None and np.allclose(shift, 0, atol=1e-9 * np.abs(x).max()):
            centre = 'zero'
        if centre is None:
            return []       # neither centred on its statistic nor uncentred: no formula of these
        told += 1
        divisor = 1 / scale
        for (name, s), placement in product(statistics.items(), PLACEMENTS):
            base = s + eps if placement in ('inside', 'both') else s
            d = divisor - eps if placement in ('outside', 'both') else divisor
            key, power = (centre, name, placement), _power(d, base)
            if power is _UNTOLD:
                continue
            powers[key] = power if powers.get(key, power) == power else None
        for key in [k for k in powers if k[0] != centre]:
            powers[key] = None
    return [{'centre': c, 'statistic': n, 'placement': p, 'power': power}
            for (c, n, p), power in powers.items() if power not in (None, 0) and (c, n, p, power) != right] if told else []


def standardized(x, axis, eps):
    """(x_hat, std) of x over ``axis``, with keepdims: what the layer's own statistics give."""
    std = np.sqrt(x.var(axis=axis, keepdims=True) + eps)
    return (x - x.mean(axis=axis, keepdims=True)) / std, std


def _columns(x_hat, gamma, dout, axis):
    columns = {}
    for source in SOURCES:
        g = dout * gamma if source == 'dx_hat' else dout
        columns['direct', source] = g
        columns['mean', source] = np.broadcast_to(g.mean(axis=axis, keepdims=True), g.shape)
        columns['variance', source] = x_hat * np.mean(g * x_hat, axis=axis, keepdims=True)
    return columns


def fitted(got, columns, scales):
    """{(term, source): coefficient} with got = sum(coefficient * std ** k * column) to 1e-9, k the term's
    power of std in ``scales`` ({term: std ** k, as an array}), or None."""
    keys = list(columns)
    matrix = np.stack([(scales[k[0]] * columns[k]).ravel() for k in keys], axis=1)
    got = np.asarray(got)
    coefficients, *_ = np.linalg.lstsq(matrix, got.ravel(), rcond=None)
    if np.linalg.norm(matrix @ coefficients - got.ravel()) > 1e-9 * max(np.linalg.norm(got), 1e-12):
        return None
    return dict(zip(keys, coefficients))


FORMS = {'n': lambda n: n, '1/n': lambda n: 1 / n, 'n/(n-1)': lambda n: n / (n - 1), '(n-1)/n': lambda n: (n - 1) / n}


def _coefficient(values):
    """[(n, c)] of one term over calls -> (a, b, form) with c = a + b * FORMS[form](n) on every call (n, 1/n,
    and Bessel's n/(n-1) and (n-1)/n), a and b small fractions, b = 0 when a constant fits; None when none
    fits. A term that depends on n needs three lengths n to be told."""
    constant = [nice(c, most=8) for _, c in values]
    if constant[0] is not None and all(k == constant[0] for k in constant):
        return constant[0], Fraction(0), ''
    lengths = sorted({n for n, _ in values})
    if len(lengths) < 3:
        return None
    for form, f in FORMS.items():
        (n1, c1), (n2, c2) = [next((n, c) for n, c in values if n == m) for m in lengths[:2]]
        b = nice((c2 - c1) / (f(n2) - f(n1)), most=8)
        a = nice(c1 - float(b) * f(n1), most=8) if b is not None else None
        if a is not None and all(abs(a + float(b) * f(n) - c) <= EXACT * max(1, abs(c)) for n, c in values):
            return a, b, form
    return None


def dx_terms(layer, calls):
    """[{'scales': {term: k}, 'terms': {(term, source): coefficient}}]: dx as a combination of the true
    gradient's terms, each times std ** k (one k for all first, then one per term), with coefficients that
    are the same small fractions (or a + b * f(n), ``FORMS``) on every backward call whose forward is right;
    [] when none fits."""
    axis = layer.statistics_axis
    observed = []
    for arrays, dout, grads, _, param in backward_calls(layer, calls):
        x, gamma = arrays[0], arrays[1]
        got, eps = grads[0], param.get('eps', layer.default_eps)
        if got.shape != x.shape:
            return []
        x_hat, std = standardized(x, axis, eps)
        observed.append((x.shape[axis], got, _columns(x_hat, gamma, dout, axis), std))
    uniform = [(k,) * len(TERMS) for k in SCALES]
    for powers in uniform + [p for p in product(SCALES, repeat=len(TERMS)) if p not in uniform]:
        found = _terms(observed, dict(zip(TERMS, powers)))
        if found is not None:
            return found
    return []


def _terms(observed, powers):
    """The reading of ``dx_terms`` with each term's power of std in ``powers``: [reading], [] when it is the
    true gradient, None when it does not fit."""
    fits = []
    for n, got, columns, std in observed:
        fit = fitted(got, columns, {term: std ** k for term, k in powers.items()})
        if fit is None:
            return None
        fits.append((n, fit))
    if not fits:
        return None
    terms = {}
    for key in fits[0][1]:
        found = _coefficient([(n, fit[key]) for n, fit in fits])
        if found is None:
            return None
        if found[:2] != (0, 0):
            terms[key] = found
    # a term left out has no power of its own
    powers = {term: k for term, k in powers.items() if any(t == term for t, _ in terms)}
    if set(powers.values()) == {-1} and terms == {k: plain(v) for k, v in REFERENCE_TERMS.items()}:
        return []
    return [{'scales': powers, 'terms': terms}]


# dgamma and dbeta: sums over the batch of dout times one of these (per feature), as a combination.
PARAMETER_COLUMNS = ('x_hat', '1', 'x_hat * std', 'x_hat * gamma', 'gamma')
REFERENCE_PARAMETERS = {'dgamma': {'x_hat': plain(1)}, 'dbeta': {'1': plain(1)}}


def parameter_gradients(layer, calls):
    """[{'dgamma': {column: coefficient}, 'dbeta': {...}}]: each of dgamma and dbeta as a combination of
    sum(dout * column) over the batch, the same on every backward call whose forward is right (calls with
    more features than columns tell it); [] when one of them fits none or both are right."""
    axis = layer.statistics_axis
    fits = {'dgamma': [], 'dbeta': []}
    for arrays, dout, grads, _, param in backward_calls(layer, calls):
        x, gamma = arrays[0], arrays[1]
        eps = param.get('eps', layer.default_eps)
        if x.shape[1] < len(PARAMETER_COLUMNS) + 2:
            continue
        x_hat, std = standardized(x, axis, eps)
        values = {'x_hat': x_hat, '1': np.ones_like(x), 'x_hat * std': x_hat * std, 'x_hat * gamma': x_hat * gamma,
                  'gamma': np.broadcast_to(gamma, x.shape)}
        columns = {name: (dout * values[name]).sum(axis=0) for name in PARAMETER_COLUMNS}
        for name, got in zip(('dgamma', 'dbeta'), grads[1:3]):
            if np.shape(got) != (x.shape[1],):
                return []
            fit = fitted(np.asarray(got, dtype=float), {(c, ''): columns[c] for c in PARAMETER_COLUMNS},
                             {c: 1 for c in PARAMETER_COLUMNS})
            if fit is None:
                return []
            fits[name].append((x.shape[0], {c: v for (c, _), v in fit.items()}))
    if not fits['dgamma']:
        return []
    reading = {}
    for name, found in fits.items():
        reading[name] = {}
        for column in PARAMETER_COLUMNS:
            coefficient = _coefficient([(n, fit[column]) for n, fit in found])
            if coefficient is None:
                return []
            if coefficient[:2] != (0, 0):
                reading[name][column] = coefficient
    return [] if reading == REFERENCE_PARAMETERS else [reading]


# The running averages: each one's update, running = a * running + b * statistic, a and b read per call
# against the call's momentum m.
WEIGHTS = ('m', '1 - m', '1', '0')
RUNNING_STATISTICS = {'running_mean': ('mean',),
                      'running_var': ('var', 'unbiased', 'second_moment', 'std', 'inverse_std')}
REFERENCE_RUNNING = {'running_mean': ('m', '1 - m', 'mean'), 'running_var': ('m', '1 - m', 'var')}


def _weight(form, m):
    return {'m': m, '1 - m': 1 - m, '1': 1.0, '0': 0.0}[form]


def _batch_statistic(name, x, eps):
    if name == 'mean':
        return x.mean(axis=0)
    if name == 'std':
        return x.std(axis=0)
    if name == 'inverse_std':
        return 1 / np.sqrt(x.var(axis=0) + eps)
    return statistic(name, x, 0).ravel()


def running_updates(layer, calls):
    """[{'running_mean': (a, b, statistic), 'running_var': (...)}]: how each running average is updated by a
    train call, running = a * running + b * statistic with a and b among m, 1 - m, 1 and 0 (m the call's
    momentum), the same on every train call that tells it (one whose old averages differ from its batch's
    statistics); [] when one fits no such update or both are right (a layer with running averages, axis 0)."""
    if layer.statistics_axis != 0:
        return []
    reading = {}
    for key, statistics in RUNNING_STATISTICS.items():
        # with b = 0 the statistic plays no part: one candidate stands for all
        candidates = [(a, b, s) for s in statistics for a in WEIGHTS for b in WEIGHTS
                      if (a, b) != ('0', '0') and (b != '0' or s == statistics[0])]
        told = False
        for x, gamma, beta, param, out, after in forward_calls(layer, calls):
            before = param.get(key, np.zeros(x.shape[1]))
            now = after.get(key) if isinstance(after, dict) else None
            if not (isinstance(before, np.ndarray) and isinstance(now, np.ndarray)) or np.shape(now) != np.shape(before):
                return []
            m = param.get('momentum', layer.default_momentum)
            batch = {s: _batch_statistic(s, x, param.get('eps', layer.default_eps)) for s in statistics}
            if any(np.allclose(before, value, rtol=1e-3) for value in batch.values()):
                continue    # the old average and a batch statistic read alike
            told = True
            candidates = [(a, b, s) for a, b, s in candidates
                          if np.allclose(now, _weight(a, m) * before + _weight(b, m) * batch[s], rtol=EXACT, atol=1e-12)]
        if not told or len(candidates) != 1:
            return []
        reading[key] = candidates[0]
    return [] if reading == REFERENCE_RUNNING else [reading]
