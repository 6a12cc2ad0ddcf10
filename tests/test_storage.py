"""BlobStore behaviour on every store beyond the kit: memory, local directory, S3, Azure, GCS.

``tests/test_testing_stores.py`` runs :func:`kozmo_io.testing.check_blob_store` (round trips,
limits, ranges, overwrite, delete, listing and paging) on every writable
store; what stays here runs on GCS as well (it never writes), or is not the kit's to judge (store
options, whole-store listings, etags, protobuf messages).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

import pytest
from _support import StoreCase, on_every_store, run
from google.protobuf.message import DecodeError
from google.protobuf.wrappers_pb2 import BytesValue, Int64Value
from hypothesis import given
from hypothesis import strategies as st

from kozmo_io import core
from kozmo_io.conformance import assert_conforms
from kozmo_io.errors import (
    CorruptDataError,
    InvalidArgumentError,
    InvalidReferenceError,
    KozmoIOError,
    NotFoundError,
    PayloadTooLargeError,
)
from kozmo_io.reference import DataReference
from kozmo_io.storage import (
    BlobStore,
    BlockingReads,
    CountingStore,
    MemoryBlobStore,
    ObjectMeta,
    encoding_of,
    read_message,
    write_message,
)
from kozmo_io.testing._stores import HOSTILE_KEYS

Place = Callable[..., Coroutine[Any, Any, None]]
MiB = 1024 * 1024


@on_every_store
def test_every_store_is_a_blobstore(store: BlobStore) -> None:
    assert_conforms(store, BlobStore, strict=True)


@on_every_store
def test_every_store_reads_blocking_too(store: BlobStore) -> None:
    assert isinstance(store, BlockingReads)
    assert_conforms(store, BlockingReads, strict=True)


def test_the_wrappers_read_only_with_await() -> None:
    assert not isinstance(CountingStore(MemoryBlobStore()), BlockingReads)


def _outcome(read: Callable[..., object], path: str, **options: Any) -> object:
    """What a read returned (as bytes), or the type and text of what it raised."""
    try:
        return bytes(read(path, **options))  # type: ignore[call-overload]
    except KozmoIOError as exc:
        return type(exc), str(exc)


@on_every_store
def test_get_blocking_reads_as_get_does(store: BlobStore, store_root: str, place: Place) -> None:
    assert isinstance(store, BlockingReads)
    small, large = bytes(range(200)), bytes(range(256)) * 400  # 100 KiB: past the 60 KiB probe
    run(place(f"{store_root}/small", small))
    run(place(f"{store_root}/large", large))
    cases: list[dict[str, Any]] = [
        {},
        {"max_bytes": 200},
        {"max_bytes": 199},
        {"max_bytes": 150 * 1024},
        {"max_bytes": 1024},
        {"byte_range": (2, 6)},
        {"byte_range": (3, 3)},
        {"byte_range": (150, 500)},
        {"byte_range": (0, 70 * 1024), "max_bytes": 64 * 1024},
        {"byte_range": (6, 2)},
        {"max_bytes": 0},
    ]

    def get(path: str, **options: Any) -> bytes:
        return run(store.get(path, **options))

    for name in ("small", "large", "missing"):
        for options in cases:
            expected = _outcome(get, f"{store_root}/{name}", **options)
            found = _outcome(store.get_blocking, f"{store_root}/{name}", **options)
            assert found == expected, (name, options)
    assert store.get_blocking(f"{store_root}/small") == small
    assert store.get_blocking(f"{store_root}/large") == large
    for key in HOSTILE_KEYS:
        with pytest.raises(InvalidReferenceError):
            store.get_blocking(f"{store_root}/{key}")


# --- head ---------------------------------------------------------------------------------------


@on_every_store
def test_head_of_missing_object_says_it_does_not_exist(store: BlobStore, store_root: str) -> None:
    meta = run(store.head(f"{store_root}/hello"))
    assert meta == ObjectMeta(f"{store_root}/hello", exists=False, size=0, etag=None)


@on_every_store
def test_head_gives_the_backends_etag(store: BlobStore, store_root: str, place: Place) -> None:
    # The kit takes a store without etags; every store here has them.
    run(place(f"{store_root}/a/b.pb", b"12345"))
    assert run(store.head(f"{store_root}/a/b.pb")).etag


# --- get / put --------------------------------------------------------------------------------


@on_every_store
def test_get_of_missing_object_raises_not_found(store: BlobStore, store_root: str) -> None:
    with pytest.raises(NotFoundError) as caught:
        run(store.get(f"{store_root}/hello"))
    assert caught.value.path == f"{store_root}/hello"
    assert isinstance(caught.value, FileNotFoundError)
    assert caught.value.__cause__ is not None


@on_every_store
@pytest.mark.parametrize("limit", [-1, True, 1.5])
def test_store_rejects_a_bad_payload_limit_option(store_case: StoreCase, limit: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="max_payload_bytes"):
        store_case.make(max_payload_bytes=limit)


# --- byte ranges ------------------------------------------------------------------------------


@on_every_store
@pytest.mark.parametrize("byte_range", [(0, 5), (3, 3)])
def test_get_byte_range_of_missing_object_raises_not_found(
    store: BlobStore, store_root: str, byte_range: tuple[int, int]
) -> None:
    with pytest.raises(NotFoundError):
        run(store.get(f"{store_root}/missing", byte_range=byte_range))


# --- list --------------------------------------------------------------------------------------


@on_every_store
def test_list_of_the_whole_store(store: BlobStore, store_root: str, place: Place) -> None:
    # The kit lists only under its own folder; this lists from the store's root.
    async def put_all() -> None:
        for key in ["z", "a/1", "m/n/o"]:
            await place(f"{store_root}/{key}", key.encode())

    run(put_all())
    page = run(store.list(store_root or "/"))
    assert page.items == tuple(f"{store_root}/{key}" for key in ["a/1", "m/n/o", "z"])


@on_every_store
@pytest.mark.parametrize("max_items", [0, -3, True])
def test_list_rejects_a_page_size_that_is_not_a_positive_integer(
    store: BlobStore, store_root: str, max_items: Any
) -> None:
    with pytest.raises(InvalidArgumentError, match="max_items"):
        run(store.list(f"{store_root}/a", max_items=max_items))


# --- references the store must refuse ----------------------------------------------------------


@on_every_store
@pytest.mark.parametrize("key", HOSTILE_KEYS)
@pytest.mark.parametrize("method", ["head", "get", "put", "delete"])
def test_hostile_references_are_refused_before_any_request(
    store: BlobStore, store_root: str, key: str, method: str
) -> None:
    path = f"{store_root}/{key}"

    async def call() -> object:
        if method == "put":
            await store.put(path, b"x")
            return None
        return await getattr(store, method)(path)

    with pytest.raises(InvalidReferenceError):
        run(call())
    assert run(store.list(store_root or "/")).items == ()


@on_every_store
@pytest.mark.parametrize("method", ["head", "get", "put", "delete"])
def test_references_without_an_object_key_are_refused(
    store: BlobStore, store_root: str, method: str
) -> None:
    async def call(path: str) -> object:
        if method == "put":
            await store.put(path, b"x")
            return None
        return await getattr(store, method)(path)

    for path in [store_root or "/", f"{store_root}/", f"{store_root}//"]:
        with pytest.raises(InvalidReferenceError, match="no object key"):
            run(call(path))


@on_every_store
def test_hostile_listing_prefix_is_refused(store: BlobStore, store_root: str) -> None:
    with pytest.raises(InvalidReferenceError):
        run(store.list(f"{store_root}/a/../.."))


@on_every_store
@pytest.mark.parametrize(
    "foreign",
    ["gs://elsewhere/x", "abfs://c@acct.dfs.core.windows.net/x", "https://example.com/x"],
)
def test_references_of_another_store_are_refused(store: BlobStore, foreign: str) -> None:
    with pytest.raises(InvalidReferenceError, match="not in this store"):
        run(store.get(foreign))
    with pytest.raises(InvalidReferenceError, match="not in this store"):
        run(store.put(foreign, b"x"))


@on_every_store
def test_non_string_reference_is_refused(store: BlobStore) -> None:
    bad: Any = b"/x"
    with pytest.raises(InvalidReferenceError, match="must be a string"):
        run(store.head(bad))


# --- protobuf messages -------------------------------------------------------------------------


def test_write_then_read_message_round_trips(store: BlobStore, store_root: str) -> None:
    run(write_message(store, f"{store_root}/hello", Int64Value(value=5)))
    message = run(read_message(store, f"{store_root}/hello", Int64Value))
    assert isinstance(message, Int64Value)
    assert message.value == 5


@on_every_store
def test_read_message_of_empty_object_is_an_empty_message(
    store: BlobStore, store_root: str, place: Place
) -> None:
    run(place(f"{store_root}/empty", b""))
    assert run(read_message(store, f"{store_root}/empty", Int64Value)) == Int64Value()


@on_every_store
def test_read_message_of_garbage_raises_corrupt_data(
    store: BlobStore, store_root: str, place: Place
) -> None:
    run(place(f"{store_root}/garbage", b"\xff\xff\xff\xff"))
    with pytest.raises(CorruptDataError) as caught:
        run(read_message(store, f"{store_root}/garbage", Int64Value))
    assert f"{store_root}/garbage" in str(caught.value)
    assert "google.protobuf.Int64Value" in str(caught.value)
    assert isinstance(caught.value.__cause__, DecodeError)


@on_every_store
def test_read_message_of_missing_object_raises_not_found(store: BlobStore, store_root: str) -> None:
    with pytest.raises(NotFoundError):
        run(read_message(store, f"{store_root}/missing", Int64Value))


@on_every_store
def test_read_message_honours_the_limit(store: BlobStore, store_root: str, place: Place) -> None:
    run(place(f"{store_root}/m", encoding_of(BytesValue(value=b"x" * 100))))
    with pytest.raises(PayloadTooLargeError):
        run(read_message(store, f"{store_root}/m", BytesValue, max_bytes=50))
    assert (
        run(read_message(store, f"{store_root}/m", BytesValue, max_bytes=200)).value == b"x" * 100
    )


@on_every_store
def test_read_message_is_one_get(store: BlobStore, store_root: str, place: Place) -> None:
    run(place(f"{store_root}/m", encoding_of(Int64Value(value=1))))
    counting = CountingStore(store)
    run(read_message(counting, f"{store_root}/m", Int64Value))
    assert dict(counting.counts) == {"delete": 0, "get": 1, "head": 0, "list": 0, "put": 0}


# --- any key a reference can carry survives put -> list -> get ---------------------------------

_SEGMENT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="/"), min_size=1
).filter(lambda segment: segment not in {".", ".."})


@given(keys=st.lists(st.lists(_SEGMENT, min_size=1, max_size=3).map("/".join), max_size=5))
def test_any_key_round_trips_through_put_list_and_get(keys: list[str]) -> None:
    store = MemoryBlobStore()
    references = {f"memory://b/{quote(key, safe='/')}": key for key in keys}

    async def scenario() -> None:
        for reference, key in references.items():
            await store.put(reference, key.encode())
        page = await store.list("memory://b")
        assert sorted(DataReference(item).split()[2] for item in page.items) == sorted(set(keys))
        for item in page.items:
            assert (await store.get(item)).decode() == DataReference(item).split()[2]

    run(scenario())


# --- encodings: a message written back unchanged keeps its bytes ---------------------------------


def _map_in_written_order(*names: str) -> bytes:
    """A LiteralMap whose entries come in the given order, as an SDK may write them."""
    return b"".join(
        core.LiteralMap(literals={name: core.Literal(hash=name)}).SerializeToString()
        for name in names
    )


def test_a_message_read_and_written_unchanged_keeps_its_bytes(
    store: BlobStore, store_root: str
) -> None:
    data = _map_in_written_order("k1", "k2", "k0")
    assert data != core.LiteralMap.FromString(data).SerializeToString(deterministic=True)
    run(store.put(f"{store_root}/in.pb", data))
    message, kept = run(
        read_message(store, f"{store_root}/in.pb", core.LiteralMap, keep_bytes=True)
    )
    assert kept == data
    assert message == core.LiteralMap.FromString(data)
    run(write_message(store, f"{store_root}/out.pb", message, decoded_from=kept))
    assert run(store.get(f"{store_root}/out.pb")) == data


def test_a_message_read_without_its_bytes_is_written_deterministically(
    store: BlobStore, store_root: str
) -> None:
    # Nothing is remembered on the side: the bytes go only where they are handed.
    data = _map_in_written_order("k1", "k2", "k0")
    run(store.put(f"{store_root}/in.pb", data))
    message = run(read_message(store, f"{store_root}/in.pb", core.LiteralMap))
    run(write_message(store, f"{store_root}/out.pb", message))
    assert run(store.get(f"{store_root}/out.pb")) == message.SerializeToString(deterministic=True)
    assert encoding_of(message) == message.SerializeToString(deterministic=True)


def test_a_changed_message_is_written_deterministically(store: BlobStore, store_root: str) -> None:
    data = _map_in_written_order("k1", "k2", "k0")
    message = core.LiteralMap.FromString(data)
    assert encoding_of(message, data) == data
    message.literals["k3"].hash = "new"
    assert encoding_of(message, data) == message.SerializeToString(deterministic=True)
    run(write_message(store, f"{store_root}/out.pb", message, decoded_from=data))
    assert run(store.get(f"{store_root}/out.pb")) == message.SerializeToString(deterministic=True)


def test_a_message_never_read_is_written_deterministically() -> None:
    message = core.LiteralMap.FromString(_map_in_written_order("b", "a"))
    assert encoding_of(message) == message.SerializeToString(deterministic=True)


@pytest.mark.parametrize(
    "other",
    [
        _map_in_written_order("x", "y"),  # the bytes of another message of the same type
        b"\xff\xff",  # bytes that do not even decode as its type
        Int64Value(value=7).SerializeToString(),  # another type's bytes, decoding as this one
    ],
    ids=["other-content", "garbage", "other-type"],
)
def test_bytes_of_another_message_are_never_written(
    store: BlobStore, store_root: str, other: bytes
) -> None:
    message = core.LiteralMap(literals={"a": core.Literal()})
    assert encoding_of(message, other) == message.SerializeToString(deterministic=True)
    run(write_message(store, f"{store_root}/out.pb", message, decoded_from=other))
    assert run(store.get(f"{store_root}/out.pb")) == message.SerializeToString(deterministic=True)
