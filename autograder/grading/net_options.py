"""A net's options checked together: every combination of two or more of them turned on.

Each option is checked alone by its own parts; students' nets also break when two are on at once (dropout's
cache written over batch norm's, dropout skipped "because batch norm regularizes already", dropout placed
before the normalization). The combinations come from the options the assignment's net declares, {keyword:
(off, on)}, so a third option is covered without new code.

With dropout among them the net gets a fixed ``seed``, as the release's gradient checks do: a net that honours
it (cs231n's ``dropout_forward`` seeds its masks) is compared exactly with the reference logic over the
student's own layer, given the same seed. A net whose masks ignore the seed (a hand-written dropout on numpy's
global generator) cannot be reproduced here, so it is judged by behaviour: dropout must change the loss
against the same net without it, and the gradients must be the derivative of its own loss (a directional
derivative, numpy's generator reseeded before each call so the masks stay the same).
"""
import itertools

import numpy as np

from autograder.grading.checking import compare, loss_agrees

DIRECTION_STEP = 1e-5
DIRECTION_TOL = 1e-6


def combinations(options):
    """[{keyword: value}] of every combination of two or more options on, the others off."""
    names = list(options)
    return [{n: options[n][1] if n in chosen else options[n][0] for n in names}
            for count in range(2, len(names) + 1) for chosen in itertools.combinations(names, count)]


def label(setting):
    return ', '.join('%s=%r' % kv for kv in setting.items())


def _fresh_loss(reference, student, kwargs, params, X, y, global_seed):
    """(loss, grads in contract names) of a freshly built student net holding ``params``, numpy's global
    generator seeded with ``global_seed`` first: every evaluation starts from the same state (a layer that
    changes its running averages, say, is its own check's to charge)."""
    handle, matching = reference.student_net(student, kwargs, params)
    student.seed_numpy(global_seed)
    loss, grads = student.net_loss(handle, X, y)
    return loss, matching.to_contract(grads, reference.shapes(kwargs)), matching


def _own_derivative_problem(reference, student, kwargs, params, grads, X, y, seed, rng):
    """None when ``grads`` is the derivative of the net's own loss along a random direction, else a problem."""
    direction = {k: rng.standard_normal(v.shape) for k, v in params.items()}
    losses = [_fresh_loss(reference, student, kwargs, {k: v + sign * DIRECTION_STEP * direction[k]
                                                       for k, v in params.items()}, X, y, seed)[0]
              for sign in (1, -1)]
    numeric = (losses[0] - losses[1]) / (2 * DIRECTION_STEP)
    analytic = sum(float(np.sum(np.reshape(grads[k], np.shape(direction[k])) * direction[k]))
                   for k in direction if k in grads and np.size(grads[k]) == np.size(direction[k]))
    # Centered differences with a step of 1e-5 agree with the analytic value to ~1e-9 of the loss's scale.
    if abs(numeric - analytic) > DIRECTION_TOL * max(1.0, abs(numeric), abs(analytic)):
        return ('the gradients are not the derivative of your own loss (along a random direction: %.6g from '
                'the gradients, %.6g from the loss)' % (analytic, numeric))
    return None


def combination_parts(g, reference, student, base, options, weight, rng, seed, tol, inputs):
    """Add to the Grading g, for each combination of ``options`` on the net ``base`` (its keyword arguments),
    a loss part (0.4 of its share of ``weight``) and a gradients part (0.6)."""
    settings = combinations(options)
    for index, setting in enumerate(settings):
        kwargs = dict(base, **setting, seed=seed + index)
        share = weight / len(settings)
        ref = reference.reference(seed + index, dtype=np.float64, **kwargs)
        params = {k: rng.uniform(0.5, 1.5, v.shape) if k.startswith('gamma')
                  else 0.1 * rng.standard_normal(v.shape) if k.startswith('b') else v.copy()
                  for k, v in ref.params.items()}
        X, y = inputs(rng, 8, kwargs['input_dim']), rng.integers(kwargs['num_classes'], size=8)
        computed = {}

        def judged(kwargs=kwargs, params=params, X=X, y=y, computed=computed, index=index):
            """(loss problems, gradient problems), computed once."""
            if not computed:
                computed['result'] = _judge(reference, student, kwargs, params, X, y, seed + index, tol, rng)
            return computed['result']

        g.part(0.4 * share, 'Loss with %s' % label(setting), lambda fn=judged: fn()[0])
        g.part(0.6 * share, 'Gradients with %s' % label(setting), lambda fn=judged: fn()[1])


def _judge(reference, student, kwargs, params, X, y, seed, tol, rng):
    loss, grads, matching = _fresh_loss(reference, student, kwargs, params, X, y, seed + 1)
    if loss == _fresh_loss(reference, student, kwargs, params, X, y, seed + 2)[0]:
        # The masks follow the net's own seed (or there are none): the reference logic reproduces them.
        expected_loss, expected_grads = reference.expected(student, kwargs, params, seed).loss(X, y)
        loss_problems = [] if loss_agrees(loss, expected_loss, tol) else [
            'the loss is off (relative error %.1e) from the reference net with the same options and dropout seed, '
            'run on your own layer: check that every option works together with the others (dropout after each '
            'ReLU, each layer keeping its own caches)' % (abs(loss - expected_loss) / max(1.0, abs(expected_loss)))]
        grad_problems = [p for p in (compare('grads[%r]' % matching.get(k, k), grads.get(k), v, tol, floor=1e-6)
                                     if k in grads else 'grads has no gradient for %r' % matching.get(k, k)
                                     for k, v in sorted(expected_grads.items())) if p]
        return loss_problems, grad_problems[:3]
    # Masks drawn from numpy's global generator: judged by behaviour (module docstring).
    loss, grads, _ = _fresh_loss(reference, student, kwargs, params, X, y, seed)
    plain_loss = _fresh_loss(reference, student, dict(kwargs, dropout=0.0), params, X, y, seed)[0]
    loss_problems = [] if np.isfinite(loss) and loss != plain_loss else [
        'with these options together, dropout does not change the loss: it must apply after every hidden ReLU '
        'whatever the other options say']
    problem = _own_derivative_problem(reference, student, kwargs, params, grads, X, y, seed, rng)
    return loss_problems, [problem] if problem else []
