"""The operations layer normalization's checks call on student code (see ``autograder.sandbox.side``).

Runs inside the sandboxed worker and in the notebook kernel: imports only numpy and the engine's side. The
layer's four operations (``layernorm_forward``, ``layernorm_backward`` and their ``_keeping_cache`` forms, whose
caches stay on the student's side) and the net's are the engine's, declared here for this layer and net.
"""
from autograder.sandbox.side import StudentOperations, layer_operations, net_operations

LAYER_OPERATIONS = layer_operations('layernorm_forward', 'layernorm_backward', param='ln_param')
# The net keeps one dict per normalized layer in bn_params, layer norm's too; no check reads its dropout_param.
NET_OPERATIONS = net_operations({'bn_params': ['dict']})


class Operations(LAYER_OPERATIONS, NET_OPERATIONS, StudentOperations):
    """Layer normalization's operations: the layer's and the net's."""
