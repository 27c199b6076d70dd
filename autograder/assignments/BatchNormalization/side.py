"""The operations the batch-normalization checks call on student code (see ``autograder.sandbox.side``).

Runs inside the sandboxed worker and in the notebook kernel: imports only numpy and the engine's side. The
layer's four operations (``batchnorm_forward``, ``batchnorm_backward`` and their ``_keeping_cache`` forms, whose
caches stay on the student's side) and the net's are the engine's, declared here for this layer and net.
"""
from autograder.sandbox.side import StudentOperations, layer_operations, net_operations

LAYER_OPERATIONS = layer_operations('batchnorm_forward', 'batchnorm_backward', param='bn_param')
# cs231n's FullyConnectedNet keeps one bn_param per normalized layer and one dropout_param.
NET_OPERATIONS = net_operations({'bn_params': ['dict'], 'dropout_param': 'dict'})


class Operations(LAYER_OPERATIONS, NET_OPERATIONS, StudentOperations):
    """Batch normalization's operations: the layer's and the net's."""
