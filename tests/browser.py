"""A real headless Chromium, driven over the DevTools protocol, for tests of the HTML reports.

    with Browser() as browser:
        page = browser.open(path)          # waits for the load event
        browser.evaluate('document.title')
        browser.screenshot(png_path)
        page.errors                        # console errors, uncaught exceptions, blocked or failed loads
        page.requests                      # every URL the page asked for

Chromium is Debian's ``chromium`` package (``scripts/setup.sh`` installs it as root); the protocol client
is websocket-client (the [dev] dependencies).
"""
import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_NAMES = ('chromium', 'chromium-browser', 'google-chrome')


def find_chromium():
    return next((shutil.which(n) for n in CHROMIUM_NAMES if shutil.which(n)), None)


@dataclass
class Page:
    errors: list = field(default_factory=list)
    requests: list = field(default_factory=list)


class Browser:
    def __init__(self, width=1280, height=1400, timeout=60.0):
        self.width, self.height, self.timeout = width, height, timeout
        self.proc = self.ws = self.page = None
        self.next_id = 0

    def __enter__(self):
        import websocket
        executable = find_chromium()
        if not executable:
            raise FileNotFoundError('no Chromium found (%s)' % ', '.join(CHROMIUM_NAMES))
        self.profile = tempfile.mkdtemp(prefix='bnkit-chromium-')
        args = [executable, '--headless=new', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
                '--disable-extensions', '--disable-background-networking', '--remote-debugging-port=0',
                '--user-data-dir=' + self.profile, '--window-size=%d,%d' % (self.width, self.height),
                'about:blank']
        if os.geteuid() == 0:
            args.insert(1, '--no-sandbox')     # Chromium's own sandbox refuses to start as root
        # Chromium's own temporary files (its singleton socket folder) go inside the profile, which is removed
        # at the end, instead of being left in /tmp.
        tmp = Path(self.profile) / 'tmp'
        tmp.mkdir()
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True, env=dict(os.environ, TMPDIR=str(tmp)))
        port_file = Path(self.profile) / 'DevToolsActivePort'
        deadline = time.monotonic() + self.timeout
        while not (port_file.exists() and port_file.read_text().strip()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError('Chromium did not start (exit code %s)' % self.proc.poll())
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen('http://127.0.0.1:%d/json/list' % port, timeout=10) as response:
            targets = json.load(response)
        url = next(t['webSocketDebuggerUrl'] for t in targets if t['type'] == 'page')
        self.ws = websocket.create_connection(url, timeout=self.timeout, suppress_origin=True)
        for domain in ('Page', 'Runtime', 'Log', 'Network'):
            self.send(domain + '.enable')
        return self

    def __exit__(self, *exc):
        if self.ws:
            self.ws.close()
        if self.proc:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)    # the browser and its renderer and helper processes
            except ProcessLookupError:
                pass
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _event(self, message):
        if self.page is None:
            return
        method, params = message.get('method'), message.get('params', {})
        if method == 'Runtime.exceptionThrown':
            details = params['exceptionDetails']
            what = details.get('exception', {}).get('description', details.get('text'))
            self.page.errors.append('exception: %s' % what)
        elif method == 'Runtime.consoleAPICalled' and params.get('type') in ('error', 'assert'):
            self.page.errors.append('console.%s: %s' % (params['type'], [a.get('value') for a in params['args']]))
        elif method == 'Log.entryAdded' and params['entry']['level'] == 'error':
            self.page.errors.append('log: %s' % params['entry']['text'])
        elif method == 'Network.requestWillBeSent':
            self.page.requests.append(params['request']['url'])
        elif method == 'Network.loadingFailed':
            self.page.errors.append('failed to load: %s' % params.get('errorText'))

    def send(self, method, wait_for=None, **params):
        """Send one command; returns its result (or, with ``wait_for``, the params of that event after it)."""
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({'id': my_id, 'method': method, 'params': params}))
        result, deadline = None, time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            message = json.loads(self.ws.recv())
            self._event(message)
            if message.get('id') == my_id:
                if 'error' in message:
                    raise RuntimeError('%s: %s' % (method, message['error']))
                result = message['result']
                if not wait_for:
                    return result
            elif wait_for and result is not None and message.get('method') == wait_for:
                return message['params']
        raise TimeoutError('%s: no answer within %g s' % (method, self.timeout))

    def open(self, path):
        self.page = Page()
        self.send('Page.navigate', wait_for='Page.loadEventFired', url=Path(path).resolve().as_uri())
        self.evaluate('0')      # let events queued during the load arrive
        return self.page

    def evaluate(self, expression):
        result = self.send('Runtime.evaluate', expression=expression, returnByValue=True, awaitPromise=True)
        if 'exceptionDetails' in result:
            raise RuntimeError('%s: %s' % (expression[:80], result['exceptionDetails'].get('text')))
        return result['result'].get('value')

    def screenshot(self, path, full_page=True, max_height=None):
        params = {'format': 'png'}
        if full_page:
            width, height = self.evaluate('[document.documentElement.scrollWidth, '
                                          'document.documentElement.scrollHeight]')
            params.update(captureBeyondViewport=True, clip={'x': 0, 'y': 0, 'width': width, 'scale': 1,
                                                            'height': min(height, max_height or height)})
        data = self.send('Page.captureScreenshot', **params)['data']
        Path(path).write_bytes(base64.b64decode(data))
        return path
