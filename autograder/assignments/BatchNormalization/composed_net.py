"""The reference net's logic composed over the student's own batch-norm layer (error carried forward).

``autograder.grading.net_reference`` runs the reference's layer order in the grader; this subclass calls the
student's ``batchnorm_forward`` and ``batchnorm_backward`` for its normalization through the ``_keeping_cache``
operations of ``side.py`` (the caches stay on the student's side behind handles), and keeps one ``bn_param``
per layer as the student's forward left it after each call.
"""
from autograder.grading import net_reference


class ComposedNet(net_reference.ComposedNet):
    """{affine - [student batchnorm] - relu - [dropout]} x (L - 1) - affine - softmax."""

    def __init__(self, student, params, num_layers, use_batchnorm, reg=0.0):
        super().__init__(params, num_layers, use_batchnorm, reg)
        self.student = student
        self.use_batchnorm = use_batchnorm
        self.bn_params = [{'mode': 'train'} for _ in range(num_layers - 1)] if use_batchnorm else []

    def normalize_forward(self, layer, a, gamma, beta, mode):
        bn_param = dict(self.bn_params[layer - 1], mode=mode)
        out, self.bn_params[layer - 1], handle = self.student.batchnorm_forward_keeping_cache(a, gamma, beta, bn_param)
        return out, handle

    def normalize_backward(self, handle, da):
        return self.student.batchnorm_backward_keeping_cache(handle, da)

    def forget(self):
        """Running averages start afresh: the probe call of ``NetReference.expected`` must leave none."""
        self.bn_params = [{'mode': 'train'} for _ in self.bn_params]
