"""CountingStore and CachedStore (the engine's cached raw store and request counting)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from _support import run
from google.protobuf.wrappers_pb2 import BytesValue

from kozmo_io.conformance import Verdict
from kozmo_io.errors import (
    InvalidArgumentError,
    InvalidReferenceError,
    NotFoundError,
    PayloadTooLargeError,
)
from kozmo_io.storage import (
    BlobStore,
    CachedStore,
    CountingStore,
    ListPage,
    LocalBlobStore,
    MemoryBlobStore,
    ObjectMeta,
    read_message,
    write_message,
)
from kozmo_io.testing import check_blob_store

MiB = 1024 * 1024


def _counted(**options: Any) -> CountingStore:
    return CountingStore(MemoryBlobStore(**options))


def _calls(store: CountingStore) -> dict[str, int]:
    return {name: count for name, count in store.counts.items() if count}


# --- CountingStore ------------------------------------------------------------------------------


def test_counting_store_is_a_blobstore_that_starts_at_zero() -> None:
    store = _counted()
    assert isinstance(store, BlobStore)
    assert dict(store.counts) == {"delete": 0, "get": 0, "head": 0, "list": 0, "put": 0}
    assert store.total == 0


def test_counting_store_counts_each_method_and_delegates() -> None:
    store = _counted()

    async def scenario() -> tuple[bytes, ObjectMeta, ListPage]:
        await store.put("memory://b/x", b"data")
        data = await store.get("memory://b/x", byte_range=(1, 3))
        meta = await store.head("memory://b/x")
        page = await store.list("memory://b/")
        await store.delete("memory://b/x")
        return data, meta, page

    data, meta, page = run(scenario())
    assert (data, meta.size, page.items) == (b"at", 4, ("memory://b/x",))
    assert dict(store.counts) == {"delete": 1, "get": 1, "head": 1, "list": 1, "put": 1}
    assert store.total == 5


def test_counting_store_counts_failed_calls_too() -> None:
    store = _counted()
    with pytest.raises(NotFoundError):
        run(store.get("memory://b/missing"))
    with pytest.raises(InvalidReferenceError):
        run(store.head("memory://b/../x"))
    assert _calls(store) == {"get": 1, "head": 1}


def test_counting_store_reset_sets_every_count_to_zero() -> None:
    store = _counted()
    run(store.put("memory://b/x", b""))
    store.reset()
    assert store.total == 0
    assert set(store.counts) == {"delete", "get", "head", "list", "put"}


def test_counting_store_counts_are_read_only() -> None:
    counts: Any = _counted().counts
    with pytest.raises(TypeError):
        counts["get"] = 5


def test_counting_store_exposes_the_inner_limit() -> None:
    assert _counted(max_payload_bytes=7).max_payload_bytes == 7
    assert _counted(max_payload_bytes=0).max_payload_bytes is None


# --- CachedStore ------------------------------------------------------------------------------


def _cached(max_bytes: int = MiB, **options: Any) -> tuple[CachedStore, CountingStore]:
    backend = _counted(**options)
    return CachedStore(backend, max_bytes=max_bytes), backend


def test_cached_head_of_a_written_object_needs_no_request() -> None:
    cache, backend = _cached()
    run(cache.put("memory://b/k1", b"abc"))
    backend.reset()
    assert run(cache.head("memory://b/k1")) == ObjectMeta("memory://b/k1", exists=True, size=3)
    assert backend.total == 0


def test_cached_head_of_a_missing_object_asks_the_backend() -> None:
    cache, backend = _cached()
    assert not run(cache.head("memory://b/k2")).exists
    assert _calls(backend) == {"head": 1}


def test_cached_read_populates_the_cache_on_first_read() -> None:
    cache, backend = _cached()
    run(backend.put("memory://b/k1", b"abc"))
    backend.reset()
    assert run(cache.get("memory://b/k1")) == b"abc"
    assert run(cache.get("memory://b/k1")) == b"abc"
    assert _calls(backend) == {"get": 1}


def test_cached_read_of_a_missing_object_asks_the_backend_and_raises() -> None:
    cache, backend = _cached()
    with pytest.raises(NotFoundError):
        run(cache.get("memory://b/k2"))
    assert _calls(backend) == {"get": 1}


def test_cached_write_then_read_needs_no_backend_read() -> None:
    cache, backend = _cached()
    run(cache.put("memory://b/k2", b"hello"))
    assert run(cache.get("memory://b/k2")) == b"hello"
    assert run(backend.get("memory://b/k2")) == b"hello"
    assert _calls(backend) == {"put": 1, "get": 1}


def test_cached_big_object_is_written_and_read_but_not_cached() -> None:
    cache, backend = _cached(max_bytes=MiB)
    data = os.urandom(3 * MiB // 2)
    run(cache.put("memory://b/big", data))
    assert cache.cached_bytes == 0
    assert run(cache.get("memory://b/big")) == data
    assert run(cache.get("memory://b/big")) == data
    assert _calls(backend) == {"put": 1, "get": 2}


def test_cached_delete_of_a_cached_object_drops_it() -> None:
    cache, _ = _cached()
    run(cache.put("memory://b/k1", b"abc"))
    run(cache.delete("memory://b/k1"))
    assert cache.cached_bytes == 0
    assert not run(cache.head("memory://b/k1")).exists
    with pytest.raises(NotFoundError):
        run(cache.get("memory://b/k1"))


def test_cached_store_evicts_the_least_recently_used() -> None:
    cache, backend = _cached(max_bytes=10)

    async def scenario() -> None:
        await cache.put("memory://b/a", b"aaaa")
        await cache.put("memory://b/b", b"bbbb")
        await cache.get("memory://b/a")  # now b is the least recently used
        await cache.put("memory://b/c", b"cccc")

    run(scenario())
    assert cache.cached_bytes == 8
    backend.reset()
    assert run(cache.get("memory://b/a")) == b"aaaa"
    assert run(cache.get("memory://b/c")) == b"cccc"
    assert backend.total == 0
    assert run(cache.get("memory://b/b")) == b"bbbb"
    assert _calls(backend) == {"get": 1}


def test_cached_store_never_holds_more_than_its_capacity() -> None:
    cache, _ = _cached(max_bytes=100)

    async def scenario() -> None:
        for number in range(50):
            await cache.put(f"memory://b/{number}", bytes(number))
            assert cache.cached_bytes <= 100

    run(scenario())
    assert cache.cached_bytes > 0


def test_cached_overwrite_replaces_the_entry() -> None:
    cache, _ = _cached()
    run(cache.put("memory://b/x", b"old"))
    run(cache.put("memory://b/x", b"newer"))
    assert cache.cached_bytes == 5
    assert run(cache.get("memory://b/x")) == b"newer"


def test_cached_aliases_of_one_object_share_an_entry() -> None:
    cache, _ = _cached()
    run(cache.put("memory://out/x", b"old"))
    run(cache.put("/out/x", b"new"))
    assert run(cache.get("memory://out/x")) == b"new"
    assert cache.cached_bytes == 3


def test_cached_hit_honours_byte_ranges_and_limits() -> None:
    cache, backend = _cached()
    run(cache.put("memory://b/x", b"0123456789"))
    backend.reset()
    assert run(cache.get("memory://b/x", byte_range=(2, 5))) == b"234"
    assert run(cache.get("memory://b/x", byte_range=(8, 50))) == b"89"
    assert run(cache.get("memory://b/x", byte_range=(20, 30))) == b""
    with pytest.raises(PayloadTooLargeError) as caught:
        run(cache.get("memory://b/x", max_bytes=9))
    assert (caught.value.size, caught.value.limit) == (10, 9)
    with pytest.raises(InvalidArgumentError, match="byte_range"):
        run(cache.get("memory://b/x", byte_range=(5, 1)))
    assert backend.total == 0


def test_cached_hit_applies_the_inner_store_limit() -> None:
    cache, _ = _cached(max_payload_bytes=4)
    run(cache.put("memory://b/x", b"12345"))
    with pytest.raises(PayloadTooLargeError) as caught:
        run(cache.get("memory://b/x"))
    assert caught.value.limit == 4
    assert cache.max_payload_bytes == 4


def test_cached_store_without_a_limit_over_a_store_without_one_reads_anything() -> None:
    backend = _counted(max_payload_bytes=0)
    cache = CachedStore(backend, max_bytes=100, max_payload_bytes=None)
    run(cache.put("memory://b/x", b"12345"))
    assert run(cache.get("memory://b/x")) == b"12345"
    run(backend.put("memory://b/y", b"x" * 3 * MiB))
    assert len(run(cache.get("memory://b/y"))) == 3 * MiB
    assert cache.max_payload_bytes is None


@pytest.mark.parametrize("limit", [5, 2 * MiB, None, 0])
def test_cached_store_refuses_a_limit_above_the_inner_one(limit: int | None) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        CachedStore(_counted(max_payload_bytes=4), max_bytes=100, max_payload_bytes=limit)
    text = str(caught.value)
    assert "max_payload_bytes" in text
    assert "(4 bytes)" in text
    assert ("no limit" if not limit else f"{limit} bytes") in text


def test_cached_store_over_a_store_with_the_default_limit_takes_up_to_that_limit() -> None:
    with pytest.raises(InvalidArgumentError, match=r"\(2097152 bytes\)"):
        CachedStore(MemoryBlobStore(), max_bytes=100, max_payload_bytes=2 * MiB + 1)
    cache = CachedStore(MemoryBlobStore(), max_bytes=100, max_payload_bytes=2 * MiB)
    assert cache.max_payload_bytes == 2 * MiB


def test_cached_store_never_returns_more_than_the_inner_store_would() -> None:
    # The inner store refuses 5 bytes; through the cache, a hit (after a put) and a miss (the
    # object written behind the cache) refuse them alike.
    backend = _counted(max_payload_bytes=4)
    cache = CachedStore(backend, max_bytes=100)
    run(cache.put("memory://b/hit", b"12345"))
    run(backend.put("memory://b/miss", b"12345"))
    for path in ("memory://b/hit", "memory://b/miss"):
        with pytest.raises(PayloadTooLargeError) as caught:
            run(cache.get(path))
        assert (caught.value.size, caught.value.limit) == (5, 4)
        with pytest.raises(PayloadTooLargeError):
            run(backend.get(path))
    assert cache.max_payload_bytes == 4


def test_cached_store_smaller_limit_applies_to_hits_and_misses_alike() -> None:
    backend = _counted(max_payload_bytes=10)
    cache = CachedStore(backend, max_bytes=100, max_payload_bytes=4)
    run(cache.put("memory://b/hit", b"12345678"))
    run(backend.put("memory://b/miss", b"12345678"))
    for path in ("memory://b/hit", "memory://b/miss"):
        with pytest.raises(PayloadTooLargeError) as caught:
            run(cache.get(path))
        assert (caught.value.size, caught.value.limit) == (8, 4)
        # An explicit max_bytes reads under that limit, as the store would, hit or miss.
        assert run(cache.get(path, max_bytes=8)) == b"12345678"
    assert run(backend.get("memory://b/miss")) == b"12345678"
    assert cache.max_payload_bytes == 4


@pytest.mark.parametrize("limit", [4, 64])
def test_cached_store_with_a_limit_up_to_the_inner_one_passes_the_store_kit(limit: int) -> None:
    report = check_blob_store(
        lambda: CachedStore(
            MemoryBlobStore(max_payload_bytes=64), max_bytes=MiB, max_payload_bytes=limit
        ),
        root="memory://kit",
    )
    assert report.verdict is Verdict.CONFORMS, str(report)


def test_cached_range_read_on_a_miss_is_not_cached() -> None:
    cache, backend = _cached()
    run(backend.put("memory://b/x", b"0123456789"))
    assert run(cache.get("memory://b/x", byte_range=(0, 3))) == b"012"
    assert cache.cached_bytes == 0


def test_cached_store_refuses_hostile_references_even_when_cached() -> None:
    cache, backend = _cached()
    run(cache.put("memory://b/x", b"1"))
    backend.reset()
    for method in (cache.get, cache.head, cache.delete):
        with pytest.raises(InvalidReferenceError):
            run(method("memory://b/a/../x"))
    assert backend.total == 0


def test_cached_list_is_delegated() -> None:
    cache, backend = _cached()
    run(cache.put("memory://b/x", b"1"))
    assert run(cache.list("memory://b/")).items == ("memory://b/x",)
    assert _calls(backend) == {"put": 1, "list": 1}


@pytest.mark.parametrize("max_bytes", [0, -1, True])
def test_cached_store_rejects_a_capacity_that_is_not_positive(max_bytes: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="max_bytes"):
        CachedStore(MemoryBlobStore(), max_bytes=max_bytes)


class _GatedStore:
    """A BlobStore whose ``get`` waits until ``gate`` is set, to interleave a write with a read."""

    def __init__(self, inner: BlobStore) -> None:
        self.inner = inner
        self.gate = asyncio.Event()
        self.started = asyncio.Event()

    async def head(self, path: str, /) -> ObjectMeta:
        return await self.inner.head(path)

    async def get(self, path: str, /, **options: Any) -> bytes:
        data = await self.inner.get(path, **options)
        self.started.set()
        await self.gate.wait()
        return data

    async def put(self, path: str, data: bytes, /) -> None:
        await self.inner.put(path, data)

    async def list(self, prefix: str, /, **options: Any) -> ListPage:
        return await self.inner.list(prefix, **options)

    async def delete(self, path: str, /) -> None:
        await self.inner.delete(path)


def test_cached_read_overtaken_by_a_write_does_not_cache_stale_bytes() -> None:
    async def scenario() -> bytes:
        memory = MemoryBlobStore()
        await memory.put("memory://b/x", b"old")
        gated = _GatedStore(memory)
        cache = CachedStore(gated, max_bytes=100)
        reader = asyncio.create_task(cache.get("memory://b/x"))
        await gated.started.wait()
        await cache.put("memory://b/x", b"new")
        gated.gate.set()
        assert await reader == b"old"
        return await cache.get("memory://b/x")

    assert run(scenario()) == b"new"


class _GatedWrites(_GatedStore):
    """Also holds every ``put`` and ``delete`` until ``write_gate`` is set."""

    def __init__(self, inner: BlobStore) -> None:
        super().__init__(inner)
        self.write_gate = asyncio.Event()
        self.writing = asyncio.Event()

    async def put(self, path: str, data: bytes, /) -> None:
        self.writing.set()
        await self.write_gate.wait()
        await self.inner.put(path, data)

    async def delete(self, path: str, /) -> None:
        self.writing.set()
        await self.write_gate.wait()
        await self.inner.delete(path)


@pytest.mark.parametrize("write", ["put", "delete"])
def test_cached_read_that_overlaps_a_whole_write_does_not_cache_stale_bytes(write: str) -> None:
    # The read starts after the write began and ends after it finished, holding the old bytes.
    async def scenario() -> CachedStore:
        memory = MemoryBlobStore()
        await memory.put("memory://b/x", b"old")
        gated = _GatedWrites(memory)
        cache = CachedStore(gated, max_bytes=100)
        writer = asyncio.create_task(
            cache.put("memory://b/x", b"new") if write == "put" else cache.delete("memory://b/x")
        )
        await gated.writing.wait()
        reader = asyncio.create_task(cache.get("memory://b/x"))
        await gated.started.wait()
        gated.write_gate.set()
        await writer
        gated.gate.set()
        assert await reader == b"old"
        return cache

    cache = run(scenario())
    if write == "put":
        assert run(cache.get("memory://b/x")) == b"new"
    else:
        with pytest.raises(NotFoundError):
            run(cache.get("memory://b/x"))


# --- a big message through a 1 MiB cache -----------------------------------------------------


def test_big_message_through_a_small_cache_round_trips() -> None:
    cache, _ = _cached(max_bytes=MiB)
    payload = os.urandom(3 * MiB // 2)
    run(write_message(cache, "memory://b/big.pb", BytesValue(value=payload)))
    assert run(read_message(cache, "memory://b/big.pb", BytesValue)).value == payload


def test_cached_store_never_answers_a_reference_the_local_store_refuses(tmp_path: Path) -> None:
    backend = CountingStore(LocalBlobStore(tmp_path))
    cache = CachedStore(backend, max_bytes=MiB)
    run(cache.put("/x/k", b"local"))
    assert run(cache.get("/x/k")) == b"local"  # a hit: the store took this reference
    backend.reset()
    # The same cache key, spelled in a scheme the local store does not serve.
    for method in (cache.get, cache.head):
        with pytest.raises(InvalidReferenceError, match="is not in this store"):
            run(method("memory://x/k"))
    assert backend.counts["get"] + backend.counts["head"] == 2  # asked, not answered from cache
    assert run(cache.get("file:///x/k")) == b"local"  # another spelling the store does take
    backend.reset()
    assert run(cache.get("file:///x/k")) == b"local"
    assert backend.total == 0  # now a hit


def test_cached_store_forgets_the_accepted_spellings_with_the_entry() -> None:
    cache, backend = _cached(max_bytes=8)
    run(cache.put("memory://b/x", b"12345678"))
    run(cache.put("memory://b/y", b"1"))  # evicts x
    backend.reset()
    assert run(cache.get("memory://b/x")) == b"12345678"
    assert backend.counts["get"] == 1
