"""Listeners on the loopback during a validation run: whoever reaches them broke out of the sandbox's network."""
import selectors
import socket
import threading
import time


class Listener:
    """TCP and UDP listeners on 127.0.0.1 that count whoever reaches them, and a chatter that sends the
    loopback secret to the UDP one every 0.2 s (what a sniffer on the machine's loopback would hear)."""

    def __init__(self, secret):
        self.secret = secret.encode()
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind(('127.0.0.1', 0))
        self.tcp.listen(64)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(('127.0.0.1', 0))
        self.chatter = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.chatter.bind(('127.0.0.1', 0))
        self.port, self.udp_port = self.tcp.getsockname()[1], self.udp.getsockname()[1]
        self.connections, self.datagrams, self.heard = 0, 0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        sel = selectors.DefaultSelector()
        sel.register(self.tcp, selectors.EVENT_READ, 'tcp')
        sel.register(self.udp, selectors.EVENT_READ, 'udp')
        chatter_address = self.chatter.getsockname()
        next_chat = 0.0
        while not self._stop.is_set():
            if time.monotonic() >= next_chat:
                try:
                    self.chatter.sendto(self.secret, ('127.0.0.1', self.udp_port))
                except OSError:
                    pass
                next_chat = time.monotonic() + 0.2
            for key, _ in sel.select(timeout=0.1):
                try:
                    if key.data == 'tcp':
                        conn, _ = self.tcp.accept()
                        self.connections += 1
                        conn.settimeout(0.2)
                        try:
                            self.heard.append(conn.recv(200))
                        except OSError:
                            pass
                        conn.close()
                    else:
                        data, address = self.udp.recvfrom(2048)
                        if address != chatter_address:
                            self.datagrams += 1
                            self.heard.append(data[:200])
                except OSError:
                    pass
        sel.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
        for s in (self.tcp, self.udp, self.chatter):
            s.close()

