"""What a normalization layer's outputs show, read from the calls a check made: a diagnosis beyond the library.

The misconception diagnosis (``misconceptions``) names a mistake only when a known one reproduces the
student's outputs; a mistake nobody foresaw gets no name there. These properties describe what the hidden
inputs reveal instead, in words a student can act on, from the recorded calls alone (nothing is run again,
nothing of the student's is trusted beyond the plain arrays it returned):

- ``normalized_statistics``: the mean and variance of the normalized output (out - beta) / gamma over the
  layer's axis; the N/(N-1) ratio an unbiased variance leaves; statistics taken over the other axis;
- ``eps_placement``: on features whose variance is near eps, where eps entered and with what value;
- ``running_weight``: from a train call that updated existing running averages, the weight kept on the
  old value (momentum swapped with 1 - momentum, another default);
- ``gradient_shape``: a gradient of the wrong shape (an axis, keepdims) or dtype;
- ``gradient_relation``: a gradient off by a constant factor or a sign, or dx off by a term constant over
  the layer's axis (the path through the mean) or proportional to x_hat (the path through the variance).

Each is silent unless its evidence is exact to the float64 precision the hidden inputs allow, so that a
right answer never gets an observation (``tests/assignments/test_properties.py`` plants each mistake and runs every
correct variant).
"""
import numpy as np

from autograder.grading.checking import rel_err

EXACT = 1e-6          # relative agreement that counts as exact for float64 results
MAX_OBSERVATIONS = 3


def _is_float64(*arrays):
    return all(isinstance(a, np.ndarray) and a.dtype == np.float64 for a in arrays)


def _is_float32(*arrays):
    return all(isinstance(a, np.ndarray) and a.dtype == np.float32 for a in arrays)


def forward_calls(layer, calls, mode='train', single=False):
    """(x, gamma, beta, param, out, param after) of each recorded forward call in ``mode`` ('train' or 'test',
    as its param says; a call without one is a train call) that answered in float64 (or in float32 too, when
    ``single``)."""
    for call in calls:
        if call.op != layer.forward or call.failed or not isinstance(call.result, tuple):
            continue
        x, gamma, beta, *rest = call.args
        param = rest[0] if rest else {}
        if param.get('mode', 'train') != mode:
            continue
        out, after = call.result
        if (_is_float64(x, out) or single and _is_float32(x, out)) and out.shape == x.shape and np.all(np.isfinite(out)) and np.all(gamma != 0):
            yield x, np.asarray(gamma), np.asarray(beta), param, out, after


def _centred(x_hat, axis):
    """Whether a normalized output has mean 0 along the layer's axis: only then do the statistics read below
    (eps from the variance, momentum from the running mean) mean what they say."""
    return np.allclose(x_hat.mean(axis=axis), 0, atol=1e-6 if x_hat.dtype == np.float64 else 1e-3)


def normalized_statistics(layer, calls):
    axis, other = layer.statistics_axis, 1 - layer.statistics_axis
    for x, gamma, beta, param, out, _ in forward_calls(layer, calls):
        eps = param.get('eps', layer.default_eps)
        x_hat = (out - beta) / gamma
        var = x.var(axis=axis)
        if np.any(var < 100 * eps) or x.shape[axis] < 3:
            continue        # eps decides these features: eps_placement reads them
        ratio = x_hat.var(axis=axis) / (var / (var + eps))
        n = x.shape[axis]
        if np.allclose(ratio, (n - 1) / n, rtol=EXACT):
            return ('your normalized output has variance (N-1)/N = %.4g over axis %d instead of 1: the ratio an '
                    'unbiased variance (dividing by N-1) leaves; this layer divides by N' % ((n - 1) / n, axis))
        other_stats = x.var(axis=other)
        if (x.shape[other] > 2 and np.allclose(x_hat.mean(axis=other), 0, atol=1e-9)
                and np.allclose(x_hat.var(axis=other), other_stats / (other_stats + eps), rtol=EXACT)
                and not np.allclose(ratio, 1, rtol=EXACT)):
            return ('your output is normalized over axis %d (each %s has mean 0 and variance 1); this layer '
                    'normalizes over axis %d' % (other, 'example' if other == 1 else 'feature', axis))
        if np.all(np.abs(x_hat.mean(axis=axis)) > 1e-3):
            # the fact alone: a wrong centre and gamma and beta used the other way round read alike here
            return ('your normalized output (out - beta) / gamma does not have mean 0 over axis %d, as '
                    'x_hat = (x - mean) / std has' % axis)
    return None


def _eps_evidence(layer, calls):
    """(train call's param, eps the check passed or the default, the variances of the features eps decides,
    their normalized variances) of the first train call whose outputs can tell where eps entered."""
    axis = layer.statistics_axis
    for x, gamma, beta, param, out, _ in forward_calls(layer, calls):
        eps = param.get('eps', layer.default_eps)
        var = x.var(axis=axis)
        tiny = (var < 10 * eps) & (var > 1e-3 * eps)
        if not np.any(tiny):
            continue
        x_hat = (out - beta) / gamma
        if not _centred(x_hat, axis):
            continue
        v_hat = x_hat.var(axis=axis)[tiny]
        var = var[tiny]
        if np.any(v_hat <= 0) or np.ptp(var) < 0.1 * var.mean():
            continue    # one variance cannot tell eps inside the root from eps outside it
        return param, eps, var, v_hat
    return None


def measured_eps(layer, calls):
    """(the eps the outputs show inside the square root, whether the call passed eps in its param) when it is
    not the eps the call should have used; None otherwise. Read by the eps families, to replay that value."""
    evidence = _eps_evidence(layer, calls)
    if evidence is None:
        return None
    param, eps, var, v_hat = evidence
    inside = var * (1 / v_hat - 1)
    if np.allclose(inside, inside[0], rtol=1e-3, atol=0) and inside[0] > 0 and not np.isclose(inside[0], eps, rtol=1e-2):
        return float(inside[0]), 'eps' in param
    return None


def eps_placement(layer, calls):
    evidence = _eps_evidence(layer, calls)
    if evidence is None:
        return None
    param, eps, var, v_hat = evidence
    inside = var * (1 / v_hat - 1)
    outside = np.sqrt(var) * (1 / np.sqrt(v_hat) - 1)
    where = 'bn_param' if 'eps' in param else 'the default'
    if np.allclose(inside, eps, rtol=1e-2, atol=0):
        return None
    if np.allclose(v_hat, 1, rtol=1e-6, atol=0):
        return ('on features whose variance is below eps your output still has variance 1: eps is not added '
                'to the variance')
    if np.allclose(inside, inside[0], rtol=1e-3, atol=0) and inside[0] > 0:
        return ('eps enters inside the square root, but as %.3g where %s gives %.3g' % (inside[0], where, eps))
    if np.allclose(outside, outside[0], rtol=1e-3, atol=0) and outside[0] > 0:
        return ('eps is added after the square root (sqrt(var) + %.3g); it belongs inside: sqrt(var + eps)'
                % outside[0])
    return None


def measured_momentum(layer, calls, absent_start=True):
    """(the weight a train call keeps on the old running mean, the momentum it should keep, whether the call
    passed momentum) when the two differ; None otherwise (and for a layer without running averages). Read by
    the momentum families too, to replay that weight; ``absent_start`` lets a call whose averages started
    absent count."""
    if layer.statistics_axis != 0:
        return None
    for x, gamma, beta, param, out, after in forward_calls(layer, calls, single=True):
        if not _centred((out - beta) / gamma, 0):
            continue        # the forward's own mean is not the batch's: the update below cannot be read
        batch = x.mean(axis=0)
        # Running averages that start absent start at zeros; from zeros the weight kept and a batch statistic
        # scaled by some factor read alike, so only a replay (the families') may use such a call.
        if 'running_mean' not in param and not absent_start:
            continue
        before = param.get('running_mean', np.zeros_like(batch))
        now = after.get('running_mean') if isinstance(after, dict) else None
        if not (isinstance(before, np.ndarray) and isinstance(now, np.ndarray)) or np.size(now) != np.size(before):
            continue
        rtol = 1e-6 if _is_float64(x, before, now) else 1e-3
        gap = before - batch
        if np.any(np.abs(gap) < 1e-3):
            continue
        kept = (np.reshape(now, np.shape(before)) - batch) / gap
        momentum = param.get('momentum', layer.default_momentum)
        if not np.allclose(kept, kept[0], rtol=rtol, atol=rtol) or abs(kept[0] - momentum) <= rtol * abs(momentum):
            continue
        return float(kept[0]), momentum, 'momentum' in param
    return None


def running_weight(layer, calls):
    measured = measured_momentum(layer, calls, absent_start=False)
    if measured is None:
        return None
    kept, momentum, passed = measured
    if abs(kept) < 1e-6:
        return 'a train call replaced the running mean by the batch mean, keeping none of its old value'
    if abs(kept - (1 - momentum)) < 1e-9:
        return ('a train call keeps %.3g of the old running mean, which is 1 - momentum: momentum and '
                '1 - momentum are swapped (running = momentum * running + (1 - momentum) * batch)' % kept)
    return ('a train call keeps %.4g of the old running mean; with momentum %s it should keep %g'
            % (kept, 'from bn_param' if passed else 'at its default', momentum))


def backward_calls(layer, calls):
    """(inputs, dout, the student's gradients, the reference's, the param dict) of each recorded backward whose
    forward (the same inputs) the reference agrees with: a wrong forward's backward is described by the forward's check."""
    forwards = [c for c in calls if c.op == layer.forward and not c.failed and isinstance(c.result, tuple)]
    for call in calls:
        if call.op != layer.backward or call.failed or not isinstance(call.result, tuple):
            continue
        *inputs, dout = call.args
        arrays = inputs[:len(layer.inputs)]
        if not _is_float64(*arrays, dout):
            continue
        expected_out, cache = layer.reference(arrays)
        same_forward = [f for f in forwards if len(f.args) == len(inputs)
                        and all(np.array_equal(a, b) for a, b in zip(f.args[:len(arrays)], arrays))]
        if not same_forward or any(np.shape(f.result[0]) != expected_out.shape
                                   or rel_err(f.result[0], expected_out) > 1e-10 for f in same_forward):
            continue
        yield arrays, dout, call.result, layer.reference_backward(dout, cache), (inputs[len(arrays):] or [{}])[0]


def gradient_shape(layer, calls):
    for arrays, dout, grads, expected, _ in backward_calls(layer, calls):
        for name, got, want in zip(layer.gradients, grads, expected):
            if got.shape != want.shape:
                if got.size == want.size:
                    return '%s has shape %s; it should have shape %s (a sum with keepdims=True?)' % (
                        name, got.shape, want.shape)
                return ('%s has shape %s; it should have shape %s: it is summed over the wrong axis' % (
                    name, got.shape, want.shape))
            if got.dtype != want.dtype:
                return '%s is %s; the gradients keep the dtype of the inputs (%s)' % (name, got.dtype, want.dtype)
    return None


def gradient_relation(layer, calls):
    axis = layer.statistics_axis
    for arrays, dout, grads, expected, _ in backward_calls(layer, calls):
        for name, got, want in zip(layer.gradients, grads, expected):
            if got.shape != want.shape or rel_err(got, want) <= EXACT or not np.any(want):
                continue
            factor = float(np.sum(got * want) / np.sum(want * want))
            if rel_err(got, factor * want) <= EXACT and abs(factor - 1) > 1e-3:
                if abs(factor + 1) < 1e-6:
                    return '%s has the opposite sign of the true gradient' % name
                return '%s is the true gradient times %.4g: a constant factor is off (a mean for a sum?)' % (
                    name, factor)
            if name != layer.gradients[0]:
                continue
            diff = got - want
            if np.allclose(diff, diff.mean(axis=axis, keepdims=True), rtol=0, atol=EXACT * np.abs(want).max()):
                return ('dx differs from the true gradient by a term that is the same for every entry along axis '
                        '%d: look at the path through the mean' % axis)
            x = arrays[0]
            x_hat = (x - x.mean(axis=axis, keepdims=True)) / x.std(axis=axis, keepdims=True)
            scale = np.sum(diff * x_hat, axis=axis, keepdims=True) / np.sum(x_hat * x_hat, axis=axis, keepdims=True)
            if np.allclose(diff, scale * x_hat, rtol=0, atol=EXACT * np.abs(want).max()):
                return ('dx differs from the true gradient by a multiple of x_hat along axis %d: look at the path '
                        'through the variance' % axis)
    return None


PROPERTIES = (normalized_statistics, eps_placement, running_weight, gradient_shape, gradient_relation)


def observations(layer, calls):
    """What the recorded calls of one check show about ``layer`` (``backward_grid.Layer``), at most three."""
    found = []
    for prop in PROPERTIES:
        with np.errstate(all='ignore'):
            text = prop(layer, calls)
        if text and text not in found:
            found.append(text)
    return ['What your outputs show: %s.' % text for text in found[:MAX_OBSERVATIONS]]
