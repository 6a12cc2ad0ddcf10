"""S3 specifics against the moto server: bounded transfers, bucket membership, missing buckets."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from _relay import ByteCountingProxy, settle
from conftest import S3Server

from kozmo_io.errors import InvalidReferenceError, NotFoundError, PayloadTooLargeError, StorageError
from kozmo_io.storage import ListPage, S3BlobStore, open_store
from kozmo_io.storage._obstore import PROBE_BYTES

pytestmark = pytest.mark.s3

T = TypeVar("T")
MiB = 1024 * 1024


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@pytest.fixture
def proxy(s3_server: S3Server) -> Iterator[ByteCountingProxy]:
    upstream_port = int(s3_server.endpoint.rsplit(":", 1)[1])
    relay = ByteCountingProxy(upstream_port)
    try:
        yield relay
    finally:
        relay.close()


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
    transferred = settle(proxy)
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
    assert settle(proxy) >= size
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
