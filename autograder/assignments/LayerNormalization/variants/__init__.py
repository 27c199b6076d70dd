"""The validation variants of layer normalization: its correct implementations (``correct.py``), realistic
bugs (``bugs.py``) and the mistakes reported in public discussions (``reported.py``, and ``held_out.py`` and
``held_out_more.py`` and ``held_out_student.py`` and ``held_out_forum.py``, more reported mistakes kept apart
from the diagnosis's tuning), and more correct implementations in the styles of public solutions
(``held_out_correct.py``), each written as the notebook's solution cells."""
from autograder.assignments.LayerNormalization.variants import bugs, correct
from autograder.assignments.LayerNormalization.variants.held_out import BUGS_HELD_OUT
from autograder.assignments.LayerNormalization.variants.held_out_more import BUGS_HELD_OUT_MORE
from autograder.assignments.LayerNormalization.variants.held_out_student import BUGS_HELD_OUT_STUDENT
from autograder.assignments.LayerNormalization.variants.held_out_forum import BUGS_HELD_OUT_FORUM
from autograder.assignments.LayerNormalization.variants.held_out_correct import CORRECT_HELD_OUT
from autograder.assignments.LayerNormalization.variants.reported import BUGS_REPORTED, CORRECT_REPORTED

BUGS = (bugs.BUGS + BUGS_REPORTED + BUGS_HELD_OUT + BUGS_HELD_OUT_MORE + BUGS_HELD_OUT_STUDENT
        + BUGS_HELD_OUT_FORUM)
CORRECT = correct.CORRECT + CORRECT_REPORTED + CORRECT_HELD_OUT

__all__ = ['BUGS', 'CORRECT']
