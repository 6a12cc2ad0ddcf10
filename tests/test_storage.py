"""BlobStore behaviour on every store: memory, local directory, S3 (Go S11-S15, S19, S20)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar
from urllib.parse import quote

import pytest
from conftest import StoreCase, on_every_store
from google.protobuf.message import DecodeError
from google.protobuf.wrappers_pb2 import BytesValue, Int64Value
from hypothesis import given
from hypothesis import strategies as st

from kozmo_io import core
from kozmo_io.errors import (
    CorruptDataError,
    InvalidArgumentError,
    InvalidReferenceError,
    NotFoundError,
    PayloadTooLargeError,
)
from kozmo_io.reference import DataReference
from kozmo_io.storage import (
    DEFAULT_MAX_PAYLOAD_BYTES,
    BlobStore,
    CountingStore,
    ListPage,
    MemoryBlobStore,
    ObjectMeta,
    encoding_of,
    read_message,
    remember_encoding,
    write_message,
)

T = TypeVar("T")
MiB = 1024 * 1024


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@on_every_store
def test_every_store_is_a_blobstore(store: BlobStore) -> None:
    assert isinstance(store, BlobStore)


# --- head (S11) ---------------------------------------------------------------------------------


@on_every_store
def test_head_of_missing_object_says_it_does_not_exist(store: BlobStore, store_root: str) -> None:
    meta = run(store.head(f"{store_root}/hello"))
    assert meta == ObjectMeta(f"{store_root}/hello", exists=False, size=0, etag=None)


def test_head_after_writing_zero_bytes_says_it_exists(store: BlobStore, store_root: str) -> None:
    run(store.put(f"{store_root}/hello", b""))
    meta = run(store.head(f"{store_root}/hello"))
    assert meta.exists
    assert meta.size == 0


def test_head_reports_size_and_the_reference_asked_about(store: BlobStore, store_root: str) -> None:
    run(store.put(f"{store_root}/a/b.pb", b"12345"))
    meta = run(store.head(f"{store_root}/a/b.pb"))
    assert (meta.path, meta.exists, meta.size) == (f"{store_root}/a/b.pb", True, 5)
    assert meta.etag


def test_head_of_a_prefix_of_objects_says_it_does_not_exist(
    store: BlobStore, store_root: str
) -> None:
    run(store.put(f"{store_root}/dir/file", b"x"))
    assert not run(store.head(f"{store_root}/dir")).exists


# --- get / put (S12, S19) -----------------------------------------------------------------------


@on_every_store
def test_get_of_missing_object_raises_not_found(store: BlobStore, store_root: str) -> None:
    with pytest.raises(NotFoundError) as caught:
        run(store.get(f"{store_root}/hello"))
    assert caught.value.path == f"{store_root}/hello"
    assert isinstance(caught.value, FileNotFoundError)
    assert caught.value.__cause__ is not None


def test_put_then_get_round_trips_and_put_overwrites(store: BlobStore, store_root: str) -> None:
    path = f"{store_root}/out/outputs.pb"
    run(store.put(path, b"first"))
    assert run(store.get(path)) == b"first"
    run(store.put(path, b"second, longer"))
    assert run(store.get(path)) == b"second, longer"


def test_get_of_zero_byte_object_returns_empty_bytes(store: BlobStore, store_root: str) -> None:
    run(store.put(f"{store_root}/empty", b""))
    assert run(store.get(f"{store_root}/empty")) == b""


def test_get_exactly_at_the_limit_passes(store: BlobStore, store_root: str) -> None:
    run(store.put(f"{store_root}/x", b"0123456789"))
    assert run(store.get(f"{store_root}/x", max_bytes=10)) == b"0123456789"


def test_get_one_byte_over_the_limit_raises_payload_too_large(
    store: BlobStore, store_root: str
) -> None:
    run(store.put(f"{store_root}/x", b"0123456789"))
    with pytest.raises(PayloadTooLargeError) as caught:
        run(store.get(f"{store_root}/x", max_bytes=9))
    assert (caught.value.path, caught.value.size, caught.value.limit) == (f"{store_root}/x", 10, 9)


def test_default_limit_refuses_two_mib_plus_one_byte(store: BlobStore, store_root: str) -> None:
    run(store.put(f"{store_root}/big", b"\0" * (2 * MiB + 1)))
    with pytest.raises(PayloadTooLargeError) as caught:
        run(store.get(f"{store_root}/big"))
    assert (caught.value.size, caught.value.limit) == (2 * MiB + 1, DEFAULT_MAX_PAYLOAD_BYTES)
    assert len(run(store.get(f"{store_root}/big", max_bytes=2 * MiB + 1))) == 2 * MiB + 1


def test_default_limit_passes_exactly_two_mib(store: BlobStore, store_root: str) -> None:
    run(store.put(f"{store_root}/big", b"\1" * (2 * MiB)))
    assert run(store.get(f"{store_root}/big")) == b"\1" * (2 * MiB)


def test_store_limit_zero_reads_three_mib(store_case: StoreCase) -> None:
    unlimited = store_case.make(max_payload_bytes=0)
    run(unlimited.put(f"{store_case.root}/big", b"\2" * (3 * MiB)))
    assert run(unlimited.get(f"{store_case.root}/big")) == b"\2" * (3 * MiB)


def test_store_limit_option_is_used_when_get_has_none(store_case: StoreCase) -> None:
    small = store_case.make(max_payload_bytes=4)
    run(small.put(f"{store_case.root}/x", b"12345"))
    with pytest.raises(PayloadTooLargeError) as caught:
        run(small.get(f"{store_case.root}/x"))
    assert caught.value.limit == 4
    assert run(small.get(f"{store_case.root}/x", max_bytes=5)) == b"12345"


def test_oversized_get_is_a_single_request(store: BlobStore, store_root: str) -> None:
    run(store.put(f"{store_root}/big", b"\0" * (3 * MiB)))
    counting = CountingStore(store)
    with pytest.raises(PayloadTooLargeError):
        run(counting.get(f"{store_root}/big"))
    assert dict(counting.counts) == {"delete": 0, "get": 1, "head": 0, "list": 0, "put": 0}


@pytest.mark.parametrize("max_bytes", [0, -1, True, 1.5, "10"])
def test_get_rejects_a_limit_that_is_not_a_positive_integer(
    store: BlobStore, store_root: str, max_bytes: Any
) -> None:
    run(store.put(f"{store_root}/x", b"1"))
    with pytest.raises(InvalidArgumentError, match="max_bytes"):
        run(store.get(f"{store_root}/x", max_bytes=max_bytes))


@on_every_store
@pytest.mark.parametrize("limit", [-1, True, 1.5])
def test_store_rejects_a_bad_payload_limit_option(store_case: StoreCase, limit: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="max_payload_bytes"):
        store_case.make(max_payload_bytes=limit)


# --- byte ranges ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byte_range", "expected"),
    [
        ((0, 3), b"012"),
        ((2, 5), b"234"),
        ((7, 10), b"789"),
        ((7, 100), b"789"),
        ((10, 20), b""),
        ((15, 20), b""),
        ((4, 4), b""),
        ((0, 10), b"0123456789"),
    ],
)
def test_get_byte_range_reads_like_a_slice(
    store: BlobStore, store_root: str, byte_range: tuple[int, int], expected: bytes
) -> None:
    run(store.put(f"{store_root}/x", b"0123456789"))
    assert run(store.get(f"{store_root}/x", byte_range=byte_range)) == expected


def test_get_byte_range_of_empty_object_reads_nothing(store: BlobStore, store_root: str) -> None:
    run(store.put(f"{store_root}/empty", b""))
    assert run(store.get(f"{store_root}/empty", byte_range=(0, 100))) == b""


@on_every_store
@pytest.mark.parametrize("byte_range", [(0, 5), (3, 3)])
def test_get_byte_range_of_missing_object_raises_not_found(
    store: BlobStore, store_root: str, byte_range: tuple[int, int]
) -> None:
    with pytest.raises(NotFoundError):
        run(store.get(f"{store_root}/missing", byte_range=byte_range))


def test_get_byte_range_limit_applies_to_the_bytes_returned(
    store: BlobStore, store_root: str
) -> None:
    run(store.put(f"{store_root}/big", b"\3" * (3 * MiB)))
    assert run(store.get(f"{store_root}/big", byte_range=(MiB, MiB + 100))) == b"\3" * 100
    with pytest.raises(PayloadTooLargeError) as caught:
        run(store.get(f"{store_root}/big", byte_range=(0, 10), max_bytes=9))
    assert (caught.value.size, caught.value.limit) == (10, 9)


@pytest.mark.parametrize("byte_range", [(-1, 3), (5, 2), (0,), (0, 1, 2), [0, 3], (0.0, 3)])
def test_get_rejects_a_malformed_byte_range(
    store: BlobStore, store_root: str, byte_range: Any
) -> None:
    run(store.put(f"{store_root}/x", b"0123"))
    with pytest.raises(InvalidArgumentError, match="byte_range"):
        run(store.get(f"{store_root}/x", byte_range=byte_range))


# --- delete (S14) ------------------------------------------------------------------------------


def test_delete_removes_and_deleting_again_raises_not_found(
    store: BlobStore, store_root: str
) -> None:
    path = f"{store_root}/hello"
    run(store.put(path, b"x"))
    assert run(store.get(path)) == b"x"
    run(store.delete(path))
    with pytest.raises(NotFoundError):
        run(store.get(path))
    assert not run(store.head(path)).exists
    with pytest.raises(NotFoundError) as caught:
        run(store.delete(path))
    assert caught.value.path == path


def test_delete_of_missing_object_raises_not_found(store: BlobStore, store_root: str) -> None:
    with pytest.raises(NotFoundError):
        run(store.delete(f"{store_root}/never-written"))


# --- list (S20) --------------------------------------------------------------------------------


def _put_all(store: BlobStore, root: str, keys: list[str]) -> None:
    async def put_all() -> None:
        for key in keys:
            await store.put(f"{root}/{key}", key.encode())

    run(put_all())


def _list_all(store: BlobStore, prefix: str, max_items: int) -> list[ListPage]:
    async def pages() -> list[ListPage]:
        found = [await store.list(prefix, max_items=max_items)]
        while found[-1].cursor is not None:
            found.append(await store.list(prefix, max_items=max_items, cursor=found[-1].cursor))
        return found

    return run(pages())


def test_list_returns_full_references_under_the_prefix(store: BlobStore, store_root: str) -> None:
    _put_all(store, store_root, ["a/1", "a/2", "b/1"])
    page = run(store.list(f"{store_root}/a"))
    assert page == ListPage((f"{store_root}/a/1", f"{store_root}/a/2"), None)


def test_list_pages_with_a_cursor(store: BlobStore, store_root: str) -> None:
    _put_all(store, store_root, ["a/1", "a/2"])
    pages = _list_all(store, f"{store_root}/a", max_items=1)
    assert [page.items for page in pages] == [(f"{store_root}/a/1",), (f"{store_root}/a/2",)]
    assert pages[0].cursor is not None
    assert pages[1].cursor is None


def test_list_matches_every_key_that_starts_with_the_prefix(
    store: BlobStore, store_root: str
) -> None:
    keys = [
        "out/error.pb",
        "out/error-1.pb",
        "out/errorfoo.pb",
        "out/errors/x.pb",
        "out/outputs.pb",
    ]
    _put_all(store, store_root, [*keys, "other/error.pb", "out.pb"])
    page = run(store.list(f"{store_root}/out/error"))
    expected = sorted(k for k in keys if k.startswith("out/error"))
    assert page.items == tuple(f"{store_root}/{key}" for key in expected)


def test_list_with_trailing_slash_stays_in_that_directory(
    store: BlobStore, store_root: str
) -> None:
    _put_all(store, store_root, ["a/1", "a/b/2", "ab/3", "a.txt"])
    page = run(store.list(f"{store_root}/a/"))
    assert page.items == (f"{store_root}/a/1", f"{store_root}/a/b/2")


def test_list_over_several_pages_returns_everything_once_in_order(
    store: BlobStore, store_root: str
) -> None:
    keys = [f"p/{i:02d}" for i in range(11)] + ["p/sub/x", "pz"]
    _put_all(store, store_root, [*keys, "o/1", "q/1"])
    pages = _list_all(store, f"{store_root}/p", max_items=4)
    assert [len(page.items) for page in pages] == [4, 4, 4, 1]
    listed = [item for page in pages for item in page.items]
    assert listed == [f"{store_root}/{key}" for key in sorted(keys)]


def test_list_of_a_prefix_with_an_exact_page_has_no_empty_last_page(
    store: BlobStore, store_root: str
) -> None:
    _put_all(store, store_root, ["a/1", "a/2", "a/3", "a/4"])
    pages = _list_all(store, f"{store_root}/a/", max_items=2)
    assert [len(page.items) for page in pages] == [2, 2]


def test_list_of_nothing_is_one_empty_page(store: BlobStore, store_root: str) -> None:
    _put_all(store, store_root, ["b/1"])
    assert run(store.list(f"{store_root}/a")) == ListPage((), None)


def test_list_of_the_whole_store(store: BlobStore, store_root: str) -> None:
    _put_all(store, store_root, ["z", "a/1", "m/n/o"])
    page = run(store.list(store_root or "/"))
    assert page.items == tuple(f"{store_root}/{key}" for key in ["a/1", "m/n/o", "z"])


def test_listed_references_read_back_even_with_unusual_keys(
    store: BlobStore, store_root: str
) -> None:
    references = [
        f"{store_root}/odd/a%20b",
        f"{store_root}/odd/100%25",
        f"{store_root}/odd/%C3%A9t%C3%A9",
        f"{store_root}/odd/q%3Fx%23y",
        f"{store_root}/odd/k=v,w;x@y:z+1~!",
    ]

    async def scenario() -> list[bytes]:
        for number, reference in enumerate(references):
            await store.put(reference, str(number).encode())
        page = await store.list(f"{store_root}/odd/")
        assert sorted(page.items) == sorted(references)
        return [await store.get(item) for item in references]

    assert run(scenario()) == [b"0", b"1", b"2", b"3", b"4"]


@pytest.mark.parametrize(
    "last", ["0", "a", "A", "1", "z", "%20", "!", ".", "-", "~", "%C3%A9", "_"]
)
def test_list_prefix_may_end_with_any_character(
    store: BlobStore, store_root: str, last: str
) -> None:
    keys = [f"p/x{last}{last}", f"p/x{last}y", f"p/x{last}/z", f"p/x{last}/.z"]
    _put_all(store, store_root, [*keys, "p/x", "p/w", "q"])
    page = run(store.list(f"{store_root}/p/x{last}"))
    listed = sorted(DataReference(item).split()[2] for item in page.items)
    assert listed == sorted(DataReference(f"s3://b/{key}").split()[2] for key in keys)


@on_every_store
@pytest.mark.parametrize("max_items", [0, -3, True])
def test_list_rejects_a_page_size_that_is_not_a_positive_integer(
    store: BlobStore, store_root: str, max_items: Any
) -> None:
    with pytest.raises(InvalidArgumentError, match="max_items"):
        run(store.list(f"{store_root}/a", max_items=max_items))


# --- references the store must refuse ----------------------------------------------------------

HOSTILE_KEYS = [
    "a/../b",
    "..",
    "../../etc/passwd",
    "a/./b",
    "a//b",
    "%2e%2e/x",
    "a/%2E%2E",
    "a\x00b",
    "a\nb",
    "a\tb",
    "a\x7fb",
    "a%00b",
    "a%0Ab",
    "a?x=1",
    "a#frag",
    "a%",
    "%ff",
]


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


# --- protobuf messages (S15) -------------------------------------------------------------------


def test_write_then_read_message_round_trips(store: BlobStore, store_root: str) -> None:
    run(write_message(store, f"{store_root}/hello", Int64Value(value=5)))
    message = run(read_message(store, f"{store_root}/hello", Int64Value))
    assert isinstance(message, Int64Value)
    assert message.value == 5


def test_read_message_of_empty_object_is_an_empty_message(
    store: BlobStore, store_root: str
) -> None:
    run(store.put(f"{store_root}/empty", b""))
    assert run(read_message(store, f"{store_root}/empty", Int64Value)) == Int64Value()


def test_read_message_of_garbage_raises_corrupt_data(store: BlobStore, store_root: str) -> None:
    run(store.put(f"{store_root}/garbage", b"\xff\xff\xff\xff"))
    with pytest.raises(CorruptDataError) as caught:
        run(read_message(store, f"{store_root}/garbage", Int64Value))
    assert f"{store_root}/garbage" in str(caught.value)
    assert "google.protobuf.Int64Value" in str(caught.value)
    assert isinstance(caught.value.__cause__, DecodeError)


@on_every_store
def test_read_message_of_missing_object_raises_not_found(store: BlobStore, store_root: str) -> None:
    with pytest.raises(NotFoundError):
        run(read_message(store, f"{store_root}/missing", Int64Value))


def test_read_message_honours_the_limit(store: BlobStore, store_root: str) -> None:
    run(write_message(store, f"{store_root}/m", BytesValue(value=b"x" * 100)))
    with pytest.raises(PayloadTooLargeError):
        run(read_message(store, f"{store_root}/m", BytesValue, max_bytes=50))
    assert (
        run(read_message(store, f"{store_root}/m", BytesValue, max_bytes=200)).value == b"x" * 100
    )


def test_read_message_is_one_get(store: BlobStore, store_root: str) -> None:
    run(write_message(store, f"{store_root}/m", Int64Value(value=1)))
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
    message = run(read_message(store, f"{store_root}/in.pb", core.LiteralMap))
    run(write_message(store, f"{store_root}/out.pb", message))
    assert run(store.get(f"{store_root}/out.pb")) == data


def test_a_changed_message_is_written_deterministically() -> None:
    data = _map_in_written_order("k1", "k2", "k0")
    message = core.LiteralMap.FromString(data)
    remember_encoding(message, data)
    assert encoding_of(message) == data
    message.literals["k3"].hash = "new"
    assert encoding_of(message) == message.SerializeToString(deterministic=True)


def test_a_message_never_read_is_written_deterministically() -> None:
    message = core.LiteralMap.FromString(_map_in_written_order("b", "a"))
    assert encoding_of(message) == message.SerializeToString(deterministic=True)


def test_bytes_remembered_for_other_content_are_never_written() -> None:
    # What a reused id would look like: the remembered bytes decode to another message.
    message = core.LiteralMap(literals={"a": core.Literal()})
    remember_encoding(message, _map_in_written_order("x", "y"))
    assert encoding_of(message) == message.SerializeToString(deterministic=True)
    remember_encoding(message, b"\xff\xff")  # bytes that do not even decode as its type
    assert encoding_of(message) == message.SerializeToString(deterministic=True)


def test_only_the_most_recent_messages_are_remembered() -> None:
    data = _map_in_written_order("k1", "k0")
    first = core.LiteralMap.FromString(data)
    remember_encoding(first, data)
    later = [core.LiteralMap.FromString(data) for _ in range(300)]
    for message in later:
        remember_encoding(message, data)
    assert encoding_of(later[-1]) == data
    assert encoding_of(first) == first.SerializeToString(deterministic=True)
