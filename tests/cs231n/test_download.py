"""The CIFAR-10 fetch against a real HTTP server on 127.0.0.1 serving a generated archive."""
import hashlib
import http.server
import io
import tarfile
import threading

import pytest

from cs231n.data_utils import load_CIFAR10
from cs231n.download import FetchError, fetch_cifar10
from autograder.validation.fakedata import write_fake_cifar10


@pytest.fixture(scope='module')
def archive_bytes(tmp_path_factory):
    root = write_fake_cifar10(tmp_path_factory.mktemp('src') / 'cifar-10-batches-py', n_per_batch=20, n_test=20)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as tar:
        tar.add(root, arcname='cifar-10-batches-py')
    return buf.getvalue()


class ArchiveServer:
    """Serves one payload at /cifar-10-python.tar.gz, honouring Range unless told otherwise."""

    def __init__(self, payload):
        self.payload = payload
        self.cut_after = None      # close the connection after this many body bytes
        self.honour_range = True
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append(self.headers.get('Range'))
                body, status, start = server.payload, 200, 0
                rng = self.headers.get('Range')
                if rng and server.honour_range:
                    start = int(rng.split('=')[1].rstrip('-'))
                    if start >= len(body):
                        self.send_response(416)
                        self.end_headers()
                        return
                    status = 206
                self.send_response(status)
                self.send_header('Content-Length', str(len(body) - start))
                if status == 206:
                    self.send_header('Content-Range', 'bytes %d-%d/%d' % (start, len(body) - 1, len(body)))
                self.end_headers()
                chunk = body[start:]
                if server.cut_after is not None:
                    chunk = chunk[:server.cut_after]
                self.wfile.write(chunk)
                self.wfile.flush()
                if server.cut_after is not None:
                    self.close_connection = True

        self.httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d/cifar-10-python.tar.gz' % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(archive_bytes):
    s = ArchiveServer(archive_bytes)
    yield s
    s.close()


def fetch(server, dest, payload=None, **kw):
    payload = server.payload if payload is None else payload
    kw.setdefault('expected_size', len(payload))
    kw.setdefault('expected_md5', hashlib.md5(payload).hexdigest())
    return fetch_cifar10(dest, url=server.url, progress=False, timeout=5, **kw)


def test_good_archive_is_fetched_verified_and_extracted(server, tmp_path):
    dest = fetch(server, tmp_path / 'data' / 'cifar-10-batches-py')
    Xtr, ytr, Xte, yte = load_CIFAR10(dest)
    assert Xtr.shape == (100, 32, 32, 3) and Xte.shape == (20, 32, 32, 3)
    assert sorted(p.name for p in (tmp_path / 'data').iterdir()) == ['cifar-10-batches-py']  # no leftovers


def test_interrupted_download_resumes_with_a_range_request(server, tmp_path):
    dest = tmp_path / 'cifar-10-batches-py'
    server.cut_after = len(server.payload) // 3
    with pytest.raises(FetchError, match='resume'):
        fetch(server, dest)
    part = tmp_path / 'cifar-10-python.tar.gz.part'
    assert part.stat().st_size == len(server.payload) // 3
    assert not dest.exists()  # nothing half-extracted

    server.cut_after = None
    fetch(server, dest)
    assert server.requests[-1] == 'bytes=%d-' % (len(server.payload) // 3)
    assert load_CIFAR10(dest)[0].shape[0] == 100
    assert not part.exists()


def test_server_ignoring_range_restarts_cleanly(server, tmp_path):
    (tmp_path / 'cifar-10-python.tar.gz.part').write_bytes(server.payload[:1000])
    server.honour_range = False
    dest = fetch(server, tmp_path / 'cifar-10-batches-py')
    assert load_CIFAR10(dest)[0].shape[0] == 100


def test_truncated_archive_is_reported_and_not_extracted(server, tmp_path):
    truncated = server.payload[:len(server.payload) // 2]
    server.payload = truncated  # the server itself has a short file
    with pytest.raises(FetchError, match='offers %d bytes' % len(truncated)):
        fetch(server, tmp_path / 'cifar-10-batches-py', payload=truncated + b'x' * (len(truncated) + 4))
    assert not (tmp_path / 'cifar-10-batches-py').exists()
    assert not (tmp_path / 'cifar-10-python.tar.gz.part').exists()


def test_wrong_checksum_deletes_the_file_and_extracts_nothing(server, tmp_path):
    with pytest.raises(FetchError, match='md5'):
        fetch(server, tmp_path / 'cifar-10-batches-py', expected_md5='0' * 32)
    assert list(tmp_path.iterdir()) == []


def test_corrupt_archive_with_matching_checksum_fails_extraction_cleanly(server, tmp_path):
    server.payload = b'not a tar file at all' * 100
    dest = tmp_path / 'cifar-10-batches-py'
    with pytest.raises(FetchError, match='extract'):
        fetch(server, dest)
    assert not dest.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith('.extract-')] == []


def test_existing_folder_is_replaced_only_when_the_new_one_is_complete(server, tmp_path):
    dest = tmp_path / 'cifar-10-batches-py'
    dest.mkdir()
    (dest / 'old').write_text('previous')
    fetch(server, dest)
    assert not (dest / 'old').exists() and (dest / 'test_batch').is_file()


def test_offline_gives_a_clear_message(tmp_path):
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    with pytest.raises(FetchError) as info:
        fetch_cifar10(tmp_path / 'cifar-10-batches-py', url='http://127.0.0.1:%d/cifar-10-python.tar.gz' % port,
                      progress=False, timeout=5)
    message = str(info.value)
    assert 'offline' in message and 'Could not reach' in message and 'by hand' in message


def test_command_line_check_names_the_missing_folder(tmp_path, capsys):
    from cs231n.data_utils import main
    assert main(['check', '--dir', str(tmp_path / 'nowhere')]) == 1
    err = capsys.readouterr().err
    assert str(tmp_path / 'nowhere') in err and 'python -m cs231n.data_utils fetch' in err


def test_bnkit_fetch_data_wraps_the_same_function(server, tmp_path, capsys):
    from autograder.cli import main
    # The real archive's size and md5 do not match the generated one: the command must refuse it.
    assert main(['fetch-data', '--dir', str(tmp_path / 'cifar-10-batches-py'), '--url', server.url]) == 1
    assert 'error' in capsys.readouterr().err
    assert not (tmp_path / 'cifar-10-batches-py').exists()
