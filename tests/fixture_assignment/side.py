"""The operations the fixture's checks call on student code: the engine's four operations of a layer."""
from autograder.sandbox.side import StudentOperations, layer_operations


class Operations(layer_operations('scale_forward', 'scale_backward', inputs=('x', 'gamma')), StudentOperations):
    """scale_forward, scale_backward and their ``_keeping_cache`` forms."""
