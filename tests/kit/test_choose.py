"""--assignment: one meaning for every command, and a clear question when the submissions do not say."""
import shutil

import pytest

from autograder.assignment import AssignmentError, assignments, get
from autograder.cli import choose
from tests.notebooks import RELEASE_NB

NAMES = sorted(assignments())


def test_the_kit_finds_its_assignments_and_names_the_unknown():
    assert {'BatchNormalization', 'LayerNormalization'} <= set(NAMES)
    with pytest.raises(AssignmentError, match='BatchNormalization'):
        get('Batchnorm')
    with pytest.raises(AssignmentError, match='choose one with --assignment'):
        get()


def test_a_named_assignment_wins(tmp_path):
    shutil.copy(RELEASE_NB, tmp_path / 'ada.ipynb')
    assert choose.for_submissions('LayerNormalization', tmp_path).name == 'LayerNormalization'


def test_an_nbgrader_tree_says_which_assignment(tmp_path):
    for student in ('ada', 'bob'):
        (tmp_path / 'submitted' / student / 'LayerNormalization').mkdir(parents=True)
        shutil.copy(RELEASE_NB, tmp_path / 'submitted' / student / 'LayerNormalization' / 'LayerNormalization.ipynb')
    assert choose.for_submissions(None, tmp_path).name == 'LayerNormalization'
    (tmp_path / 'submitted' / 'cy' / 'BatchNormalization').mkdir(parents=True)
    shutil.copy(RELEASE_NB, tmp_path / 'submitted' / 'cy' / 'BatchNormalization' / 'BatchNormalization.ipynb')
    with pytest.raises(AssignmentError, match='filed under BatchNormalization, LayerNormalization'):
        choose.for_submissions(None, tmp_path)
    assignment, found = choose.assignment_and_submissions('BatchNormalization', tmp_path)
    assert assignment.name == 'BatchNormalization' and set(found) == {'cy'}    # only that assignment's folders


def test_a_notebook_named_after_its_assignment_says_which(tmp_path):
    shutil.copy(RELEASE_NB, tmp_path / 'BatchNormalization.ipynb')
    assert choose.for_submissions(None, tmp_path / 'BatchNormalization.ipynb').name == 'BatchNormalization'


def test_a_folder_of_students_notebooks_needs_the_name(tmp_path):
    shutil.copy(RELEASE_NB, tmp_path / 'ada.ipynb')
    assignment, message = choose.assignment_and_submissions(None, tmp_path)
    assert assignment is None
    assert 'nothing says which assignment' in message and all(name in message for name in NAMES)
