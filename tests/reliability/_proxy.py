"""A TCP relay on 127.0.0.1 in front of a local server that counts bytes and injects connection
faults.

:class:`FaultProxy` accepts connections on an ephemeral loopback port and relays each to the
upstream server. Per accepted connection it draws, from a seeded generator, at most one fault:
*drop* (close the client's connection before relaying anything), *delay* (hold the response back for
``delay_seconds``) or *truncate* (relay only the first bytes of the response, then close both
sides). It runs its own event loop in a thread, so a busy test loop never slows the relay. Used by
the reliability tests (faults) and by the oversize benchmark (byte counts).
"""

from __future__ import annotations

import asyncio
import random
import threading
from types import TracebackType
from typing import Self, final

import attrs

__all__ = ("FaultProxy", "ProxyCounts", "ProxyFaults")

_CHUNK = 64 * 1024
_STOP_SECONDS = 10.0


@final
@attrs.frozen
class ProxyFaults:
    """The fault rates of a :class:`FaultProxy` (each a probability per accepted connection).

    Args:
        drop_rate: Close the client's connection before relaying anything.
        delay_rate: Hold the response back for ``delay_seconds`` before relaying it.
        delay_seconds: How long a delayed response is held.
        truncate_rate: Relay only the first 1 to ``truncate_after`` bytes of the response, then
            close.
        truncate_after: The most response bytes a truncated connection relays.
    """

    drop_rate: float = 0.0
    delay_rate: float = 0.0
    delay_seconds: float = 0.0
    truncate_rate: float = 0.0
    truncate_after: int = 2048


@final
@attrs.define
class ProxyCounts:
    """What a :class:`FaultProxy` has done since it started or was last reset.

    Args:
        connections: Connections accepted.
        dropped: Connections dropped.
        delayed: Responses delayed.
        truncated: Responses truncated.
        bytes_to_server: Bytes relayed from clients to the server.
        bytes_to_client: Bytes relayed from the server to clients (accepted by the client's socket).
    """

    connections: int = 0
    dropped: int = 0
    delayed: int = 0
    truncated: int = 0
    bytes_to_server: int = 0
    bytes_to_client: int = 0

    @property
    def faults(self) -> int:
        """Connections that got a fault."""
        return self.dropped + self.delayed + self.truncated


@final
class FaultProxy:
    """Relay an ephemeral loopback port to the upstream port, injecting faults; a context manager.

    Args:
        upstream_port: The server's port on 127.0.0.1.
        faults: The fault rates (replace :attr:`faults` to change them while running).
        seed: Seeds the generator that draws the faults.
    """

    def __init__(
        self, upstream_port: int, *, faults: ProxyFaults | None = None, seed: int = 0
    ) -> None:
        """Prepare the proxy; :meth:`start` (or ``with``) runs it."""
        self.faults = faults or ProxyFaults()
        self._upstream_port = upstream_port
        self._random = random.Random(seed)  # noqa: S311 - reproducible faults, not secrets
        self._counts = ProxyCounts()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self._ready = threading.Event()
        self._port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        """The loopback port clients connect to."""
        return self._port

    @property
    def endpoint(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self._port}"

    def counts(self) -> ProxyCounts:
        """Return a snapshot of the counts."""
        with self._lock:
            return attrs.evolve(self._counts)

    def reset_counts(self) -> None:
        """Set every count back to zero."""
        with self._lock:
            self._counts = ProxyCounts()

    def start(self) -> Self:
        """Start relaying; returns once the port is bound."""
        self._thread.start()
        if not self._ready.wait(_STOP_SECONDS) or not self._port:
            msg = "the fault proxy did not start"
            raise RuntimeError(msg)
        return self

    def stop(self) -> None:
        """Close the listener and every relayed connection, then end the thread."""
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(_STOP_SECONDS)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(_STOP_SECONDS)
        if not self._loop.is_running():
            self._loop.close()

    def __enter__(self) -> Self:
        """Start the proxy."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the proxy."""
        self.stop()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._listen())
        self._ready.set()
        self._loop.run_forever()

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self._port = self._server.sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _count(self, **increments: int) -> None:
        with self._lock:
            for name, value in increments.items():
                setattr(self._counts, name, getattr(self._counts, name) + value)

    async def _accept(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._relay(client_in, client_out)
        except asyncio.CancelledError:
            pass  # stopped by _shutdown; ending quietly keeps asyncio from logging the handler
        except OSError:
            pass  # a side reset its connection: the relay of this connection is over
        finally:
            self._tasks.discard(task)

    def _draw(self) -> tuple[str, int]:
        """Pick this connection's fault (``""`` for none) and, for a truncation, its cut."""
        faults = self.faults
        draw = self._random.random()
        cut = self._random.randint(1, max(1, faults.truncate_after))
        for name, rate in (
            ("drop", faults.drop_rate),
            ("delay", faults.delay_rate),
            ("truncate", faults.truncate_rate),
        ):
            if draw < rate:
                return name, cut
            draw -= rate
        return "", cut

    async def _relay(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        fault, cut = self._draw()
        self._count(connections=1)
        if fault == "drop":
            self._count(dropped=1)
            client_out.close()
            return
        server_in, server_out = await asyncio.open_connection("127.0.0.1", self._upstream_port)
        upload = asyncio.ensure_future(self._pump(client_in, server_out, "bytes_to_server"))
        download = asyncio.ensure_future(self._download(server_in, client_out, fault, cut))
        try:
            await asyncio.wait((upload, download), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pump in (upload, download):
                pump.cancel()
            await asyncio.gather(upload, download, return_exceptions=True)
            for writer in (client_out, server_out):
                writer.close()

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, count: str
    ) -> None:
        while chunk := await source.read(_CHUNK):
            sink.write(chunk)
            await sink.drain()
            self._count(**{count: len(chunk)})

    async def _download(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, fault: str, cut: int
    ) -> None:
        first = await source.read(_CHUNK)
        if fault == "delay":
            self._count(delayed=1)
            await asyncio.sleep(self.faults.delay_seconds)
        if fault == "truncate" and len(first) > 1:
            self._count(truncated=1)
            sink.write(first[: min(cut, len(first) - 1)])
            await sink.drain()
            self._count(bytes_to_client=min(cut, len(first) - 1))
            return
        if not first:
            return
        sink.write(first)
        await sink.drain()
        self._count(bytes_to_client=len(first))
        await self._pump(source, sink, "bytes_to_client")
