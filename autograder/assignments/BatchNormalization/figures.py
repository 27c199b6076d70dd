"""Pictures for the HTML feedback, where a picture says it faster than a sentence.

- Forward pass: the per-feature means and standard deviations of the student's output against the ones it
  should have, for the gamma and beta of the notebook's own visible check (so nothing hidden is shown:
  the expected values are that gamma and beta).
- Backward pass: how far off dx, dgamma and dbeta are, on a log scale against the tolerance, when the
  student's forward pass is right (a wrong forward is the forward's fault, and the backward is then judged
  against the student's own forward, as the check does).

The numbers come from the calls the check recorded (``autograder.grading.recording``) and are kept in results.json
(``Results.figures``); the feedback page draws them as embedded PNGs.
"""
import base64
import io

import numpy as np

from autograder.grading.tolerances import TOL_FLOAT64
from autograder.grading.checking import compare, rel_err
from solutions.BatchNormalization import layers as reference

VISIBLE_GAMMA = (1.0, 2.0, 3.0)      # the notebook's visible check of the output statistics
VISIBLE_BETA = (11.0, 12.0, 13.0)
GRADIENTS = ('dx', 'dgamma', 'dbeta')


def forward_statistics(calls):
    for call in calls:
        if call.op != 'batchnorm_forward' or call.failed:
            continue
        x, gamma, beta, bn_param = call.args
        out = call.result[0]
        if (bn_param.get('mode') == 'train' and tuple(gamma) == VISIBLE_GAMMA and tuple(beta) == VISIBLE_BETA
                and out.shape == x.shape and np.all(np.isfinite(out))):
            return {'mean': out.mean(axis=0).tolist(), 'std': out.std(axis=0).tolist(),
                    'expected_mean': list(VISIBLE_BETA), 'expected_std': list(VISIBLE_GAMMA)}
    return None


def backward_errors(calls):
    forwards = [c for c in calls if c.op == 'batchnorm_forward' and not c.failed]
    for call in calls:
        if call.op != 'batchnorm_backward' or call.failed:
            continue
        x, gamma, beta, bn_param, dout = call.args
        expected_out, cache = reference.batchnorm_forward(x, gamma, beta, dict(bn_param))
        theirs = next((f.result[0] for f in forwards if all(np.array_equal(a, b) for a, b in
                                                            zip(f.args[:3], (x, gamma, beta)))), None)
        if theirs is None or compare('out', theirs, expected_out, TOL_FLOAT64) is not None:
            continue
        expected = reference.batchnorm_backward(dout, cache)
        errors = []
        for name, got, want in zip(GRADIENTS, call.result, expected):
            ok = np.shape(got) == np.shape(want) and np.all(np.isfinite(got))
            errors.append([name, rel_err(got, want) if ok else None])    # None: wrong shape, NaN or inf
        return {'errors': errors, 'tolerance': TOL_FLOAT64}
    return None


FIGURES = {'batchnorm_forward_train': forward_statistics, 'batchnorm_backward': backward_errors}


def for_check(name, calls):
    """The figure's numbers for a check that lost points, or None."""
    make = FIGURES.get(name)
    return make(calls) if make else None


# ---------------------------------------------------------------- drawing (in the report writer)

def _png(fig):
    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.savefig(buf, format='png', dpi=90)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def draw_forward(data):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(7, 2.6))
    features = np.arange(1, len(data['mean']) + 1)
    panels = ((axes[0], np.subtract(data['mean'], data['expected_mean']), 0.0, 'mean - beta (should be 0)'),
              (axes[1], np.divide(data['std'], data['expected_std']), 1.0, 'std / gamma (should be 1)'))
    for ax, values, target, title in panels:
        ax.bar(features, values - target, bottom=target, width=0.5, color='#c44e52')
        ax.axhline(target, color='black', linestyle='--', linewidth=1)
        spread = max(1.3 * float(np.max(np.abs(values - target))), 1e-3)   # small misses stay visible
        ax.set_ylim(target - spread, target + spread)
        ax.set_xticks(features)
        ax.set_xlabel('feature')
        ax.set_title(title, fontsize=10)
    fig.suptitle('Your output with gamma = %s, beta = %s' % (list(VISIBLE_GAMMA), list(VISIBLE_BETA)), fontsize=10)
    fig.tight_layout()
    return _png(fig)


def draw_backward(data):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 2.6))
    tol = data['tolerance']
    shown = [(str(name), err) for name, err in data['errors']]
    values = [max(err, 1e-17) if err is not None else 10.0 for _, err in shown]
    colors = ['#0a7a2f' if err is not None and err <= tol else '#c44e52' for _, err in shown]
    ax.barh([n for n, _ in shown], values, color=colors)
    ax.set_xscale('log')
    ax.set_xlim(1e-17, 10)
    ax.axvline(tol, color='black', linestyle='--', linewidth=1)
    ax.text(tol, -0.7, ' allowed (%.0e)' % tol, fontsize=8, va='bottom')
    for i, (_, err) in enumerate(shown):
        label = 'wrong shape or NaN' if err is None else ('%.1e' % err if err else 'exact')
        ax.text(values[i], i, ' ' + label, va='center', fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel('relative error against the expected gradient (log scale)')
    fig.tight_layout()
    return _png(fig)


DRAW = {'batchnorm_forward_train': (draw_forward, 'How the per-feature means and standard deviations of your '
                                                  'output miss the ones it should have (dashed).'),
        'batchnorm_backward': (draw_backward, 'How far each of your gradients is from the expected one; '
                                              'left of the dashed line passes.')}


def figure_html(name, data):
    """An <img> with the figure as a data URI and its caption (kit text only), or ''."""
    if not data or name not in DRAW:
        return ''
    draw, caption = DRAW[name]
    try:
        png = draw(data)
    except ImportError:     # the lean grading install has no matplotlib: the feedback goes without
        return ''
    except (KeyError, TypeError, ValueError):
        return ''
    return ('<figure><img alt="%s" src="data:image/png;base64,%s"><figcaption>%s</figcaption></figure>'
            % (caption, png, caption))
