"""The fixture's validation variants: one correct implementation written differently, one bug."""
from autograder.validation.kinds import Bug, CorrectVariant, of_assignment, patch
from tests.fixture_assignment import ASSIGNMENT

REFERENCE = ASSIGNMENT.reference_cells()

CORRECT = of_assignment(ASSIGNMENT, [
    CorrectVariant('einsum', 'dgamma as an einsum',
                   patch(REFERENCE, 'scale_backward', ('(dout * x).sum(axis=0)', "np.einsum('nd,nd->d', dout, x)"))),
])

BUGS = of_assignment(ASSIGNMENT, [
    Bug('dx_without_gamma', 'dx forgets the scale: dx = dout',
        patch(REFERENCE, 'scale_backward', ('return dout * gamma,', 'return dout.copy(),')),
        loses_in='scale_backward', explanation='dx is taken as dout, without the scale gamma',
        hint='The scale multiplies x in the forward pass, so it multiplies dout in dx too.'),
])
