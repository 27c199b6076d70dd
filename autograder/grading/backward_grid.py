"""A layer's backward check: each gradient against the expected one and against a numeric one, and dout.

An assignment declares its layer once (``Layer``: the student's operation names, the train-mode param dict,
the reference's forward and backward) and its check calls ``backward_outcome`` with its own hidden cases and
hints. The grid is the same for every layer:

- for each gradient (weights 0.45 for dx and 0.25 for each parameter's, or as given), 0.6 of its weight
  against the reference's gradient on every case, and 0.4 against a numeric gradient of the student's own
  forward on the first case;
- 0.05 for leaving dout unchanged, which counts only for a backward that computes something.

The backward is judged on the student's own forward (error carried forward): each case's forward is
'right' (float64, within 1e-10 of the reference), 'close' (a lower-precision result within float32 precision:
its derivative is then right to about that precision, and a numeric one is lost in the rounding, so both
parts compare in float32) or 'wrong'. The train param names every setting (eps too), so that a forward's
wrong default does not reach the backward. A wrong forward costs points in the forward's checks; its
backward is right when it is the reference layer's derivative, what the release's backward gives on that
forward's own cache, or numerically the derivative of the student's own forward (``carried``), unless that
forward does not depend on x at all.
"""
from dataclasses import dataclass

import numpy as np

from autograder.grading.checking import Grading, compare
from autograder.grading.tolerances import TOL_FLOAT32, TOL_FLOAT64, TOL_NUMERIC
from autograder.sandbox.student_api import StudentCodeError
from cs231n.gradient_check import eval_numerical_gradient_array

RIGHT, CLOSE, WRONG = 'right', 'close', 'wrong'
FORWARD_AGREEMENT = 1e-10   # correct float64 forms agree to ~1e-12; worse than this is a lower precision


@dataclass(frozen=True)
class Layer:
    """A layer as its checks call it: ``forward(*inputs[, param]) -> (out, cache)`` and
    ``backward(dout, cache) -> one gradient per input``, the student's through the side's operations of
    those names (``autograder.sandbox.side.layer_operations``), the reference's as functions."""
    forward: str                  # the student's function, e.g. 'batchnorm_forward'
    backward: str                 # e.g. 'batchnorm_backward'
    inputs: tuple                 # the arrays the forward takes, e.g. ('x', 'gamma', 'beta')
    train_param: object           # the param dict of a train-mode call ({'mode': 'train'}); None: it takes none
    reference_forward: object     # (*inputs[, param]) -> (out, cache)
    reference_backward: object    # (dout, cache) -> gradients
    # What the properties of autograder.grading.properties read: the axis its statistics are taken over
    # (0 for batch norm, 1 for layer norm) and its param dict's defaults.
    statistics_axis: int = 0
    default_eps: float = 1e-5
    default_momentum: float = 0.9

    @property
    def gradients(self):
        return tuple('d' + name for name in self.inputs)

    def _param(self):
        return () if self.train_param is None else (dict(self.train_param),)

    def student_forward(self, student, inputs):
        """The student's train-mode output on ``inputs``."""
        return getattr(student, self.forward)(*inputs, *self._param())[0]

    def student_backward(self, student, inputs, dout):
        """The student's gradients through their own train-mode forward of ``inputs``."""
        return getattr(student, self.backward)(*inputs, *self._param(), dout)

    def reference(self, inputs):
        """(out, cache) of the reference's train-mode forward."""
        return self.reference_forward(*inputs, *self._param())

    def numeric_gradients(self, student, inputs, dout):
        """Centered differences of sum(forward(inputs) * dout) of the student's own forward, one per input
        (cs231n's ``eval_numerical_gradient_array``, h=1e-5, each input perturbed in turn)."""
        def forward(values):
            out = self.student_forward(student, values)
            if out.shape != dout.shape:
                raise StudentCodeError('%s returned shape %s; expected %s' % (self.forward, out.shape, dout.shape),
                                       kind='bad_return')
            return out

        def perturbed(which):
            return lambda v: forward([v if i == which else value for i, value in enumerate(inputs)])
        return tuple(eval_numerical_gradient_array(perturbed(i), inputs[i].copy(), dout) for i in range(len(inputs)))


def backward_outcome(student, layer, cases, hints, weights=None, own_expected=None):
    """The Outcome of the backward check of ``layer`` on ``cases``, [(inputs, dout), ...]: the first small
    enough for numeric gradients (the first on which the student's forward answers is used for them).

    ``hints`` {gradient name: ' (what to look at)'} follow a gradient's problem. ``weights`` are the
    gradients' (default 0.45 for dx, 0.25 for each other). ``own_expected(inputs, out, dout)``, when given,
    reads a wrong forward's own normalization off its output and returns what the release's backward gives
    on that normalization's cache, a list of gradient tuples, one per form of the release's backward (None
    when the output is not of that form): a wrong forward's backward that gives one is right for the layer,
    and keeps its points.
    """
    names = layer.gradients
    weights = weights or (0.45,) + (0.25,) * (len(names) - 1)
    results, numeric = {}, {}

    def answering():
        """The cases on whose inputs the student's forward answers, in order; all of them when it answers on
        none (then every part fails with its error). A forward that raises on some shapes alone (a slip that
        lines (N,) up against (N, D) answers only when N == D) is the forward check's to charge: the backward
        is judged where its forward can be called."""
        if 'answering' not in results:
            found = []
            for i, (inputs, _) in enumerate(cases):
                try:
                    layer.student_forward(student, inputs)
                    found.append(i)
                except StudentCodeError:
                    pass
            results['answering'] = found or list(range(len(cases)))
        return results['answering']

    def run(i):
        """(the student's gradients, how their forward compares, the expected gradients, inputs it changed)."""
        if i not in results:
            inputs, dout = cases[i]
            grads = layer.student_backward(student, inputs, dout)
            changed = student.changed_inputs()
            out = layer.student_forward(student, inputs)
            expected_out, cache = layer.reference(inputs)
            expected = layer.reference_backward(dout, cache)
            if out.dtype == np.float64 and compare('out', out, expected_out, FORWARD_AGREEMENT) is None:
                forward = RIGHT
            elif out.dtype != np.float64 and compare('out', out, expected_out, TOL_FLOAT32) is None:
                # Float32 precision is said of float32 results only: a float64 forward that is merely close
                # (another eps default, say) is wrong, and its backward is judged on its own forward below.
                forward = CLOSE
            else:
                forward = WRONG
            results[i] = (grads, forward, expected, changed)
        return results[i]

    def on_own_cache(i):
        """What the release's backward gives on the cache of case i's wrong forward, read off its output (None
        when ``own_expected`` cannot tell): a backward right for the layer keeps its points."""
        if ('own', i) not in results:
            inputs, dout = cases[i]
            out = layer.student_forward(student, inputs)
            results[('own', i)] = own_expected(inputs, out, dout) if own_expected else None
        return results[('own', i)]

    def problem_of(k, got, expected, tol):
        problem = compare(names[k], got, expected, tol)
        return [problem + hints[names[k]]] if problem else []

    def against_own_numeric(k, guard):
        first = answering()[0]
        grads = run(first)[0]
        if not numeric:
            numeric['grads'] = layer.numeric_gradients(student, *cases[first])
        if guard and not np.any(np.abs(numeric['grads'][0]) > 1e-8):
            # The forward does not depend on x: its derivative says nothing about a backward pass.
            return problem_of(k, grads[k], run(first)[2][k], TOL_FLOAT64)
        problem = compare('%s (against a numeric gradient of your own %s)' % (names[k], layer.forward),
                          grads[k], numeric['grads'][k], TOL_NUMERIC)
        return [problem + hints[names[k]]] if problem else []

    def carried(k):
        """A wrong forward's backward: right when it is the derivative of the layer itself, or numerically of
        the student's own forward."""
        grads, _, expected, _ = run(answering()[0])
        if compare(names[k], grads[k], expected[k], TOL_FLOAT64) is None:
            return []
        if any(compare(names[k], grads[k], own[k], TOL_FLOAT64) is None
               for own in on_own_cache(answering()[0]) or ()):
            return []
        return against_own_numeric(k, guard=True)

    def against_numeric(k):
        grads, forward, expected, _ = run(answering()[0])
        if forward == WRONG:
            return carried(k)
        if forward == CLOSE:
            return problem_of(k, grads[k], expected[k], TOL_FLOAT32)
        if compare(names[k], grads[k], expected[k], TOL_FLOAT64) is None:
            return []
        return against_own_numeric(k, guard=False)

    def against_reference(k):
        if run(answering()[0])[1] == WRONG:
            return carried(k)
        for i in answering():
            grads, forward, expected, _ = run(i)
            if forward == WRONG:
                continue   # a forward wrong on this shape alone is the forward check's to charge
            problems = problem_of(k, grads[k], expected[k], TOL_FLOAT32 if forward == CLOSE else TOL_FLOAT64)
            if problems:
                return problems
        return []

    def dout_unchanged():
        if not np.any(run(answering()[0])[0][0]):
            return ['the backward must compute %s before this part counts' % names[0]]   # doing nothing changes nothing
        if any(run(i)[3] for i in answering()):
            return ['%s modified its input dout in place (for example `dout *= gamma`); compute into new arrays: '
                    'the layer below still needs dout' % layer.backward]
        return []

    g = Grading()
    for k, weight in enumerate(weights):
        g.part(0.6 * weight, '%s against the expected gradient' % names[k], against_reference, k)
        g.part(0.4 * weight, '%s against a numeric gradient' % names[k], against_numeric, k)
    g.part(0.05, 'dout is left unchanged', dout_unchanged)
    return g.outcome()
