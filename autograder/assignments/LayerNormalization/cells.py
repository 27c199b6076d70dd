"""The notebook's solution cells, as the reference objects of ``solutions/`` that fill them.

'batchnorm' is where students paste their batch normalization from the first assignment; no check of this
assignment calls it (the batch-size experiment uses it, and skips the batch-norm net while it is a stub).
"""
from solutions.BatchNormalization import layers as batchnorm_layers
from solutions.LayerNormalization import fc_net, layers

CELLS = {
    'batchnorm': [batchnorm_layers.batchnorm_forward, batchnorm_layers.batchnorm_backward],
    'layernorm_forward': [layers.layernorm_forward],
    'layernorm_backward': [layers.layernorm_backward],
    'fc_net': [fc_net.FullyConnectedNet],
}
