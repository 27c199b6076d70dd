"""The fixture's validation variants: one correct implementation written differently, one bug."""
from autograder.validation.variant import Variant, of_assignment, patch
from tests.fixture_assignment import ASSIGNMENT

REFERENCE = ASSIGNMENT.reference_cells()

CORRECT = of_assignment(ASSIGNMENT, [
    Variant('einsum', 'correct', 'dgamma as an einsum',
            patch(REFERENCE, 'scale_backward', ('(dout * x).sum(axis=0)', "np.einsum('nd,nd->d', dout, x)"))),
])

BUGS = of_assignment(ASSIGNMENT, [
    Variant('dx_without_gamma', 'bug', 'dx forgets the scale: dx = dout',
            patch(REFERENCE, 'scale_backward', ('return dout * gamma,', 'return dout.copy(),')),
            loses_in='scale_backward'),
])
