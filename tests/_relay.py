"""A loopback TCP relay in front of a local server that counts requests and the bytes it relays.

Used by the cloud store tests to prove how many HTTP requests a read costs and that a refused
object is never downloaded.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Callable

__all__ = ("ByteCountingProxy", "settle")

_SEND_BUFFER = 64 * 1024
_REQUEST_LINE = re.compile(rb"(?m)^(GET|HEAD|PUT|POST|DELETE) /")


class ByteCountingProxy:
    """A loopback TCP relay that counts the bytes the server sends to the client and the requests.

    Args:
        upstream_port: Port of the server on 127.0.0.1.
        before_request: Called with the request's number (1, 2, ...) before it is relayed.
    """

    def __init__(
        self, upstream_port: int, before_request: Callable[[int], None] | None = None
    ) -> None:
        self._upstream_port = upstream_port
        self._before_request = before_request
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._downstream = 0
        self._upstream = bytearray()
        self._sockets: list[socket.socket] = []
        self._threads = [threading.Thread(target=self._accept)]
        self._threads[0].start()

    @property
    def downstream_bytes(self) -> int:
        """Bytes relayed from the server to the client so far."""
        with self._lock:
            return self._downstream

    @property
    def requests(self) -> int:
        """HTTP requests the client sent so far."""
        with self._lock:
            return len(_REQUEST_LINE.findall(bytes(self._upstream)))

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:  # the listener was shut down
                return
            # A fixed, small send buffer towards the client: the count then measures what the
            # client let through, not how far the kernel's buffer auto-tuning got.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _SEND_BUFFER)
            server = socket.create_connection(("127.0.0.1", self._upstream_port))
            pumps = [
                threading.Thread(target=self._pump, args=(client, server, False)),
                threading.Thread(target=self._pump, args=(server, client, True)),
            ]
            with self._lock:
                self._sockets += [client, server]
                self._threads += pumps
            for pump in pumps:
                pump.start()

    def _pump(self, source: socket.socket, sink: socket.socket, downstream: bool) -> None:  # noqa: FBT001 - thread target
        try:
            while data := source.recv(64 * 1024):
                if downstream:
                    sink.sendall(data)
                    with self._lock:
                        self._downstream += len(data)
                    continue
                if self._before_request is not None:
                    for _ in _REQUEST_LINE.findall(data):
                        self._before_request(self.requests + 1)
                # Counted before it is relayed: once the server has the request, the client may
                # have its answer and read ``requests`` before this thread runs again.
                with self._lock:
                    self._upstream += data
                sink.sendall(data)
        except OSError:
            pass  # the other side closed: stop relaying
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):  # already shut down
                    end.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        """Stop relaying and release every socket and thread."""
        with contextlib.suppress(OSError):  # shutting a listener down wakes its accept()
            self._listener.shutdown(socket.SHUT_RDWR)
        self._threads[0].join()
        self._listener.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):  # already shut down
                sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads[1:]:
            thread.join()
        for sock in self._sockets:
            sock.close()


def settle(proxy: ByteCountingProxy) -> int:
    """Wait until the relayed byte count stops moving, and return it."""
    last = -1
    while (current := proxy.downstream_bytes) != last:
        last = current
        time.sleep(0.2)
    return current
