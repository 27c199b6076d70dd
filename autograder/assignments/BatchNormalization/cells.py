"""The notebook's solution cells, as the reference objects of ``solutions/BatchNormalization`` that fill them.

The source notebook's solution cells, the demo's sample submissions and the validation variants all start
from these objects' source code (``Assignment.reference_cells``): there is one answer key.
"""
from solutions.BatchNormalization import fc_net, layer_utils, layers

CELLS = {
    'batchnorm_forward': [layers.batchnorm_forward],
    'batchnorm_backward': [layers.batchnorm_backward],
    'affine_batchnorm_relu': [layer_utils.affine_batchnorm_relu_forward,
                              layer_utils.affine_batchnorm_relu_backward],
    'fc_net': [fc_net.FullyConnectedNet],
}
