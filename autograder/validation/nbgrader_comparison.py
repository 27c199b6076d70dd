"""The validation's honest variants autograded by nbgrader too: the scores must be bnkit's."""
import tempfile
from pathlib import Path

from autograder.notebook.release import autograde, environment   # imports nbgrader only when it runs
from autograder.validation.class_notebooks import write_class
from autograder.validation.fakedata import write_fake_cifar10


def nbgrader_agreement(assignment, variants, bnkit_scores, cifar_dir=None):
    """[(variant, nbgrader automatic score, bnkit score)] for the given honest variants."""
    with tempfile.TemporaryDirectory(prefix='bnkit-agree-') as tmp:
        tmp = Path(tmp)
        notebooks = write_class(tmp / 'nb', variants, assignment)
        data = cifar_dir or write_fake_cifar10(tmp / 'cifar', 250, 100)
        with environment(BNKIT_QUICK='1', CIFAR10_DIR=data):
            scores = autograde(notebooks, assignment=assignment.name, source_dir=assignment.source_notebook.parent.parent)
    return [(v.name, scores[v.name][0], bnkit_scores.get(v.name)) for v in variants]

