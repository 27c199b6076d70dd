"""The layer-norm layer: the forward's values and per-example statistics, and the backward."""
import numpy as np

from autograder.assignments.LayerNormalization.settings import hidden_rng, rows_of_different_scales
from autograder.grading.tolerances import TOL_FLOAT32, TOL_FLOAT64
from autograder.grading.backward_grid import Layer, backward_outcome
from autograder.grading.checking import Grading, check, compare
from autograder.grading.own_normalization import affine_fit
from solutions.LayerNormalization import layers as reference

# ---------------------------------------------------------------- forward


def _expected(x, gamma, beta, ln_param):
    out, _ = reference.layernorm_forward(x.astype(np.float64), gamma.astype(np.float64), beta.astype(np.float64),
                                         dict(ln_param))
    return out


class ForwardValuesCheck:
    """The parts of the layer-norm forward check, each a method that returns its problems (empty = pass).

    The hidden inputs are all drawn in ``__init__``, in the order the parts use them: the draws of
    ``hidden_rng(1)`` are the check's hidden inputs, so their order must not change.
    """

    def __init__(self, student):
        self.student = student
        rng = hidden_rng(1)
        self.D = D = 12
        self.x = rows_of_different_scales(rng, 30, D)
        self.gamma, self.beta = rng.uniform(0.5, 2, D), rng.standard_normal(D)
        self.square = rows_of_different_scales(rng, 9, 9)
        self.tiny = rng.standard_normal((10, 8)) * 1e-3  # variance 1e-6, below eps: eps decides the result
        self.x32 = (rng.standard_normal((16, 6)) * 3 + 1).astype(np.float32)
        self.one = rows_of_different_scales(rng, 1, D)
        self.square_gamma, self.square_beta = rng.uniform(0.5, 2, 9), rng.standard_normal(9)

    def statistics(self):
        """The mean and standard deviation of each example (row) of the output with gamma=1, beta=0: they must
        be 0 and 1 whatever the reference says, so normalizing over the batch or a ddof=1 variance is named."""
        x, D = self.x, self.D
        out, _ = self.student.layernorm_forward(x, np.ones(D), np.zeros(D), {})
        if out.shape != x.shape:
            return ['the output has shape %s; it should have the shape of x, %s' % (out.shape, x.shape)]
        if not np.all(np.isfinite(out)):
            return ['the output contains NaN or inf']
        mean_ok = np.allclose(out.mean(axis=1), 0, atol=1e-6)
        std = out.std(axis=1)
        std_ok = np.allclose(std, 1, rtol=1e-4, atol=0)
        if mean_ok and std_ok:
            return []
        if np.allclose(out.mean(axis=0), 0, atol=1e-6) and np.allclose(out.std(axis=0), 1, rtol=1e-3):
            return ['each feature (column) of the output has mean 0 and standard deviation 1, but each example '
                    '(row) should: layer norm normalizes every example over its own features (axis 1), not '
                    'every feature over the batch (axis 0)']
        if mean_ok and np.allclose(std, np.sqrt((D - 1) / D), rtol=1e-4):
            return ['the output is scaled as if by the unbiased (D-1) variance; layer norm uses the plain '
                    'variance over the features (ddof=0)']
        problems = []
        if not mean_ok:
            problems.append('with gamma=1 and beta=0 the mean of each example (row) of the output is not 0')
        if not std_ok:
            problems.append('with gamma=1 and beta=0 the standard deviation of each example (row) of the output '
                            'is not 1')
        return problems

    def agreement(self, what, x, gamma, beta, ln_param, tol):
        """The output against the reference's, computed in float64, on one kind of input ``what`` names."""
        out, _ = self.student.layernorm_forward(x, gamma, beta, dict(ln_param))
        expected = _expected(x, gamma, beta, ln_param)
        problem = compare('the output ' + what, out, expected, tol)
        if problem and x.dtype == np.float64 and compare('out', out, expected, TOL_FLOAT32) is None:
            problem += ('; it agrees only to float32 precision: compute in the dtype of x, and add eps to the '
                        'variance under the square root')
        return [problem]

    def own_output(self):
        """The student's output on x, when it depends on x at all."""
        out, _ = self.student.layernorm_forward(self.x, self.gamma, self.beta, {})
        if out.shape != self.x.shape or not np.all(np.isfinite(out)) or np.all(out.std(axis=1) < 1e-12):
            return None
        return out

    def same_at_test_time(self):
        """The output when ln_param says 'mode': 'test'. Layer norm has no running averages: whatever else
        ln_param holds, the output is the same."""
        own = self.own_output()
        if own is None:
            return ['the output must depend on x before this part counts']
        out, _ = self.student.layernorm_forward(self.x, self.gamma, self.beta, {'mode': 'test'})
        if compare('out', out, own, TOL_FLOAT64) is None:
            return []
        return ["the output changes when ln_param holds 'mode': 'test'; layer norm computes the same thing at "
                'train and test time (it keeps no running averages)']

    def inputs_unchanged(self):
        """x, gamma and beta after a call: the caller still needs them, so an in-place `x -= mean` is charged.
        Only for an output that depends on x, as a function that ignores its inputs trivially leaves them
        alone."""
        if self.own_output() is None:
            return ['the output must depend on x before this part counts']
        self.student.layernorm_forward(self.x, self.gamma, self.beta, {})
        changed = self.student.changed_inputs()
        if changed:
            return ['layernorm_forward modified its input %s in place (for example `x -= mean`); compute into '
                    'new arrays: the caller still needs %s' % (' and '.join(changed), ' and '.join(changed))]
        return []


@check('Layernorm forward: per-example statistics and output',
       points=10, needs=('layernorm_forward',), short='forward', column='fwd')
def layernorm_forward_values(student):
    parts = ForwardValuesCheck(student)
    x, gamma, beta = parts.x, parts.gamma, parts.beta
    g = Grading()
    g.part(0.2, 'Per-example statistics with gamma=1, beta=0', parts.statistics)
    g.part(0.25, 'Output on ordinary inputs', parts.agreement, 'on ordinary inputs', x, gamma, beta, {}, TOL_FLOAT64)
    g.part(0.1, 'Output when N equals D', parts.agreement,
           'when the batch is square (N = D); gamma and beta scale and shift each feature, along axis 1',
           parts.square, parts.square_gamma, parts.square_beta, {}, TOL_FLOAT64)
    g.part(0.1, 'Output for a batch of one example', parts.agreement,
           'for a batch of one example (layer norm uses no statistic of the batch)', parts.one, gamma, beta, {},
           TOL_FLOAT64)
    g.part(0.1, 'Output on examples with tiny variance', parts.agreement,
           'on examples whose variance is smaller than eps (is eps added to the variance before the square '
           'root?)', parts.tiny, np.ones(8), np.zeros(8), {}, TOL_FLOAT64)
    g.part(0.1, "Output with ln_param['eps'] set", parts.agreement,
           "when ln_param sets 'eps' (read it from ln_param, default 1e-5)", x, gamma, beta,
           {'eps': 0.5 * x.var(axis=1).min()}, TOL_FLOAT64)
    g.part(0.05, 'Output for float32 inputs', parts.agreement, 'for float32 inputs', parts.x32,
           np.full(6, 1.5, np.float32), np.full(6, -0.5, np.float32), {}, TOL_FLOAT32)
    g.part(0.05, 'The same output at test time', parts.same_at_test_time)
    g.part(0.05, 'x, gamma and beta are left unchanged', parts.inputs_unchanged)
    return g.outcome()


# ---------------------------------------------------------------- backward

# eps is given: a forward whose own default is wrong (charged in the forward check) must not reach the backward.
NORMALIZATION_LAYER = Layer('layernorm_forward', 'layernorm_backward', ('x', 'gamma', 'beta'), {'eps': 1e-5},
                            reference.layernorm_forward, reference.layernorm_backward, statistics_axis=1)
HINTS = {'dx': ' (each example has its own mean and variance: dx has a path through x_hat, one through the '
               "example's mean and one through its variance, each summed over the features, axis 1; remember "
               'gamma)',
         'dgamma': ' (dgamma sums dout * x_hat over the examples, axis 0: gamma has one entry per feature)',
         'dbeta': ' (dbeta sums dout over the examples, axis 0: beta has one entry per feature)'}


def _own_normalization(inputs, out, dout):
    """The gradients the release's backward gives on the cache of a forward that rescaled each example, or
    each feature (the wrong axis), by its own statistics (an unbiased variance, sums divided by the other
    axis's count, say): read off its output, so that such a forward is charged in its own check and a right
    backward keeps its points. None when the output is of neither form."""
    x, gamma, beta = inputs
    if out.shape != x.shape or np.any(gamma == 0):
        return None
    x_hat = (out - beta) / gamma
    for axis in (1, 0):
        fit = affine_fit(x, x_hat, axis)
        if fit is not None:
            return [reference.layernorm_backward(dout, (x_hat, 1.0 / fit[1], gamma))]
    return None


@check('Layernorm backward: dx, dgamma and dbeta',
       points=15, needs=('layernorm_forward', 'layernorm_backward'), short='backward', column='bwd')
def layernorm_backward(student):
    rng = hidden_rng(2)

    def case(N, D):
        inputs = (rows_of_different_scales(rng, N, D), rng.uniform(0.5, 2.5, D) * rng.choice([-1, 1], D),
                  rng.standard_normal(D))
        return inputs, rng.standard_normal((N, D))

    # The first case is small enough for numeric gradients; the square one shows sums over the wrong axis.
    return backward_outcome(student, NORMALIZATION_LAYER, [case(4, 5), case(16, 7), case(6, 6)], HINTS,
                            own_expected=_own_normalization)
