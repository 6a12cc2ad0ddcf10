"""S3 specifics against the moto server: bounded transfers, bucket membership, missing buckets."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from conftest import S3Server

from kozmo_io.errors import InvalidReferenceError, NotFoundError, PayloadTooLargeError, StorageError
from kozmo_io.storage import ListPage, S3BlobStore, open_store
from kozmo_io.storage._obstore import PROBE_BYTES

pytestmark = pytest.mark.s3

T = TypeVar("T")
MiB = 1024 * 1024
_SEND_BUFFER = 64 * 1024
_REQUEST_LINE = re.compile(rb"(?m)^(GET|HEAD|PUT|POST|DELETE) /")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


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
                if not downstream and self._before_request is not None:
                    for _ in _REQUEST_LINE.findall(data):
                        self._before_request(self.requests + 1)
                sink.sendall(data)
                with self._lock:
                    if downstream:
                        self._downstream += len(data)
                    else:
                        self._upstream += data
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


@pytest.fixture
def proxy(s3_server: S3Server) -> Iterator[ByteCountingProxy]:
    upstream_port = int(s3_server.endpoint.rsplit(":", 1)[1])
    relay = ByteCountingProxy(upstream_port)
    try:
        yield relay
    finally:
        relay.close()


def _settle(proxy: ByteCountingProxy) -> int:
    """Wait until the relayed byte count stops moving, and return it."""
    last = -1
    while (current := proxy.downstream_bytes) != last:
        last = current
        time.sleep(0.2)
    return current


def test_oversized_get_transfers_far_less_than_the_object(
    s3_server: S3Server, s3_bucket: str, proxy: ByteCountingProxy
) -> None:
    size = 32 * MiB
    direct = S3BlobStore(s3_bucket, **s3_server.options(max_payload_bytes=0))
    run(direct.put(f"s3://{s3_bucket}/big", b"\0" * size))
    relayed = S3BlobStore(s3_bucket, **s3_server.options(endpoint=f"http://127.0.0.1:{proxy.port}"))
    with pytest.raises(PayloadTooLargeError) as caught:
        run(relayed.get(f"s3://{s3_bucket}/big", max_bytes=MiB))
    assert (caught.value.size, caught.value.limit) == (size, MiB)
    transferred = _settle(proxy)
    assert proxy.requests == 1
    assert transferred < 64 * 1024, f"{transferred} bytes transferred for a refused object"


def test_get_within_the_limit_transfers_the_object_through_the_proxy(
    s3_server: S3Server, s3_bucket: str, proxy: ByteCountingProxy
) -> None:
    size = 3 * MiB
    direct = S3BlobStore(s3_bucket, **s3_server.options())
    run(direct.put(f"s3://{s3_bucket}/big", b"\1" * size))
    relayed = S3BlobStore(s3_bucket, **s3_server.options(endpoint=f"http://127.0.0.1:{proxy.port}"))
    assert run(relayed.get(f"s3://{s3_bucket}/big", max_bytes=size)) == b"\1" * size
    assert _settle(proxy) >= size
    assert proxy.requests == 2  # the first bytes and the size, then the rest


@pytest.mark.parametrize("size", [0, 1, PROBE_BYTES])
def test_get_of_a_small_object_is_one_request(
    s3_server: S3Server, s3_bucket: str, proxy: ByteCountingProxy, size: int
) -> None:
    direct = S3BlobStore(s3_bucket, **s3_server.options())
    run(direct.put(f"s3://{s3_bucket}/small", b"\2" * size))
    relayed = S3BlobStore(s3_bucket, **s3_server.options(endpoint=f"http://127.0.0.1:{proxy.port}"))
    assert run(relayed.get(f"s3://{s3_bucket}/small")) == b"\2" * size
    assert proxy.requests == 1


def test_get_never_mixes_an_object_replaced_between_its_two_reads(
    s3_server: S3Server, s3_bucket: str
) -> None:
    path = f"s3://{s3_bucket}/moving"
    old, new = b"o" * (3 * PROBE_BYTES), b"n" * (2 * PROBE_BYTES)
    direct = S3BlobStore(s3_bucket, **s3_server.options())
    run(direct.put(path, old))

    def replace_before_the_second_read(number: int) -> None:
        if number == 2:
            asyncio.run(direct.put(path, new))

    upstream_port = int(s3_server.endpoint.rsplit(":", 1)[1])
    relay = ByteCountingProxy(upstream_port, before_request=replace_before_the_second_read)
    try:
        relayed = S3BlobStore(
            s3_bucket, **s3_server.options(endpoint=f"http://127.0.0.1:{relay.port}")
        )
        assert run(relayed.get(path)) == new
        assert relay.requests == 3  # old head, refused rest, the new object whole
    finally:
        relay.close()


def test_s3_store_refuses_another_bucket(s3_server: S3Server, s3_bucket: str) -> None:
    store = S3BlobStore(s3_bucket, **s3_server.options())
    for ref in (
        f"s3://other-{s3_bucket}/x",
        f"gs://{s3_bucket}/x",
        "/x",
        f"memory://{s3_bucket}/x",
    ):
        with pytest.raises(InvalidReferenceError, match="not in this store"):
            run(store.head(ref))


def test_s3a_references_name_the_same_objects(s3_server: S3Server, s3_bucket: str) -> None:
    store = S3BlobStore(s3_bucket, **s3_server.options())
    run(store.put(f"s3a://{s3_bucket}/a/1", b"1"))
    assert run(store.get(f"s3://{s3_bucket}/a/1")) == b"1"
    assert run(store.list(f"s3a://{s3_bucket}/a")).items == (f"s3a://{s3_bucket}/a/1",)


def test_open_store_connects_to_the_bucket_of_the_reference(
    s3_server: S3Server, s3_bucket: str
) -> None:
    store = open_store(f"s3://{s3_bucket}/runs/1/outputs.pb", **s3_server.options())
    run(store.put(f"s3://{s3_bucket}/runs/1/outputs.pb", b"out"))
    assert run(store.get(f"s3://{s3_bucket}/runs/1/outputs.pb")) == b"out"


def test_listing_pages_with_a_cursor_on_s3(s3_server: S3Server, s3_bucket: str) -> None:
    store = S3BlobStore(s3_bucket, **s3_server.options())

    async def scenario() -> list[ListPage]:
        for key in ("a/1", "a/2", "b/1"):
            await store.put(f"s3://{s3_bucket}/{key}", b"")
        first = await store.list(f"s3://{s3_bucket}/a", max_items=1)
        return [first, await store.list(f"s3://{s3_bucket}/a", max_items=1, cursor=first.cursor)]

    first, second = run(scenario())
    assert first.items == (f"s3://{s3_bucket}/a/1",)
    assert second == ListPage((f"s3://{s3_bucket}/a/2",), None)


def test_references_with_credentials_work_and_errors_redact_them(
    s3_server: S3Server, s3_bucket: str
) -> None:
    store = S3BlobStore(s3_bucket, **s3_server.options())
    run(store.put(f"s3://KEY:SECRET@{s3_bucket}/x", b"1"))
    assert run(store.get(f"s3://{s3_bucket}/x")) == b"1"
    with pytest.raises(NotFoundError) as caught:
        run(store.get(f"s3://KEY:SECRET@{s3_bucket}/missing"))
    assert caught.value.path == f"s3://***@{s3_bucket}/missing"
    assert "SECRET" not in str(caught.value)


def test_missing_bucket_reads_as_missing_objects_but_writes_fail(s3_server: S3Server) -> None:
    store = S3BlobStore("no-such-bucket", **s3_server.options())
    assert not run(store.head("s3://no-such-bucket/x")).exists
    with pytest.raises(NotFoundError):
        run(store.get("s3://no-such-bucket/x"))
    with pytest.raises(StorageError) as caught:
        run(store.put("s3://no-such-bucket/x", b"1"))
    assert type(caught.value) is StorageError
    assert caught.value.__cause__ is not None
    with pytest.raises(StorageError):
        run(store.list("s3://no-such-bucket/x"))


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_credential_provider_is_called_for_requests(
    s3_server: S3Server, s3_bucket: str, kind: str
) -> None:
    calls: list[str] = []
    credentials = {
        "access_key_id": s3_server.access_key_id,
        "secret_access_key": s3_server.secret_access_key,
        "token": None,
        "expires_at": None,
    }

    def sync_provider() -> dict[str, Any]:
        calls.append("sync")
        return credentials

    async def async_provider() -> dict[str, Any]:
        calls.append("async")
        await asyncio.sleep(0)
        return credentials

    provider = async_provider if kind == "async" else sync_provider
    store = S3BlobStore(s3_bucket, **s3_server.options(credentials=provider))
    path = f"s3://{s3_bucket}/provided/outputs.pb"

    async def use() -> bytes:
        await store.put(path, b"payload")
        return await store.get(path)

    assert run(use()) == b"payload"
    assert calls
    assert set(calls) == {kind}
