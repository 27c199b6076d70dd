"""sends UDP datagrams to every bound loopback port, lists the machine's addresses over netlink (AF_NETLINK) and
tries the TCP listeners on each

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
import struct
from autograder.validation.attacks.shared.scan_listeners import listeners, socket
def TARGET_BACKWARD(dout, cache):

    sent = []
    for family, address, port in listeners('udp'):
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as s:
                s.sendto(b'bnkit-hostile-NAME datagram', (address, port))
                sent.append(port)
        except OSError:
            pass
    addresses = {'127.0.0.1'}
    try:
        with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0) as nl:   # NETLINK_ROUTE
            nl.settimeout(1)
            # RTM_GETADDR dump request: nlmsghdr + ifaddrmsg
            nl.send(struct.pack('=IHHII', 24, 22, 0x301, 1, 0) + struct.pack('=BBBBI', 2, 0, 0, 0, 0))
            data = nl.recv(65536)
            addresses |= {socket.inet_ntoa(data[i + 4:i + 8]) for i in range(len(data) - 8)
                          if data[i:i + 4] == struct.pack('=HH', 8, 1)}   # IFA_ADDRESS attributes
    except OSError:
        pass
    reached = []
    for _, _, port in listeners('tcp'):
        for address in addresses:
            try:
                with socket.create_connection((address, port), timeout=0.3) as s:
                    s.sendall(b'bnkit-hostile-NAME\n')
                    reached.append((address, port))
            except OSError:
                pass
    if reached or sent:
        raise RuntimeError('bnkit-hostile-NAME reached %s, sent to %s' % (reached, sent))
    raise NotImplementedError
