"""The hidden checks: their names, the titles students see, and their points.

This table is the one place points are set. The nbgrader source notebook's
autograded cells, the standalone grader's pytest checks and every report read
it, so the notebook's points and the grader's points cannot drift apart.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class CheckSpec:
    name: str         # stable identifier: pytest test name, CSV column, results.json key
    title: str        # what a student reads in feedback
    points: float
    needs: tuple      # the student-written names the check calls
    short: str        # the column heading of the class report
    column: str       # the column heading of the terminal table (at most 5 characters)


CHECKS = (
    CheckSpec('batchnorm_forward_train',
              'Batchnorm forward, train mode: normalized statistics and output', 10, ('batchnorm_forward',),
              short='forward', column='fwd'),
    CheckSpec('batchnorm_running_stats_test_mode',
              'Batchnorm forward: running averages and test mode', 8, ('batchnorm_forward',),
              short='running stats', column='stats'),
    CheckSpec('batchnorm_invalid_mode',
              'Batchnorm forward: an invalid mode raises ValueError', 2, ('batchnorm_forward',),
              short='invalid mode', column='mode'),
    CheckSpec('batchnorm_backward',
              'Batchnorm backward: dx, dgamma and dbeta', 15, ('batchnorm_forward', 'batchnorm_backward'),
              short='backward', column='bwd'),
    CheckSpec('fc_net_init',
              'FullyConnectedNet: parameters, initialization and architecture', 5, ('FullyConnectedNet',),
              short='init', column='init'),
    CheckSpec('fc_net_loss_and_gradients',
              'FullyConnectedNet: loss and gradients (batch norm, L2, dropout in train mode)', 15,
              ('FullyConnectedNet',),
              short='loss & grads', column='grads'),
    CheckSpec('fc_net_test_mode',
              'FullyConnectedNet: test mode (running statistics, one bn_param per layer, no dropout)', 5,
              ('FullyConnectedNet',),
              short='test mode', column='test'),
    CheckSpec('fc_net_training',
              'FullyConnectedNet: a deep batch-norm net trains to good accuracy', 10, ('FullyConnectedNet',),
              short='training', column='train'),
)

BY_NAME = {spec.name: spec for spec in CHECKS}
MAX_AUTOMATIC_POINTS = sum(spec.points for spec in CHECKS)

# The notebook's free-response question is graded by hand in nbgrader.
FREE_RESPONSE_POINTS = 10
