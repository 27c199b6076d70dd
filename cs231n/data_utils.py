"""Loading CIFAR-10 from the archive's own pickle format.

Where the data lives is decided, first match wins, by:
1. the ``root`` / ``cifar10_dir`` argument;
2. the ``CIFAR10_DIR`` environment variable;
3. ``default_data_dir()``: ``$XDG_DATA_HOME/bnkit/cifar-10-batches-py``
   (``~/.local/share/bnkit/cifar-10-batches-py`` when XDG_DATA_HOME is unset).

``python -m cs231n.data_utils fetch`` downloads the archive into the default
folder (see ``cs231n.download``).
"""
import os
import pickle
import sys
from pathlib import Path

import numpy as np

from cs231n.download import FetchError, fetch_cifar10

BATCH_NAMES = ['data_batch_%d' % i for i in range(1, 6)]
TEST_BATCH = 'test_batch'
IMAGE_SHAPE = (3, 32, 32)
FETCH_HINT = 'python -m cs231n.data_utils fetch'


class CIFAR10DataError(RuntimeError):
    """The CIFAR-10 folder is missing, incomplete or holds a corrupt file."""


def default_data_dir():
    """The per-user folder the fetch command extracts into."""
    base = os.environ.get('XDG_DATA_HOME') or os.path.join(os.path.expanduser('~'), '.local', 'share')
    return Path(base) / 'bnkit' / 'cifar-10-batches-py'


def resolve_data_dir(root=None):
    """Explicit argument > CIFAR10_DIR > default_data_dir(), as a Path."""
    if root is not None:
        return Path(root)
    env = os.environ.get('CIFAR10_DIR')
    if env:
        return Path(env)
    return default_data_dir()


def _missing_message(path, what):
    return ('%s: %s.\nFetch CIFAR-10 with `%s` (about 170 MB), or point the CIFAR10_DIR '
            'environment variable at a cifar-10-batches-py folder.' % (path, what, FETCH_HINT))


def load_CIFAR_batch(filename):
    """Load one batch file of the archive.

    Returns (X, Y): X of shape (N, 32, 32, 3) float64 in [0, 255] (channels
    last, as stored images are usually viewed) and Y of shape (N,) int64.
    """
    filename = Path(filename)
    if not filename.is_file():
        raise CIFAR10DataError(_missing_message(filename, 'file not found'))
    try:
        with open(filename, 'rb') as f:
            datadict = pickle.load(f, encoding='latin1')
        X = np.asarray(datadict['data'], dtype=np.uint8)
        Y = np.asarray(datadict['labels'], dtype=np.int64)
        X = X.reshape(-1, *IMAGE_SHAPE).transpose(0, 2, 3, 1).astype(np.float64)
    except Exception as exc:  # a truncated or foreign file fails in many ways; all mean the same to the user
        raise CIFAR10DataError(_missing_message(
            filename, 'not a readable CIFAR-10 batch (%s: %s); the file may be truncated or corrupt, '
            'delete it and fetch again' % (type(exc).__name__, exc))) from exc
    if X.shape[0] != Y.shape[0]:
        raise CIFAR10DataError(_missing_message(
            filename, '%d images but %d labels; the file is corrupt' % (X.shape[0], Y.shape[0])))
    return X, Y


def load_CIFAR10(root=None):
    """Load every batch of a cifar-10-batches-py folder.

    Returns (Xtr, Ytr, Xte, Yte): images (N, 32, 32, 3) float64 and labels (N,).
    """
    root = resolve_data_dir(root)
    if not root.is_dir():
        raise CIFAR10DataError(_missing_message(root, 'no such CIFAR-10 folder'))
    xs, ys = [], []
    for name in BATCH_NAMES:
        X, Y = load_CIFAR_batch(root / name)
        xs.append(X)
        ys.append(Y)
    Xtr, Ytr = np.concatenate(xs), np.concatenate(ys)
    Xte, Yte = load_CIFAR_batch(root / TEST_BATCH)
    return Xtr, Ytr, Xte, Yte


def get_CIFAR10_data(num_training=49000, num_validation=1000, num_test=1000,
                     subtract_mean=True, cifar10_dir=None):
    """Load CIFAR-10 and split it for training.

    Validation images are the ``num_validation`` training images that follow
    the first ``num_training``. ``num_training=None`` takes every training
    image left after the validation images and ``num_test=None`` every test
    image, which suits a subset of the archive. When the folder holds fewer
    images than asked for, a clear error says how many it has.

    Returns a dict with 'X_train', 'y_train', 'X_val', 'y_val', 'X_test',
    'y_test'; images are (N, 3, 32, 32) float64 with the training mean image
    subtracted when ``subtract_mean``.
    """
    root = resolve_data_dir(cifar10_dir)
    X_train, y_train, X_test, y_test = load_CIFAR10(root)
    available = X_train.shape[0]
    if num_training is None:
        num_training = max(available - num_validation, 0)
    if num_test is None:
        num_test = X_test.shape[0]
    if num_training + num_validation > available:
        raise ValueError(
            '%s holds %d training images, fewer than num_training + num_validation = %d + %d; '
            'ask for fewer (e.g. num_training=%d) or fetch the full archive with `%s`'
            % (root, available, num_training, num_validation, max(available - num_validation, 0), FETCH_HINT))
    if num_test > X_test.shape[0]:
        raise ValueError('%s holds %d test images, fewer than num_test = %d'
                         % (root, X_test.shape[0], num_test))

    X_val = X_train[num_training:num_training + num_validation]
    y_val = y_train[num_training:num_training + num_validation]
    X_train, y_train = X_train[:num_training], y_train[:num_training]
    X_test, y_test = X_test[:num_test], y_test[:num_test]

    if subtract_mean:
        mean_image = np.mean(X_train, axis=0)
        X_train = X_train - mean_image
        X_val = X_val - mean_image
        X_test = X_test - mean_image

    # Channels first, as the layers expect (N, 3, 32, 32).
    return {
        'X_train': X_train.transpose(0, 3, 1, 2).copy(), 'y_train': y_train,
        'X_val': X_val.transpose(0, 3, 1, 2).copy(), 'y_val': y_val,
        'X_test': X_test.transpose(0, 3, 1, 2).copy(), 'y_test': y_test,
    }


def main(argv=None):
    """``python -m cs231n.data_utils fetch|check [--dir DIR]``."""
    import argparse
    parser = argparse.ArgumentParser(prog='python -m cs231n.data_utils',
                                     description='Fetch or check the CIFAR-10 data set.')
    parser.add_argument('command', choices=['fetch', 'check'],
                        help='fetch: download, verify and extract the archive; check: load it and print its size')
    parser.add_argument('--dir', default=None,
                        help='cifar-10-batches-py folder (default: $CIFAR10_DIR, else %s)' % default_data_dir())
    args = parser.parse_args(argv)
    try:
        if args.command == 'fetch':
            dest = resolve_data_dir(args.dir)
            if (dest / TEST_BATCH).is_file() and all((dest / b).is_file() for b in BATCH_NAMES):
                print('CIFAR-10 is already in %s' % dest)
                return 0
            fetch_cifar10(dest)
            print('CIFAR-10 is ready in %s' % dest)
        Xtr, _, Xte, _ = load_CIFAR10(args.dir)
        print('%s: %d training and %d test images' % (resolve_data_dir(args.dir), Xtr.shape[0], Xte.shape[0]))
    except (FetchError, CIFAR10DataError) as exc:
        print('error: %s' % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())


def get_CIFAR10_data_or_none(num_validation=1000, cifar10_dir=None):
    """For experiments that are optional: every training and test image there is (``get_CIFAR10_data`` with
    ``num_training=None, num_test=None``), the shapes printed; or None, with a line saying why and how to
    fetch the data set, when CIFAR-10 is not available."""
    try:
        data = get_CIFAR10_data(num_training=None, num_validation=num_validation, num_test=None,
                                cifar10_dir=cifar10_dir)
    except CIFAR10DataError as exc:
        print('CIFAR-10 is not available, so the experiments will be skipped. %s' % exc)
        return None
    for name, value in data.items():
        print('%s: %s' % (name, value.shape))
    return data
