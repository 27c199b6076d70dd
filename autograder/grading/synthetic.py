"""Training data the grader makes itself: synthetic, learnable, deterministic.

A random "teacher" network labels Gaussian inputs, so the classes are not linearly separable and a deep net
has to actually train to do well. A training check hands the student's side the training data and the
evaluation inputs; the evaluation labels stay in the grader, which scores the returned predictions.
"""
from dataclasses import dataclass

import numpy as np


@dataclass
class TrainingTask:
    net_kwargs: dict
    solver_kwargs: dict
    train_data: dict          # X_train, y_train, X_val, y_val
    X_eval: np.ndarray
    y_eval: np.ndarray        # never leaves the grader
    num_classes: int
    full_credit_accuracy: float
    no_credit_accuracy: float


def teacher_labels(X, rng, num_classes, hidden=64):
    W1 = rng.standard_normal((X.shape[1], hidden))
    W2 = rng.standard_normal((hidden, num_classes))
    return np.argmax(np.tanh(X.dot(W1) / np.sqrt(X.shape[1])).dot(W2), axis=1)


def make_classification(n, seed, dim=48, num_classes=5):
    """(X, y): n examples of dimension dim labelled by a fixed random teacher network."""
    teacher_rng = np.random.default_rng([seed, 0])
    data_rng = np.random.default_rng([seed, 1])
    X = data_rng.standard_normal((n, dim))
    return X, teacher_labels(X, teacher_rng, num_classes)


def training_task(seed, net_kwargs, solver_kwargs, full_credit_accuracy, no_credit_accuracy,
                  n_train=1000, n_val=200, n_eval=1000):
    """A TrainingTask on ``make_classification`` data, its input size and class count filled into net_kwargs."""
    X, y = make_classification(n_train + n_val + n_eval, seed)
    num_classes = int(y.max()) + 1
    return TrainingTask(
        net_kwargs=dict(net_kwargs, input_dim=X.shape[1], num_classes=num_classes),
        solver_kwargs=dict(solver_kwargs),
        train_data={'X_train': X[:n_train], 'y_train': y[:n_train],
                    'X_val': X[n_train:n_train + n_val], 'y_val': y[n_train:n_train + n_val]},
        X_eval=X[n_train + n_val:], y_eval=y[n_train + n_val:], num_classes=num_classes,
        full_credit_accuracy=full_credit_accuracy, no_credit_accuracy=no_credit_accuracy,
    )


def accuracy(scores, task):
    """The fraction of the task's evaluation examples whose highest score is their label; None for scores that
    are not (N, C) finite numbers."""
    if scores.shape != (task.X_eval.shape[0], task.num_classes) or not np.all(np.isfinite(scores)):
        return None
    return float(np.mean(np.argmax(scores, axis=1) == task.y_eval))
