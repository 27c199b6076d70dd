"""The fully connected net trained on a small task: accuracy, judged against its own layer."""
import numpy as np

from autograder.assignments.BatchNormalization import datasets
from autograder.assignments.BatchNormalization.composed import ComposedNet, contract_shapes
from autograder.assignments.BatchNormalization.net_checks import expected_net, reference_net, student_net
from autograder.assignments.BatchNormalization.settings import SEED, TOL_NET, hidden_rng
from autograder.grading.checking import check, compare, explain
from autograder.grading.outcome import Outcome
from autograder.sandbox.student_api import StudentCodeError

# ---------------------------------------------------------------- the net: training

# The training check judges the net, not the layer inside it: when the reference net's logic over the
# student's own batch norm trains worse than full credit, the student's net is compared with that instead.
# Full credit within CARRIED_FULL of its accuracy, none below CARRIED_NONE (one run's standard deviation is
# about 0.025; the band is as wide as the absolute one).
CARRIED_FULL = 0.10
CARRIED_NONE = 0.25


def _composed_training_accuracy(student, task, seed):
    """Held-out accuracy of the reference net's logic over the student's batch norm, trained here with the
    check's task and seed (the student's layer runs on the student's side); None when it cannot run."""
    from cs231n.solver import Solver
    kwargs = task.net_kwargs
    shapes = contract_shapes(kwargs['hidden_dims'], kwargs['input_dim'], kwargs['num_classes'], True)
    np.random.seed(seed)
    params = {k: np.ones(v) if k.startswith('gamma') else np.zeros(v) for k, v in shapes.items()}
    for i in range(1, len(kwargs['hidden_dims']) + 2):
        params['W%d' % i] = kwargs['weight_scale'] * np.random.randn(*shapes['W%d' % i])
    net = ComposedNet(student, params, len(kwargs['hidden_dims']) + 1, True, kwargs.get('reg', 0.0))
    try:
        Solver(net, dict(task.train_data), verbose=False, **task.solver_kwargs).train()
        scores = net.loss(task.X_eval)
    except (StudentCodeError, FloatingPointError, ValueError):
        return None
    if scores.shape != (task.X_eval.shape[0], task.num_classes) or not np.all(np.isfinite(scores)):
        return None
    return float(np.mean(np.argmax(scores, axis=1) == task.y_eval))


def _net_is_reference_logic(student):
    """Whether the student's net computes what the reference logic over the student's own layer computes
    (train-mode loss and gradients of a small batch-norm net): then a training shortfall is the layer's."""
    rng = hidden_rng(9)
    kwargs = dict(hidden_dims=[20, 20], input_dim=15, num_classes=10, use_batchnorm=True, reg=0.0,
                  weight_scale=5e-2)
    params = {k: v.copy() for k, v in reference_net(SEED + 9, dtype=np.float64, **kwargs).params.items()}
    X, y = rng.standard_normal((8, 15)), rng.integers(10, size=8)
    try:
        expected = expected_net(student, kwargs, params, SEED + 9)
        if not isinstance(expected, ComposedNet):
            return False
        expected_loss, expected_grads = expected.loss(X, y)
        handle, mapping = student_net(student, kwargs, params)
        loss, grads = student.net_loss(handle, X, y)
    except StudentCodeError:
        return False
    if abs(loss - expected_loss) > TOL_NET * max(1.0, abs(expected_loss)):
        return False
    return all(mapping[k] in grads and compare(k, grads[mapping[k]], v, TOL_NET, floor=1e-6) is None
               for k, v in expected_grads.items())


@check('FullyConnectedNet: a deep batch-norm net trains to good accuracy',
       points=10, needs=('FullyConnectedNet',), short='training', column='train')
def fc_net_training(student):
    task = datasets.training_task()
    accuracy, problems = None, []
    # The better of two seeded runs: one unlucky initialization must not cost a correct net its points.
    for seed in datasets.TRAINING_SEEDS:
        try:
            student.seed_numpy(seed)
            scores = student.train_and_predict(task.net_kwargs, task.train_data, task.solver_kwargs, task.X_eval)
        except StudentCodeError as exc:
            problems.append('training a batch-norm net failed: ' + explain(exc))
            break
        if scores.shape != (task.X_eval.shape[0], task.num_classes) or not np.all(np.isfinite(scores)):
            problems.append('after training, loss(X) returned scores of shape %s%s; expected (N, %d) finite '
                            'numbers' % (scores.shape, '' if np.all(np.isfinite(scores)) else ' with NaN/inf',
                                         task.num_classes))
            break
        run_accuracy = float(np.mean(np.argmax(scores, axis=1) == task.y_eval))
        accuracy = run_accuracy if accuracy is None else max(accuracy, run_accuracy)
        if accuracy >= task.full_credit_accuracy:
            return Outcome(1.0, [])
    if accuracy is None:
        if problems and student.has('batchnorm_backward') and _net_is_reference_logic(student):
            with np.errstate(all='ignore'):
                layer_fails = all(_composed_training_accuracy(student, task, seed) is None
                                  for seed in datasets.TRAINING_SEEDS[:1])
            if layer_fails:
                # The reference net fails the same way around this layer: the layer's checks charge it.
                return Outcome(1.0, [])
        return Outcome(0.0, problems)
    fraction = (accuracy - task.no_credit_accuracy) / (task.full_credit_accuracy - task.no_credit_accuracy)
    fraction = float(np.clip(fraction, 0.0, 1.0))
    message = ('a deep net with batch norm reached %.1f%% held-out accuracy at best; a correct implementation '
               'reaches at least %.1f%% (full credit), and partial credit starts above %.1f%%'
               % (100 * accuracy, 100 * task.full_credit_accuracy, 100 * task.no_credit_accuracy))
    composed = None
    if student.has('batchnorm_forward') and student.has('batchnorm_backward') and _net_is_reference_logic(student):
        with np.errstate(all='ignore'):
            runs = [_composed_training_accuracy(student, task, seed) for seed in datasets.TRAINING_SEEDS]
        runs = [r for r in runs if r is not None]
        composed = max(runs) if runs else None
    if composed is not None and composed < task.full_credit_accuracy:
        carried = float(np.clip((accuracy - (composed - CARRIED_NONE)) / (CARRIED_NONE - CARRIED_FULL), 0.0, 1.0))
        if carried > fraction:
            fraction = carried
            message += ('. The reference net built on your own batch-norm layer reaches %.1f%% on this task, so '
                        'your layer (see its checks) holds the accuracy back; your net is judged against that '
                        % (100 * composed)) + ('and loses nothing' if carried >= 1 else 'and still trains worse')
    return Outcome(fraction, problems + ([message] if fraction < 1 else []))
