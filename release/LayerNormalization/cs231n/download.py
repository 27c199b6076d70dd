"""Fetching the CIFAR-10 archive: resumable download, verification, atomic extraction.

    python -m cs231n.data_utils fetch [--dir DIR]

The archive is downloaded to ``<parent of DIR>/cifar-10-python.tar.gz.part``,
resumed with an HTTP Range request when a partial file is there, checked
against the published size and md5, and only then extracted: into a
temporary folder beside the destination, which is renamed into place in one
step. An interrupted run therefore leaves either the old state or the
complete folder, never half of one.
"""
import hashlib
import http.client
import os
import shutil
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz'
CIFAR10_SIZE = 170_498_071
CIFAR10_MD5 = 'c58f30108f718f92721af3b95e74349a'
ARCHIVE_FOLDER = 'cifar-10-batches-py'  # the one top-level folder inside the archive
CHUNK = 1 << 20


class FetchError(RuntimeError):
    """The archive could not be downloaded, verified or extracted; the message says what to do."""


def _progress(done, total, started, stream):
    """Draw a one-line progress bar on stream (stderr)."""
    width = 30
    frac = done / total if total else 0.0
    rate = done / max(time.monotonic() - started, 1e-6)
    bar = '#' * int(frac * width)
    stream.write('\r  [%-*s] %5.1f%%  %6.1f / %.1f MB  %5.1f MB/s' % (
        width, bar, 100 * frac, done / 1e6, total / 1e6, rate / 1e6))
    stream.flush()


def _download(url, part, expected_size, progress, timeout):
    """Download url into part, resuming from its current length. Returns the final size."""
    have = part.stat().st_size if part.exists() else 0
    if expected_size and have > expected_size:
        part.unlink()  # longer than the real archive: it cannot be a prefix of it
        have = 0
    if expected_size and have == expected_size:
        return have
    request = urllib.request.Request(url, headers={'User-Agent': 'bnkit-fetch'})
    if have:
        request.add_header('Range', 'bytes=%d-' % have)
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # the server says our partial file already covers everything
            return have
        raise FetchError('%s: the server answered HTTP %d (%s).' % (url, exc.code, exc.reason)) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, 'reason', exc)
        raise FetchError(
            'Could not reach %s (%s).\nAre you offline? Run the command again when connected: it resumes '
            'the partial download %s.\nOr download the archive by hand and put it at %s.'
            % (url, reason, part, part.with_suffix(''))) from exc

    with response:
        if have and response.status != 206:
            have = 0  # the server ignored the Range header and sends the whole file again
        mode = 'ab' if have else 'wb'
        length = response.headers.get('Content-Length')
        total = have + int(length) if length is not None else expected_size
        if expected_size and length is not None and total != expected_size:
            part.unlink(missing_ok=True)
            raise FetchError('%s offers %d bytes, but the CIFAR-10 archive has %d: wrong file or a broken '
                             'mirror. Nothing was kept.' % (url, total, expected_size))
        done, started = have, time.monotonic()
        try:
            with open(part, mode) as f:
                while True:
                    try:
                        chunk = response.read(CHUNK)
                    except (OSError, http.client.HTTPException) as exc:
                        raise FetchError('The download from %s broke off after %d bytes (%s). Run the command '
                                         'again to resume.' % (url, done, exc)) from exc
                    if not chunk:
                        break
                    f.write(chunk)
                    done += len(chunk)
                    if progress:
                        _progress(done, total or done, started, sys.stderr)
        finally:
            if progress:
                sys.stderr.write('\n')
    return part.stat().st_size


def md5sum(path):
    digest = hashlib.md5()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(CHUNK), b''):
            digest.update(chunk)
    return digest.hexdigest()


def verify_archive(path, expected_size=CIFAR10_SIZE, expected_md5=CIFAR10_MD5):
    """Raise FetchError unless path has the expected size and md5."""
    size = path.stat().st_size
    if expected_size is not None and size != expected_size:
        raise FetchError('%s is %d bytes, but the CIFAR-10 archive has %d: the download is incomplete. Run the '
                         'command again to resume it.' % (path, size, expected_size))
    if expected_md5 is not None:
        actual = md5sum(path)
        if actual != expected_md5:
            raise FetchError('%s has md5 %s, expected %s: the file is corrupt. It has been deleted; run the '
                             'command again to download it afresh.' % (path, actual, expected_md5))


def extract_atomically(archive, dest):
    """Extract archive's cifar-10-batches-py folder to dest in one rename."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix='.extract-', dir=dest.parent))
    try:
        with tarfile.open(archive, 'r:gz') as tar:
            # filter='data' refuses absolute paths, '..' members, links out of the folder and device files.
            tar.extractall(staging, filter='data')
        extracted = staging / ARCHIVE_FOLDER
        if not extracted.is_dir():
            raise FetchError('%s does not contain a %s folder; it is not the CIFAR-10 python archive.'
                             % (archive, ARCHIVE_FOLDER))
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(extracted, dest)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise FetchError('Could not extract %s (%s). Delete it and fetch again.' % (archive, exc)) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def fetch_cifar10(dest, url=CIFAR10_URL, expected_size=CIFAR10_SIZE, expected_md5=CIFAR10_MD5,
                  progress=True, timeout=60, keep_archive=False):
    """Download, verify and extract CIFAR-10 so that ``dest`` is a cifar-10-batches-py folder.

    Inputs:
    - dest: target folder (``cs231n.data_utils.resolve_data_dir()`` gives the usual one).
    - url, expected_size, expected_md5: the archive and its published size and checksum.
    - progress: draw a progress bar on stderr.
    - timeout: seconds to wait on the network before giving up.
    - keep_archive: keep the verified .tar.gz next to the folder.

    Returns dest as a Path. Raises FetchError with a message that says what to do.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    archive = dest.parent / Path(url).name
    part = archive.with_name(archive.name + '.part')

    if not archive.exists():
        print('Downloading %s\n  to %s' % (url, archive), file=sys.stderr)
        _download(url, part, expected_size, progress, timeout)
        try:
            verify_archive(part, expected_size, expected_md5)
        except FetchError:
            if expected_size is None or part.stat().st_size == expected_size:
                part.unlink()  # complete but wrong: resuming it would never help
            raise
        os.replace(part, archive)
    else:
        try:
            verify_archive(archive, expected_size, expected_md5)
        except FetchError:
            archive.unlink()
            raise

    print('Extracting to %s' % dest, file=sys.stderr)
    extract_atomically(archive, dest)
    if not keep_archive:
        archive.unlink()
    return dest
