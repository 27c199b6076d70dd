"""Shared fixtures for the kit's own tests."""
import os
from pathlib import Path

import numpy as np
import pytest

from autograder.validation.fakedata import write_fake_cifar10


@pytest.fixture
def rng():
    return np.random.default_rng(231)


@pytest.fixture(scope='session')
def fake_cifar_dir(tmp_path_factory):
    """A generated cifar-10-batches-py folder: 5 x 300 training and 300 test images."""
    return write_fake_cifar10(tmp_path_factory.mktemp('cifar') / 'cifar-10-batches-py', n_per_batch=300, n_test=300)


@pytest.fixture(scope='session')
def real_cifar_dir():
    """The folder CIFAR10_DIR points at, or a skip when it is unset."""
    env = os.environ.get('CIFAR10_DIR')
    if not env or not Path(env).is_dir():
        pytest.skip('CIFAR10_DIR is not set to a cifar-10-batches-py folder')
    return Path(env)
