"""The batch-norm layer: forward in train and test mode, an invalid mode, the backward (the engine's grid,
``autograder.grading.backward_grid``, on this layer)."""
import numpy as np

from autograder.assignments.BatchNormalization.settings import hidden_rng, seedlike_activations
from autograder.grading.tolerances import TOL_FLOAT32, TOL_FLOAT64
from autograder.grading.backward_grid import Layer, backward_outcome
from autograder.grading.checking import Grading, check, compare, explain, rel_err
from autograder.grading.outcome import Outcome
from autograder.grading.own_normalization import affine_fit
from autograder.sandbox.student_api import StudentCodeError
from solutions.BatchNormalization import layers as reference

# ---------------------------------------------------------------- batchnorm forward, train mode

class TrainModeForwardCheck:
    """The parts of the train-mode forward check, each a method that returns its problems (empty = pass).

    The hidden inputs are drawn in ``__init__``, and the statistics parts draw their own batch as they run:
    the draws of ``hidden_rng(1)`` are the check's hidden inputs, so their order must not change.
    """

    def __init__(self, student):
        self.student = student
        self.rng = rng = hidden_rng(1)
        self.D = D = 10
        self.x = rng.standard_normal((64, D)) * rng.uniform(0.5, 20, D) + rng.uniform(-10, 10, D)
        self.gamma, self.beta = rng.uniform(0.5, 2, D), rng.standard_normal(D)
        self.tiny = rng.standard_normal((32, 8)) * 1e-3  # variance 1e-6, below eps: eps decides the result
        self.x32 = (rng.standard_normal((48, 6)) * 3 + 1).astype(np.float32)

    def statistics(self, gamma, beta):
        """The per-feature mean and standard deviation of the output, on a fresh batch: they must be beta and
        gamma whatever the reference says, so a ddof=1 variance or the wrong axis is named here."""
        x = seedlike_activations(self.rng, N=200)
        out, _ = self.student.batchnorm_forward(x, gamma, beta, {'mode': 'train'})
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

    def agreement(self, what, x, gamma, beta, bn_param, tol):
        """The output against the reference's, computed in float64, on one kind of input ``what`` names."""
        out, _ = self.student.batchnorm_forward(x, gamma, beta, dict(bn_param))
        expected, _ = reference.batchnorm_forward(x.astype(np.float64), gamma.astype(np.float64),
                                                  beta.astype(np.float64), dict(bn_param))
        problem = compare('the output ' + what, out, expected, tol)
        # Said of a float32 result only: a float64 output that is merely close (another eps default) is not that.
        if (problem and x.dtype == np.float64 and out.dtype != np.float64
                and compare('out', out, expected, TOL_FLOAT32) is None):
            problem += ('; it agrees only to float32 precision: compute in the dtype of x (a cast to float32 '
                        'loses half the digits)')
        return [problem]

    def own_output(self):
        """The student's train-mode output on x from a fresh bn_param, when it depends on x at all."""
        out, _ = self.student.batchnorm_forward(self.x, self.gamma, self.beta, {'mode': 'train'})
        if out.shape != self.x.shape or not np.all(np.isfinite(out)) or np.all(out.std(axis=0) < 1e-12):
            return None
        return out

    def existing_running_statistics(self):
        """Train mode once bn_param already holds running averages: a layer in a net is called in train mode
        again and again, and must still normalize with the batch's own statistics. Judged against this
        forward's own output from a fresh bn_param, so a wrong normalization is charged once, in the parts
        above."""
        x, gamma, beta = self.x, self.gamma, self.beta
        own = self.own_output()
        if own is None:
            return ['the train-mode output must depend on x before this part counts']
        bn_param = {'mode': 'train', 'running_mean': x.mean(axis=0) + 5 * x.std(axis=0),
                    'running_var': 4 * x.var(axis=0)}
        out, _ = self.student.batchnorm_forward(x, gamma, beta, dict(bn_param))
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

    def inputs_unchanged(self):
        """x, gamma and beta after a call in either mode: the caller still needs them, so an in-place
        `x -= mean` is charged. Only for an output that depends on x, as a function that ignores its inputs
        trivially leaves them alone."""
        if self.own_output() is None:
            return ['the train-mode output must depend on x before this part counts']
        problems = []
        for mode in ('train', 'test'):
            bn_param = {'mode': mode, 'running_mean': np.zeros(self.D), 'running_var': np.ones(self.D)}
            self.student.batchnorm_forward(self.x, self.gamma, self.beta, bn_param)
            changed = self.student.changed_inputs()
            if changed:
                problems.append('in %s mode batchnorm_forward modified its input %s in place (for example '
                                '`x -= mean`); compute into new arrays (`xc = x - mean`): the caller still '
                                'needs %s' % (mode, ' and '.join(changed), ' and '.join(changed)))
        return problems[:1]


@check('Batchnorm forward, train mode: normalized statistics and output',
       points=10, needs=('batchnorm_forward',), short='forward', column='fwd')
def batchnorm_forward_train(student):
    parts = TrainModeForwardCheck(student)
    x, gamma, beta = parts.x, parts.gamma, parts.beta
    g = Grading()
    g.part(0.15, 'Statistics with gamma=1, beta=0', parts.statistics, np.ones(3), np.zeros(3))
    g.part(0.15, 'Statistics with other gamma and beta', parts.statistics, np.array([1.0, 2.0, 3.0]),
           np.array([11.0, 12.0, 13.0]))
    g.part(0.2, 'Output on ordinary inputs', parts.agreement, 'on ordinary inputs', x, gamma, beta,
           {'mode': 'train'}, TOL_FLOAT64)
    g.part(0.1, 'Output on features with tiny variance', parts.agreement,
           'on features whose variance is smaller than eps (is eps added to the variance before the '
           'square root?)', parts.tiny, np.ones(8), np.zeros(8), {'mode': 'train'}, TOL_FLOAT64)
    g.part(0.1, "Output with bn_param['eps'] set", parts.agreement,
           "when bn_param sets 'eps' (read it from bn_param, default 1e-5)", x, gamma, beta,
           {'mode': 'train', 'eps': 0.5 * x.var(axis=0).min()}, TOL_FLOAT64)
    g.part(0.1, 'Output for float32 inputs', parts.agreement, 'for float32 inputs', parts.x32,
           np.full(6, 1.5, np.float32), np.full(6, -0.5, np.float32), {'mode': 'train'}, TOL_FLOAT32)
    g.part(0.1, 'Train mode when running averages already exist', parts.existing_running_statistics)
    g.part(0.1, 'x, gamma and beta are left unchanged', parts.inputs_unchanged)
    return g.outcome()


# ---------------------------------------------------------------- running averages and test mode

def _own_statistics(x, out, eps=1e-5, tol=1e-9):
    """(mean, variance) per feature that a train-mode forward with gamma=1, beta=0 normalized x with, or None
    when out is not such a normalization of x (then the forward's own check says what is wrong)."""
    fit = affine_fit(x, out, axis=0, tol=tol)
    return None if fit is None else (fit[0][0], 1.0 / fit[1][0] ** 2 - eps)


class RunningStatisticsCheck:
    """The parts of the running-averages and test-mode check, each a method that returns its problems.

    The test-mode inputs are drawn in ``__init__``, and the running-average parts draw their own batch as
    they run: the draws of ``hidden_rng(2)`` are the check's hidden inputs, so their order must not change.
    """

    def __init__(self, student):
        self.student = student
        self.rng = rng = hidden_rng(2)
        self.D = D = 7
        self.running_mean = rng.standard_normal(D)
        # eps matters for the last three
        self.running_var = np.concatenate([rng.uniform(0.5, 3, D - 3), [1e-6, 3e-6, 2e-5]])
        self.x_test = rng.standard_normal((25, D)) * 2 + 1
        self.gamma, self.beta = rng.uniform(0.5, 2, D), rng.standard_normal(D)

    def running_update(self):
        """The running averages after one train-mode call with momentum 0.75, named when not written back or
        with momentum and (1 - momentum) swapped."""
        D, rng = self.D, self.rng
        x = rng.standard_normal((40, D)) * rng.uniform(1, 4, D) + rng.uniform(-3, 3, D)
        start_mean, start_var = rng.standard_normal(D), rng.uniform(0.5, 2, D)
        bn_param = {'mode': 'train', 'momentum': 0.75,
                    'running_mean': start_mean.copy(), 'running_var': start_var.copy()}
        out, after = self.student.batchnorm_forward(x, np.ones(D), np.zeros(D), bn_param)
        own_mean, own_var = _own_statistics(x, out) or (None, None)
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
            elif got.shape == start.shape and own_var is not None and np.allclose(
                    got, 0.75 * start + 0.25 * (own_var if key == 'running_var' else own_mean), rtol=1e-6):
                # Averaged from the statistic this forward normalizes with: a wrong one is charged once, in the
                # train-mode check.
                continue
            else:
                problems.append("%s does not follow running = momentum * running + (1 - momentum) * "
                                "batch statistic" % key)
        return problems

    def defaults(self):
        """The running averages when bn_param starts without them: from zeros, with momentum 0.9."""
        D = self.D
        x = (self.rng.standard_normal((30, D)) + 2.0).astype(np.float32)
        # eps given (a wrong default is the train-mode check's); momentum and the averages left to their defaults
        out, after = self.student.batchnorm_forward(x, np.ones(D, np.float32), np.zeros(D, np.float32),
                                                    {'mode': 'train', 'eps': 1e-5})
        x64 = x.astype(np.float64)
        # The statistics the forward itself normalized with count too (wrong ones are charged in their own check).
        own_mean, own_var = _own_statistics(x64, out.astype(np.float64), tol=1e-5) or (None, None)
        problems = []
        for key, batches in (('running_mean', [x64.mean(axis=0)] + ([own_mean] if own_mean is not None else [])),
                             ('running_var', [x64.var(axis=0)] + ([own_var] if own_var is not None else []))):
            value = after.get(key)
            if not isinstance(value, np.ndarray):
                problems.append("bn_param['%s'] is missing when bn_param starts without it (start from zeros)"
                                % key)
                continue
            value = value.reshape(D) if value.size == D else value
            if any(compare(key, value, 0.1 * batch, TOL_FLOAT32) is None for batch in batches):
                continue
            batch = batches[-1]
            if value.shape == (D,) and np.allclose(value, 0.9 + 0.1 * batch, rtol=1e-4):
                problems.append('%s starts from ones when bn_param has none; it starts from zeros' % key)
            elif value.shape == (D,) and np.allclose(value, batch, rtol=1e-4):
                problems.append('%s is set to the batch statistic when bn_param has none; it starts from '
                                'zeros and then follows the momentum update' % key)
            else:
                problems.append('%s, when bn_param starts without running averages, is not what zeros and '
                                'momentum 0.9 give' % key)
        return problems

    def shape_and_dtype(self):
        """The running averages' shape (D,) and the dtype of x: the two parts above forgive a (1, D) shape so
        that it costs only this one."""
        D = self.D
        x = self.rng.standard_normal((30, D)).astype(np.float32)
        _, after = self.student.batchnorm_forward(x, np.ones(D, np.float32), np.zeros(D, np.float32),
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

    def train_mode_scale(self, eps):
        """What the student's train mode divides each centred feature by when the batch's own statistics are
        the running averages (two rows, mean -/+ sqrt(running_var)); None when its output is not of that form."""
        D = self.D
        spread = np.sqrt(self.running_var)
        probe = np.vstack([self.running_mean - spread, self.running_mean + spread])
        out, _ = self.student.batchnorm_forward(probe, np.ones(D), np.zeros(D), {'mode': 'train', 'eps': eps})
        if out.shape != probe.shape or not np.all(np.isfinite(out)) or np.any(out[1] <= 0):
            return None
        return spread / np.asarray(out[1], dtype=np.float64)

    def test_mode(self, eps):
        """The test-mode output with the given eps, against the reference: normalizing with the batch's
        statistics is named. eps is always given: a wrong default is the train-mode check's to charge, once."""
        x_test, gamma, beta, running_mean = self.x_test, self.gamma, self.beta, self.running_mean
        bn_param = {'mode': 'test', 'running_mean': running_mean.copy(), 'running_var': self.running_var.copy(),
                    'eps': eps}
        out, after = self.student.batchnorm_forward(x_test, gamma, beta, bn_param)
        expected, _ = reference.batchnorm_forward(x_test, gamma, beta, dict(bn_param))
        tol = TOL_FLOAT32 if out.dtype == np.float32 else TOL_FLOAT64
        problem = compare('the test-mode output', out, expected, tol)
        if problem and out.shape == x_test.shape:
            scale = self.train_mode_scale(eps)
            if scale is not None and compare('out', out, gamma * (x_test - running_mean) / scale + beta, tol) is None:
                # Test mode normalizes exactly as this train mode does (eps outside the root, or ignored, in
                # both): the train-mode check charges that once.
                return []
            batch_stats, _ = reference.batchnorm_forward(x_test, gamma, beta, {'mode': 'train'})
            if rel_err(out, batch_stats) < 1e-6:
                problem = ('test mode normalizes with the batch statistics; it must use '
                           "bn_param['running_mean'] and bn_param['running_var']")
            else:
                problem += ' (test mode computes (x - running_mean) / sqrt(running_var + eps))'
        return [problem]

    def reads_running_averages(self):
        """Whether test mode's output depends on the running averages it is given."""
        outputs = []
        for shift in (0.0, 1.0):
            bn_param = {'mode': 'test', 'running_mean': self.running_mean + shift,
                        'running_var': self.running_var.copy()}
            outputs.append(self.student.batchnorm_forward(self.x_test, self.gamma, self.beta, bn_param)[0])
        return outputs[0].shape != outputs[1].shape or not np.allclose(outputs[0], outputs[1])

    def test_mode_keeps_running_averages(self):
        """The running averages after a test-mode call: nothing is updated at test time. Only meaningful for a
        test mode that reads them, as one that ignores them trivially "changes nothing"; a test mode that
        reads them but computes a wrong output keeps this part."""
        if not self.reads_running_averages():
            return ['test mode must normalize with the running averages before this part counts']
        bn_param = {'mode': 'test', 'running_mean': self.running_mean.copy(), 'running_var': self.running_var.copy()}
        _, after = self.student.batchnorm_forward(self.x_test, self.gamma, self.beta, bn_param)
        for key, before in (('running_mean', self.running_mean), ('running_var', self.running_var)):
            value = after.get(key)
            if not isinstance(value, np.ndarray) or value.shape != before.shape or not np.allclose(value, before):
                return ['test mode changed %s; nothing is updated at test time' % key]
        return []


@check('Batchnorm forward: running averages and test mode',
       points=8, needs=('batchnorm_forward',), short='running stats', column='stats')
def batchnorm_running_stats_test_mode(student):
    parts = RunningStatisticsCheck(student)
    g = Grading()
    g.part(0.3, 'Running averages after a train-mode call', parts.running_update)
    g.part(0.1, 'Running averages that start absent', parts.defaults)
    g.part(0.1, 'Running averages have shape (D,) and the dtype of x', parts.shape_and_dtype)
    g.part(0.25, 'Test-mode output', parts.test_mode, 1e-5)
    g.part(0.15, "Test-mode output with bn_param['eps'] set", parts.test_mode, 0.25)
    g.part(0.1, 'Test mode leaves the running averages alone', parts.test_mode_keeps_running_averages)
    return g.outcome()


# ---------------------------------------------------------------- invalid mode

@check('Batchnorm forward: an invalid mode raises ValueError',
       points=2, needs=('batchnorm_forward',), short='invalid mode', column='mode')
def batchnorm_invalid_mode(student):
    rng = hidden_rng(3)
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

# eps is given: a forward whose own default is wrong (charged in the forward check) must not reach the backward.
NORMALIZATION_LAYER = Layer('batchnorm_forward', 'batchnorm_backward', ('x', 'gamma', 'beta'),
                            {'mode': 'train', 'eps': 1e-5}, reference.batchnorm_forward, reference.batchnorm_backward)
HINTS = {'dx': ' (dx has three paths: through x_hat, the batch mean and the batch variance; remember gamma)',
         'dgamma': ' (dgamma sums dout * x_hat over the batch)',
         'dbeta': ' (dbeta sums dout over the batch)'}


def _own_normalization(inputs, out, dout):
    """What the release's backward gives (graph and closed form) on the cache of a train-mode forward that
    rescales each feature by its own statistics, read off its output (an unbiased variance, a wrong mean: the
    forward's own check charges them); None when the output is not of that form."""
    x, gamma, beta = inputs
    if out.shape != x.shape or np.any(gamma == 0):
        return None
    x_hat = (out - beta) / gamma
    fit = affine_fit(x, x_hat, axis=0)
    if fit is None:
        return None
    cache = (x_hat, x - fit[0], 1.0 / fit[1], gamma)
    return [reference.batchnorm_backward(dout, cache), reference.batchnorm_backward_alt(dout, cache)]


@check('Batchnorm backward: dx, dgamma and dbeta',
       points=15, needs=('batchnorm_forward', 'batchnorm_backward'), short='backward', column='bwd')
def batchnorm_backward(student):
    rng = hidden_rng(4)

    def case(N, D, scale, shift):
        x = scale * rng.standard_normal((N, D)) + shift
        gamma, beta = rng.uniform(0.5, 2.5, D) * rng.choice([-1, 1], D), rng.standard_normal(D)
        return (x, gamma, beta), rng.standard_normal((N, D))

    # The square case lets a forward that raises unless N == D still have its backward judged.
    return backward_outcome(student, NORMALIZATION_LAYER, [case(4, 5, 5.0, 12.0), case(16, 7, 2.0, -3.0),
                                                           case(6, 6, 3.0, 1.0)], HINTS, own_expected=_own_normalization)
