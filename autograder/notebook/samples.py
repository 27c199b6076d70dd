"""The demo's sample class, made from the student release by filling its solution cells."""
from pathlib import Path

import nbformat

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants import BUGS
from autograder.notebook.fill import fill_solution_cells

SYNTAX_ERROR_NET = '''class FullyConnectedNet:
    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10, dropout=0,
                 use_batchnorm=False, reg=0.0, weight_scale=1e-2, dtype=np.float32, seed=None)
        self.params = {}
'''

EXITING_FORWARD = '''import sys

def batchnorm_forward(x, gamma, beta, bn_param):
    sys.exit('giving up')
'''


def _bug(name):
    return next(v for v in BUGS if v.name == name).cells


def sample_class():
    """{student: {grade_id: source}}: what each sample student wrote."""
    ref = ASSIGNMENT.reference_cells()
    buggy = dict(ref)
    buggy.update(_bug('momentum_swapped'))
    buggy.update(_bug('l2_without_half'))
    broken = dict(ref)
    broken['fc_net'] = SYNTAX_ERROR_NET
    broken['batchnorm_forward'] = EXITING_FORWARD
    return {
        'complete': ref,
        'partly_done': {k: ref[k] for k in ('batchnorm_forward', 'batchnorm_backward')},
        'buggy': buggy,
        'broken': broken,
        'untouched': {},
    }


def write_samples(release_notebook, folder):
    """Write one notebook per sample student into folder; returns {student: path}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for student, cells in sample_class().items():
        path = folder / ('%s.ipynb' % student)
        nbformat.write(fill_solution_cells(release_notebook, cells), str(path))
        paths[student] = path
    return paths
