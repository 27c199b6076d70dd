"""The validation variants of layer normalization: its correct implementations (``correct.py``), realistic
bugs (``bugs.py``) and the mistakes reported in public discussions (``reported.py``), each written as the
notebook's solution cells."""
from autograder.assignments.LayerNormalization.variants import bugs, correct
from autograder.assignments.LayerNormalization.variants.reported import BUGS_REPORTED, CORRECT_REPORTED

BUGS = bugs.BUGS + BUGS_REPORTED
CORRECT = correct.CORRECT + CORRECT_REPORTED

__all__ = ['BUGS', 'CORRECT']
