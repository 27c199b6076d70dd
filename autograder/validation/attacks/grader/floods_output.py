"""writes 2 GiB to stdout and stderr (raw descriptors and sys streams), ignoring SIGXFSZ and SIGPIPE, then fails
like the stub

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: robust
"""
import os, signal, sys, time  # noqa: E401
def TARGET_BACKWARD(dout, cache):

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    line = ('x' * 1023 + '\n') * 1024
    start = time.monotonic()
    for _ in range(1024):
        if time.monotonic() - start > 3.5:
            break
        for write in (lambda: os.write(1, line.encode()), lambda: os.write(2, line.encode()),
                      lambda: sys.stdout.write(line), lambda: sys.stderr.write(line)):
            try:
                write()
            except (OSError, ValueError):
                pass
    raise NotImplementedError
