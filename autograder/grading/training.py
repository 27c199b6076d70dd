"""A training check: the student's net trained on the grader's task, judged on held-out accuracy.

The check judges the net, not the layer inside it: when the reference net's logic over the student's own
layer trains worse than full credit, the student's net is compared with that instead (error carried
forward), with full credit within CARRIED_FULL of its accuracy and none below CARRIED_NONE (one run's
standard deviation is about 0.025; the band is as wide as the absolute one). The better of the seeded runs
counts: one unlucky initialization must not cost a correct net its points.

Every training check trains the same deep net on the same task; an assignment declares what is its own
(``Training``: the keyword arguments that put its layer into the net, the thresholds its calibration
measured, the runs' seeds; ``TrainedNet``: the net's reference and feedback's words).
"""
from dataclasses import dataclass

import numpy as np

from autograder.grading import synthetic
from autograder.grading.checking import explain
from autograder.grading.outcome import Outcome
from autograder.grading.synthetic import accuracy as accuracy_of
from autograder.grading.tolerances import TOL_NET
from autograder.sandbox.student_api import StudentCodeError

CARRIED_FULL = 0.10
CARRIED_NONE = 0.25
TASK_SEED = 5150   # the synthetic task's data
DEEP_NET = dict(hidden_dims=[100] * 5, weight_scale=2e-2)
SOLVER = dict(update_rule='adam', optim_config={'learning_rate': 1e-3}, num_epochs=8, batch_size=50)


@dataclass(frozen=True)
class Training:
    """An assignment's training check: what it trains and the accuracies that earn full and no credit."""
    layer_kwargs: dict            # what puts the layer into the deep net: {'use_batchnorm': True}
    full_credit_accuracy: float   # measured with the assignment's calibrate (autograder.grading.calibration)
    no_credit_accuracy: float
    seeds: tuple                  # one training run per seed, the better counts

    def task(self, **net_kwargs):
        """The synthetic TrainingTask of the deep net with this layer (and ``net_kwargs``, for calibration)."""
        return synthetic.training_task(TASK_SEED, {**DEEP_NET, **self.layer_kwargs, **net_kwargs}, SOLVER,
                                       self.full_credit_accuracy, self.no_credit_accuracy)


@dataclass(frozen=True)
class TrainedNet:
    """What a training check trains and how feedback names it."""
    net: object            # the assignment's autograder.grading.net_reference.NetReference
    layer: tuple           # the student's (forward, backward) names of the layer
    adjective: str         # 'batch-norm': "training a batch-norm net failed", "your own batch-norm layer"
    noun: str              # 'batch norm': "a deep net with batch norm reached ..."
    # A small net with the layer, on whose 8 examples the student's net must compute the reference logic over
    # their own layer for a training shortfall to be the layer's: its keyword arguments, its weights' seed, and
    # () -> the generator of its examples.
    logic_kwargs: dict
    logic_seed: int
    logic_rng: object


def training_outcome(student, training, trained):
    """The Outcome of training the student's net on the task of ``training`` once per seed."""
    task, seeds = training.task(), training.seeds
    accuracy, problems = None, []
    for seed in seeds:
        try:
            student.seed_numpy(seed)
            scores = student.train_and_predict(task.net_kwargs, task.train_data, task.solver_kwargs, task.X_eval)
        except StudentCodeError as exc:
            problems.append('training a %s net failed: %s' % (trained.adjective, explain(exc)))
            break
        run_accuracy = accuracy_of(scores, task)
        if run_accuracy is None:
            problems.append('after training, loss(X) returned scores of shape %s%s; expected (N, %d) finite '
                            'numbers' % (scores.shape, '' if np.all(np.isfinite(scores)) else ' with NaN/inf',
                                         task.num_classes))
            break
        accuracy = run_accuracy if accuracy is None else max(accuracy, run_accuracy)
        if accuracy >= task.full_credit_accuracy:
            return Outcome(1.0, [])
    forward, backward = trained.layer
    if accuracy is None:
        if problems and student.has(backward) and _is_reference_logic(student, trained):
            if all(trained.net.composed_training_accuracy(student, task, seed) is None for seed in seeds[:1]):
                # The reference net fails the same way around this layer: the layer's checks charge it.
                return Outcome(1.0, [])
        return Outcome(0.0, problems)
    fraction = (accuracy - task.no_credit_accuracy) / (task.full_credit_accuracy - task.no_credit_accuracy)
    fraction = float(np.clip(fraction, 0.0, 1.0))
    message = ('a deep net with %s reached %.1f%% held-out accuracy at best; a correct implementation '
               'reaches at least %.1f%% (full credit), and partial credit starts above %.1f%%'
               % (trained.noun, 100 * accuracy, 100 * task.full_credit_accuracy, 100 * task.no_credit_accuracy))
    composed = None
    if student.has(forward) and student.has(backward) and _is_reference_logic(student, trained):
        runs = [trained.net.composed_training_accuracy(student, task, seed) for seed in seeds]
        runs = [r for r in runs if r is not None]
        composed = max(runs) if runs else None
    if composed is not None and composed < task.full_credit_accuracy:
        carried = float(np.clip((accuracy - (composed - CARRIED_NONE)) / (CARRIED_NONE - CARRIED_FULL), 0.0, 1.0))
        if carried > fraction:
            fraction = carried
            message += ('. The reference net built on your own %s layer reaches %.1f%% on this task, so your layer '
                        '(see its checks) holds the accuracy back; your net is judged against that '
                        % (trained.adjective, 100 * composed)) + ('and loses nothing' if carried >= 1
                                                                  else 'and still trains worse')
    return Outcome(fraction, problems + ([message] if fraction < 1 else []))


def _is_reference_logic(student, trained):
    kwargs, rng = trained.logic_kwargs, trained.logic_rng()
    X, y = rng.standard_normal((8, kwargs['input_dim'])), rng.integers(kwargs['num_classes'], size=8)
    return trained.net.computes_reference_logic(student, kwargs, trained.logic_seed, X, y, TOL_NET)
