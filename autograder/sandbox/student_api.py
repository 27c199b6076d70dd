"""How a check talks to a student's code.

A check never touches student objects. It calls the methods below, which take
and return only plain data: numpy arrays of a numeric dtype (never a
subclass), Python floats/ints/strings, and dicts and lists of those. Two
implementations exist:

- ``autograder.grading.inprocess.InProcessStudent``: the student's functions from a
  notebook namespace, called directly (used by nbgrader's hidden test cells,
  where grading happens inside the student's kernel anyway);
- ``autograder.sandbox.client.WorkerStudent``: the same calls made over a pipe
  to a sandboxed worker process (used by ``bnkit grade``).

Any failure of the student's side (an exception in their code, a missing
name, a crash, a timeout, a malformed return value) surfaces as
``StudentCodeError`` with a message a student can act on.
"""
from typing import Protocol

import numpy as np


class StudentCodeError(Exception):
    """The student's code raised, was missing, crashed, timed out or returned something unusable.

    ``kind`` is one of 'exception' (their code raised; ``exc_type`` names the exception class),
    'missing' (a name the check needs is not defined), 'bad_return' (a value of the wrong kind or
    shape came back), 'timeout', 'crash' (the worker died) or 'limit' (a resource limit was hit).
    """

    def __init__(self, message, kind='exception', exc_type=None):
        super().__init__(message)
        self.kind = kind
        self.exc_type = exc_type


class StudentAPI(Protocol):
    def has(self, name: str) -> bool:
        """Whether the submission defines ``name`` (e.g. 'batchnorm_forward')."""

    def changed_inputs(self) -> list:
        """Names of the input arrays ('x', 'gamma', 'dout', 'X', ...) the last call modified in place."""

    def batchnorm_forward(self, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                          bn_param: dict) -> tuple[np.ndarray, dict]:
        """Call the student's batchnorm_forward on arrays of its own (copies of the grader's).

        Returns (out, bn_param_after): out as a plain ndarray and the dict as
        the student's code left it (arrays and scalars only).
        """

    def batchnorm_backward(self, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                           bn_param: dict, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Run the student's forward in the given mode, then their backward on its cache.

        Returns (dx, dgamma, dbeta). The cache never leaves the student's side.
        """

    def batchnorm_forward_kept(self, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                               bn_param: dict) -> tuple[np.ndarray, dict, int]:
        """The forward as above, its cache kept on the student's side: (out, bn_param_after, handle).

        The grader composes the reference net's layers around the student's batch norm with these two
        calls; the cache never leaves the student's side and no reference code enters it.
        """

    def batchnorm_backward_kept(self, handle: int, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The student's backward on the cache of a ``batchnorm_forward_kept`` call: (dx, dgamma, dbeta)."""

    def net_create(self, **kwargs) -> int:
        """Construct the student's FullyConnectedNet(**kwargs); returns a handle.

        The caller seeds numpy's global generator through ``seed_numpy`` first
        when it wants reproducible weights.
        """

    def net_state(self, handle: int) -> dict:
        """{'params': {name: array}, 'bn_params': [dict, ...], 'dropout_param': dict} of a net.

        Arrays keep their dtype. Attributes the net lacks come back empty ({} or []).
        """

    def net_set_params(self, handle: int, params: dict) -> None:
        """Replace the net's params with copies of the given arrays (same keys)."""

    def net_loss(self, handle: int, X: np.ndarray, y: np.ndarray | None = None):
        """model.loss(X, y): scores (N, C) when y is None, else (loss float, grads dict)."""

    def seed_numpy(self, seed: int) -> None:
        """np.random.seed(seed) on the student's side."""

    def train_and_predict(self, net_kwargs: dict, data: dict, solver_kwargs: dict,
                          X_eval: np.ndarray) -> np.ndarray:
        """Train the student's net with cs231n's Solver on ``data`` and return scores on X_eval.

        ``data`` holds X_train, y_train, X_val, y_val. The labels of X_eval
        never cross to the student's side: the grader scores the returned
        predictions itself.
        """
