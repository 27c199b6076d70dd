"""The notebook's figures, rendered with real matplotlib (Agg) from its own cells on real (quick) training runs:
every panel is titled and labelled, and its data is visible, even when one run's loss explodes."""
import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402 (after choosing the backend)
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from cs231n.data_utils import get_CIFAR10_data  # noqa: E402
from cs231n.solver import Solver  # noqa: E402
from solutions.BatchNormalization.fc_net import FullyConnectedNet  # noqa: E402
from tests.notebooks import SOURCE_NB, grade_id  # noqa: E402

pytestmark = pytest.mark.slow   # two short training runs

EXPLODED_LOSS = 3e7   # the baseline's final loss at the largest weight scale on CIFAR-10


def cell(gid):
    return next(c.source for c in nbformat.read(SOURCE_NB, as_version=4).cells if grade_id(c) == gid)


@pytest.fixture(scope='module')
def namespace(fake_cifar_dir):
    """The names the notebook's experiment cells use, as its setup and load cells define them (shorter than quick mode: the figures need histories, not accuracy)."""
    ns = {'np': np, 'plt': plt, 'Solver': Solver, 'FullyConnectedNet': FullyConnectedNet,
          'EPOCHS': 1, 'NUM_WEIGHT_SCALES': 4, 'SKIPPED': 'skipped',
          'data': get_CIFAR10_data(num_training=None, num_validation=300, num_test=None,
                                   cifar10_dir=fake_cifar_dir)}
    exec(cell('train_deep_net'), ns)
    return ns


def render(source, ns, monkeypatch):
    plt.close('all')
    monkeypatch.setattr(plt, 'show', lambda *a, **k: None)   # the notebook shows inline; here we inspect
    exec(source, ns)
    fig = plt.gcf()
    fig.canvas.draw()
    return fig


def flattened(ax):
    """True when a few points dwarf the rest on a linear, unclipped axis: the typical point then sits on the
    floor, indistinguishable from zero (the loss-vs-weight-scale panel with one run exploded to 3e7)."""
    y = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line in ax.get_lines()])
    dwarfed = y.max() > 100 * np.median(np.abs(y))
    clipped = max(ax.get_ylim()) < y.max()
    return dwarfed and ax.get_yscale() == 'linear' and not clipped


def assert_readable(fig, panels):
    axes = fig.get_axes()
    assert len(axes) == panels
    for ax in axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel(), ax
        lines = ax.get_lines()
        assert len(lines) == 2, ax.get_title()                      # baseline and batchnorm
        assert ax.get_legend() is not None, ax.get_title()
        for line in lines:
            y = np.asarray(line.get_ydata(), dtype=float)
            x = np.asarray(line.get_xdata(), dtype=float)
            assert len(y) and np.isfinite(y).all(), (ax.get_title(), line.get_label())
            lo, hi = sorted(ax.get_ylim())
            assert ((y >= lo) & (y <= hi)).mean() > 0.5, ax.get_title()    # only an outlier may be clipped
            assert ((x >= min(ax.get_xlim())) & (x <= max(ax.get_xlim()))).all(), ax.get_title()
        assert not flattened(ax), ax.get_title()


def test_training_curves_are_labelled_and_visible(namespace, monkeypatch):
    fig = render(cell('plot_training'), namespace, monkeypatch)
    assert_readable(fig, 3)


def test_weight_scale_sweep_stays_readable_when_one_loss_explodes(namespace, monkeypatch):
    ns = dict(namespace)
    exec(cell('weight_scale_sweep'), ns)
    largest = ns['weight_scales'][-1]
    ns['solvers'][largest].loss_history[-100:] = [EXPLODED_LOSS] * len(ns['solvers'][largest].loss_history[-100:])
    fig = render(cell('plot_weight_scale'), ns, monkeypatch)
    assert_readable(fig, 3)
    loss_ax = fig.get_axes()[2]
    assert 'loss' in loss_ax.get_title().lower()
    assert EXPLODED_LOSS in loss_ax.get_lines()[0].get_ydata()    # the exploded run is drawn, not dropped
