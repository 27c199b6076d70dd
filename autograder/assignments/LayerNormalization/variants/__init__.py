"""The validation variants of layer normalization: its correct implementations (``correct.py``) and realistic
bugs (``bugs.py``), each written as the notebook's solution cells."""
from autograder.assignments.LayerNormalization.variants.bugs import BUGS
from autograder.assignments.LayerNormalization.variants.correct import CORRECT

__all__ = ['BUGS', 'CORRECT']
