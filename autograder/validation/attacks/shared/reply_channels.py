"""The descriptors the worker answers the grader on: written to, not the captured stdout/stderr files.
"""

def reply_channels():
    """Descriptors besides stdout and stderr that this process may write to: the grader reads one of them."""
    import fcntl, os  # noqa: E401
    found = []
    for fd in range(3, 256):
        try:
            flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        except OSError:
            continue
        try:
            kind = os.readlink('/proc/self/fd/%d' % fd)
        except OSError:
            kind = 'pipe:'
        if flags & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR) and kind.startswith(('pipe:', 'socket:')):
            found.append(fd)
    return found

