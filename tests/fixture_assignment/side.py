"""The operations the fixture's checks call on student code: the engine's four operations of a layer."""
from autograder.sandbox.side import StudentSide, layer_operations


class Side(layer_operations('scale_forward', 'scale_backward', inputs=('x', 'gamma')), StudentSide):
    """scale_forward, scale_backward and their ``_kept`` forms."""
