"""The validation variants of batch normalization: its correct implementations (``correct.py``) and realistic
bugs (``bugs.py``), each written as the notebook's solution cells."""
from autograder.assignments.BatchNormalization.variants.bugs import BUGS
from autograder.assignments.BatchNormalization.variants.correct import CORRECT

__all__ = ['BUGS', 'CORRECT']
