"""A real HTTP server on 127.0.0.1 that misbehaves as a test scripts it, counting what it does.

:class:`ScriptedServer` answers every request the same way, chosen by ``behaviour``:

* ``"long-body"``: a ranged GET is answered ``206`` with a ``Content-Range`` that declares
  ``declared`` bytes, then a body of ``body_limit`` bytes (its ``Content-Length``): a server that
  misreports the size of what it sends.
* ``"cut-body"``: a GET is answered with headers that declare ``declared`` bytes (a ranged GET
  ``206`` with a ``Content-Range``), then only ``body_limit`` of them before the connection closes:
  a response cut short on the way.
* ``"short-range"``: a ranged GET is answered ``206`` with a ``Content-Range`` that declares
  ``declared`` bytes and a ``Content-Length`` of the ``body_limit`` bytes it sends: a server whose
  body is shorter than the range it names.
* ``"status-500"``: every request gets ``500 Internal Server Error``.
* ``"silent"``: the request is read and never answered (the connection stays open until the
  client gives up).

It counts requests (by method) and body bytes written. S3 clients reach it as an endpoint with
path-style requests; it checks no signature.
"""

from __future__ import annotations

import collections
import http.server
import re
import socketserver
import threading
from types import TracebackType
from typing import Self, final

__all__ = ("ScriptedServer",)

_CHUNK = 16 * 1024
_RANGE = re.compile(r"bytes=(\d+)-(\d+)")
_SILENT_SECONDS = 30.0


@final
class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    block_on_close = False
    scripted: ScriptedServer


@final
class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        """Stay quiet."""

    def do_GET(self) -> None:
        """Answer as scripted."""
        self.server.scripted.answer(self, "GET")

    def do_HEAD(self) -> None:
        """Answer as scripted."""
        self.server.scripted.answer(self, "HEAD")

    def do_PUT(self) -> None:
        """Answer as scripted."""
        self.server.scripted.answer(self, "PUT")


@final
class ScriptedServer:
    """Serve on an ephemeral loopback port in a thread; a context manager.

    Args:
        behaviour: ``long-body``, ``cut-body``, ``short-range``, ``status-500`` or ``silent``.
        declared: The size a ``long-body`` response declares.
        body_limit: The most body bytes a ``long-body`` response sends.
    """

    def __init__(self, behaviour: str, *, declared: int = 10, body_limit: int = 64 << 20) -> None:
        """Prepare the server; ``with`` runs it."""
        self.behaviour = behaviour
        self.declared = declared
        self.body_limit = body_limit
        self._lock = threading.Lock()
        self.requests: collections.Counter[str] = collections.Counter()
        self.body_bytes_sent = 0
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.scripted = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        """Start serving."""
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop serving (silent connections are let go)."""
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)

    def answer(self, handler: http.server.BaseHTTPRequestHandler, method: str) -> None:
        """Answer one request as scripted."""
        with self._lock:
            self.requests[method] += 1
        if self.behaviour == "silent":
            self._stopping.wait(_SILENT_SECONDS)
            handler.close_connection = True
            return
        if self.behaviour == "status-500":
            body = b"<Error><Code>InternalError</Code></Error>"
            handler.send_response(500)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
            return
        if self.behaviour in {"cut-body", "short-range"}:
            self._short_body(handler, method)
        else:
            self._long_body(handler, method)

    def _short_body(self, handler: http.server.BaseHTTPRequestHandler, method: str) -> None:
        wanted = _RANGE.fullmatch(handler.headers.get("Range", ""))
        handler.send_response(206 if wanted else 200)
        handler.send_header("ETag", '"v1"')
        handler.send_header("Last-Modified", "Mon, 02 Jan 2023 00:00:00 GMT")
        last = self.declared - 1
        if wanted:
            last = min(int(wanted[2]), last)
            handler.send_header("Content-Range", f"bytes {wanted[1]}-{last}/{self.declared}")
        declared = last + 1 - (int(wanted[1]) if wanted else 0)
        sent = min(self.body_limit, declared - 1)
        length = sent if self.behaviour == "short-range" else declared
        handler.send_header("Content-Length", str(length))
        handler.end_headers()
        handler.close_connection = True
        if method == "HEAD":
            return
        try:
            handler.wfile.write(b"x" * sent)
            handler.wfile.flush()
        except OSError:
            return
        with self._lock:
            self.body_bytes_sent += sent

    def _long_body(self, handler: http.server.BaseHTTPRequestHandler, method: str) -> None:
        wanted = _RANGE.fullmatch(handler.headers.get("Range", ""))
        handler.send_response(206 if wanted else 200)
        handler.send_header("ETag", '"v1"')
        handler.send_header("Last-Modified", "Mon, 02 Jan 2023 00:00:00 GMT")
        if wanted:
            first, last = int(wanted[1]), min(int(wanted[2]), self.declared - 1)
            handler.send_header("Content-Range", f"bytes {first}-{last}/{self.declared}")
        if method == "HEAD":
            handler.send_header("Content-Length", str(self.declared))
            handler.end_headers()
            return
        handler.send_header("Content-Length", str(self.body_limit))
        handler.end_headers()
        handler.close_connection = True
        chunk = b"x" * _CHUNK
        try:
            while self.body_bytes_sent < self.body_limit and not self._stopping.is_set():
                handler.wfile.write(chunk)
                with self._lock:
                    self.body_bytes_sent += len(chunk)
        except OSError:
            return  # the client closed the connection: it stopped reading
