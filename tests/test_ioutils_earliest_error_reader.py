"""EarliestErrorReader on its own (the reader it serves tests it further)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from kozmo_io.errors import InvalidReferenceError, StorageError
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils.earliest_error_reader import EarliestErrorReader
from kozmo_io.storage import BlobStore, CountingStore, MemoryBlobStore, write_message
from kozmo_io.testing import Faults, FaultyStore


def _write(store: BlobStore, path: str, message: str, seconds: int) -> None:
    when = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    error = ExecutionError(code="E", message=message, kind=ErrorKind.USER, timestamp=when)
    asyncio.run(write_message(store, path, error.to_error_document()))


def test_the_earliest_worker_error_is_read_with_one_listing_and_one_get_each() -> None:
    store = MemoryBlobStore()
    for name, seconds in (("error-a", 30), ("error-b", 10), ("error", 20)):
        _write(store, f"memory://b/out/{name}.pb", name, seconds)
    counting = CountingStore(store)
    reader = EarliestErrorReader(counting, "memory://b/out/error.pb")

    async def engine() -> ExecutionError:
        assert await reader.is_error()
        return await reader.read_error()

    assert asyncio.run(engine()).message == "error-b"
    assert (counting.counts["list"], counting.counts["get"]) == (1, 3)


def test_no_error_file_reads_as_the_zero_error() -> None:
    reader = EarliestErrorReader(MemoryBlobStore(), "memory://b/out/error.pb")
    assert asyncio.run(reader.is_error()) is False
    assert asyncio.run(reader.read_error()) == ExecutionError()


def test_an_error_file_name_needs_exactly_one_dot() -> None:
    with pytest.raises(InvalidReferenceError, match="exactly one dot"):
        EarliestErrorReader(MemoryBlobStore(), "memory://b/out/error.v1.pb")


def test_a_failed_listing_names_the_listed_prefix() -> None:
    store = FaultyStore(MemoryBlobStore(), faults=Faults(error_rate=1.0), seed=1)
    reader = EarliestErrorReader(store, "memory://b/out/error.pb")
    with pytest.raises(StorageError, match=r"failed to list error files @\[memory://b/out/error\]"):
        asyncio.run(reader.is_error())
