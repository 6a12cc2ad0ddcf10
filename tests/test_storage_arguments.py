"""One positive-limit check: every public limit, page size and concurrency refuses the same."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from fsspec.implementations.memory import MemoryFileSystem

from kozmo_io import core
from kozmo_io.errors import InvalidArgumentError
from kozmo_io.ioutils import (
    EarliestErrorReader,
    ReadOnlyOutputFilePaths,
    RemoteFileInputReader,
    RemoteFileOutputReader,
    RemoteFileOutputWriter,
    SimpleInputFilePaths,
    list_task_folders,
    read_outputs_many,
    stream_outputs,
    stream_reads,
)
from kozmo_io.storage import (
    BlobStore,
    CachedStore,
    MemoryBlobStore,
    optional_positive_limit,
    positive_limit,
    write_message,
)
from kozmo_io.storage.fsspec_store import FsspecBlobStore

BAD = [True, False, 1.5, 0, -1, "3"]
PATH = "memory://bucket/task/outputs.pb"
OUTPUTS = ReadOnlyOutputFilePaths("memory://bucket/task")


async def _first_folder(value: Any) -> None:
    async for _ in list_task_folders(MemoryBlobStore(), "memory://bucket", page_size=value):
        break


def _fsspec() -> FsspecBlobStore:
    return FsspecBlobStore(MemoryFileSystem(), protocol_prefix="memory")


# Every public entry point that takes a positive integer: (option named, call with the value).
ENTRY_POINTS: dict[str, tuple[str, Callable[[Any], object]]] = {
    "positive_limit": ("size", lambda value: positive_limit(value, "size")),
    "optional_positive_limit": ("size", lambda value: optional_positive_limit(value, "size")),
    "store get": (
        "max_bytes",
        lambda value: asyncio.run(MemoryBlobStore().get(PATH, max_bytes=value)),
    ),
    "store list": (
        "max_items",
        lambda value: asyncio.run(MemoryBlobStore().list("memory://bucket/", max_items=value)),
    ),
    "fsspec store get": (
        "max_bytes",
        lambda value: asyncio.run(_fsspec().get(PATH, max_bytes=value)),
    ),
    "fsspec store list": (
        "max_items",
        lambda value: asyncio.run(_fsspec().list("memory://bucket/", max_items=value)),
    ),
    "CachedStore capacity": (
        "max_bytes",
        lambda value: CachedStore(MemoryBlobStore(), max_bytes=value),
    ),
    "CachedStore get": (
        "max_bytes",
        lambda value: asyncio.run(
            CachedStore(MemoryBlobStore(), max_bytes=1024).get(PATH, max_bytes=value)
        ),
    ),
    "write_message": (
        "max_bytes",
        lambda value: asyncio.run(
            write_message(MemoryBlobStore(), PATH, core.LiteralMap(), max_bytes=value)
        ),
    ),
    "RemoteFileInputReader": (
        "max_payload_bytes",
        lambda value: RemoteFileInputReader(
            MemoryBlobStore(), SimpleInputFilePaths("memory://bucket/in"), max_payload_bytes=value
        ),
    ),
    "RemoteFileOutputReader": (
        "max_payload_bytes",
        lambda value: RemoteFileOutputReader(MemoryBlobStore(), OUTPUTS, max_payload_bytes=value),
    ),
    "RemoteFileOutputWriter": (
        "max_payload_bytes",
        lambda value: RemoteFileOutputWriter(MemoryBlobStore(), OUTPUTS, max_payload_bytes=value),
    ),
    "EarliestErrorReader": (
        "max_payload_bytes",
        lambda value: EarliestErrorReader(MemoryBlobStore(), PATH, max_payload_bytes=value),
    ),
    "stream_outputs concurrency": (
        "concurrency",
        lambda value: stream_outputs(MemoryBlobStore(), [], concurrency=value),
    ),
    "stream_outputs read limit": (
        "max_payload_bytes",
        lambda value: stream_outputs(MemoryBlobStore(), [], max_payload_bytes=value),
    ),
    "stream_reads": ("concurrency", lambda value: stream_reads([], concurrency=value)),
    "read_outputs_many": (
        "concurrency",
        lambda value: asyncio.run(read_outputs_many([], concurrency=value)),
    ),
    "list_task_folders": ("page_size", lambda value: asyncio.run(_first_folder(value))),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("value", BAD, ids=repr)
def test_a_bad_positive_integer_is_refused_naming_the_option(entry: str, value: object) -> None:
    option, call = ENTRY_POINTS[entry]
    with pytest.raises(InvalidArgumentError) as info:
        call(value)
    assert str(info.value).startswith(f"{option} must be a positive integer")
    assert f"got {value!r}" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_a_positive_integer_is_taken(entry: str) -> None:
    _, call = ENTRY_POINTS[entry]
    try:
        call(3)
    except InvalidArgumentError as exc:  # pragma: no cover - the failure this test looks for
        pytest.fail(f"{entry} refused 3: {exc}")
    except FileNotFoundError:
        pass  # the object read does not exist: the limit itself was taken


def test_none_means_no_limit_of_its_own_only_where_optional() -> None:
    assert optional_positive_limit(None, "size") is None
    with pytest.raises(InvalidArgumentError, match="size must be a positive integer, got None"):
        positive_limit(None, "size")


@pytest.mark.parametrize("make", [MemoryBlobStore, _fsspec], ids=["obstore", "fsspec"])
@pytest.mark.parametrize("cursor", [5, b"key", ["key"]], ids=repr)
def test_a_listing_cursor_that_is_not_a_string_is_refused(
    make: Callable[[], BlobStore], cursor: object
) -> None:
    store = make()
    with pytest.raises(InvalidArgumentError, match="cursor must be None or the cursor"):
        asyncio.run(store.list("memory://bucket/", cursor=cursor))  # type: ignore[arg-type]
