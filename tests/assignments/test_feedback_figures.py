"""The feedback's figures: their numbers come from the calls a check recorded, and they are drawn as PNGs."""
import base64

import numpy as np

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization import figures
from autograder.assignments.BatchNormalization.side import Operations
from autograder.assignments.BatchNormalization.variants import BUGS
from autograder.grading.inprocess import InProcessStudent, namespace_of
from autograder.grading.recording import RecordingStudent

BUG = {b.name: b for b in BUGS}


def figure_of(sources, check):
    recording = RecordingStudent(InProcessStudent(namespace_of(ASSIGNMENT, sources), Operations))
    ASSIGNMENT.run_check(check, recording)
    return figures.for_check(check, recording.calls)


def test_forward_figure_shows_the_visible_statistics_of_the_students_output():
    data = figure_of(BUG['unbiased_variance'].sources(), 'batchnorm_forward_train')
    assert data['expected_mean'] == [11.0, 12.0, 13.0] and data['expected_std'] == [1.0, 2.0, 3.0]
    np.testing.assert_allclose(data['mean'], data['expected_mean'])
    ratio = np.divide(data['std'], data['expected_std'])
    assert np.all(ratio < 1) and np.allclose(ratio, ratio[0])        # the N-1 variance shrinks every std alike
    assert figures.figure_html('batchnorm_forward_train', data).startswith('<figure><img alt="')


def test_backward_figure_names_the_gradient_that_is_off():
    data = figure_of(BUG['dbeta_as_mean'].sources(), 'batchnorm_backward')
    errors = dict(data['errors'])
    assert errors['dbeta'] > data['tolerance'] >= max(errors['dx'], errors['dgamma'])
    png = figures.draw_backward(data)
    assert base64.b64decode(png)[:4] == b'\x89PNG'


def test_no_backward_figure_when_the_forward_is_wrong():
    """A wrong forward is charged in the forward checks; the backward is not compared with the reference."""
    assert figure_of(BUG['wrong_axis'].sources(), 'batchnorm_backward') is None
    assert figure_of(ASSIGNMENT.reference_cells(), 'batchnorm_backward')['errors'] == [['dx', 0.0], ['dgamma', 0.0],
                                                                             ['dbeta', 0.0]]
