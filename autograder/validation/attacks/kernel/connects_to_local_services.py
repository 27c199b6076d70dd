"""connects to every TCP port listening on the machine's loopback (from /proc/net/tcp, tcp6 and common ports) and
says hello

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
from autograder.validation.attacks.shared.scan_listeners import listeners, socket
def TARGET_BACKWARD(dout, cache):

    targets = listeners('tcp') + [(socket.AF_INET, '127.0.0.1', p) for p in (22, 80, 443, 5432, 6379, 8000,
                                                                            8080, 8888, 9000)]
    reached = []
    for family, address, port in dict.fromkeys(targets):
        try:
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.settimeout(0.3)
                s.connect((address, port))
                s.sendall(b'bnkit-hostile-NAME says hello\n')
                reached.append(port)
        except OSError:
            pass
    if reached:
        raise RuntimeError('bnkit-hostile-NAME reached ports %s' % reached)
    raise NotImplementedError
