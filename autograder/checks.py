"""The hidden checks, one function per entry of ``autograder.registry``.

Each check takes a ``StudentAPI`` and returns an ``Outcome``: the fraction of
its points earned and messages for the student. A check is a weighted list of
parts; a part passes or fails as a whole, and a part whose call into the
student's code fails (an exception, a timeout, a bad return value) fails alone.

Hidden inputs come from fixed seeds, so grading the same submission twice gives
the same score. Messages say what is wrong and where to look, never the hidden
inputs or the reference's outputs. Tolerances and the measurements behind them
are in docs/checks.md (``python -m autograder.calibrate`` reprints them).
"""
import numpy as np

from autograder import datasets, registry
from autograder.composed import ComposedNet, contract_shapes, map_params
from autograder.outcome import Outcome
from autograder.student_api import StudentCodeError
from solutions import layers as reference
from solutions.fc_net import FullyConnectedNet as ReferenceNet

SEED = 8231  # every hidden input derives from this

# Tolerances: relative error of whole arrays, ||a - b|| / max(||a||, ||b||, floor).
TOL_FLOAT64 = 1e-7    # the same math in float64 agrees to ~1e-14; algebraically different correct forms to ~1e-12
TOL_FLOAT32 = 1e-4    # float32 rounding of O(1) values is ~1e-7; kept wide for one-pass variance formulas
TOL_NUMERIC = 1e-5    # centered differences with h=1e-5 on the seed's inputs reach ~1e-9
TOL_NET = 1e-6        # loss and gradients of a float64 net with identical parameters


def _rng(k):
    return np.random.default_rng([SEED, k])


def rel_err(a, b, floor=1e-8):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), floor))


def compare(what, got, expected, tol, floor=1e-8):
    """None when got matches expected (shape, finite, within tol), else a message about ``what``."""
    got = np.asarray(got)
    if got.shape != np.shape(expected):
        return '%s has shape %s; expected %s' % (what, got.shape, np.shape(expected))
    if not np.all(np.isfinite(got)):
        return '%s contains NaN or inf' % what
    err = rel_err(got, expected, floor)
    if not err <= tol:
        return '%s is off (relative error %.1e, allowed %.0e)' % (what, err, tol)
    return None


def explain(exc):
    """Student-facing words for a failed call into their code."""
    if exc.kind == 'timeout':
        return 'your code took too long and was stopped (%s)' % exc
    if exc.kind == 'limit':
        return 'your code hit a resource limit of the grader (%s)' % exc
    if exc.kind == 'crash':
        return 'your code stopped the worker process (%s)' % exc
    if exc.kind == 'missing':
        return str(exc)
    if exc.kind == 'bad_return':
        return 'unexpected return value: %s' % exc
    if exc.exc_type == 'NotImplementedError' and str(exc).strip(' :') == 'NotImplementedError':
        return 'not implemented yet (the stub still raises NotImplementedError)'
    return 'your code raised %s' % exc


class Grading:
    """Accumulates weighted parts of one check."""

    def __init__(self):
        self.earned = 0.0
        self.total = 0.0
        self.messages = []

    def part(self, weight, label, fn, *args):
        """Run fn(*args); it returns a list of problems (empty = pass). Returns the problems."""
        self.total += weight
        try:
            problems = [p for p in (fn(*args) or []) if p]
        except StudentCodeError as exc:
            problems = [explain(exc)]
        if problems:
            self.messages.extend('%s: %s' % (label, p) for p in problems)
        else:
            self.earned += weight
        return problems

    def outcome(self):
        return Outcome(self.earned / self.total if self.total else 0.0, self.messages)


def _needs(student, *names):
    missing = [n for n in names if not student.has(n)]
    if missing:
        return Outcome(0.0, ['%s is not defined: the check needs it' % ', '.join(missing)])
    return None


def seedlike_activations(rng, N=200, D1=50, D2=60, D3=3):
    """Activations of a random two-layer ReLU net, as in the notebook's forward check: (N, D3)."""
    X = rng.standard_normal((N, D1))
    return np.maximum(0, X.dot(rng.standard_normal((D1, D2)))).dot(rng.standard_normal((D2, D3)))


# ---------------------------------------------------------------- batchnorm forward, train mode

def batchnorm_forward_train(student):
    missing = _needs(student, 'batchnorm_forward')
    if missing:
        return missing
    rng = _rng(1)
    g = Grading()

    def statistics(gamma, beta):
        x = seedlike_activations(rng, N=200)
        out, _ = student.batchnorm_forward(x, gamma, beta, {'mode': 'train'})
        if out.shape != x.shape:
            return ['the output has shape %s; it should have the shape of x, %s' % (out.shape, x.shape)]
        problems = []
        if not np.allclose(out.mean(axis=0), beta, atol=1e-6):
            problems.append('the per-feature means of the output are not beta (normalize each column '
                            'of x, i.e. over axis 0, the batch)')
        std = out.std(axis=0)
        if not np.allclose(std, gamma, rtol=1e-4, atol=0):
            ratio = std / gamma
            if np.allclose(ratio, np.sqrt((x.shape[0] - 1) / x.shape[0]), rtol=1e-4):
                problems.append('the output is scaled as if by the unbiased (N-1) variance; batch norm '
                                'uses the plain variance over the batch (ddof=0)')
            else:
                problems.append('the per-feature standard deviations of the output are not gamma')
        return problems

    def agreement(what, x, gamma, beta, bn_param, tol):
        out, _ = student.batchnorm_forward(x, gamma, beta, dict(bn_param))
        expected, _ = reference.batchnorm_forward(x.astype(np.float64), gamma.astype(np.float64),
                                                  beta.astype(np.float64), dict(bn_param))
        problem = compare('the output ' + what, out, expected, tol)
        if problem and x.dtype == np.float64 and compare('out', out, expected, TOL_FLOAT32) is None:
            problem += ('; it agrees only to float32 precision: compute in the dtype of x (a cast to float32 '
                        'loses half the digits)')
        return [problem]

    D = 10
    x = rng.standard_normal((64, D)) * rng.uniform(0.5, 20, D) + rng.uniform(-10, 10, D)
    gamma, beta = rng.uniform(0.5, 2, D), rng.standard_normal(D)
    tiny = rng.standard_normal((32, 8)) * 1e-3  # variance 1e-6, below eps: eps decides the result
    x32 = (rng.standard_normal((48, 6)) * 3 + 1).astype(np.float32)

    def own_output():
        """The student's train-mode output on x from a fresh bn_param, when it depends on x at all."""
        out, _ = student.batchnorm_forward(x, gamma, beta, {'mode': 'train'})
        if out.shape != x.shape or not np.all(np.isfinite(out)) or np.all(out.std(axis=0) < 1e-12):
            return None
        return out

    def existing_running_statistics():
        # A layer in a net is called in train mode again and again: once the running averages exist, train
        # mode must still normalize with the batch's own statistics. Judged against this forward's own output
        # from a fresh bn_param, so a wrong normalization is charged once, in the parts above.
        own = own_output()
        if own is None:
            return ['the train-mode output must depend on x before this part counts']
        bn_param = {'mode': 'train', 'running_mean': x.mean(axis=0) + 5 * x.std(axis=0),
                    'running_var': 4 * x.var(axis=0)}
        out, _ = student.batchnorm_forward(x, gamma, beta, dict(bn_param))
        if compare('out', out, own, TOL_FLOAT64) is None:
            return []
        if out.shape == x.shape:
            with_running, _ = reference.batchnorm_forward(x, gamma, beta, dict(bn_param, mode='test'))
            if rel_err(out, with_running) < 1e-6:
                return ['train mode normalized with the running averages once bn_param held them; train mode '
                        'always normalizes with the mean and variance of the batch, and only updates the '
                        'running averages']
        return ['the train-mode output changes when bn_param already holds running averages; in train mode '
                'the running averages are only updated, never used']

    def inputs_unchanged():
        if own_output() is None:
            # A function that ignores its inputs trivially leaves them alone.
            return ['the train-mode output must depend on x before this part counts']
        problems = []
        for mode in ('train', 'test'):
            bn_param = {'mode': mode, 'running_mean': np.zeros(D), 'running_var': np.ones(D)}
            student.batchnorm_forward(x, gamma, beta, bn_param)
            changed = student.changed_inputs()
            if changed:
                problems.append('in %s mode batchnorm_forward modified its input %s in place (for example '
                                '`x -= mean`); compute into new arrays (`xc = x - mean`): the caller still '
                                'needs %s' % (mode, ' and '.join(changed), ' and '.join(changed)))
        return problems[:1]

    g.part(0.15, 'Statistics with gamma=1, beta=0', statistics, np.ones(3), np.zeros(3))
    g.part(0.15, 'Statistics with other gamma and beta', statistics, np.array([1.0, 2.0, 3.0]),
           np.array([11.0, 12.0, 13.0]))
    g.part(0.2, 'Output on ordinary inputs', agreement, 'on ordinary inputs', x, gamma, beta,
           {'mode': 'train'}, TOL_FLOAT64)
    g.part(0.1, 'Output on features with tiny variance', agreement,
           'on features whose variance is smaller than eps (is eps added to the variance before the '
           'square root?)', tiny, np.ones(8), np.zeros(8), {'mode': 'train'}, TOL_FLOAT64)
    g.part(0.1, "Output with bn_param['eps'] set", agreement,
           "when bn_param sets 'eps' (read it from bn_param, default 1e-5)", x, gamma, beta,
           {'mode': 'train', 'eps': 0.5 * x.var(axis=0).min()}, TOL_FLOAT64)
    g.part(0.1, 'Output for float32 inputs', agreement, 'for float32 inputs', x32,
           np.full(6, 1.5, np.float32), np.full(6, -0.5, np.float32), {'mode': 'train'}, TOL_FLOAT32)
    g.part(0.1, 'Train mode when running averages already exist', existing_running_statistics)
    g.part(0.1, 'x, gamma and beta are left unchanged', inputs_unchanged)
    return g.outcome()


# ---------------------------------------------------------------- running averages and test mode

def _own_variance(x, out, eps=1e-5, tol=1e-9):
    """The per-feature variance a train-mode forward with gamma=1, beta=0 normalized x with, or None when
    out is not a per-feature rescaling of x (then the forward's own check says what is wrong)."""
    if out.shape != x.shape or not np.all(np.isfinite(out)):
        return None
    xc, oc = x - x.mean(axis=0), out - out.mean(axis=0)
    scale = (oc * xc).sum(axis=0) / (xc * xc).sum(axis=0)
    if np.any(scale <= 0) or rel_err(oc, xc * scale) > tol:
        return None
    return 1.0 / scale ** 2 - eps


def batchnorm_running_stats_test_mode(student):
    missing = _needs(student, 'batchnorm_forward')
    if missing:
        return missing
    rng = _rng(2)
    g = Grading()
    D = 7

    def running_update():
        x = rng.standard_normal((40, D)) * rng.uniform(1, 4, D) + rng.uniform(-3, 3, D)
        start_mean, start_var = rng.standard_normal(D), rng.uniform(0.5, 2, D)
        bn_param = {'mode': 'train', 'momentum': 0.75,
                    'running_mean': start_mean.copy(), 'running_var': start_var.copy()}
        out, after = student.batchnorm_forward(x, np.ones(D), np.zeros(D), bn_param)
        own_var = _own_variance(x, out)
        expected = dict(bn_param)
        reference.batchnorm_forward(x, np.ones(D), np.zeros(D), expected)
        problems = []
        for key, start, batch in (('running_mean', start_mean, x.mean(axis=0)),
                                  ('running_var', start_var, x.var(axis=0))):
            got = after.get(key)
            if not isinstance(got, np.ndarray):
                problems.append("bn_param['%s'] is missing after a train-mode call; store the updated "
                                "running average back into bn_param" % key)
                continue
            if got.size == D:
                got = got.reshape(D)  # a (1, D) shape costs its own small part, not this one
            # A forward computed in float32 is charged in the train-mode check; here its averages are read
            # at float32 precision.
            if compare(key, got, expected[key], TOL_FLOAT32 if got.dtype == np.float32 else TOL_FLOAT64) is None:
                continue
            if got.shape == start.shape and np.allclose(got, start):
                problems.append("bn_param['%s'] was not updated; store the new running average back "
                                "into bn_param" % key)
            elif got.shape == start.shape and np.allclose(got, 0.25 * start + 0.75 * batch):
                problems.append("%s: momentum and (1 - momentum) are swapped; the running average keeps "
                                "momentum times its old value" % key)
            elif key == 'running_var' and own_var is not None and np.allclose(
                    got, 0.75 * start + 0.25 * own_var, rtol=1e-6):
                # Averaged from the variance this forward normalizes with: a wrong variance is charged once,
                # in the train-mode check.
                continue
            else:
                problems.append("%s does not follow running = momentum * running + (1 - momentum) * "
                                "batch statistic" % key)
        return problems

    def defaults():
        x = (rng.standard_normal((30, D)) + 2.0).astype(np.float32)
        out, after = student.batchnorm_forward(x, np.ones(D, np.float32), np.zeros(D, np.float32),
                                               {'mode': 'train'})
        x64 = x.astype(np.float64)
        own_var = _own_variance(x64, out.astype(np.float64), tol=1e-5)  # a wrong variance is charged in its own check
        problems = []
        for key, batch in (('running_mean', x64.mean(axis=0)),
                           ('running_var', x64.var(axis=0) if own_var is None else own_var)):
            value = after.get(key)
            if not isinstance(value, np.ndarray):
                problems.append("bn_param['%s'] is missing when bn_param starts without it (start from zeros)"
                                % key)
                continue
            value = value.reshape(D) if value.size == D else value
            if compare(key, value, 0.1 * batch, TOL_FLOAT32) is None:
                continue
            if value.shape == (D,) and np.allclose(value, 0.9 + 0.1 * batch, rtol=1e-4):
                problems.append('%s starts from ones when bn_param has none; it starts from zeros' % key)
            elif value.shape == (D,) and np.allclose(value, batch, rtol=1e-4):
                problems.append('%s is set to the batch statistic when bn_param has none; it starts from '
                                'zeros and then follows the momentum update' % key)
            else:
                problems.append('%s, when bn_param starts without running averages, is not what zeros and '
                                'momentum 0.9 give' % key)
        return problems

    def shape_and_dtype():
        x = rng.standard_normal((30, D)).astype(np.float32)
        _, after = student.batchnorm_forward(x, np.ones(D, np.float32), np.zeros(D, np.float32),
                                             {'mode': 'train'})
        problems = []
        for key in ('running_mean', 'running_var'):
            value = after.get(key)
            if not isinstance(value, np.ndarray):
                problems.append("bn_param['%s'] is missing after a train-mode call" % key)
            elif value.shape != (D,):
                problems.append('%s has shape %s; it should have shape (D,) like gamma (average over axis 0 '
                                'without keepdims)' % (key, value.shape))
            elif value.dtype != np.float32:
                problems.append('%s is %s for float32 inputs; the running averages keep the dtype of x'
                                % (key, value.dtype))
        return problems[:1]

    running_mean = rng.standard_normal(D)
    running_var = np.concatenate([rng.uniform(0.5, 3, D - 3), [1e-6, 3e-6, 2e-5]])  # eps matters for the last three
    x_test = rng.standard_normal((25, D)) * 2 + 1
    gamma, beta = rng.uniform(0.5, 2, D), rng.standard_normal(D)

    def eps_ignored_in_train():
        x = rng.standard_normal((16, D)) * 0.3
        out, _ = student.batchnorm_forward(x, np.ones(D), np.zeros(D), {'mode': 'train', 'eps': 0.5})
        expected, _ = reference.batchnorm_forward(x, np.ones(D), np.zeros(D), {'mode': 'train'})
        return compare('out', out, expected, TOL_FLOAT64) is None

    def test_mode(eps):
        bn_param = {'mode': 'test', 'running_mean': running_mean.copy(), 'running_var': running_var.copy()}
        if eps is not None:
            bn_param['eps'] = eps
        out, after = student.batchnorm_forward(x_test, gamma, beta, bn_param)
        expected, _ = reference.batchnorm_forward(x_test, gamma, beta, dict(bn_param))
        tol = TOL_FLOAT32 if out.dtype == np.float32 else TOL_FLOAT64
        problem = compare('the test-mode output', out, expected, tol)
        if problem and eps is not None and eps_ignored_in_train():
            default, _ = reference.batchnorm_forward(x_test, gamma, beta, dict(bn_param, eps=1e-5))
            if compare('out', out, default, tol) is None:
                return []  # bn_param['eps'] ignored here as in train mode: charged once, in the train-mode check
        if problem and out.shape == x_test.shape:
            batch_stats, _ = reference.batchnorm_forward(x_test, gamma, beta, {'mode': 'train'})
            if rel_err(out, batch_stats) < 1e-6:
                problem = ('test mode normalizes with the batch statistics; it must use '
                           "bn_param['running_mean'] and bn_param['running_var']")
            else:
                problem += ' (test mode computes (x - running_mean) / sqrt(running_var + eps))'
        return [problem]

    def test_mode_keeps_running_averages():
        # Only meaningful for a test mode that works: a function that ignores bn_param altogether
        # trivially "changes nothing".
        if test_mode(None) != [None]:
            return ['the test-mode output must be right before this part counts']
        bn_param = {'mode': 'test', 'running_mean': running_mean.copy(), 'running_var': running_var.copy()}
        _, after = student.batchnorm_forward(x_test, gamma, beta, bn_param)
        for key, before in (('running_mean', running_mean), ('running_var', running_var)):
            value = after.get(key)
            if not isinstance(value, np.ndarray) or value.shape != before.shape or not np.allclose(value, before):
                return ['test mode changed %s; nothing is updated at test time' % key]
        return []

    g.part(0.3, 'Running averages after a train-mode call', running_update)
    g.part(0.1, 'Running averages that start absent', defaults)
    g.part(0.1, 'Running averages have shape (D,) and the dtype of x', shape_and_dtype)
    g.part(0.25, 'Test-mode output', test_mode, None)
    g.part(0.15, "Test-mode output with bn_param['eps'] set", test_mode, 0.25)
    g.part(0.1, 'Test mode leaves the running averages alone', test_mode_keeps_running_averages)
    return g.outcome()


# ---------------------------------------------------------------- invalid mode

def batchnorm_invalid_mode(student):
    missing = _needs(student, 'batchnorm_forward')
    if missing:
        return missing
    rng = _rng(3)
    x = rng.standard_normal((8, 4))
    try:
        # The check only means something when a valid call works (a function that always raises would pass).
        student.batchnorm_forward(x, np.ones(4), np.zeros(4), {'mode': 'train'})
    except StudentCodeError as exc:
        return Outcome(0.0, ['a valid train-mode call failed, so the invalid mode cannot be checked: '
                             + explain(exc)])
    try:
        student.batchnorm_forward(x, np.ones(4), np.zeros(4), {'mode': 'evaluate'})
    except StudentCodeError as exc:
        if exc.kind == 'exception' and exc.exc_type == 'ValueError':
            return Outcome(1.0, [])
        if exc.kind == 'exception':
            return Outcome(0.5, ['an invalid mode raised %s; the docstring of batchnorm_forward asks for '
                                 'ValueError (raise ValueError for any mode but train and test)' % exc.exc_type])
        return Outcome(0.0, ['an invalid mode: ' + explain(exc)])
    return Outcome(0.0, ["batchnorm_forward returned normally for mode 'evaluate'; "
                         "any mode other than 'train' or 'test' must raise ValueError"])


# ---------------------------------------------------------------- backward

def _numeric_gradients(student, x, gamma, beta, dout, h=1e-5):
    """Centered differences of sum(forward(x) * dout) of the student's own forward, for x, gamma, beta."""
    def f(xx, gg, bb):
        out, _ = student.batchnorm_forward(xx, gg, bb, {'mode': 'train'})
        if out.shape != dout.shape:
            raise StudentCodeError('batchnorm_forward returned shape %s; expected %s' % (out.shape, dout.shape),
                                   kind='bad_return')
        return float(np.sum(out * dout))

    grads = []
    for which in range(3):
        args = [x.copy(), gamma.copy(), beta.copy()]
        target = args[which]
        grad = np.zeros_like(target)
        for ix in np.ndindex(target.shape):
            old = target[ix]
            target[ix] = old + h
            pos = f(*args)
            target[ix] = old - h
            neg = f(*args)
            target[ix] = old
            grad[ix] = (pos - neg) / (2 * h)
        grads.append(grad)
    return grads


def _own_normalization(x, out, gamma, beta):
    """(x_hat, xc, std) of a train-mode forward that rescales each centred feature, read off its output;
    None when the output is not of that form."""
    if out.shape != x.shape or not np.all(np.isfinite(out)):
        return None
    x_hat = (out - beta) / gamma
    xc = x - x.mean(axis=0)
    scale = (x_hat * xc).sum(axis=0) / (xc * xc).sum(axis=0)
    if np.any(scale <= 0) or rel_err(x_hat, xc * scale) > 1e-9:
        return None
    return xc * scale, xc, 1.0 / scale


def batchnorm_backward(student):
    missing = _needs(student, 'batchnorm_forward', 'batchnorm_backward')
    if missing:
        return missing
    rng = _rng(4)
    g = Grading()
    names = ('dx', 'dgamma', 'dbeta')
    weights = (0.45, 0.25, 0.25)
    hints = {'dx': ' (dx has three paths: through x_hat, the batch mean and the batch variance; '
                   'remember gamma)',
             'dgamma': ' (dgamma sums dout * x_hat over the batch)',
             'dbeta': ' (dbeta sums dout over the batch)'}

    def case(N, D, scale, shift):
        x = scale * rng.standard_normal((N, D)) + shift
        return x, rng.uniform(0.5, 2.5, D) * rng.choice([-1, 1], D), rng.standard_normal(D), rng.standard_normal((N, D))

    cases = [case(4, 5, 5.0, 12.0), case(16, 7, 2.0, -3.0)]
    results = {}

    def run(i):
        if i not in results:
            x, gamma, beta, dout = cases[i]
            grads = student.batchnorm_backward(x, gamma, beta, {'mode': 'train'}, dout)
            changed = student.changed_inputs()
            out, _ = student.batchnorm_forward(x, gamma, beta, {'mode': 'train'})
            expected_out, cache = reference.batchnorm_forward(x, gamma, beta, {'mode': 'train'})
            # Correct float64 forms agree to ~1e-12; anything between that and float32's rounding is a forward
            # computed in lower precision.
            forward_ok = out.dtype == np.float64 and compare('out', out, expected_out, 1e-10) is None
            # A forward computed in float32 cannot be differentiated numerically (its rounding is larger
            # than the differences); its backward is then judged against the expected gradient, in float32.
            low_precision = not forward_ok and compare('out', out, expected_out, TOL_FLOAT32) is None
            expected = reference.batchnorm_backward(dout, cache)
            if not forward_ok and not low_precision:
                # A forward that normalizes each feature with a wrong scale (an unbiased variance, say) is
                # charged in its own check; the backward is judged on the normalization that forward did.
                own = _own_normalization(x, out, gamma, beta)
                if own is not None:
                    expected, forward_ok = reference.batchnorm_backward(dout, own + (gamma,)), True
            results[i] = (grads, forward_ok, low_precision, expected, changed)
        return results[i]

    numeric = {}

    def against_numeric(k):
        grads, _, low_precision, expected, _ = run(0)
        if low_precision:
            problem = compare(names[k], grads[k], expected[k], TOL_FLOAT32)
            return [problem + hints[names[k]]] if problem else []
        if compare(names[k], grads[k], expected[k], TOL_FLOAT64) is None:
            # The derivative of batch norm itself: right, even when the forward it pairs with is wrong (the
            # forward's own checks charge that).
            return []
        if 0 not in numeric:
            x, gamma, beta, dout = cases[0]
            numeric[0] = _numeric_gradients(student, x, gamma, beta, dout)
        problem = compare('%s (against a numeric gradient of your own batchnorm_forward)' % names[k],
                          grads[k], numeric[0][k], TOL_NUMERIC)
        return [problem + hints[names[k]]] if problem else []

    def against_reference(k):
        problems = []
        for i in range(len(cases)):
            grads, forward_ok, low_precision, expected, _ = run(i)
            if low_precision:
                problem = compare(names[k], grads[k], expected[k], TOL_FLOAT32)
            elif not forward_ok:
                # A wrong forward costs points in the forward checks; here the backward is judged only
                # by whether it is the derivative of the student's own forward.
                continue
            else:
                problem = compare(names[k], grads[k], expected[k], TOL_FLOAT64)
            if problem:
                problems.append(problem + hints[names[k]])
                break
        return problems

    def dout_unchanged():
        for i in range(len(cases)):
            changed = run(i)[4]
            if changed:
                return ['batchnorm_backward modified its input dout in place (for example `dout *= gamma`); '
                        'compute into new arrays: the layer below still needs dout']
        return []

    for k, (name, weight) in enumerate(zip(names, weights)):
        g.part(0.6 * weight, '%s against the expected gradient' % name, against_reference, k)
        g.part(0.4 * weight, '%s against a numeric gradient' % name, against_numeric, k)
    g.part(0.05, 'dout is left unchanged', dout_unchanged)
    return g.outcome()


# ---------------------------------------------------------------- the net: parameters

def _expected_keys(num_hidden, use_batchnorm):
    keys = set()
    for i in range(1, num_hidden + 2):
        keys |= {'W%d' % i, 'b%d' % i}
        if use_batchnorm and i <= num_hidden:
            keys |= {'gamma%d' % i, 'beta%d' % i}
    return keys


def _describe_keys(got, expected):
    parts = []
    if expected - got:
        parts.append('missing %s' % ', '.join(sorted(expected - got)))
    if got - expected:
        parts.append('unexpected %s' % ', '.join(sorted(got - expected)))
    return '; '.join(parts)


def fc_net_init(student):
    missing = _needs(student, 'FullyConnectedNet')
    if missing:
        return missing
    g = Grading()
    states = {}

    def state(name, **kwargs):
        if name not in states:
            student.seed_numpy(SEED)
            states[name] = student.net_state(student.net_create(**kwargs))
        return states[name]

    bn_kwargs = dict(hidden_dims=[20, 30], input_dim=15, num_classes=10, use_batchnorm=True,
                     weight_scale=5e-2, dtype='float64')
    shapes = {'W1': (15, 20), 'b1': (20,), 'W2': (20, 30), 'b2': (30,), 'W3': (30, 10), 'b3': (10,),
              'gamma1': (20,), 'beta1': (20,), 'gamma2': (30,), 'beta2': (30,)}

    def keys():
        params = state('bn', **bn_kwargs)['params']
        got = set(params)
        if got != set(shapes):
            hint = ''
            if map_params(params, shapes) is not None:
                hint = ('; your names follow another scheme (numbered from 0?). The layers are numbered from 1: '
                        "'W1' and 'b1' are the first affine layer's, 'gamma1' and 'beta1' the first batch norm's. "
                        'The other checks still find your parameters by their shapes and order')
            return ['with use_batchnorm=True and two hidden layers, params should hold W1..W3, b1..b3, '
                    'gamma1, gamma2, beta1, beta2 (%s)%s' % (_describe_keys(got, set(shapes)), hint)]
        return []

    def shape_of_params():
        params = state('bn', **bn_kwargs)['params']
        mapping = map_params(params, shapes) or {k: k for k in shapes}
        return ['%s has shape %s, expected %s' % (mapping[k], np.shape(params[mapping[k]]), v)
                for k, v in shapes.items() if mapping[k] in params and np.shape(params[mapping[k]]) != v]

    def initial_values():
        params = state('bn', **bn_kwargs)['params']
        problems = []
        for k in sorted(params):
            value = np.asarray(params[k], dtype=np.float64)
            if k.startswith('gamma') and not np.all(value == 1):
                problems.append('%s should start as ones' % k)
            if (k.startswith('beta') or k.startswith('b') and k[1:].isdigit()) and not np.all(value == 0):
                problems.append('%s should start as zeros' % k)
        return problems

    def weights_scale():
        params = state('big', hidden_dims=[60, 50], input_dim=80, num_classes=10, use_batchnorm=True,
                       weight_scale=0.1)['params']
        mapping = map_params(params, contract_shapes([60, 50], 80, 10, True)) or {}
        problems = []
        for k in ('W1', 'W2', 'W3'):
            if mapping.get(k, k) not in params:
                return ['%s is missing' % k]
            w = np.asarray(params[mapping.get(k, k)], dtype=np.float64)
            if not (0.085 < w.std() < 0.115 and abs(w.mean()) < 0.02):
                problems.append('%s does not look drawn from weight_scale * randn (mean 0, standard '
                                'deviation weight_scale)' % k)
        return problems

    def dtypes():
        problems = []
        big = state('big', hidden_dims=[60, 50], input_dim=80, num_classes=10, use_batchnorm=True,
                    weight_scale=0.1)['params']
        if any(np.asarray(v).dtype != np.float32 for v in big.values()):
            problems.append('with the default dtype every parameter should be float32')
        if any(np.asarray(v).dtype != np.float64 for v in state('bn', **bn_kwargs)['params'].values()):
            problems.append('with dtype=np.float64 every parameter should be float64')
        return problems

    def bn_params():
        bn = state('bn', **bn_kwargs)['bn_params']
        if len(bn) != 2:
            return ['self.bn_params should be a list with one dict per batch-normalized layer (2 here), found '
                    '%d' % len(bn)]
        if any(p.get('mode') != 'train' for p in bn):
            return ["every bn_params dict should start as {'mode': 'train'}"]
        return []

    def without_batchnorm():
        plain = state('plain', hidden_dims=[20, 30], input_dim=15, num_classes=10, use_batchnorm=False,
                      dtype='float64')
        got = set(plain['params'])
        expected = _expected_keys(2, False)
        problems = []
        if got != expected:
            problems.append('with use_batchnorm=False params should hold only W1..W3 and b1..b3 (%s)'
                            % _describe_keys(got, expected))
        if plain['bn_params']:
            problems.append('with use_batchnorm=False there should be no bn_params dicts')
        return problems

    def dropout_param():
        dp = state('dropout', hidden_dims=[10], input_dim=15, num_classes=10, dropout=0.25, seed=3)['dropout_param']
        if dp.get('p') != 0.25 or dp.get('mode') != 'train' or dp.get('seed') != 3:
            return ["with dropout=0.25 and seed=3, self.dropout_param should be {'mode': 'train', 'p': 0.25, "
                    "'seed': 3} (p is the probability of dropping a unit)"]
        return []

    g.part(0.25, 'Parameter names', keys)
    g.part(0.15, 'Parameter shapes', shape_of_params)
    g.part(0.2, 'Initial biases, gamma and beta', initial_values)
    g.part(0.1, 'Initial weights', weights_scale)
    g.part(0.1, 'Parameter dtypes', dtypes)
    g.part(0.1, 'bn_params', bn_params)
    g.part(0.15, 'A net without batch norm', without_batchnorm)
    g.part(0.05, 'dropout_param', dropout_param)
    return g.outcome()


# ---------------------------------------------------------------- the net: shared steps

def _reference_net(seed, **kwargs):
    np.random.seed(seed)
    return ReferenceNet(**kwargs)


def _shapes_of(kwargs):
    return contract_shapes(kwargs['hidden_dims'], kwargs['input_dim'], kwargs['num_classes'],
                           kwargs.get('use_batchnorm', False))


def _student_net(student, kwargs, params):
    """A student net built with kwargs (float64) holding ``params`` (contract names), and its name mapping.

    Parameter names are charged in the parameters check alone: here the student's parameters are matched
    to layers by their names' pattern, order and shapes.
    """
    handle = student.net_create(dtype='float64', **kwargs)
    own = student.net_state(handle)['params']
    mapping = map_params(own, _shapes_of(kwargs), own)
    if mapping is None:
        raise StudentCodeError("this part cannot be judged: the net's parameters could not be matched to its "
                               'layers by their names, order and shapes (%s; the parameters check says more)'
                               % _describe_keys(set(own), set(_shapes_of(kwargs))), kind='bad_return')
    student.net_set_params(handle, {mapping[k]: v.copy() for k, v in params.items()})
    return handle, mapping


def _expected_net(student, kwargs, params, seed):
    """The reference net's logic over the student's batch norm (see autograder.composed); the reference
    net itself when the student's batch norm cannot be called, so a broken layer is not guessed around."""
    composed = ComposedNet(student, {k: v.copy() for k, v in params.items()}, len(kwargs['hidden_dims']) + 1,
                           kwargs.get('use_batchnorm', False), kwargs.get('reg', 0.0))
    if not composed.use_batchnorm:
        return composed
    try:
        composed.loss(np.zeros((2, kwargs['input_dim'])), np.zeros(2, dtype=int))
    except StudentCodeError:
        ref = _reference_net(seed, dtype=np.float64, **kwargs)
        ref.params = {k: v.copy() for k, v in params.items()}
        return ref
    composed.bn_params = [{'mode': 'train'} for _ in composed.bn_params]
    return composed


def _relu_net_scores(params, X):
    """Scores of an affine - relu - affine net without batch norm or dropout."""
    return np.maximum(0, X.dot(params['W1']) + params['b1']).dot(params['W2']) + params['b2']


DROPOUT_NET = dict(hidden_dims=[200], input_dim=10, num_classes=3, use_batchnorm=False, dropout=0.4)


def _dropout_params(rng):
    return {'W1': 0.5 * rng.standard_normal((10, 200)), 'b1': np.full(200, 0.5),
            'W2': 0.3 * rng.standard_normal((200, 3)), 'b2': 0.1 * rng.standard_normal(3)}


# ---------------------------------------------------------------- the net: loss and gradients

def fc_net_loss_and_gradients(student):
    missing = _needs(student, 'FullyConnectedNet')
    if missing:
        return missing
    rng = _rng(6)
    g = Grading()
    cases = [
        # Equal hidden widths: a bn_param dict shared by the layers (charged in the test-mode check) does not
        # make the train-mode loss crash here.
        ('with batch norm, reg=0', dict(hidden_dims=[20, 20], input_dim=15, num_classes=10,
                                        use_batchnorm=True, reg=0.0, weight_scale=5e-2), 0.35),
        ('with batch norm, reg=3.14', dict(hidden_dims=[20, 20], input_dim=15, num_classes=10,
                                           use_batchnorm=True, reg=3.14, weight_scale=5e-2), 0.3),
        ('without batch norm, reg=0.7', dict(hidden_dims=[12, 9], input_dim=8, num_classes=5,
                                             use_batchnorm=False, reg=0.7, weight_scale=0.3), 0.2),
    ]
    for index, (label, kwargs, weight) in enumerate(cases):
        ref = _reference_net(SEED + index, dtype=np.float64, **kwargs)
        # Non-trivial gamma and beta, so that their gradients and their use in the forward pass matter.
        for k in ref.params:
            if k.startswith('gamma'):
                ref.params[k] = rng.uniform(0.5, 1.5, ref.params[k].shape)
            elif k.startswith('beta') or k.startswith('b'):
                ref.params[k] = 0.1 * rng.standard_normal(ref.params[k].shape)
        X = rng.standard_normal((6, kwargs['input_dim']))
        y = rng.integers(kwargs['num_classes'], size=6)
        params = {k: v.copy() for k, v in ref.params.items()}
        computed = {}

        def both(kwargs=kwargs, params=params, X=X, y=y, computed=computed, index=index):
            """(student's loss, grads in contract names, expected loss, expected grads), computed once."""
            if not computed:
                expected = _expected_net(student, kwargs, params, SEED + index).loss(X, y)
                handle, mapping = _student_net(student, kwargs, params)
                loss, grads = student.net_loss(handle, X, y)
                back = {v: k for k, v in mapping.items()}
                computed['result'] = (loss, {back.get(k, k): v for k, v in grads.items()}, *expected, mapping)
            return computed['result']

        def loss_part(kwargs=kwargs, params=params, fn=both):
            loss, _, expected_loss, _, _ = fn()
            if abs(loss - expected_loss) <= TOL_NET * max(1.0, abs(expected_loss)):
                return []
            reg = kwargs['reg']
            weights_sq = sum(np.sum(v ** 2) for k, v in params.items() if k.startswith('W'))
            others_sq = sum(np.sum(v ** 2) for k, v in params.items() if not k.startswith('W'))
            diff = loss - expected_loss
            if reg and abs(diff - 0.5 * reg * weights_sq) < 1e-6 * max(1, abs(diff)):
                return ['the regularization term lacks the factor 0.5 (the loss adds 0.5 * reg * sum(W**2))']
            if reg and abs(diff - 0.5 * reg * others_sq) < 1e-6 * max(1, abs(diff)):
                return ['the regularization term includes biases, gamma or beta; regularize the weight '
                        'matrices only']
            return ['the loss is off (relative error %.1e) from the reference net run on your own batchnorm '
                    'layer; check, in this order: the architecture {affine - batchnorm - relu} x (L-1) - affine '
                    '- softmax (no batch norm after the last affine layer, batch norm before the ReLU), '
                    'which gamma/beta each layer uses, and the 0.5 * reg * sum(W**2) term'
                    % (abs(diff) / max(1.0, abs(expected_loss)))]

        def grads_part(fn=both):
            _, grads, _, expected_grads, mapping = fn()
            problems = []
            if set(grads) != set(expected_grads):
                problems.append('grads should have exactly the keys of params (%s)'
                                % _describe_keys({mapping.get(k, k) for k in grads},
                                                 {mapping[k] for k in expected_grads}))
            for k in sorted(set(grads) & set(expected_grads)):
                # Biases right before batch norm have a true gradient of ~0: the floor keeps that from
                # turning rounding noise into a relative error.
                problem = compare('grads[%r]' % mapping[k], grads[k], expected_grads[k], TOL_NET, floor=1e-6)
                if problem:
                    problems.append(problem)
            return problems[:3]

        g.part(0.4 * weight, 'Loss ' + label, loss_part)
        g.part(0.6 * weight, 'Gradients ' + label, grads_part)

    def dropout_in_train_mode():
        # With one example, grads[W2] = h^T dscores and grads[b2] = dscores: h, the hidden layer after
        # dropout, can be read back, and compared with the ReLU's output unit by unit.
        params = _dropout_params(rng)
        x = rng.standard_normal((1, 10))
        relu = np.maximum(0, x.dot(params['W1']) + params['b1'])[0]
        active = relu > 1e-3
        handle, mapping = _student_net(student, DROPOUT_NET, params)
        student.seed_numpy(SEED + 61)  # the masks are random: seeded, so regrading draws the same ones
        kept, scales = [], []
        for _ in range(5):
            _, grads = student.net_loss(handle, x, np.array([1]))
            dW2, db2 = grads.get(mapping['W2']), grads.get(mapping['b2'])
            if dW2 is None or db2 is None or dW2.shape != (200, 3) or db2.shape != (3,) or not db2.any():
                return ['with dropout the gradients of the last layer are missing or misshapen']
            h = dW2.dot(db2) / db2.dot(db2)
            ratio = h[active] / relu[active]
            kept.append(np.abs(ratio) > 1e-6)
            scales.append(ratio[np.abs(ratio) > 1e-6])
        kept, scales = np.concatenate(kept), np.concatenate(scales)
        dropped = 1 - kept.mean()
        if dropped < 0.01:
            return ['with dropout=0.4, loss(X, y) dropped no hidden unit; in train mode apply dropout after each '
                    "ReLU (with dropout_param['mode'] = 'train')"]
        if not 0.25 <= dropped <= 0.55:
            return ['with dropout=0.4, loss(X, y) dropped %.0f%% of the hidden units; p is the probability of '
                    'dropping a unit, so about 40%% should be dropped' % (100 * dropped)]
        if not np.allclose(scales, 1 / 0.6, rtol=1e-6):
            if np.allclose(scales, 1.0, rtol=1e-6):
                return ['the units dropout keeps are not rescaled; inverted dropout divides them by (1 - p) in '
                        'train mode so that test time needs no scaling']
            return ['the units dropout keeps are scaled by %.3g; inverted dropout divides them by (1 - p) = 0.6'
                    % float(np.median(scales))]
        return []

    g.part(0.15, 'Train mode with dropout', dropout_in_train_mode)
    return g.outcome()


# ---------------------------------------------------------------- the net: test mode

def _mode_problem(bn_params):
    """Why a net's bn_params are not in test mode after loss(X), or None."""
    if all(p.get('mode') == 'test' for p in bn_params):
        return None
    if any(p.get('test') == 'test' for p in bn_params):
        return ("bn_params gained a key 'test' and still say mode 'train': `bn_param[mode] = mode` uses the "
                "variable's value as the key; write bn_param['mode'] = mode")
    return "after loss(X) without y, bn_params still say mode %r; set every bn_param['mode'] to 'test'" % (
        next(p.get('mode') for p in bn_params if p.get('mode') != 'test'),)


def fc_net_test_mode(student):
    missing = _needs(student, 'FullyConnectedNet')
    if missing:
        return missing
    rng = _rng(7)
    g = Grading()
    kwargs = dict(hidden_dims=[16, 16], input_dim=12, num_classes=5, use_batchnorm=True, weight_scale=0.2)
    params = {k: v.copy() for k, v in _reference_net(SEED + 7, dtype=np.float64, **kwargs).params.items()}
    batches = [(rng.standard_normal((20, 12)) * 2 + 1, rng.integers(5, size=20)) for _ in range(4)]
    X_test = rng.standard_normal((9, 12)) * 2 + 1
    state = {}

    def trained():
        """Trains the student's net four steps. When its train-mode loss is the reference logic's (over the
        student's own layer), the parts below compare with that logic exactly; otherwise the loss check
        charges the architecture and these parts judge test mode by its behaviour alone."""
        if not state:
            expected = _expected_net(student, kwargs, params, SEED + 7)
            try:
                handle, _ = _student_net(student, kwargs, params)
            except StudentCodeError as exc:
                if exc.kind != 'bad_return':
                    raise
                student.seed_numpy(SEED)
                handle, expected = student.net_create(dtype='float64', **kwargs), None
            for X, y in batches:
                loss, _ = student.net_loss(handle, X, y)
                if expected is not None:
                    expected_loss, _ = expected.loss(X, y)
                    if abs(loss - expected_loss) > TOL_NET * max(1.0, abs(expected_loss)):
                        expected = None
            state.update(handle=handle, running=student.net_state(handle)['bn_params'], expected=expected,
                         expected_running=[dict(p) for p in expected.bn_params] if expected is not None else None)
        return state['handle']

    def expected_scores(X, running):
        """The reference logic in test mode over the student's layer and the net's running averages as they
        are before this call: this part judges the switch to test mode, not the averages (the part above
        does). Returns (scores, the bn_params the reference logic leaves)."""
        expected = state['expected']
        if isinstance(expected, ComposedNet):
            expected.bn_params = [dict(p) for p in running]
            return expected.loss(X), expected.bn_params
        return expected.loss(X), [dict(p) for p in expected.bn_params]

    def test_call(X):
        """(student's scores, expected scores, net's bn_params after, expected bn_params after) for loss(X)."""
        handle = trained()
        before = student.net_state(handle)['bn_params']
        got = student.net_loss(handle, X)
        after = student.net_state(handle)['bn_params']
        expected, expected_after = expected_scores(X, before)
        return got, expected, after, expected_after

    def last_call_only(key, value):
        """Whether layer 1's average is what one call of the student's layer on the last batch leaves."""
        X = batches[-1][0]
        a = X.dot(params['W1']) + params['b1']
        _, fresh = student.batchnorm_forward(a, params['gamma1'], params['beta1'], {'mode': 'train'})
        once = fresh.get(key)
        return isinstance(once, np.ndarray) and once.shape == value.shape and np.allclose(once, value, rtol=1e-6)

    def running_statistics():
        trained()
        got, expected = state['running'], state['expected']
        if expected is None:
            # Behaviour alone: one dict per layer, each holding averages of its layer's width.
            problems = []
            if not got:
                return ['after training steps the net has no bn_params dicts']
            for key in ('running_mean', 'running_var'):
                values = [p.get(key) for p in got]
                if not all(isinstance(v, np.ndarray) for v in values):
                    problems.append("after training steps some layer's bn_param has no %s" % key)
                elif len(values) > 1 and all(v.shape == values[0].shape and np.array_equal(v, values[0])
                                             for v in values):
                    problems.append('after training steps, every layer holds the same %s: the layers share one '
                                    'bn_param dict; each layer needs its own' % key)
            return problems[:2]
        theirs = state['expected_running']
        if len(got) != len(theirs):
            return ['expected %d bn_params dicts, found %d' % (len(theirs), len(got))]
        problems = []
        for i, (mine, ref) in enumerate(zip(got, theirs)):
            for key in ('running_mean', 'running_var'):
                value, wanted = mine.get(key), ref.get(key)
                if not isinstance(wanted, np.ndarray):
                    # Your batchnorm_forward does not store this average (its own check charges that): the
                    # net cannot be expected to hold it either.
                    continue
                if isinstance(value, np.ndarray) and compare(key, value, wanted, TOL_NET) is None:
                    continue
                if not isinstance(value, np.ndarray):
                    problems.append("after training steps, the bn_param of layer %d has no '%s'; each layer's "
                                    'batchnorm_forward must get the same bn_param dict on every call, so its '
                                    'running averages accumulate' % (i + 1, key))
                elif len(got) > 1 and all(isinstance(p.get(key), np.ndarray) and np.array_equal(p.get(key), value)
                                          for p in got):
                    problems.append('after training steps, every layer holds the same %s: the layers share '
                                    'one bn_param dict; each layer needs its own' % key)
                elif i == 0 and last_call_only(key, value):
                    problems.append('after training steps, %s of layer 1 holds only the last batch, as if '
                                    'started afresh: bn_params are recreated on every call (inside loss?); '
                                    'create them once, in __init__' % key)
                else:
                    problems.append('after training steps, %s of layer %d is not what four calls of your '
                                    "batchnorm_forward with that layer's own bn_param give; is self.bn_params "
                                    'created once, in __init__, and does each layer get its own dict from it?'
                                    % (key, i + 1))
        return problems[:2]

    def test_time_cause(handle):
        """The likeliest reason, in the order a TA would look, that test time went wrong (after a loss(X))."""
        after = student.net_state(handle)['bn_params']
        cause = _mode_problem(after) if after else None
        if cause is None and len(after) == len(state['running']) and any(
                not isinstance(a.get(k), np.ndarray) or not isinstance(b.get(k), np.ndarray)
                or a.get(k).shape != b.get(k).shape or not np.array_equal(a.get(k), b.get(k))
                for a, b in zip(after, state['running']) for k in ('running_mean', 'running_var')
                if isinstance(b.get(k), np.ndarray)):
            cause = ('loss(X) replaced the running averages of bn_params: are the dicts recreated inside loss? '
                     'Create them once, in __init__, and only set their mode in loss')
        return cause

    def scores():
        handle = trained()
        if state['expected'] is None:
            student.net_loss(handle, X_test)
            if running_statistics():
                return ['the running averages must be right before this part counts']
            cause = test_time_cause(handle)
            return [('test mode cannot be checked against the reference here (the loss check says why); ' + cause)
                    ] if cause else []
        got, expected, _, _ = test_call(X_test)
        problem = compare('the test-time output', got, expected, TOL_NET)
        if not problem:
            return []
        return [problem + '; ' + (test_time_cause(handle) or "at test time every layer's batch norm must run in "
                                                            'test mode with its own running averages')]

    def single_example():
        handle = trained()
        if state['expected'] is None:
            got = student.net_loss(handle, X_test[:1])
            if running_statistics():
                return ['the running averages must be right before this part counts']
            together = student.net_loss(handle, X_test)
            problem = compare('the test-time scores of a single example', got, together[:1], TOL_NET)
            return [problem + ' differ from its scores within a batch: test mode must not use the batch '
                              'statistics'] if problem else []
        got, expected, _, _ = test_call(X_test[:1])
        return [compare('the test-time output for a single example', got, expected, TOL_NET)]

    def running_unchanged():
        if running_statistics():
            return ['the running averages must be right before this part counts']
        handle = trained()
        if state['expected'] is None:
            before = student.net_state(handle)['bn_params']
            student.net_loss(handle, X_test)
            after = student.net_state(handle)['bn_params']
            expected_after = kept = before
        else:
            # What the reference logic's bn_params look like after the same call: a layer that itself changes
            # them at test time is charged in its own check, not here.
            _, _, after, expected_after = test_call(X_test)
            kept = state['expected_running']
        for mine, wanted, kept_by_layer in zip(after, expected_after, kept):
            for key in ('running_mean', 'running_var'):
                if not isinstance(kept_by_layer.get(key), np.ndarray):
                    continue  # the batch-norm layer itself keeps no such average (its own check charges that)
                a, b = mine.get(key), wanted.get(key)
                if not isinstance(a, np.ndarray) or not isinstance(b, np.ndarray) or not np.array_equal(a, b):
                    return ['computing test-time scores changed the running averages; ' + (
                        test_time_cause(handle) or "test mode must not update them")]
        return []

    def dropout_at_test_time():
        params = _dropout_params(rng)
        X = rng.standard_normal((5, 10))
        try:
            handle, _ = _student_net(student, DROPOUT_NET, params)
            expected = _relu_net_scores(params, X)
        except StudentCodeError as exc:
            if exc.kind != 'bad_return':
                raise
            # Parameters that cannot be matched (charged elsewhere): only the behaviour of dropout is judged.
            handle, expected = student.net_create(dtype='float64', **DROPOUT_NET), None
        student.seed_numpy(SEED + 71)  # seeded once: a dropout left on draws two different masks below
        first, second = student.net_loss(handle, X), student.net_loss(handle, X)
        mode = student.net_state(handle)['dropout_param'].get('mode')
        if first.shape != second.shape or not np.array_equal(first, second):
            return ['with dropout=0.4, loss(X) gave different scores for the same X: dropout still runs at test '
                    "time (dropout_param['mode'] is %r after loss(X); set it to 'test')" % (mode,)]
        if expected is None:
            varies = first.ndim == 2 and first.shape[0] == 5 and np.all(np.isfinite(first)) and \
                np.any(first.std(axis=0) > 1e-12)
            return [] if varies else ['with dropout=0.4, loss(X) returned scores that do not depend on X']
        problem = compare('test-time scores with dropout=0.4', first, expected, TOL_NET)
        if problem and first.shape == (5, 3) and np.allclose(first, _relu_net_scores(
                {k: v * (0.6 if k == 'W2' else 1) for k, v in params.items()}, X)):
            return [problem + '; the hidden units are scaled by (1 - p) at test time: with inverted dropout '
                              'test time is the identity']
        return [problem + '; at test time dropout must be the identity'] if problem else []

    g.part(0.25, 'Running averages of each layer', running_statistics)
    g.part(0.3, 'Test-time scores', scores)
    g.part(0.1, 'Test-time scores of one example', single_example)
    g.part(0.1, 'Test time changes nothing', running_unchanged)
    g.part(0.25, 'Test time with dropout', dropout_at_test_time)
    return g.outcome()


# ---------------------------------------------------------------- the net: training

# The training check judges the net, not the layer inside it: when the reference net's logic over the
# student's own batch norm trains worse than full credit, the student's net is compared with that instead.
# Full credit within CARRIED_FULL of its accuracy, none below CARRIED_NONE (one run's standard deviation is
# about 0.025; the band is as wide as the absolute one).
CARRIED_FULL = 0.10
CARRIED_NONE = 0.25


def _composed_training_accuracy(student, task, seed):
    """Held-out accuracy of the reference net's logic over the student's batch norm, trained here with the
    check's task and seed (the student's layer runs on the student's side); None when it cannot run."""
    from cs231n.solver import Solver
    kwargs = task.net_kwargs
    shapes = contract_shapes(kwargs['hidden_dims'], kwargs['input_dim'], kwargs['num_classes'], True)
    np.random.seed(seed)
    params = {k: np.ones(v) if k.startswith('gamma') else np.zeros(v) for k, v in shapes.items()}
    for i in range(1, len(kwargs['hidden_dims']) + 2):
        params['W%d' % i] = kwargs['weight_scale'] * np.random.randn(*shapes['W%d' % i])
    net = ComposedNet(student, params, len(kwargs['hidden_dims']) + 1, True, kwargs.get('reg', 0.0))
    try:
        Solver(net, dict(task.train_data), verbose=False, **task.solver_kwargs).train()
        scores = net.loss(task.X_eval)
    except (StudentCodeError, FloatingPointError, ValueError):
        return None
    if scores.shape != (task.X_eval.shape[0], task.num_classes) or not np.all(np.isfinite(scores)):
        return None
    return float(np.mean(np.argmax(scores, axis=1) == task.y_eval))


def _net_is_reference_logic(student):
    """Whether the student's net computes what the reference logic over the student's own layer computes
    (train-mode loss and gradients of a small batch-norm net): then a training shortfall is the layer's."""
    rng = _rng(9)
    kwargs = dict(hidden_dims=[20, 20], input_dim=15, num_classes=10, use_batchnorm=True, reg=0.0,
                  weight_scale=5e-2)
    params = {k: v.copy() for k, v in _reference_net(SEED + 9, dtype=np.float64, **kwargs).params.items()}
    X, y = rng.standard_normal((8, 15)), rng.integers(10, size=8)
    try:
        expected = _expected_net(student, kwargs, params, SEED + 9)
        if not isinstance(expected, ComposedNet):
            return False
        expected_loss, expected_grads = expected.loss(X, y)
        handle, mapping = _student_net(student, kwargs, params)
        loss, grads = student.net_loss(handle, X, y)
    except StudentCodeError:
        return False
    if abs(loss - expected_loss) > TOL_NET * max(1.0, abs(expected_loss)):
        return False
    return all(mapping[k] in grads and compare(k, grads[mapping[k]], v, TOL_NET, floor=1e-6) is None
               for k, v in expected_grads.items())


def fc_net_training(student):
    missing = _needs(student, 'FullyConnectedNet')
    if missing:
        return missing
    task = datasets.training_task()
    accuracy, problems = None, []
    # The better of two seeded runs: one unlucky initialization must not cost a correct net its points.
    for seed in datasets.TRAINING_SEEDS:
        try:
            student.seed_numpy(seed)
            scores = student.train_and_predict(task.net_kwargs, task.train_data, task.solver_kwargs, task.X_eval)
        except StudentCodeError as exc:
            problems.append('training a batch-norm net failed: ' + explain(exc))
            break
        if scores.shape != (task.X_eval.shape[0], task.num_classes) or not np.all(np.isfinite(scores)):
            problems.append('after training, loss(X) returned scores of shape %s%s; expected (N, %d) finite '
                            'numbers' % (scores.shape, '' if np.all(np.isfinite(scores)) else ' with NaN/inf',
                                         task.num_classes))
            break
        run_accuracy = float(np.mean(np.argmax(scores, axis=1) == task.y_eval))
        accuracy = run_accuracy if accuracy is None else max(accuracy, run_accuracy)
        if accuracy >= task.full_credit_accuracy:
            return Outcome(1.0, [])
    if accuracy is None:
        if problems and student.has('batchnorm_backward') and _net_is_reference_logic(student):
            with np.errstate(all='ignore'):
                layer_fails = all(_composed_training_accuracy(student, task, seed) is None
                                  for seed in datasets.TRAINING_SEEDS[:1])
            if layer_fails:
                # The reference net fails the same way around this layer: the layer's checks charge it.
                return Outcome(1.0, [])
        return Outcome(0.0, problems)
    fraction = (accuracy - task.no_credit_accuracy) / (task.full_credit_accuracy - task.no_credit_accuracy)
    fraction = float(np.clip(fraction, 0.0, 1.0))
    message = ('a deep net with batch norm reached %.1f%% held-out accuracy at best; a correct implementation '
               'reaches at least %.1f%% (full credit), and partial credit starts above %.1f%%'
               % (100 * accuracy, 100 * task.full_credit_accuracy, 100 * task.no_credit_accuracy))
    composed = None
    if student.has('batchnorm_forward') and student.has('batchnorm_backward') and _net_is_reference_logic(student):
        with np.errstate(all='ignore'):
            runs = [_composed_training_accuracy(student, task, seed) for seed in datasets.TRAINING_SEEDS]
        runs = [r for r in runs if r is not None]
        composed = max(runs) if runs else None
    if composed is not None and composed < task.full_credit_accuracy:
        carried = float(np.clip((accuracy - (composed - CARRIED_NONE)) / (CARRIED_NONE - CARRIED_FULL), 0.0, 1.0))
        if carried > fraction:
            fraction = carried
            message += ('. The reference net built on your own batch-norm layer reaches %.1f%% on this task, so '
                        'your layer (see its checks) holds the accuracy back; your net is judged against that '
                        % (100 * composed)) + ('and loses nothing' if carried >= 1 else 'and still trains worse')
    return Outcome(fraction, problems + ([message] if fraction < 1 else []))


# Each check is the function named after its registry entry, so the registry's list is the only list.
CHECK_FUNCTIONS = {spec.name: globals()[spec.name] for spec in registry.CHECKS}


def run_check(name, student):
    """Run one check by registry name; an unexpected error in the check itself is not the student's fault
    and propagates."""
    return CHECK_FUNCTIONS[name](student)
