"""The validation variants of batch normalization: its correct implementations (``correct.py``), realistic
bugs (``bugs.py``), nets of other consistent structures (``structures.py``) and the mistakes reported in
public discussions of this assignment (``reported.py``), each written as the notebook's solution cells."""
from autograder.assignments.BatchNormalization.variants import bugs, correct
from autograder.assignments.BatchNormalization.variants.reported import BUGS_REPORTED, CORRECT_REPORTED
from autograder.assignments.BatchNormalization.variants.structures import STRUCTURES

BUGS = bugs.BUGS + STRUCTURES + BUGS_REPORTED
CORRECT = correct.CORRECT + CORRECT_REPORTED

__all__ = ['BUGS', 'CORRECT']
