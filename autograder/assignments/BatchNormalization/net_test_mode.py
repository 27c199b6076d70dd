"""The fully connected net at test time: running statistics, one bn_param per layer, no dropout."""
import functools
from dataclasses import dataclass

import numpy as np

from autograder.assignments.BatchNormalization.composed_net import ComposedNet
from autograder.assignments.BatchNormalization.net_checks import (COMBINED_NET, DROPOUT_NET, NET_OPTIONS, REFERENCE_NET,
                                                                  dropout_params, relu_net_scores)
from autograder.assignments.BatchNormalization.settings import SEED, hidden_rng
from autograder.grading.tolerances import TOL_NET
from autograder.grading.checking import Grading, check, compare, explain, loss_agrees
from autograder.grading.net_options import combinations, label
from autograder.sandbox.student_api import StudentCodeError


def _mode_problem(bn_params):
    """Why a net's bn_params are not in test mode after loss(X), or None."""
    if all(p.get('mode') == 'test' for p in bn_params):
        return None
    if any(p.get('test') == 'test' for p in bn_params):
        return ("bn_params gained a key 'test' and still say mode 'train': `bn_param[mode] = mode` uses the "
                "variable's value as the key; write bn_param['mode'] = mode")
    return "after loss(X) without y, bn_params still say mode %r; set every bn_param['mode'] to 'test'" % (
        next(p.get('mode') for p in bn_params if p.get('mode') != 'test'),)


def _depends_on_rows(scores, rows, classes=None):
    """Whether test-time scores are a finite (rows, classes) array (any number of classes when None) that
    differs between rows: a net whose test mode returns a constant earns nothing in the parts that judge its
    behaviour."""
    return (isinstance(scores, np.ndarray) and scores.ndim == 2 and scores.shape[0] == rows
            and (classes is None or scores.shape[1] == classes)
            and np.all(np.isfinite(scores)) and np.any(scores.std(axis=0) > 1e-12))


def layer_states(bn_params, layers):
    """The net's bn_param dicts that belong to its ``layers`` normalized layers, in order: all of them when
    there are that many; else those that hold running averages, when exactly that many do (a list indexed from
    1 whose first dict is never used behaves rightly, and the parameters check alone charges its length)."""
    if len(bn_params) == layers:
        return bn_params
    used = [p for p in bn_params if isinstance(p.get('running_mean'), np.ndarray)]
    return used if len(used) == layers else bn_params


@dataclass
class TrainedNet:
    """The student's net after four training steps, and what the reference logic says it should hold then."""
    handle: object             # the student's net
    running: list              # its bn_params, one per normalized layer, as training left them
    expected: object           # the reference logic over the student's layer, or None: judge behaviour alone
    expected_running: list     # the bn_params that logic left after the same steps, or None


class NetTestModeCheck:
    """The parts of the test-mode check, each a method that returns its problems (empty = pass).

    The hidden inputs are drawn in ``__init__`` and in the dropout and options parts, in the order the parts
    run: the draws of ``hidden_rng(7)`` are the check's hidden inputs, so that order must not change.
    """

    def __init__(self, student):
        self.student = student
        self.rng = hidden_rng(7)
        self.net_kwargs = dict(hidden_dims=[16, 16], input_dim=12, num_classes=5, use_batchnorm=True,
                               weight_scale=0.2)
        self.params = {k: v.copy()
                       for k, v in REFERENCE_NET.reference(SEED + 7, dtype=np.float64, **self.net_kwargs).params.items()}
        self.batches = [(self.rng.standard_normal((20, 12)) * 2 + 1, self.rng.integers(5, size=20))
                        for _ in range(4)]
        self.X_test = self.rng.standard_normal((9, 12)) * 2 + 1

    def student_net(self, net_kwargs, params, seed=None):
        """(handle, True) of the student's net built with ``net_kwargs`` and holding ``params``; or, when its
        parameters cannot be matched to the reference's (charged in the parameters check), (their own net,
        False), numpy seeded with ``seed`` first when given: such a part judges behaviour alone."""
        try:
            return REFERENCE_NET.student_net(self.student, net_kwargs, params)[0], True
        except StudentCodeError as exc:
            if exc.kind != 'bad_return':
                raise
            if seed is not None:
                self.student.seed_numpy(seed)
            return self.student.net_create(dtype='float64', **net_kwargs), False

    def layer_states(self, handle):
        """The student's net's bn_param dicts, one per normalized layer (``layer_states``)."""
        return layer_states(self.student.net_state(handle)['bn_params'], len(self.net_kwargs['hidden_dims']))

    @functools.cached_property
    def trained(self):
        """Trains the student's net four steps, once: every part but the dropout ones judges that net. When its
        train-mode loss is the reference logic's (over the student's own layer), the parts compare with that
        logic exactly; otherwise the loss check charges the architecture and these parts judge test mode by its
        behaviour alone. A call into the student's code that fails here fails the part that asked, and the
        next part trains again (nothing is cached), as each part fails alone."""
        student = self.student
        expected = REFERENCE_NET.expected(student, self.net_kwargs, self.params, SEED + 7)
        handle, matched = self.student_net(self.net_kwargs, self.params, seed=SEED)
        expected = expected if matched else None
        for X, y in self.batches:
            loss, _ = student.net_loss(handle, X, y)
            if expected is not None:
                expected_loss, _ = expected.loss(X, y)
                if not loss_agrees(loss, expected_loss, TOL_NET):
                    expected = None
        return TrainedNet(handle, self.layer_states(handle), expected,
                          [dict(p) for p in expected.bn_params] if expected is not None else None)

    def expected_scores(self, X, running):
        """The reference logic in test mode over the student's layer and the net's running averages as they
        are before this call: the scores parts judge the switch to test mode, not the averages (the running
        averages part does). Returns (scores, the bn_params the reference logic leaves)."""
        expected = self.trained.expected
        if isinstance(expected, ComposedNet):
            expected.bn_params = [dict(p) for p in running]
            return expected.loss(X), expected.bn_params
        return expected.loss(X), [dict(p) for p in expected.bn_params]

    def test_call(self, X):
        """(student's scores, expected scores, net's bn_params after, expected bn_params after) for loss(X)."""
        handle = self.trained.handle
        before = self.layer_states(handle)
        got = self.student.net_loss(handle, X)
        after = self.layer_states(handle)
        expected, expected_after = self.expected_scores(X, before)
        return got, expected, after, expected_after

    def last_call_only(self, key, value):
        """Whether layer 1's average is what one call of the student's layer on the last batch leaves."""
        X = self.batches[-1][0]
        a = X.dot(self.params['W1']) + self.params['b1']
        _, fresh = self.student.batchnorm_forward(a, self.params['gamma1'], self.params['beta1'], {'mode': 'train'})
        once = fresh.get(key)
        return isinstance(once, np.ndarray) and once.shape == value.shape and np.allclose(once, value, rtol=1e-6)

    def test_time_cause(self, handle):
        """The likeliest reason, in the order a TA would look, that test time went wrong (after a loss(X))."""
        after = self.layer_states(handle)
        running = self.trained.running
        cause = _mode_problem(after) if after else None
        if cause is None and len(after) == len(running) and any(
                not isinstance(a.get(k), np.ndarray) or not isinstance(b.get(k), np.ndarray)
                or a.get(k).shape != b.get(k).shape or not np.array_equal(a.get(k), b.get(k))
                for a, b in zip(after, running) for k in ('running_mean', 'running_var')
                if isinstance(b.get(k), np.ndarray)):
            cause = ('loss(X) replaced the running averages of bn_params: are the dicts recreated inside loss? '
                     'Create them once, in __init__, and only set their mode in loss')
        return cause

    # ------------------------------------------------ the parts

    def running_statistics(self):
        """Each layer's running averages after four training steps: test time is only as right as they are, so
        the scores parts below count only once this one passes. Against the reference logic when the net
        follows it, else by behaviour (one dict per layer, each with averages of its own)."""
        got, expected = self.trained.running, self.trained.expected
        if expected is None:
            # Behaviour alone: one dict per layer, each holding averages of its layer's width.
            problems = []
            if not got:
                return ['after training steps the net has no bn_params dicts']
            for key in ('running_mean', 'running_var'):
                values = [p.get(key) for p in got]
                if not all(isinstance(v, np.ndarray) for v in values):
                    problems.append("after training steps some layer's bn_param has no %s" % key)
                elif len(values) > 1 and all(v.shape == values[0].shape and np.array_equal(v, values[0])
                                             for v in values):
                    problems.append('after training steps, every layer holds the same %s: the layers share one '
                                    'bn_param dict; each layer needs its own' % key)
            return problems[:2]
        theirs = self.trained.expected_running
        if len(got) != len(theirs):
            return ['expected %d bn_params dicts, found %d' % (len(theirs), len(got))]
        problems = []
        for i, (mine, ref) in enumerate(zip(got, theirs)):
            for key in ('running_mean', 'running_var'):
                value, wanted = mine.get(key), ref.get(key)
                if not isinstance(wanted, np.ndarray):
                    # Your batchnorm_forward does not store this average (its own check charges that): the
                    # net cannot be expected to hold it either.
                    continue
                if isinstance(value, np.ndarray) and compare(key, value, wanted, TOL_NET) is None:
                    continue
                if not isinstance(value, np.ndarray):
                    problems.append("after training steps, the bn_param of layer %d has no '%s'; each layer's "
                                    'batchnorm_forward must get the same bn_param dict on every call, so its '
                                    'running averages accumulate' % (i + 1, key))
                elif len(got) > 1 and all(isinstance(p.get(key), np.ndarray) and np.array_equal(p.get(key), value)
                                          for p in got):
                    problems.append('after training steps, every layer holds the same %s: the layers share '
                                    'one bn_param dict; each layer needs its own' % key)
                elif i == 0 and self.last_call_only(key, value):
                    problems.append('after training steps, %s of layer 1 holds only the last batch, as if '
                                    'started afresh: bn_params are recreated on every call (inside loss?); '
                                    'create them once, in __init__' % key)
                else:
                    problems.append('after training steps, %s of layer %d is not what four calls of your '
                                    "batchnorm_forward with that layer's own bn_param give; is self.bn_params "
                                    'created once, in __init__, and does each layer get its own dict from it?'
                                    % (key, i + 1))
        return problems[:2]

    def scores(self):
        """The trained net's scores for a batch from loss(X): the switch to test mode (every layer in test mode,
        with its own running averages), named by its likeliest cause when wrong."""
        handle = self.trained.handle
        if self.trained.expected is None:
            # Behaviour alone: the averages' own part charges wrong ones; the switch to test mode is this one's,
            # once test mode gives scores at all.
            if not _depends_on_rows(self.student.net_loss(handle, self.X_test), len(self.X_test)):
                return ['loss(X) returned scores that do not depend on X: this part counts once test mode works']
            cause = self.test_time_cause(handle)
            return [('test mode cannot be checked against the reference here (the loss check says why); ' + cause)
                    ] if cause else []
        got, expected, _, _ = self.test_call(self.X_test)
        problem = compare('the test-time output', got, expected, TOL_NET)
        if not problem:
            return []
        return [problem + '; ' + (self.test_time_cause(handle) or "at test time every layer's batch norm must run "
                                                                 'in test mode with its own running averages')]

    def single_example(self):
        """The scores of a batch of one example: a test mode that still uses the batch's statistics cannot
        score a single example as it scores it within a batch."""
        handle = self.trained.handle
        if self.trained.expected is None:
            got = self.student.net_loss(handle, self.X_test[:1])
            together = self.student.net_loss(handle, self.X_test)
            if not _depends_on_rows(together, len(self.X_test)):
                return ['loss(X) returned scores that do not depend on X: this part counts once test mode works']
            problem = compare('the test-time scores of a single example', got, together[:1], TOL_NET)
            return [problem + ' differ from its scores within a batch: test mode must not use the batch '
                              'statistics'] if problem else []
        got, expected, _, _ = self.test_call(self.X_test[:1])
        return [compare('the test-time output for a single example', got, expected, TOL_NET)]

    def running_unchanged(self):
        """The running averages after a test-time loss(X): scoring must not update them. Judged on the layers
        that hold averages after training (their rightness is the part above's); a net judged by behaviour
        that holds none trivially leaves them alone, so it must hold some before this part counts."""
        if self.trained.expected is None and not any(isinstance(p.get(key), np.ndarray) for p in self.trained.running
                                                     for key in ('running_mean', 'running_var')):
            return ['after training steps no layer holds running averages: this part counts once they exist']
        handle = self.trained.handle
        if self.trained.expected is None:
            before = self.layer_states(handle)
            self.student.net_loss(handle, self.X_test)
            after = self.layer_states(handle)
            expected_after = kept = before
        else:
            # What the reference logic's bn_params look like after the same call: a layer that itself changes
            # them at test time is charged in its own check, not here.
            _, _, after, expected_after = self.test_call(self.X_test)
            kept = self.trained.expected_running
        for mine, wanted, kept_by_layer in zip(after, expected_after, kept):
            for key in ('running_mean', 'running_var'):
                if not isinstance(kept_by_layer.get(key), np.ndarray):
                    continue  # the batch-norm layer itself keeps no such average (its own check charges that)
                a, b = mine.get(key), wanted.get(key)
                # Within rounding: the reference logic computes the layer's input in this process, the net in the
                # sandbox, and a layer that updates at test time updates both from inputs equal only to rounding.
                if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                        and np.allclose(a, b, rtol=TOL_NET, atol=0)):
                    return ['computing test-time scores changed the running averages; ' + (
                        self.test_time_cause(handle) or "test mode must not update them")]
        return []

    def dropout_at_test_time(self):
        """A net with dropout and no batch norm, scored twice on the same X: dropout left on at test time draws
        two masks and gives two answers; scaled by (1 - p) it gives the wrong one (inverted dropout makes test
        time the identity)."""
        student, rng = self.student, self.rng
        params = dropout_params(rng)
        X = rng.standard_normal((5, 10))
        handle, matched = self.student_net(DROPOUT_NET, params)
        expected = relu_net_scores(params, X) if matched else None
        student.seed_numpy(SEED + 71)  # seeded once: a dropout left on draws two different masks below
        first, second = student.net_loss(handle, X), student.net_loss(handle, X)
        mode = student.net_state(handle)['dropout_param'].get('mode')
        if first.shape != second.shape or not np.array_equal(first, second):
            return ['with dropout=0.4, loss(X) gave different scores for the same X: dropout still runs at test '
                    "time (dropout_param['mode'] is %r after loss(X); set it to 'test')" % (mode,)]
        if expected is None:
            return [] if _depends_on_rows(first, 5) else ['with dropout=0.4, loss(X) returned scores that do not depend on X']
        problem = compare('test-time scores with dropout=0.4', first, expected, TOL_NET)
        if problem and first.shape == (5, 3) and np.allclose(first, relu_net_scores(
                {k: v * (0.6 if k == 'W2' else 1) for k, v in params.items()}, X)):
            return [problem + '; the hidden units are scaled by (1 - p) at test time: with inverted dropout '
                              'test time is the identity']
        return [problem + '; at test time dropout must be the identity'] if problem else []

    def options_together(self):
        """Test mode of a net with two or more options on, after one train step. When that step is the reference
        logic's over the student's layer (same dropout seed), each test call must give what that logic gives
        with the net's running averages as they stand; otherwise (the loss check charges the difference, or
        the masks ignore the seed) test mode is judged by behaviour: the same scores twice."""
        student, rng = self.student, self.rng
        problems = []
        for index, setting in enumerate(combinations(NET_OPTIONS)):
            net_kwargs = dict(COMBINED_NET, **setting, seed=SEED + 90 + index)
            init = {k: v for k, v in net_kwargs.items() if k != 'seed'}
            params = {k: v.copy() for k, v in REFERENCE_NET.reference(SEED + 90, dtype=np.float64, **init).params.items()}
            handle, matched = self.student_net(net_kwargs, params, seed=SEED)
            expected = REFERENCE_NET.expected(student, net_kwargs, params, SEED + 90) if matched else None
            X, y = rng.standard_normal((10, net_kwargs['input_dim'])), rng.integers(net_kwargs['num_classes'], size=10)
            exact = isinstance(expected, ComposedNet)
            try:
                loss, _ = student.net_loss(handle, X, y)
                exact = exact and abs(loss - expected.loss(X, y)[0]) <= TOL_NET * max(1.0, abs(loss))
            except StudentCodeError:
                exact = False       # a train mode that fails is the loss check's to charge
            previous = None
            for _ in range(2):
                running = layer_states(student.net_state(handle)['bn_params'], len(net_kwargs['hidden_dims']))
                got = student.net_loss(handle, X[:6])
                if exact:
                    expected.bn_params = [dict(p) for p in running]
                    problem = compare('with %s, the test-time scores' % label(setting), got, expected.loss(X[:6]),
                                      TOL_NET)
                    if problem:
                        problems.append(problem + '; at test time batch norm uses its running averages and dropout '
                                                  'is the identity')
                        break
                elif not _depends_on_rows(got, 6, net_kwargs['num_classes']):
                    problems.append('with %s, loss(X) returned scores that do not depend on X' % label(setting))
                    break
                elif previous is not None and (got.shape != previous.shape or not np.array_equal(got, previous)):
                    problems.append('with %s, test-time scores differ between two calls: dropout still runs at '
                                    'test time' % label(setting))
                previous = got
        return problems

    def back_to_train(self):
        """loss(X, y) after a test-time loss(X), on a net with batch norm and dropout: the layers must be back in
        train mode, so the loss is the one a twin net, trained alike without the test call between, gives
        (numpy seeded alike, so any dropout draws the same masks, and the student's own layer in both, so a
        layer that reads its running averages in train mode reads the same ones). A net whose train or test
        mode fails on its own is charged by the parts and checks that judge those."""
        student = self.student
        net_kwargs = dict(COMBINED_NET, use_batchnorm=True, dropout=0.4, seed=SEED + 95)
        X, y = self.rng.standard_normal((10, net_kwargs['input_dim'])), self.rng.integers(10, size=10)

        init = {k: v for k, v in net_kwargs.items() if k != 'seed'}
        params = REFERENCE_NET.reference(SEED + 95, dtype=np.float64, **init).params

        def new_net():
            student.seed_numpy(SEED + 95)
            return self.student_net(net_kwargs, {k: v.copy() for k, v in params.items()})[0]

        def trained_once(test_after):
            handle = new_net()
            student.seed_numpy(SEED + 96)
            student.net_loss(handle, X, y)
            return handle, student.net_loss(handle, X[:4]) if test_after else None

        def second_loss(handle):
            student.seed_numpy(SEED + 97)
            return student.net_loss(handle, X, y)[0]

        try:
            twin = second_loss(trained_once(test_after=False)[0])
            handle, scores = trained_once(test_after=True)
        except StudentCodeError:
            # Train mode fails on its own (the loss check's to charge): this part asks only that test mode works.
            twin, scores = None, student.net_loss(new_net(), X[:4])
        if not (np.all(np.isfinite(scores)) and np.any(scores.std(axis=0) > 1e-12)):
            return ['loss(X) returned scores that do not depend on X: this part counts once test mode works']
        if twin is None:
            return []
        try:
            after = second_loss(handle)
        except StudentCodeError as exc:
            return ['loss(X, y) failed when it followed a test-time loss(X) (%s): every call sets the mode of '
                    "dropout and of each bn_param, to 'train' when y is given" % explain(exc)]
        if not loss_agrees(after, twin, TOL_NET):
            return ['loss(X, y) gave %.6g after a test-time loss(X) and %.6g without it, for the same net, X and y: '
                    "every call sets the mode of dropout and of each bn_param, to 'train' when y is given"
                    % (after, twin)]
        return []


@check('FullyConnectedNet: test mode (running statistics, one bn_param per layer, no dropout)',
       points=5, needs=('FullyConnectedNet',), short='test mode', column='test')
def fc_net_test_mode(student):
    parts = NetTestModeCheck(student)
    g = Grading()
    g.part(0.25, 'Running averages of each layer', parts.running_statistics)
    g.part(0.2, 'Test-time scores', parts.scores)
    g.part(0.1, 'Test-time scores of one example', parts.single_example)
    g.part(0.1, 'Test time changes nothing', parts.running_unchanged)
    g.part(0.25, 'Test time with dropout', parts.dropout_at_test_time)
    g.part(0.1, 'Test time with the options together', parts.options_together)
    g.part(0.1, 'Train mode after test time', parts.back_to_train)
    return g.outcome()
