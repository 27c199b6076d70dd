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

from autograder import datasets
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
        return [compare('the output ' + what, out, expected, tol)]

    D = 10
    x = rng.standard_normal((64, D)) * rng.uniform(0.5, 20, D) + rng.uniform(-10, 10, D)
    gamma, beta = rng.uniform(0.5, 2, D), rng.standard_normal(D)
    tiny = rng.standard_normal((32, 8)) * 1e-3  # variance 1e-6, below eps: eps decides the result
    x32 = (rng.standard_normal((48, 6)) * 3 + 1).astype(np.float32)

    g.part(0.2, 'Statistics with gamma=1, beta=0', statistics, np.ones(3), np.zeros(3))
    g.part(0.2, 'Statistics with other gamma and beta', statistics, np.array([1.0, 2.0, 3.0]),
           np.array([11.0, 12.0, 13.0]))
    g.part(0.2, 'Output on ordinary inputs', agreement, 'on ordinary inputs', x, gamma, beta,
           {'mode': 'train'}, TOL_FLOAT64)
    g.part(0.15, 'Output on features with tiny variance', agreement,
           'on features whose variance is smaller than eps (is eps added to the variance before the '
           'square root?)', tiny, np.ones(8), np.zeros(8), {'mode': 'train'}, TOL_FLOAT64)
    g.part(0.1, "Output with bn_param['eps'] set", agreement,
           "when bn_param sets 'eps' (read it from bn_param, default 1e-5)", x, gamma, beta,
           {'mode': 'train', 'eps': 0.5 * x.var(axis=0).min()}, TOL_FLOAT64)
    g.part(0.15, 'Output for float32 inputs', agreement, 'for float32 inputs', x32,
           np.full(6, 1.5, np.float32), np.full(6, -0.5, np.float32), {'mode': 'train'}, TOL_FLOAT32)
    return g.outcome()


# ---------------------------------------------------------------- running averages and test mode

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
        _, after = student.batchnorm_forward(x, np.ones(D), np.zeros(D), bn_param)
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
            if compare(key, got, expected[key], TOL_FLOAT64) is None:
                continue
            if got.shape == start.shape and np.allclose(got, start):
                problems.append("bn_param['%s'] was not updated; store the new running average back "
                                "into bn_param" % key)
            elif got.shape == start.shape and np.allclose(got, 0.25 * start + 0.75 * batch):
                problems.append("%s: momentum and (1 - momentum) are swapped; the running average keeps "
                                "momentum times its old value" % key)
            elif key == 'running_var' and got.shape == start.shape and np.allclose(
                    got, 0.75 * start + 0.25 * x.var(axis=0, ddof=1)):
                problems.append('running_var is averaged from the unbiased (N-1) variance; use ddof=0')
            else:
                problems.append("%s does not follow running = momentum * running + (1 - momentum) * "
                                "batch statistic" % key)
        return problems

    def defaults():
        x = (rng.standard_normal((30, D)) + 2.0).astype(np.float32)
        _, after = student.batchnorm_forward(x, np.ones(D, np.float32), np.zeros(D, np.float32),
                                             {'mode': 'train'})
        mean = after.get('running_mean')
        if not isinstance(mean, np.ndarray):
            return ["bn_param['running_mean'] is missing when bn_param starts without it (start from zeros)"]
        return [compare("running_mean when bn_param starts without running averages (zeros, momentum 0.9)",
                        mean, 0.1 * x.astype(np.float64).mean(axis=0), TOL_FLOAT32)]

    def dtype():
        x = rng.standard_normal((30, D)).astype(np.float32)
        _, after = student.batchnorm_forward(x, np.ones(D, np.float32), np.zeros(D, np.float32),
                                             {'mode': 'train'})
        problems = []
        for key in ('running_mean', 'running_var'):
            value = after.get(key)
            if not isinstance(value, np.ndarray):
                problems.append("bn_param['%s'] is missing after a train-mode call" % key)
            elif value.dtype != np.float32:
                problems.append('%s is %s for float32 inputs; api.md asks for the dtype of x' % (key, value.dtype))
        return problems

    running_mean = rng.standard_normal(D)
    running_var = np.concatenate([rng.uniform(0.5, 3, D - 3), [1e-6, 3e-6, 2e-5]])  # eps matters for the last three
    x_test = rng.standard_normal((25, D)) * 2 + 1
    gamma, beta = rng.uniform(0.5, 2, D), rng.standard_normal(D)

    def test_mode(eps):
        bn_param = {'mode': 'test', 'running_mean': running_mean.copy(), 'running_var': running_var.copy()}
        if eps is not None:
            bn_param['eps'] = eps
        out, after = student.batchnorm_forward(x_test, gamma, beta, bn_param)
        expected, _ = reference.batchnorm_forward(x_test, gamma, beta, dict(bn_param))
        problem = compare('the test-mode output', out, expected, TOL_FLOAT64)
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

    g.part(0.35, 'Running averages after a train-mode call', running_update)
    g.part(0.1, 'Running averages that start absent', defaults)
    g.part(0.05, 'Running averages keep the dtype of x', dtype)
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
            return Outcome(0.5, ['an invalid mode raised %s; api.md asks for ValueError' % exc.exc_type])
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


def batchnorm_backward(student):
    missing = _needs(student, 'batchnorm_forward', 'batchnorm_backward')
    if missing:
        return missing
    rng = _rng(4)
    g = Grading()
    names = ('dx', 'dgamma', 'dbeta')
    weights = (0.5, 0.25, 0.25)
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
            out, _ = student.batchnorm_forward(x, gamma, beta, {'mode': 'train'})
            expected_out, cache = reference.batchnorm_forward(x, gamma, beta, {'mode': 'train'})
            forward_ok = compare('out', out, expected_out, TOL_FLOAT64) is None
            results[i] = (grads, forward_ok, reference.batchnorm_backward(dout, cache))
        return results[i]

    numeric = {}

    def against_numeric(k):
        grads, _, _ = run(0)
        if 0 not in numeric:
            x, gamma, beta, dout = cases[0]
            numeric[0] = _numeric_gradients(student, x, gamma, beta, dout)
        problem = compare('%s (against a numeric gradient of your own batchnorm_forward)' % names[k],
                          grads[k], numeric[0][k], TOL_NUMERIC)
        return [problem + hints[names[k]]] if problem else []

    def against_reference(k):
        problems = []
        for i in range(len(cases)):
            grads, forward_ok, expected = run(i)
            if not forward_ok:
                # A wrong forward costs points in the forward checks; here the backward is judged only
                # by whether it is the derivative of the student's own forward.
                continue
            problem = compare(names[k], grads[k], expected[k], TOL_FLOAT64)
            if problem:
                problems.append(problem + hints[names[k]])
                break
        return problems

    for k, (name, weight) in enumerate(zip(names, weights)):
        g.part(0.6 * weight, '%s against the expected gradient' % name, against_reference, k)
        g.part(0.4 * weight, '%s against a numeric gradient' % name, against_numeric, k)
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
        got = set(state('bn', **bn_kwargs)['params'])
        if got != set(shapes):
            return ['with use_batchnorm=True and two hidden layers, params should hold W1..W3, b1..b3, '
                    'gamma1, gamma2, beta1, beta2 (%s)' % _describe_keys(got, set(shapes))]
        return []

    def shape_of_params():
        params = state('bn', **bn_kwargs)['params']
        return ['%s has shape %s, expected %s' % (k, np.shape(params[k]), v)
                for k, v in shapes.items() if k in params and np.shape(params[k]) != v]

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
        problems = []
        for k in ('W1', 'W2', 'W3'):
            if k not in params:
                return ['%s is missing' % k]
            w = np.asarray(params[k], dtype=np.float64)
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
            return ['bn_params should be a list with one dict per batch-normalized layer (2 here), found %d'
                    % len(bn)]
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
            return ["with dropout=0.25 and seed=3, dropout_param should be {'mode': 'train', 'p': 0.25, "
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


# ---------------------------------------------------------------- the net: loss and gradients

def _reference_net(seed, **kwargs):
    np.random.seed(seed)
    return ReferenceNet(**kwargs)


def fc_net_loss_and_gradients(student):
    missing = _needs(student, 'FullyConnectedNet')
    if missing:
        return missing
    rng = _rng(6)
    g = Grading()
    cases = [
        ('with batch norm, reg=0', dict(hidden_dims=[20, 30], input_dim=15, num_classes=10,
                                        use_batchnorm=True, reg=0.0, weight_scale=5e-2), 0.4),
        ('with batch norm, reg=3.14', dict(hidden_dims=[20, 30], input_dim=15, num_classes=10,
                                           use_batchnorm=True, reg=3.14, weight_scale=5e-2), 0.35),
        ('without batch norm, reg=0.7', dict(hidden_dims=[12, 9], input_dim=8, num_classes=5,
                                             use_batchnorm=False, reg=0.7, weight_scale=0.3), 0.25),
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
        expected_loss, expected_grads = ref.loss(X, y)
        computed = {}

        def student_loss_and_grads(kwargs=kwargs, params=params, X=X, y=y, computed=computed):
            if not computed:
                handle = student.net_create(dtype='float64', **kwargs)
                got_keys = set(student.net_state(handle)['params'])
                if got_keys != set(params):
                    raise StudentCodeError('the net\'s params keys differ from api.md (%s)'
                                           % _describe_keys(got_keys, set(params)), kind='bad_return')
                student.net_set_params(handle, params)
                computed['result'] = student.net_loss(handle, X, y)
            return computed['result']

        def loss_part(kwargs=kwargs, params=params, expected_loss=expected_loss, fn=student_loss_and_grads):
            loss, _ = fn()
            if abs(loss - expected_loss) <= TOL_NET * max(1.0, abs(expected_loss)):
                return []
            reg = kwargs['reg']
            weights_sq = sum(np.sum(v ** 2) for k, v in params.items() if k.startswith('W'))
            others_sq = sum(np.sum(v ** 2) for k, v in params.items() if not k.startswith('W'))
            diff = loss - expected_loss
            if reg and abs(diff - 0.5 * reg * weights_sq) < 1e-6 * max(1, abs(diff)):
                return ['the regularization term lacks the factor 0.5 (api.md: 0.5 * reg * sum(W**2))']
            if reg and abs(diff - 0.5 * reg * others_sq) < 1e-6 * max(1, abs(diff)):
                return ['the regularization term includes biases, gamma or beta; regularize the weight '
                        'matrices only']
            return ['the loss is off (relative error %.1e); check the architecture {affine - batchnorm - '
                    'relu} x (L-1) - affine - softmax and the 0.5 * reg * sum(W**2) term'
                    % (abs(diff) / max(1.0, abs(expected_loss)))]

        def grads_part(expected_grads=expected_grads, fn=student_loss_and_grads):
            _, grads = fn()
            problems = []
            if set(grads) != set(expected_grads):
                problems.append('grads should have exactly the keys of params (%s)'
                                % _describe_keys(set(grads), set(expected_grads)))
            for k in sorted(set(grads) & set(expected_grads)):
                # Biases right before batch norm have a true gradient of ~0: the floor keeps that from
                # turning rounding noise into a relative error.
                problem = compare('grads[%r]' % k, grads[k], expected_grads[k], TOL_NET, floor=1e-6)
                if problem:
                    problems.append(problem)
            return problems

        g.part(0.4 * weight, 'Loss ' + label, loss_part)
        g.part(0.6 * weight, 'Gradients ' + label, grads_part)
    return g.outcome()


# ---------------------------------------------------------------- the net: test mode

def fc_net_test_mode(student):
    missing = _needs(student, 'FullyConnectedNet')
    if missing:
        return missing
    rng = _rng(7)
    g = Grading()
    kwargs = dict(hidden_dims=[16, 16], input_dim=12, num_classes=5, use_batchnorm=True, weight_scale=0.2)
    ref = _reference_net(SEED + 7, dtype=np.float64, **kwargs)
    batches = [(rng.standard_normal((20, 12)) * 2 + 1, rng.integers(5, size=20)) for _ in range(4)]
    X_test = rng.standard_normal((9, 12)) * 2 + 1
    state = {}

    def trained():
        if not state:
            handle = student.net_create(dtype='float64', **kwargs)
            student.net_set_params(handle, {k: v.copy() for k, v in ref.params.items()})
            for X, y in batches:
                student.net_loss(handle, X, y)
                ref.loss(X, y)
            state['handle'] = handle
            state['running'] = student.net_state(handle)['bn_params']
        return state['handle']

    def running_statistics():
        trained()
        got = state['running']
        if len(got) != len(ref.bn_params):
            return ['expected %d bn_params dicts, found %d' % (len(ref.bn_params), len(got))]
        problems = []
        for i, (mine, theirs) in enumerate(zip(got, ref.bn_params)):
            for key in ('running_mean', 'running_var'):
                value = mine.get(key)
                if not isinstance(value, np.ndarray) or compare(key, value, theirs[key], TOL_NET) is not None:
                    problems.append('after training steps, %s of layer %d is not what that layer\'s batch '
                                    'statistics give; each layer needs its own bn_param dict' % (key, i + 1))
        return problems[:2]

    def scores():
        handle = trained()
        got = student.net_loss(handle, X_test)
        expected = ref.loss(X_test)
        problem = compare('test-time scores', got, expected, TOL_NET)
        if problem:
            return [problem + "; loss(X) without y must set every bn_param['mode'] to 'test' so that batch "
                              'norm uses the running averages']
        return []

    def single_example():
        handle = trained()
        got = student.net_loss(handle, X_test[:1])
        return [compare('the test-time scores of a single example', got, ref.loss(X_test[:1]), TOL_NET)]

    def running_unchanged():
        if running_statistics():
            return ['the running averages must be right before this part counts']
        handle = trained()
        student.net_loss(handle, X_test)
        after = student.net_state(handle)['bn_params']
        for mine, before in zip(after, state['running']):
            for key in ('running_mean', 'running_var'):
                a, b = mine.get(key), before.get(key)
                if not isinstance(a, np.ndarray) or not isinstance(b, np.ndarray) or not np.array_equal(a, b):
                    return ['computing test-time scores changed the running averages']
        return []

    g.part(0.3, 'Running averages of each layer', running_statistics)
    g.part(0.4, 'Test-time scores', scores)
    g.part(0.15, 'Test-time scores of one example', single_example)
    g.part(0.15, 'Test time changes nothing', running_unchanged)
    return g.outcome()


# ---------------------------------------------------------------- the net: training

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
        return Outcome(0.0, problems)
    fraction = (accuracy - task.no_credit_accuracy) / (task.full_credit_accuracy - task.no_credit_accuracy)
    return Outcome(float(np.clip(fraction, 0.0, 1.0)), problems + [
        'a deep net with batch norm reached %.1f%% held-out accuracy at best; a correct implementation reaches '
        'at least %.1f%% (full credit), and partial credit starts above %.1f%%'
        % (100 * accuracy, 100 * task.full_credit_accuracy, 100 * task.no_credit_accuracy)])


CHECK_FUNCTIONS = {
    'batchnorm_forward_train': batchnorm_forward_train,
    'batchnorm_running_stats_test_mode': batchnorm_running_stats_test_mode,
    'batchnorm_invalid_mode': batchnorm_invalid_mode,
    'batchnorm_backward': batchnorm_backward,
    'fc_net_init': fc_net_init,
    'fc_net_loss_and_gradients': fc_net_loss_and_gradients,
    'fc_net_test_mode': fc_net_test_mode,
    'fc_net_training': fc_net_training,
}


def run_check(name, student):
    """Run one check by registry name; an unexpected error in the check itself is not the student's fault
    and propagates."""
    return CHECK_FUNCTIONS[name](student)
