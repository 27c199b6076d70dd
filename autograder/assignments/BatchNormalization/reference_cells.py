"""The reference code, cut into the notebook's solution cells.

The source notebook's solution cells, the demo's sample submissions and the
validation variants all start from these sources, which are read straight out
of ``solutions/``: there is one answer key.
"""
import inspect

from solutions.BatchNormalization import fc_net, layer_utils, layers

# grade_id of each solution cell -> the reference objects whose source fills it
CELL_OBJECTS = {
    'batchnorm_forward': [layers.batchnorm_forward],
    'batchnorm_backward': [layers.batchnorm_backward],
    'affine_batchnorm_relu': [layer_utils.affine_batchnorm_relu_forward,
                              layer_utils.affine_batchnorm_relu_backward],
    'fc_net': [fc_net.FullyConnectedNet],
}


def reference_cells():
    """{grade_id: source code} of the reference, one entry per solution cell."""
    return {grade_id: '\n\n'.join(inspect.getsource(obj).rstrip() for obj in objects)
            for grade_id, objects in CELL_OBJECTS.items()}


def patched(grade_id, old, new, count=1):
    """The reference cell ``grade_id`` with ``old`` replaced by ``new`` (which must occur ``count`` times)."""
    source = reference_cells()[grade_id]
    found = source.count(old)
    if found != count:
        raise ValueError('%r occurs %d times in the reference cell %s, expected %d' % (old, found, grade_id, count))
    return source.replace(old, new)
