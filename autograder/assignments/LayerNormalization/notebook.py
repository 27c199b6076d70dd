# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] bnkit="note"
# The layer normalization notebook's source: its prose and visible tests, in Jupytext's percent format.
#
# Open it as a notebook in JupyterLab with Jupytext installed, or run it as a script with the checkout's root
# on `sys.path` (`PYTHONPATH=../../.. python notebook.py`): it stops at the first solution stub, as a
# student's notebook would. `python -m autograder.notebook.build --assignment LayerNormalization` turns it
# into source/LayerNormalization/LayerNormalization.ipynb. Cell attributes (`# %% bnkit="..." id="..."`):
# guide: this text, then the student's guide; solution: replaced by the reference code of CELLS[id]
# (cells.py); tests: visible tests worth 0 points; checks: the hidden call of the named checks; answer: the
# hand-graded answer of the Question with that id; note (this cell): left out of the build.

# %% [markdown] bnkit="guide" id="intro"
# # Layer Normalization
#
# Batch normalization standardizes each feature with the statistics of the current minibatch. That makes a
# network's output for one example depend on the other examples in its batch, and the statistics get noisy
# when batches are small, which is exactly when memory is tight (large models, long sequences) or when a batch
# holds a single example. **Layer normalization** (Ba, Kiros and Hinton, 2016) keeps the idea and changes the
# axis: each example is standardized over its own features, then scaled and shifted per feature by learned
# $\gamma$ and $\beta$. No statistic is shared between examples, so there are no running averages, and training
# and testing compute the same thing.
#
# In this notebook you will
#
# 1. write the forward and backward pass of a layer normalization layer and check them against numeric
#    gradients;
# 2. give the fully connected network a `normalization` option: `None`, `'batchnorm'` or `'layernorm'`;
# 3. train networks with batch normalization, with layer normalization and without either at several batch
#    sizes, and compare.
#
# You need your batch normalization from the first assignment for the experiment: paste it into the cell
# marked for it. It is not graded here.
#
# The layers you do not write (affine, ReLU, dropout, softmax loss), the update rules, the `Solver` and the
# gradient checking tools come from the `cs231n` package next to this notebook. The framework and the layer
# style are those of Stanford's CS231n course, used with thanks.

# %% id="setup"
# Setup: imports (rel_error compares two arrays) and plotting defaults.
import os

import matplotlib.pyplot as plt
import numpy as np

from cs231n.data_utils import get_CIFAR10_data_or_none
from cs231n.gradient_check import eval_numerical_gradient, eval_numerical_gradient_array, rel_error
from cs231n.layer_utils import *  # noqa: F403
from cs231n.layers import *  # noqa: F403
from cs231n.solver import Solver

# %matplotlib inline
plt.rcParams['figure.figsize'] = (10.0, 8.0)
plt.rcParams['image.interpolation'] = 'nearest'
plt.rcParams['image.cmap'] = 'gray'

# BNKIT_QUICK=1 shortens the experiment at the end (for testing the notebook, not for your answers).
QUICK = os.environ.get('BNKIT_QUICK', '') not in ('', '0')
EPOCHS = 1 if QUICK else 10
BATCH_SIZES = [10, 50] if QUICK else [5, 10, 50]
NUM_TRAIN = 200 if QUICK else 1000


# %% [markdown] id="load_data_md"
# ## Load the data
#
# Without CIFAR-10 this cell says how to fetch it, and the experiment at the end is skipped; everything you
# implement is still checked.

# %% id="load_data"
# Load CIFAR-10 and subtract the mean training image. With a partial copy of the data set every image there is
# used; the experiment below needs only the first 1000. Without the data set, data is None and the experiment
# cells each print one line instead of running.
SKIPPED = 'Skipped: this experiment needs CIFAR-10 (see the "Load the data" cell).'
data = get_CIFAR10_data_or_none(num_validation=1000)

# %% [markdown] id="batchnorm_md"
# ## Your batch normalization
#
# Paste your `batchnorm_forward` and `batchnorm_backward` from the batch normalization assignment into the
# next cell, replacing the stubs. Only the batch-size experiment uses them, and no points depend on them here;
# while they are still stubs, the experiment trains the layer-norm and plain networks only and says so.

# %% bnkit="solution" id="batchnorm"
def batchnorm_forward(x, gamma, beta, bn_param):
    raise NotImplementedError()


def batchnorm_backward(dout, cache):
    raise NotImplementedError()

# %% [markdown] id="layernorm_forward_md"
# ## Layer normalization: forward pass
#
# For an input $x$ of shape $(N, D)$, layer normalization computes for each example $i$
#
# $$\mu_i = \frac{1}{D}\sum_j x_{ij}, \qquad \sigma_i^2 = \frac{1}{D}\sum_j (x_{ij} - \mu_i)^2, \qquad
# \hat x_{ij} = \frac{x_{ij} - \mu_i}{\sqrt{\sigma_i^2 + \epsilon}}, \qquad y_{ij} = \gamma_j \hat x_{ij} + \beta_j$$
#
# Compare with batch normalization: the sums run over the features $j$ of one example instead of over the
# examples $i$ of the batch, while $\gamma$ and $\beta$ still have one entry per feature. (If you transpose
# $x$, the statistics become batch normalization's; then mind the axis of $\gamma$ and $\beta$.) `ln_param`
# may set `'eps'` (default 1e-5). There is no `mode`: layer normalization computes the same thing at train and
# test time.
#
# Implement `layernorm_forward` below, following its docstring, then run the test cell: with $\gamma = 1$ and
# $\beta = 0$ every example (row) of the output has mean about 0 and standard deviation about 1.

# %% bnkit="solution" id="layernorm_forward"
def layernorm_forward(x, gamma, beta, ln_param):
    raise NotImplementedError()

# %% bnkit="tests" id="test_layernorm_forward"
# Check the forward pass with the activations of a random two-layer network.
np.random.seed(231)
N, D1, D2, D3 = 4, 50, 60, 3
X = np.random.randn(N, D1)
W1 = np.random.randn(D1, D2)
W2 = np.random.randn(D2, D3)
a = np.maximum(0, X.dot(W1)).dot(W2)

print('Before layer normalization:')
print('  means of the examples:', a.mean(axis=1))
print('  stds of the examples: ', a.std(axis=1))

a_norm, _ = layernorm_forward(a, np.ones(D3), np.zeros(D3), {})
print('After layer normalization (gamma=1, beta=0): every example has mean near 0 and std near 1')
print('  means:', a_norm.mean(axis=1))
print('  stds: ', a_norm.std(axis=1))
assert a_norm.shape == a.shape, 'the output should have the shape of x'
assert np.allclose(a_norm.mean(axis=1), 0, atol=1e-7), 'the mean of every example (row) should be 0'
assert np.allclose(a_norm.std(axis=1), 1, atol=1e-4), 'the standard deviation of every example (row) should be 1'

gamma = np.asarray([3.0, 3.0, 3.0])
beta = np.asarray([5.0, 5.0, 5.0])
a_norm, _ = layernorm_forward(a, gamma, beta, {})
print('After layer normalization (gamma=3, beta=5): means near 5, stds near 3')
print('  means:', a_norm.mean(axis=1))
print('  stds: ', a_norm.std(axis=1))
assert np.allclose(a_norm.mean(axis=1), 5, atol=1e-7), 'the mean of every example should be 5'
assert np.allclose(a_norm.std(axis=1), 3, atol=1e-4), 'the standard deviation of every example should be 3'
print('Visible checks passed.')

# %% bnkit="checks" id="check_layernorm_forward" checks="layernorm_forward_values" part="Layer normalization, forward pass"
# Hidden checks run here when your notebook is graded.

# %% [markdown] id="layernorm_backward_md"
# ## Layer normalization: backward pass
#
# Implement `layernorm_backward`. The computational graph is batch normalization's with the axes of the
# statistics swapped: the mean's and the variance's branches sum over the features of each example (axis 1),
# while $\gamma$ and $\beta$, one per feature, collect their gradients over the examples (axis 0). Then compare
# with numeric gradients: expect relative errors around 1e-9 or smaller.

# %% bnkit="solution" id="layernorm_backward"
def layernorm_backward(dout, cache):
    raise NotImplementedError()

# %% bnkit="tests" id="test_layernorm_backward"
# Gradient check of the backward pass.
np.random.seed(231)
N, D = 4, 5
x = 5 * np.random.randn(N, D) + 12
gamma = np.random.randn(D)
beta = np.random.randn(D)
dout = np.random.randn(N, D)

ln_param = {}
fx = lambda x: layernorm_forward(x, gamma, beta, ln_param)[0]
fg = lambda g: layernorm_forward(x, g, beta, ln_param)[0]
fb = lambda b: layernorm_forward(x, gamma, b, ln_param)[0]

dx_num = eval_numerical_gradient_array(fx, x, dout)
dgamma_num = eval_numerical_gradient_array(fg, gamma.copy(), dout)
dbeta_num = eval_numerical_gradient_array(fb, beta.copy(), dout)

_, cache = layernorm_forward(x, gamma, beta, ln_param)
dx, dgamma, dbeta = layernorm_backward(dout, cache)
print('dx error:     ', rel_error(dx_num, dx))
print('dgamma error: ', rel_error(dgamma_num, dgamma))
print('dbeta error:  ', rel_error(dbeta_num, dbeta))
assert dgamma.shape == gamma.shape and dbeta.shape == beta.shape, 'dgamma and dbeta have the shape of gamma, (D,)'
assert rel_error(dx_num, dx) < 1e-6, 'dx does not match the numeric gradient'
assert rel_error(dgamma_num, dgamma) < 1e-6, 'dgamma does not match the numeric gradient'
assert rel_error(dbeta_num, dbeta) < 1e-6, 'dbeta does not match the numeric gradient'
print('Visible checks passed.')

# %% bnkit="checks" id="check_layernorm_backward" checks="layernorm_backward" part="Layer normalization, backward pass"
# Hidden checks run here when your notebook is graded.

# %% [markdown] id="fc_net_md"
# ## A fully connected network with a choice of normalization
#
# `FullyConnectedNet` now takes `normalization=None`, `'batchnorm'` or `'layernorm'` instead of
# `use_batchnorm`. Its hidden layers are `affine - [normalization] - relu - [dropout]`, followed by an affine
# output layer (never normalized) and a softmax loss. The docstrings give the contract; in short:
#
# 1. `__init__` creates `W1..WL` (`weight_scale * randn`), zero biases and, with either normalization,
#    `gamma1..gamma{L-1}` as ones and `beta1..beta{L-1}` as zeros, plus one dict per normalized layer in
#    `self.bn_params`: `{'mode': 'train'}` for batch norm, `{}` for layer norm;
# 2. `loss(X, y)` returns the loss and a gradient for every parameter; `loss(X)` returns the scores (batch
#    norm switches to its running averages; layer norm computes what it always does);
# 3. the L2 penalty is `0.5 * reg * sum(W**2)` over the weight matrices only.
#
# Only the layer-norm and plain networks are graded here. Then run the gradient check: relative errors around
# 1e-4 or smaller for the first layer's weights and around 1e-8 for `gamma` and `beta`.

# %% bnkit="solution" id="fc_net"
class FullyConnectedNet:
    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10, dropout=0, normalization=None,
                 reg=0.0, weight_scale=1e-2, dtype=np.float32, seed=None):
        raise NotImplementedError()

    def loss(self, X, y=None):
        raise NotImplementedError()

# %% bnkit="tests" id="test_fc_net"
np.random.seed(231)
N, D, H1, H2, C = 2, 15, 20, 30, 10
X = np.random.randn(N, D)
y = np.random.randint(C, size=(N,))

for reg in [0, 3.14]:
    print('Running check with reg =', reg)
    model = FullyConnectedNet([H1, H2], input_dim=D, num_classes=C, reg=reg, weight_scale=5e-2,
                              dtype=np.float64, normalization='layernorm')
    assert sorted(model.params) == sorted(['W1', 'W2', 'W3', 'b1', 'b2', 'b3', 'gamma1', 'gamma2', 'beta1',
                                           'beta2']), 'params should hold W1..W3, b1..b3, gamma1..2 and beta1..2'
    loss, grads = model.loss(X, y)
    print('Initial loss: %.4f (about log(10) = %.4f at reg = 0)' % (loss, np.log(C)))
    assert sorted(grads) == sorted(model.params), 'grads needs exactly the keys of model.params'
    for name in sorted(grads):
        f = lambda _: model.loss(X, y)[0]
        grad_num = eval_numerical_gradient(f, model.params[name], verbose=False, h=1e-5)
        error = rel_error(grad_num, grads[name])
        print('%s relative error: %.2e' % (name, error))
        # A bias right before a normalization has a true gradient of 0, so compare those absolutely.
        assert error < 1e-3 or np.abs(grad_num - grads[name]).max() < 1e-8, name + ' looks wrong'
    print()
scores = model.loss(X)
assert scores.shape == (N, C), 'loss(X) should return scores of shape (N, C)'
print('Visible checks passed.')

# %% bnkit="checks" id="check_fc_net" checks="layernorm_net_parameters layernorm_net_loss layernorm_net_training" part="A fully connected network with layer normalization"
# Hidden checks run here when your notebook is graded.

# %% [markdown] id="batch_size_md"
# ## Batch size: batch normalization and layer normalization
#
# Batch normalization estimates its statistics from the batch; layer normalization does not use the batch at
# all. Train a six-layer network (`[100] * 5` hidden units) on 1000 training images with Adam at several batch
# sizes, with batch normalization and with layer normalization, next to a network without normalization
# trained at the smallest batch size, and compare training and validation accuracy.

# %% id="batch_size_experiment"
def batchnorm_ready():
    """Whether the batch normalization cell holds an implementation (not the stubs)."""
    try:
        batchnorm_forward(np.ones((2, 3)), np.ones(3), np.zeros(3), {'mode': 'train'})
    except NotImplementedError:
        return False
    return True


def train(normalization, batch_size):
    np.random.seed(231)
    model = FullyConnectedNet([100] * 5, weight_scale=2e-2, normalization=normalization)
    solver = Solver(model, small_data, num_epochs=EPOCHS, batch_size=batch_size, update_rule='adam',
                    optim_config={'learning_rate': 1e-3}, verbose=False)
    solver.train()
    return solver


if data is None:
    print(SKIPPED)
else:
    small_data = {'X_train': data['X_train'][:NUM_TRAIN], 'y_train': data['y_train'][:NUM_TRAIN],
                  'X_val': data['X_val'], 'y_val': data['y_val']}
    normalizations = ['batchnorm', 'layernorm'] if batchnorm_ready() else ['layernorm']
    if 'batchnorm' not in normalizations:
        print('batchnorm_forward is still a stub: paste your batch normalization above to compare it; '
              'training layer norm and the baseline only.')
    baseline = train(None, BATCH_SIZES[0])
    solvers = {}
    for normalization in normalizations:
        for batch_size in BATCH_SIZES:
            print('Training with %s, batch size %d' % (normalization, batch_size))
            solvers[normalization, batch_size] = train(normalization, batch_size)

# %% id="plot_batch_size"
if data is None:
    print(SKIPPED)
else:
    fig, axes = plt.subplots(2, len(normalizations), figsize=(7 * len(normalizations), 10), squeeze=False)
    for column, normalization in enumerate(normalizations):
        for row, (history, what) in enumerate([('train_acc_history', 'Training accuracy'),
                                               ('val_acc_history', 'Validation accuracy')]):
            ax = axes[row, column]
            ax.plot(getattr(baseline, history), '-o', label='baseline, batch size %d' % BATCH_SIZES[0])
            for batch_size in BATCH_SIZES:
                ax.plot(getattr(solvers[normalization, batch_size], history), '-o',
                        label='%s, batch size %d' % (normalization, batch_size))
            ax.set_title('%s with %s' % (what, normalization))
            ax.set_xlabel('Epoch')
            ax.set_ylabel(what)
            ax.legend(loc='lower right')
    fig.tight_layout()
    plt.show()

# %% [markdown] id="question_batch_size"
# ## Question 1
#
# Describe what the experiment shows about batch normalization and batch size, and about layer normalization
# and batch size. Explain **why** the two differ.

# %% [markdown] bnkit="answer" id="answer_batch_size"
# ### BEGIN SOLUTION
# With batch normalization, small batches hurt: at batch size 5 the training and validation accuracies are
# lower and noisier than at 50, and can fall to the baseline's or below it. Batch normalization normalizes with
# the mean and variance of the batch, and with a handful of examples those estimates are poor: every example's
# normalized value jumps with the other examples drawn next to it, which is noise in training, and the running
# averages used at test time disagree with the statistics the network was trained with. Layer normalization
# computes its statistics over the features of each example, so the batch size does not enter them: its curves
# stay close to each other across batch sizes, and it keeps working at batch size one.
# ### END SOLUTION

# %% [markdown] id="question_analogies"
# ## Question 2
#
# Which of these preprocessing steps is analogous to batch normalization, and which to layer normalization?
# Explain.
#
# 1. Scaling each image so that the RGB values of each row of pixels within it sum to 1.
# 2. Scaling each image so that the RGB values of all its pixels sum to 1.
# 3. Subtracting the data set's mean image from each image.
# 4. Setting every RGB value to 0 or 1 by a threshold.

# %% [markdown] bnkit="answer" id="answer_analogies"
# ### BEGIN SOLUTION
# Step 3 is analogous to batch normalization: the statistic (the mean image) is computed across examples,
# feature by feature, and applied to each of them. Step 2 is analogous to layer normalization: the statistic
# (the sum) is computed over all the features of one image and rescales that image alone. Step 1 normalizes
# over a subset of one example's features (closer to group normalization), and step 4 is not a normalization.
# ### END SOLUTION

# %% [markdown] id="question_when_layernorm_fails"
# ## Question 3
#
# When is layer normalization likely to work poorly, and why: (1) in a very deep network, (2) when each layer
# has very few features, (3) with a strong regularization term?

# %% [markdown] bnkit="answer" id="answer_when_layernorm_fails"
# ### BEGIN SOLUTION
# (2): with few features per example, the mean and variance layer normalization computes over them are noisy
# estimates, as batch normalization's are with small batches, and normalizing a handful of numbers throws away
# much of what distinguishes them (with D = 2, every example normalizes to about plus or minus one). (3) can
# hurt too: a strong penalty pushes the weights, and so the pre-activations, towards zero, where the variance
# is small next to eps and the normalization no longer restores the scale. Depth (1) is not a problem in
# itself; normalization is what helps deep networks train.
# ### END SOLUTION
