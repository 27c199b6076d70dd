"""Generated stand-ins for CIFAR-10, written in the archive's own pickle format.

Used by the kit's tests and by validation runs that execute whole notebooks on a machine without the data.

The images are not random noise: each class has its own mean image plus
noise, so a network can learn them and accuracy checks mean something.
"""
import pickle
from pathlib import Path

import numpy as np

from cs231n.data_utils import BATCH_NAMES, TEST_BATCH


def make_images(n, rng, num_classes=10, class_means=None):
    """n images as (uint8 (n, 3072) channel-major rows, labels list), plus the class means used."""
    if class_means is None:
        class_means = rng.uniform(60, 196, size=(num_classes, 3072))
    labels = rng.integers(0, num_classes, size=n)
    noise = rng.normal(0, 40, size=(n, 3072))
    data = np.clip(class_means[labels] + noise, 0, 255).astype(np.uint8)
    return data, labels.tolist(), class_means


def write_fake_cifar10(root, n_per_batch=200, n_test=200, seed=0):
    """Write data_batch_1..5, test_batch and batches.meta under ``root``; returns root as a Path."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    class_means = None
    for name, n in [(b, n_per_batch) for b in BATCH_NAMES] + [(TEST_BATCH, n_test)]:
        data, labels, class_means = make_images(n, rng, class_means=class_means)
        with open(root / name, 'wb') as f:
            pickle.dump({'batch_label': name, 'data': data, 'labels': labels,
                         'filenames': ['%s_%d.png' % (name, i) for i in range(n)]}, f)
    with open(root / 'batches.meta', 'wb') as f:
        pickle.dump({'label_names': ['airplane', 'automobile', 'bird', 'cat', 'deer',
                                     'dog', 'frog', 'horse', 'ship', 'truck'],
                     'num_cases_per_batch': n_per_batch, 'num_vis': 3072}, f)
    return root
