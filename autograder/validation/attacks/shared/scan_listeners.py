"""The sockets listening (TCP) or bound (UDP) on the machine's loopback, from /proc/net.
"""

import socket


def listeners(kind='tcp'):
    """(family, address, port) of the sockets listening (TCP) or bound (UDP) on this machine's loopback."""
    found = []
    for name, family in ((kind, socket.AF_INET), (kind + '6', socket.AF_INET6)):
        try:
            with open('/proc/net/' + name) as f:
                rows = [line.split() for line in f.readlines()[1:]]
        except OSError:
            continue
        for row in rows:
            local, state = row[1], row[3]
            if kind == 'tcp' and state != '0A':   # LISTEN
                continue
            address, port = local.split(':')
            port = int(port, 16)
            if port:
                found.append((family, '127.0.0.1' if family == socket.AF_INET else '::1', port))
    return found

