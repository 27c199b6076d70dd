"""Download, verify and extract the CIFAR-10 archive (the same code students run as
`python -m cs231n.data_utils fetch`)."""
import sys

from cs231n.data_utils import default_data_dir, load_CIFAR10, resolve_data_dir
from cs231n.download import CIFAR10_URL, FetchError, fetch_cifar10


def add_arguments(parser):
    parser.add_argument('--dir', default=None,
                        help='target cifar-10-batches-py folder (default: $CIFAR10_DIR, else %s)' % default_data_dir())
    parser.add_argument('--url', default=CIFAR10_URL, help='archive URL (default: the official CIFAR-10 site)')
    parser.add_argument('--keep-archive', action='store_true', help='keep the verified .tar.gz')


def run(args):
    try:
        dest = fetch_cifar10(resolve_data_dir(args.dir), url=args.url, keep_archive=args.keep_archive)
        Xtr, _, Xte, _ = load_CIFAR10(dest)
    except (FetchError, RuntimeError) as exc:
        print('error: %s' % exc, file=sys.stderr)
        return 1
    print('CIFAR-10 is ready in %s (%d training, %d test images)' % (dest, Xtr.shape[0], Xte.shape[0]))
    return 0
