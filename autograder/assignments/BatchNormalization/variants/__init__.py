"""The validation variants of batch normalization: its correct implementations (``correct.py``), realistic
bugs (``bugs.py``), nets of other consistent structures (``structures.py``), the mistakes reported in public
discussions of this assignment (``reported.py`` for the layer, ``reported_net.py`` for the net; and, kept apart
from the diagnosis's tuning, ``held_out.py`` for the forward pass and running averages, ``held_out_backward.py``
and ``held_out_net.py``, with more in ``held_out_layer_more.py`` and ``held_out_net_more.py``,
``held_out_student_layer.py`` and ``held_out_student_net.py``, and ``held_out_forum_layer.py`` and
``held_out_forum_net.py``), and more correct
implementations in the styles of public solutions (``held_out_correct.py``, ``held_out_correct_net.py``), each
written as the notebook's solution cells."""
from autograder.assignments.BatchNormalization.variants import bugs, correct
from autograder.assignments.BatchNormalization.variants.held_out import BUGS_HELD_OUT
from autograder.assignments.BatchNormalization.variants.held_out_backward import BUGS_HELD_OUT_BACKWARD
from autograder.assignments.BatchNormalization.variants.held_out_forum_layer import BUGS_HELD_OUT_FORUM_LAYER
from autograder.assignments.BatchNormalization.variants.held_out_forum_net import BUGS_HELD_OUT_FORUM_NET
from autograder.assignments.BatchNormalization.variants.held_out_layer_more import BUGS_HELD_OUT_LAYER_MORE
from autograder.assignments.BatchNormalization.variants.held_out_net import BUGS_HELD_OUT_NET
from autograder.assignments.BatchNormalization.variants.held_out_net_more import BUGS_HELD_OUT_NET_MORE
from autograder.assignments.BatchNormalization.variants.held_out_student_layer import BUGS_HELD_OUT_STUDENT_LAYER
from autograder.assignments.BatchNormalization.variants.held_out_student_net import BUGS_HELD_OUT_STUDENT_NET
from autograder.assignments.BatchNormalization.variants.held_out_correct import CORRECT_HELD_OUT
from autograder.assignments.BatchNormalization.variants.held_out_correct_net import CORRECT_HELD_OUT_NET
from autograder.assignments.BatchNormalization.variants.reported import BUGS_REPORTED, CORRECT_REPORTED
from autograder.assignments.BatchNormalization.variants.reported_net import BUGS_REPORTED_NET
from autograder.assignments.BatchNormalization.variants.structures import STRUCTURES

BUGS = (bugs.BUGS + STRUCTURES + BUGS_REPORTED + BUGS_REPORTED_NET + BUGS_HELD_OUT + BUGS_HELD_OUT_BACKWARD
        + BUGS_HELD_OUT_NET + BUGS_HELD_OUT_LAYER_MORE + BUGS_HELD_OUT_NET_MORE
        + BUGS_HELD_OUT_STUDENT_LAYER + BUGS_HELD_OUT_STUDENT_NET + BUGS_HELD_OUT_FORUM_LAYER
        + BUGS_HELD_OUT_FORUM_NET)
CORRECT = correct.CORRECT + CORRECT_REPORTED + CORRECT_HELD_OUT + CORRECT_HELD_OUT_NET

__all__ = ['BUGS', 'CORRECT']
