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
# The batch normalization notebook's source: its prose and visible tests, in Jupytext's percent format.
#
# Open it as a notebook in JupyterLab with Jupytext installed (`pip install jupytext`, or the kit's
# `[instructor]` extra): right-click > Open With > Notebook; or convert it with
# `jupytext --to ipynb notebook.py`. Run from this folder's point of view, the checkout's root must be on
# `sys.path` (for `cs231n`): `PYTHONPATH=../../.. python notebook.py` runs it as a script, and stops at the
# first solution stub (raise NotImplementedError), as a student's notebook would.
#
# `python -m autograder.notebook.build` turns it into source/BatchNormalization/BatchNormalization.ipynb.
# Cell attributes (`# %% bnkit="..." id="..."`) say what the build does with each cell:
# guide: this cell's text, then the student's guide (autograder.notebook.student_guide);
# solution: replaced by the reference code of CELLS[id] (cells.py) with solution markers;
# tests: visible tests, a locked 0-point grade cell; checks: the hidden call of the named checks, whose
# points it is worth; answer: the hand-graded answer of the Question with that id; any other cell: locked,
# as written; note (this cell): for the notebook's authors, left out of the build.
#
# It is a whole notebook's text, hence its length (about 490 lines).


# %% [markdown] bnkit="guide" id="intro"
# # Batch Normalization
#
# Deep networks are hard to train when the distribution of each layer's inputs drifts as the layers before it
# learn. **Batch normalization** (Ioffe and Szegedy, 2015) fixes the scale of every hidden unit: during training
# it standardizes each feature with the mean and variance of the current minibatch, then lets the network pick
# the scale and shift it wants through two learned parameters, $\gamma$ and $\beta$. At test time it uses running
# averages of the training statistics instead, so a prediction never depends on the rest of its batch.
#
# In this notebook you will
#
# 1. write the forward pass of a batch normalization layer, for training and for testing;
# 2. write its backward pass and check it against numeric gradients;
# 3. add batch normalization to a fully connected network of any depth;
# 4. train deep networks with and without it and see how it changes training and the sensitivity to the scale of
#    the initial weights.
#
# The layers you do not write (affine, ReLU, dropout, softmax loss), the update rules, the `Solver` and the gradient
# checking tools come from the `cs231n` package next to this notebook. The framework and the layer style are those
# of Stanford's CS231n course, used with thanks.


# %% id="setup"
# Setup: imports (rel_error compares two arrays) and plotting defaults.
import os

import numpy as np
import matplotlib.pyplot as plt

from cs231n.layers import *
from cs231n.layer_utils import *
from cs231n.data_utils import get_CIFAR10_data_or_none
from cs231n.gradient_check import eval_numerical_gradient, eval_numerical_gradient_array, rel_error
from cs231n.solver import Solver

# %matplotlib inline
plt.rcParams['figure.figsize'] = (10.0, 8.0)
plt.rcParams['image.interpolation'] = 'nearest'
plt.rcParams['image.cmap'] = 'gray'

# BNKIT_QUICK=1 shortens the experiments at the end (for testing the notebook, not for your answers).
QUICK = os.environ.get('BNKIT_QUICK', '') not in ('', '0')
EPOCHS = 3 if QUICK else 10
NUM_WEIGHT_SCALES = 4 if QUICK else 20



# %% [markdown] id="load_data_md"
# ## Load the data
#
# Without CIFAR-10 this cell says how to fetch it, and the experiments at the end are skipped; everything you implement is still checked.


# %% id="load_data"
# Load CIFAR-10 and subtract the mean training image. With a partial copy of the data set (fewer than
# 50,000 training images) every image there is used; the experiments below need only the first 1000.
# Without the data set, data is None and the experiment cells each print one line instead of running.
SKIPPED = 'Skipped: this experiment needs CIFAR-10 (see the "Load the data" cell).'
data = get_CIFAR10_data_or_none(num_validation=1000)


# %% [markdown] id="batchnorm_forward_md"
# ## Batch normalization: forward pass
#
# For a minibatch $x$ of shape $(N, D)$, train mode computes per feature $j$
#
# $$\mu_j = \frac{1}{N}\sum_i x_{ij}, \qquad \sigma_j^2 = \frac{1}{N}\sum_i (x_{ij} - \mu_j)^2, \qquad
# \hat x_{ij} = \frac{x_{ij} - \mu_j}{\sqrt{\sigma_j^2 + \epsilon}}, \qquad y_{ij} = \gamma_j \hat x_{ij} + \beta_j$$
#
# and keeps exponentially decaying running averages of $\mu$ and $\sigma^2$ in `bn_param`, which test mode uses
# in place of the batch statistics. Note the variance divides by $N$, not $N - 1$.
#
# Implement `batchnorm_forward` below, both modes, following its docstring. Then run the test cell: after
# normalization the features should have mean about 0 and standard deviation about 1, or $\beta$ and $\gamma$
# when those are not trivial.


# %% bnkit="solution" id="batchnorm_forward"
def batchnorm_forward(x, gamma, beta, bn_param):
    raise NotImplementedError()


# %% bnkit="tests" id="test_batchnorm_forward"
# Check the train-time forward pass with the activations of a random two-layer network.
np.random.seed(231)
N, D1, D2, D3 = 200, 50, 60, 3
X = np.random.randn(N, D1)
W1 = np.random.randn(D1, D2)
W2 = np.random.randn(D2, D3)
a = np.maximum(0, X.dot(W1)).dot(W2)

print('Before batch normalization:')
print('  means:', a.mean(axis=0))
print('  stds: ', a.std(axis=0))

a_norm, _ = batchnorm_forward(a, np.ones(D3), np.zeros(D3), {'mode': 'train'})
print('After batch normalization (gamma=1, beta=0): means near 0, stds near 1')
print('  means:', a_norm.mean(axis=0))
print('  stds: ', a_norm.std(axis=0))
assert np.allclose(a_norm.mean(axis=0), 0, atol=1e-7), 'the means should be 0'
assert np.allclose(a_norm.std(axis=0), 1, atol=1e-5), 'the standard deviations should be 1'

gamma = np.asarray([1.0, 2.0, 3.0])
beta = np.asarray([11.0, 12.0, 13.0])
a_norm, _ = batchnorm_forward(a, gamma, beta, {'mode': 'train'})
print('After batch normalization (nontrivial gamma, beta): means near beta, stds near gamma')
print('  means:', a_norm.mean(axis=0))
print('  stds: ', a_norm.std(axis=0))
assert np.allclose(a_norm.mean(axis=0), beta, atol=1e-7), 'the means should equal beta'
assert np.allclose(a_norm.std(axis=0), gamma, atol=1e-5), 'the standard deviations should equal gamma'
print('Visible checks passed.')


# %% bnkit="checks" id="check_batchnorm_forward" checks="batchnorm_forward_train batchnorm_invalid_mode" part="Batch normalization, forward pass"
# The hidden checks of "Batch normalization, forward pass" run here when the notebook is graded.


# %% [markdown] id="test_mode_md"
# ### Test mode
#
# Run many train-mode forward passes to warm up the running averages, then one test-mode pass on fresh data.
# The statistics are noisier than at train time, but the means should stay near 0 and the standard deviations
# near 1.


# %% bnkit="tests" id="test_batchnorm_test_mode"
np.random.seed(231)
N, D1, D2, D3 = 200, 50, 60, 3
W1 = np.random.randn(D1, D2)
W2 = np.random.randn(D2, D3)

bn_param = {'mode': 'train'}
gamma = np.ones(D3)
beta = np.zeros(D3)
for t in range(50):
    X = np.random.randn(N, D1)
    a = np.maximum(0, X.dot(W1)).dot(W2)
    batchnorm_forward(a, gamma, beta, bn_param)
bn_param['mode'] = 'test'
X = np.random.randn(N, D1)
a = np.maximum(0, X.dot(W1)).dot(W2)
a_norm, _ = batchnorm_forward(a, gamma, beta, bn_param)

print('After batch normalization (test time):')
print('  means:', a_norm.mean(axis=0))
print('  stds: ', a_norm.std(axis=0))
assert np.all(np.abs(a_norm.mean(axis=0)) < 0.15), 'test-time means should be within about 0.15 of 0'
assert np.all(np.abs(a_norm.std(axis=0) - 1) < 0.1), 'test-time stds should be within about 0.1 of 1'
print('Visible checks passed.')


# %% bnkit="checks" id="check_batchnorm_test_mode" checks="batchnorm_running_stats_test_mode" part="Batch normalization, test mode"
# The hidden checks of "Batch normalization, test mode" run here when the notebook is graded.


# %% [markdown] id="batchnorm_backward_md"
# ## Batch normalization: backward pass
#
# Implement `batchnorm_backward`. Draw the computational graph of the forward pass (mean, centered input,
# variance, standard deviation, normalized input, scale and shift) and backpropagate through it one node at a
# time; the input reaches the output along three paths (directly, through the mean and through the variance),
# and their gradients add up. Then compare with numeric gradients: expect relative errors around 1e-9 for `dx` and
# 1e-11 for `dgamma` and `dbeta`.
#
# If you like, work out the closed form afterwards: it fits in a single line and runs faster. Both are accepted.


# %% bnkit="solution" id="batchnorm_backward"
def batchnorm_backward(dout, cache):
    raise NotImplementedError()


# %% bnkit="tests" id="test_batchnorm_backward"
# Gradient check of the backward pass.
np.random.seed(231)
N, D = 4, 5
x = 5 * np.random.randn(N, D) + 12
gamma = np.random.randn(D)
beta = np.random.randn(D)
dout = np.random.randn(N, D)

bn_param = {'mode': 'train'}
fx = lambda x: batchnorm_forward(x, gamma, beta, bn_param)[0]
fg = lambda g: batchnorm_forward(x, g, beta, bn_param)[0]
fb = lambda b: batchnorm_forward(x, gamma, b, bn_param)[0]

dx_num = eval_numerical_gradient_array(fx, x, dout)
dgamma_num = eval_numerical_gradient_array(fg, gamma.copy(), dout)
dbeta_num = eval_numerical_gradient_array(fb, beta.copy(), dout)

_, cache = batchnorm_forward(x, gamma, beta, bn_param)
dx, dgamma, dbeta = batchnorm_backward(dout, cache)
print('dx error:     ', rel_error(dx_num, dx))
print('dgamma error: ', rel_error(dgamma_num, dgamma))
print('dbeta error:  ', rel_error(dbeta_num, dbeta))
assert rel_error(dx_num, dx) < 1e-6, 'dx does not match the numeric gradient'
assert rel_error(dgamma_num, dgamma) < 1e-6, 'dgamma does not match the numeric gradient'
assert rel_error(dbeta_num, dbeta) < 1e-6, 'dbeta does not match the numeric gradient'
print('Visible checks passed.')


# %% bnkit="checks" id="check_batchnorm_backward" checks="batchnorm_backward" part="Batch normalization, backward pass"
# The hidden checks of "Batch normalization, backward pass" run here when the notebook is graded.


# %% [markdown] id="fc_net_md"
# ## A fully connected network with batch normalization
#
# Now build `FullyConnectedNet`, a network of any depth whose hidden layers are
# `affine - batchnorm - relu - [dropout]` when `use_batchnorm=True` (and `affine - relu - [dropout]` otherwise),
# followed by an affine output layer and a softmax loss. The docstrings give the contract; in short:
#
# 1. `__init__` creates `W1..WL` (`weight_scale * randn`), zero biases and, with batch norm, `gamma1..gamma{L-1}`
#    as ones and `beta1..beta{L-1}` as zeros, plus **one `bn_param` dict per batch-norm layer** in
#    `self.bn_params`;
# 2. `loss(X, y)` runs the forward pass in train mode and returns the loss and a gradient for every parameter;
#    `loss(X)` (no labels) runs in test mode and returns the scores;
# 3. the L2 penalty is `0.5 * reg * sum(W**2)` over the weight matrices only. The output layer is never
#    batch normalized.
#
# The first cell below holds an optional sandwich layer, `affine_batchnorm_relu_forward/backward`, which keeps
# the network code short. If you do not use it, leave its cell as it is.
#
# After your implementation, run the gradient check: the relative errors should be around 1e-4 or smaller for
# the first layer's weights (errors grow as gradients travel back) and around 1e-8 for `gamma` and `beta`.


# %% bnkit="solution" id="affine_batchnorm_relu"
def affine_batchnorm_relu_forward(x, w, b, gamma, beta, bn_param):
    raise NotImplementedError()


def affine_batchnorm_relu_backward(dout, cache):
    raise NotImplementedError()


# %% bnkit="solution" id="fc_net"
class FullyConnectedNet:
    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10, dropout=0,
                 use_batchnorm=False, reg=0.0, weight_scale=1e-2, dtype=np.float32, seed=None):
        raise NotImplementedError()

    def loss(self, X, y=None):
        raise NotImplementedError()


# %% bnkit="tests" id="test_fc_net"
np.random.seed(231)
N, D, H1, H2, C = 2, 15, 20, 30, 10
X = np.random.randn(N, D)
y = np.random.randint(C, size=(N,))

expected_initial_loss = {0: 2.2612, 3.14: 6.9965}   # the reference's, with these inputs
for reg in [0, 3.14]:
    print('Running check with reg =', reg)
    model = FullyConnectedNet([H1, H2], input_dim=D, num_classes=C, reg=reg, weight_scale=5e-2,
                              dtype=np.float64, use_batchnorm=True)
    loss, grads = model.loss(X, y)
    print('Initial loss: %.4f (expected about %.4f)' % (loss, expected_initial_loss[reg]))
    assert abs(loss - expected_initial_loss[reg]) < 1e-3, (
        'the initial loss should be about %.4f; at reg > 0 check the L2 penalty, 0.5 * reg * sum(W**2) '
        'over the weight matrices only' % expected_initial_loss[reg])
    assert sorted(grads) == sorted(model.params), 'grads needs exactly the keys of model.params'
    for name in sorted(grads):
        f = lambda _: model.loss(X, y)[0]
        grad_num = eval_numerical_gradient(f, model.params[name], verbose=False, h=1e-5)
        error = rel_error(grad_num, grads[name])
        print('%s relative error: %.2e' % (name, error))
        # A bias right before batch norm has a true gradient of 0, so compare those absolutely.
        assert error < 1e-3 or np.abs(grad_num - grads[name]).max() < 1e-8, name + ' looks wrong'
    print()
print('Visible checks passed.')


# %% bnkit="checks" id="check_fc_net" checks="fc_net_init fc_net_loss_and_gradients fc_net_test_mode" part="A fully connected network with batch normalization"
# The hidden checks of "A fully connected network with batch normalization" run here when the notebook is graded.


# %% [markdown] id="train_md"
# ## Training a deep network
#
# Does batch normalization help? Train a six-layer network (`[100] * 5` hidden units) on 1000 training images
# with and without it, using Adam and a small weight scale, and compare.


# %% id="train_deep_net"
if data is None:
    print(SKIPPED)
else:
    np.random.seed(231)
    hidden_dims = [100, 100, 100, 100, 100]
    num_train = 1000
    small_data = {
        'X_train': data['X_train'][:num_train],
        'y_train': data['y_train'][:num_train],
        'X_val': data['X_val'],
        'y_val': data['y_val'],
    }

    weight_scale = 2e-2
    bn_model = FullyConnectedNet(hidden_dims, weight_scale=weight_scale, use_batchnorm=True)
    model = FullyConnectedNet(hidden_dims, weight_scale=weight_scale, use_batchnorm=False)

    print('With batch normalization:')
    bn_solver = Solver(bn_model, small_data, num_epochs=EPOCHS, batch_size=50, update_rule='adam',
                       optim_config={'learning_rate': 1e-3}, verbose=True, print_every=200)
    bn_solver.train()

    print('Without batch normalization:')
    solver = Solver(model, small_data, num_epochs=EPOCHS, batch_size=50, update_rule='adam',
                    optim_config={'learning_rate': 1e-3}, verbose=True, print_every=200)
    solver.train()


# %% id="plot_training"
if data is None:
    print(SKIPPED)
else:
    fig, axes = plt.subplots(3, 1, figsize=(15, 15))
    panels = [
        (axes[0], 'Training loss', 'Iteration', 'Loss', 'loss_history', 'o'),
        (axes[1], 'Training accuracy', 'Epoch', 'Accuracy', 'train_acc_history', '-o'),
        (axes[2], 'Validation accuracy', 'Epoch', 'Accuracy', 'val_acc_history', '-o'),
    ]
    for ax, title, xlabel, ylabel, history, style in panels:
        ax.plot(getattr(solver, history), style, label='baseline')
        ax.plot(getattr(bn_solver, history), style, label='batchnorm')
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.legend(loc='upper center', ncol=2)
    fig.tight_layout()
    plt.show()


# %% bnkit="tests" id="test_training"
if data is None:
    print(SKIPPED)
else:
    print('Final training accuracy with batch norm: %.3f, without: %.3f'
          % (bn_solver.train_acc_history[-1], solver.train_acc_history[-1]))
    assert bn_solver.train_acc_history[-1] > 0.2, 'the batch-norm network hardly learns: check loss() and its gradients'
    print('Visible checks passed.')


# %% bnkit="checks" id="check_training" checks="fc_net_training" part="Training a deep network"
# The hidden checks of "Training a deep network" run here when the notebook is graded.


# %% [markdown] id="weight_scale_md"
# ## Batch normalization and initialization
#
# Now vary the scale of the initial weights over four orders of magnitude and train a deeper network (seven
# hidden layers of 50 units) with and without batch normalization at each scale.


# %% id="weight_scale_sweep"
if data is None:
    print(SKIPPED)
else:
    np.random.seed(231)
    hidden_dims = [50, 50, 50, 50, 50, 50, 50]
    num_train = 1000
    small_data = {
        'X_train': data['X_train'][:num_train],
        'y_train': data['y_train'][:num_train],
        'X_val': data['X_val'],
        'y_val': data['y_val'],
    }

    bn_solvers = {}
    solvers = {}
    weight_scales = np.logspace(-4, 0, num=NUM_WEIGHT_SCALES)
    for i, weight_scale in enumerate(weight_scales):
        print('Running weight scale %d / %d' % (i + 1, len(weight_scales)))
        bn_model = FullyConnectedNet(hidden_dims, weight_scale=weight_scale, use_batchnorm=True)
        model = FullyConnectedNet(hidden_dims, weight_scale=weight_scale, use_batchnorm=False)

        bn_solver = Solver(bn_model, small_data, num_epochs=EPOCHS, batch_size=50, update_rule='adam',
                           optim_config={'learning_rate': 1e-3}, verbose=False)
        bn_solver.train()
        bn_solvers[weight_scale] = bn_solver

        solver = Solver(model, small_data, num_epochs=EPOCHS, batch_size=50, update_rule='adam',
                        optim_config={'learning_rate': 1e-3}, verbose=False)
        solver.train()
        solvers[weight_scale] = solver


# %% id="plot_weight_scale"
if data is None:
    print(SKIPPED)
else:
    best_train_accs, bn_best_train_accs = [], []
    best_val_accs, bn_best_val_accs = [], []
    final_train_loss, bn_final_train_loss = [], []
    for ws in weight_scales:
        best_train_accs.append(max(solvers[ws].train_acc_history))
        bn_best_train_accs.append(max(bn_solvers[ws].train_acc_history))
        best_val_accs.append(max(solvers[ws].val_acc_history))
        bn_best_val_accs.append(max(bn_solvers[ws].val_acc_history))
        final_train_loss.append(np.mean(solvers[ws].loss_history[-100:]))
        bn_final_train_loss.append(np.mean(bn_solvers[ws].loss_history[-100:]))

    fig, axes = plt.subplots(3, 1, figsize=(10, 15))
    # The loss spans many orders of magnitude (it explodes at large scales without batch norm): log scale.
    panels = [
        (axes[0], 'Best validation accuracy vs weight initialization scale', 'Best validation accuracy',
         best_val_accs, bn_best_val_accs, 'linear'),
        (axes[1], 'Best training accuracy vs weight initialization scale', 'Best training accuracy',
         best_train_accs, bn_best_train_accs, 'linear'),
        (axes[2], 'Final training loss vs weight initialization scale', 'Final training loss (log scale)',
         final_train_loss, bn_final_train_loss, 'log'),
    ]
    for ax, title, ylabel, baseline, with_bn, yscale in panels:
        ax.semilogx(weight_scales, baseline, '-o', label='baseline')
        ax.semilogx(weight_scales, with_bn, '-o', label='batchnorm')
        ax.set_yscale(yscale)
        ax.set_title(title)
        ax.set_xlabel('Weight initialization scale')
        ax.set_ylabel(ylabel)
        ax.legend()
    fig.tight_layout()
    plt.show()


# %% [markdown] id="question"
# ## Question
#
# Describe what the weight-scale experiment shows, and explain **why** batch normalization makes training less
# sensitive to the scale of the initial weights. Refer to the three plots.


# %% [markdown] bnkit="answer" id="answer_initialization"
# ### BEGIN SOLUTION
# Without batch normalization the network trains well only in a narrow band of weight scales: with small scales
# the activations shrink layer after layer until the signal and the gradients all but vanish (accuracy near
# chance), and with large scales they blow up (the final training loss explodes). With batch normalization the
# best training and validation accuracies stay high across most of the range and the final loss stays bounded;
# near the best scale both networks do about equally well.
#
# Batch normalization re-standardizes every hidden layer's pre-activations to zero mean and unit variance with
# the batch statistics, so whatever scale the weights start at, the next layer sees inputs of the same scale.
# Scaling a layer's weights by a constant does not change its normalized output at all, and it scales that
# layer's weight gradients by the inverse of the constant, which keeps updates in check. The forward signal
# neither vanishes nor explodes, and the learned gamma and beta let the network choose the scale it needs.
# ### END SOLUTION
