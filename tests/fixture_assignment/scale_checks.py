"""The fixture's checks: the forward's output, and the backward on the engine's grid."""

from autograder.grading.backward_grid import Layer, backward_outcome
from autograder.grading.checking import Grading, check, compare
from autograder.grading.tolerances import TOL_FLOAT64, hidden_rng
from tests.fixture_assignment import reference

SEED = 31
SCALE_LAYER = Layer('scale_forward', 'scale_backward', ('x', 'gamma'), None, reference.scale_forward,
              reference.scale_backward)
HINTS = {'dx': ' (dx is dout scaled by gamma)', 'dgamma': ' (dgamma sums dout * x over the batch)'}


@check('Scale forward: the output', points=4, needs=('scale_forward',), short='forward', column='fwd')
def scale_forward(student):
    rng = hidden_rng(SEED, 1)
    x, gamma = rng.standard_normal((6, 4)), rng.uniform(0.5, 2, 4)
    g = Grading()
    g.part(1.0, 'Output', lambda: [compare('the output', student.scale_forward(x, gamma)[0],
                                           reference.scale_forward(x, gamma)[0], TOL_FLOAT64)])
    return g.outcome()


@check('Scale backward: dx and dgamma', points=6, needs=('scale_forward', 'scale_backward'), short='backward',
       column='bwd')
def scale_backward(student):
    rng = hidden_rng(SEED, 2)

    def case(N, D):
        return (rng.standard_normal((N, D)), rng.uniform(0.5, 2, D)), rng.standard_normal((N, D))
    return backward_outcome(student, SCALE_LAYER, [case(3, 4), case(8, 5)], HINTS, weights=(0.6, 0.4))
