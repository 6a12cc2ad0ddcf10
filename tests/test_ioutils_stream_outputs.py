"""stream_outputs, stream_reads, read_outputs_many: outcomes, requests, concurrency, laziness."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, final

import pytest
from _support import on_every_store

from kozmo_io import core
from kozmo_io.errors import (
    CorruptDataError,
    InvalidArgumentError,
    InvalidReferenceError,
    NotFoundError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils import (
    InMemoryOutputReader,
    OutcomeKind,
    OutputOutcome,
    ReadOnlyOutputFilePaths,
    RemoteFileOutputReader,
    TaskFolder,
    list_task_folders,
    read_outputs_many,
    stream_outputs,
    stream_reads,
)
from kozmo_io.ioutils.stream_outputs import _READ_AHEAD, _join
from kozmo_io.protocols import OutputReader
from kozmo_io.reference import DataReference, construct_reference
from kozmo_io.storage import (
    BlobStore,
    BlockingReads,
    CountingStore,
    ListPage,
    MemoryBlobStore,
    ObjectMeta,
    encoding_of,
    write_message,
)
from kozmo_io.testing import Faults, FaultyStore

Place = Callable[..., Coroutine[Any, Any, None]]

FAILURE = ExecutionError(code="ValueError", message="no words", kind=ErrorKind.USER)

# A behaviour of stream_outputs on both ways it reads: ``await get``, and ``get_blocking`` in
# worker threads (a store with ``get_blocking``).
on_both_paths = pytest.mark.parametrize("path", ["await", "blocking"])


def _outputs(value: int) -> core.LiteralMap:
    literal = core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))
    return core.LiteralMap(literals={"v": literal})


def _run(place: Place, root: str) -> dict[str, OutcomeKind]:
    """Write one task of each outcome under ``root``; return prefix -> expected kind."""
    big = core.LiteralMap(
        literals={
            "s": core.Literal(scalar=core.Scalar(primitive=core.Primitive(string_value="x" * 5000)))
        }
    )

    async def write() -> None:
        await place(f"{root}/ok/outputs.pb", encoding_of(_outputs(7)))
        await place(f"{root}/failed/error.pb", encoding_of(FAILURE.to_error_document()))
        await place(f"{root}/missing/inputs.pb", b"")
        await place(f"{root}/big/outputs.pb", encoding_of(big))
        await place(f"{root}/corrupt/outputs.pb", b"\xff\xff\xff")
        await place(f"{root}/corrupt-error/error.pb", b"\x0a\x05ab")
        await place(f"{root}/empty/outputs.pb", b"")

    asyncio.run(write())
    return {
        f"{root}/ok": OutcomeKind.OUTPUTS,
        f"{root}/failed": OutcomeKind.TASK_ERROR,
        f"{root}/missing": OutcomeKind.MISSING,
        f"{root}/big": OutcomeKind.TOO_LARGE,
        f"{root}/corrupt": OutcomeKind.CORRUPT,
        f"{root}/corrupt-error": OutcomeKind.CORRUPT,
        f"{root}/empty": OutcomeKind.TASK_ERROR,
    }


def _collect(stream: AsyncIterator[OutputOutcome]) -> list[OutputOutcome]:
    async def collect() -> list[OutputOutcome]:
        return [outcome async for outcome in stream]

    return asyncio.run(collect())


@on_every_store
def test_given_prefixes_yield_every_kind_of_outcome(
    store: BlobStore, store_root: str, place: Place
) -> None:
    expected = _run(place, f"{store_root}/run")
    prefixes = list(expected)
    outcomes = _collect(stream_outputs(store, prefixes, concurrency=3, max_payload_bytes=4096))
    by_prefix = {str(outcome.prefix): outcome for outcome in outcomes}
    assert {prefix: o.kind for prefix, o in by_prefix.items()} == expected
    assert sorted(o.index for o in outcomes) == list(range(len(prefixes)))
    assert all(prefixes[o.index] == o.prefix for o in outcomes)
    ok = by_prefix[f"{store_root}/run/ok"]
    assert ok.outputs == _outputs(7)
    assert (ok.error, ok.failure, ok.code, ok.message) == (None, None, "", "")
    assert ok.size == _outputs(7).ByteSize()
    assert ok.seconds > 0
    failed = by_prefix[f"{store_root}/run/failed"]
    assert failed.error is not None
    assert (failed.error.code, failed.error.message, failed.error.kind) == (
        "ValueError",
        "no words",
        ErrorKind.USER,
    )
    assert (failed.code, failed.message) == ("ValueError", "no words")
    assert failed.outputs is None
    missing = by_prefix[f"{store_root}/run/missing"]
    assert isinstance(missing.failure, NotFoundError)
    assert "no outputs.pb or error.pb" in missing.message
    big = by_prefix[f"{store_root}/run/big"]
    assert isinstance(big.failure, PayloadTooLargeError)
    assert big.size == big.failure.size > 4096
    assert big.code == "PayloadTooLargeError"
    corrupt = by_prefix[f"{store_root}/run/corrupt"]
    assert isinstance(corrupt.failure, CorruptDataError)
    assert "outputs.pb" in corrupt.message
    assert "error.pb" in by_prefix[f"{store_root}/run/corrupt-error"].message
    empty = by_prefix[f"{store_root}/run/empty"]
    assert empty.error is not None
    assert empty.code == "No outputs produced"


@final
class _BlockingCounter:
    """Counts the gets of a store read both ways: ``await get`` and ``get_blocking``."""

    def __init__(self, inner: BlobStore) -> None:
        assert isinstance(inner, BlockingReads)
        self.counting = CountingStore(inner)
        self.blocking = inner
        self.lock = threading.Lock()
        self.blocking_gets = 0

    @property
    def gets(self) -> int:
        return self.counting.counts["get"] + self.blocking_gets

    @property
    def total(self) -> int:
        return self.counting.total + self.blocking_gets

    def reset(self) -> None:
        self.counting.reset()
        self.blocking_gets = 0

    async def head(self, path: str, /) -> ObjectMeta:
        return await self.counting.head(path)

    async def get(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        return await self.counting.get(path, max_bytes=max_bytes, byte_range=byte_range)

    def get_blocking(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        with self.lock:
            self.blocking_gets += 1
        return self.blocking.get_blocking(path, max_bytes=max_bytes, byte_range=byte_range)

    async def put(self, path: str, data: bytes, /) -> None:
        await self.counting.put(path, data)

    async def list(
        self, prefix: str, /, *, max_items: int = 1000, cursor: str | None = None
    ) -> ListPage:
        return await self.counting.list(prefix, max_items=max_items, cursor=cursor)

    async def delete(self, path: str, /) -> None:
        await self.counting.delete(path)


@on_both_paths
@on_every_store
def test_given_prefixes_cost_one_get_on_success_and_two_otherwise(
    store: BlobStore, store_root: str, place: Place, path: str
) -> None:
    expected = _run(place, f"{store_root}/run")
    counting = _BlockingCounter(store)
    reader: BlobStore = counting if path == "blocking" else counting.counting
    for prefix, kind in expected.items():
        counting.reset()
        [outcome] = _collect(stream_outputs(reader, [prefix], max_payload_bytes=4096))
        assert outcome.kind is kind
        reads_error = kind is OutcomeKind.MISSING or prefix.endswith(("failed", "-error"))
        assert counting.gets == (2 if reads_error else 1), prefix
        assert counting.blocking_gets == (counting.gets if path == "blocking" else 0)
        assert counting.total == counting.gets


@on_both_paths
@on_every_store
def test_listed_folders_cost_at_most_one_get_each(
    store: BlobStore, store_root: str, place: Place, path: str
) -> None:
    expected = _run(place, f"{store_root}/run")
    counting = _BlockingCounter(store)
    reader: BlobStore = counting if path == "blocking" else counting.counting

    async def collect() -> list[OutputOutcome]:
        folders = list_task_folders(reader, f"{store_root}/run")
        stream = stream_outputs(reader, folders, concurrency=2, max_payload_bytes=4096)
        return [outcome async for outcome in stream]

    outcomes = asyncio.run(collect())
    assert {o.prefix: o.kind for o in outcomes} == expected
    # one GET per folder holding outputs.pb or error.pb; none for the inputs-only folder
    assert counting.gets == len(expected) - 1
    assert counting.blocking_gets == (counting.gets if path == "blocking" else 0)
    assert counting.counting.counts["list"] == 1


@on_every_store
def test_a_listed_folder_with_both_files_reports_the_error_as_the_engine_does(
    store: BlobStore, store_root: str, place: Place
) -> None:
    async def write() -> None:
        await place(f"{store_root}/t/outputs.pb", encoding_of(_outputs(1)))
        await place(f"{store_root}/t/error.pb", encoding_of(FAILURE.to_error_document()))

    asyncio.run(write())
    folder = TaskFolder(DataReference(f"{store_root}/t"), frozenset({"outputs.pb", "error.pb"}))
    [outcome] = _collect(stream_outputs(store, [folder]))
    assert outcome.kind is OutcomeKind.TASK_ERROR
    assert outcome.error == ExecutionError.from_error_document(
        FAILURE.to_error_document(), path=f"{store_root}/t/error.pb"
    )


@on_every_store
def test_a_listed_file_deleted_before_its_read_is_missing(
    store: BlobStore, store_root: str
) -> None:
    folder = TaskFolder(DataReference(f"{store_root}/gone"), frozenset({"outputs.pb"}))
    [outcome] = _collect(stream_outputs(store, [folder]))
    assert outcome.kind is OutcomeKind.MISSING
    assert isinstance(outcome.failure, NotFoundError)


@on_every_store
def test_storage_failures_are_outcomes_not_exceptions(
    store: BlobStore, store_root: str, place: Place
) -> None:
    expected = _run(place, f"{store_root}/run")
    faulty = FaultyStore(store, faults=Faults(error_rate=1.0), seed=3)
    outcomes = _collect(stream_outputs(faulty, list(expected), concurrency=4))
    assert [o.kind for o in outcomes] == [OutcomeKind.STORAGE_FAILURE] * len(expected)
    assert all(isinstance(o.failure, StorageError) for o in outcomes)
    assert all("injected error" in o.message for o in outcomes)


def test_an_async_iterable_of_prefixes_is_numbered_in_input_order() -> None:
    store = MemoryBlobStore()

    async def go() -> list[OutputOutcome]:
        for index in range(20):
            await write_message(store, f"memory://b/t{index}/outputs.pb", _outputs(index))

        async def prefixes() -> AsyncIterator[str]:
            for index in range(20):
                await asyncio.sleep(0)
                yield f"memory://b/t{index}"

        return [o async for o in stream_outputs(store, prefixes(), concurrency=6)]

    outcomes = asyncio.run(go())
    assert sorted((o.index, o.prefix) for o in outcomes) == [
        (index, f"memory://b/t{index}") for index in range(20)
    ]
    assert all(o.outputs == _outputs(o.index) for o in outcomes)


class _SlowStore:
    """A memory store whose gets take a while; counts gets in flight, started and cancelled.

    It has no ``get_blocking``: ``stream_outputs`` reads it with ``await get``.
    """

    def __init__(self, delay: float = 0.005) -> None:
        self.inner = MemoryBlobStore()
        self.delay = delay
        self.lock = threading.Lock()
        self.current = 0
        self.peak = 0
        self.started = 0
        self.cancelled = 0

    def _start(self) -> None:
        with self.lock:
            self.started += 1
            self.current += 1
            self.peak = max(self.peak, self.current)

    def _end(self) -> None:
        with self.lock:
            self.current -= 1

    async def head(self, path: str, /) -> ObjectMeta:
        return await self.inner.head(path)

    async def get(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        self._start()
        try:
            await asyncio.sleep(self.delay)
            return await self.inner.get(path, max_bytes=max_bytes, byte_range=byte_range)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self._end()

    async def put(self, path: str, data: bytes, /) -> None:
        await self.inner.put(path, data)

    async def list(
        self, prefix: str, /, *, max_items: int = 1000, cursor: str | None = None
    ) -> ListPage:
        return await self.inner.list(prefix, max_items=max_items, cursor=cursor)

    async def delete(self, path: str, /) -> None:
        await self.inner.delete(path)

    def settled(self) -> bool:
        """Wait (up to 10 s) until no get runs: a blocking one finishes after the stream closes."""
        deadline = time.monotonic() + 10
        while self.current and time.monotonic() < deadline:
            time.sleep(0.005)
        return self.current == 0


@final
class _SlowBlockingStore(_SlowStore):
    """A :class:`_SlowStore` with ``get_blocking``: stream_outputs reads it in worker threads."""

    async def get(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        msg = f"{path} {max_bytes} {byte_range}: a store with get_blocking is read blocking"
        raise AssertionError(msg)

    def get_blocking(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        assert threading.current_thread().name.startswith("kozmo-io-store")
        self._start()
        try:
            time.sleep(self.delay)
            return self.inner.get_blocking(path, max_bytes=max_bytes, byte_range=byte_range)
        finally:
            self._end()


def _slow_run(count: int, path: str = "await") -> _SlowStore:
    store = _SlowBlockingStore() if path == "blocking" else _SlowStore()

    async def write() -> None:
        for index in range(count):
            await write_message(store.inner, f"memory://b/t{index}/outputs.pb", _outputs(index))

    asyncio.run(write())
    return store


@on_both_paths
def test_concurrency_is_bounded_and_reached(path: str) -> None:
    store = _slow_run(40, path)
    prefixes = (f"memory://b/t{i}" for i in range(40))
    outcomes = _collect(stream_outputs(store, prefixes, concurrency=5))
    assert len(outcomes) == 40
    assert store.peak == 5
    assert store.started == 40


@on_both_paths
def test_input_is_taken_lazily_so_a_slow_consumer_bounds_memory(path: str) -> None:
    store = _slow_run(200, path)
    taken = 0

    def prefixes() -> Iterator[str]:
        nonlocal taken
        for index in range(200):
            taken += 1
            yield f"memory://b/t{index}"

    async def consume_slowly() -> tuple[int, int]:
        seen = 0
        async with contextlib.aclosing(stream_outputs(store, prefixes(), concurrency=4)) as s:
            async for _ in s:
                seen += 1
                await asyncio.sleep(0.02)  # the workers finish and then wait for the consumer
                if seen == 10:
                    return seen, taken
        raise AssertionError

    seen, taken_then = asyncio.run(consume_slowly())
    if path == "await":
        # at most: the outcomes consumed, a full hand-over queue and one read per worker
        assert taken_then <= seen + 4 + 4 + 1
    else:
        # at most: the outcomes consumed, two batches of answers (one in hand, one waiting) each
        # of up to 4 + 4 (a full batch and the reads that were running), 4 reads running and
        # 8 items ready for them
        assert taken_then <= seen + 2 * (4 + 4) + 4 + 8
    assert store.settled()


@on_both_paths
def test_closing_the_stream_cancels_the_reads_in_flight_and_starts_no_more(path: str) -> None:
    store = _slow_run(100, path)
    store.delay = 0.05

    async def first_then_close() -> None:
        async with contextlib.aclosing(
            stream_outputs(store, [f"memory://b/t{i}" for i in range(100)], concurrency=8)
        ) as stream:
            async for _ in stream:
                break
        started = store.started
        await asyncio.sleep(0.1)
        assert store.started == started

    asyncio.run(first_then_close())
    assert store.settled()
    # a blocking read cannot be interrupted: the ones running finish, their outcomes dropped
    assert store.cancelled >= 1 if path == "await" else store.cancelled == 0
    assert store.started < 100


@on_both_paths
def test_cancelling_the_consumer_cancels_the_reads_in_flight(path: str) -> None:
    store = _slow_run(100, path)
    store.delay = 0.05

    async def consume() -> None:
        async for _ in stream_outputs(store, [f"memory://b/t{i}" for i in range(100)]):
            pass

    async def cancel_soon() -> None:
        task = asyncio.ensure_future(consume())
        await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        started = store.started
        await asyncio.sleep(0.1)
        assert store.started == started

    asyncio.run(cancel_soon())
    assert store.settled()
    assert 0 < store.started < 100
    if path == "await":
        assert store.cancelled == store.started


@on_both_paths
def test_a_hostile_prefix_is_raised_after_the_reads_in_flight_stop(path: str) -> None:
    store = _slow_run(10, path)
    prefixes = [f"memory://b/t{i}" for i in range(10)] + ["memory://b/t0?v=1"]
    with pytest.raises(InvalidReferenceError):
        _collect(stream_outputs(store, prefixes, concurrency=3))
    assert store.settled()


@on_both_paths
def test_an_exception_from_the_input_is_raised(path: str) -> None:
    def prefixes() -> Iterator[str]:
        yield "memory://b/t0"
        msg = "broken input"
        raise RuntimeError(msg)

    with pytest.raises(RuntimeError, match="broken input"):
        _collect(stream_outputs(_slow_run(1, path), prefixes()))


def test_no_prefixes_give_no_outcomes() -> None:
    assert _collect(stream_outputs(MemoryBlobStore(), [])) == []


@pytest.mark.parametrize("concurrency", [0, -1, True])
def test_a_bad_concurrency_is_refused_at_once(concurrency: int) -> None:
    with pytest.raises(InvalidArgumentError, match="concurrency"):
        stream_outputs(MemoryBlobStore(), [], concurrency=concurrency)
    with pytest.raises(InvalidArgumentError, match="concurrency"):
        stream_reads([], concurrency=concurrency)


@pytest.mark.parametrize("limit", [0, -5])
def test_a_bad_read_limit_is_refused_at_once(limit: int) -> None:
    with pytest.raises(InvalidArgumentError, match="max_payload_bytes"):
        stream_outputs(MemoryBlobStore(), [], max_payload_bytes=limit)


@on_every_store
def test_stream_reads_classifies_what_each_reader_returns_or_raises(
    store: BlobStore, store_root: str, place: Place
) -> None:
    expected = _run(place, f"{store_root}/run")
    readers: list[OutputReader] = [
        RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(prefix), max_payload_bytes=4096)
        for prefix in expected
    ]
    readers.append(InMemoryOutputReader(error=FAILURE))
    outcomes = _collect(stream_reads(readers, concurrency=3))
    by_index = {o.index: o for o in outcomes}
    assert len(by_index) == len(readers)
    for index, (prefix, kind) in enumerate(expected.items()):
        # read() of a reader does not look at error.pb
        seen = OutcomeKind.MISSING if prefix.endswith(("failed", "-error")) else kind
        assert (by_index[index].prefix, by_index[index].kind) == (prefix, seen)
    last = by_index[len(readers) - 1]
    assert (last.prefix, last.kind, last.error) == (None, OutcomeKind.TASK_ERROR, FAILURE)


@pytest.mark.parametrize(
    "prefix",
    [
        "s3://bucket/run/n0/0",
        "s3://bucket",
        "s3://my.bucket/a_b/c-d/e.f",
        "/data/run/n0",
        "memory://b/x",
        "gs://b/A/Z/09",
    ],
)
def test_the_quick_join_agrees_with_the_full_join(prefix: str) -> None:
    for name in ("outputs.pb", "error.pb"):
        assert _join(prefix, name) == construct_reference(prefix, name)


@pytest.mark.parametrize(
    "prefix", ["s3://b/x/", "s3://b/a b", "s3://b/x/./y", "rel/x", "s3://b/.hidden", "S3://b/x"]
)
def test_other_prefixes_take_the_full_join(prefix: str) -> None:
    assert _join(prefix, "outputs.pb") == construct_reference(prefix, "outputs.pb")


@on_both_paths
def test_an_async_source_is_read_ahead_but_boundedly(path: str) -> None:
    store = _slow_run(50, path)
    pulled = 0

    async def endless() -> AsyncIterator[str]:
        nonlocal pulled
        while True:
            pulled += 1
            yield f"memory://b/t{pulled % 50}"

    async def take_three() -> None:
        async with contextlib.aclosing(stream_outputs(store, endless(), concurrency=4)) as s:
            seen = 0
            async for _ in s:
                seen += 1
                if seen == 3:
                    return

    asyncio.run(take_three())
    # ahead of the workers: at most the read-ahead buffer, one item per worker and one in hand
    assert 3 <= pulled <= _READ_AHEAD + 4 + 4 + 3 + 1
    assert store.settled()


@on_both_paths
def test_a_slow_async_source_is_fetched_while_reads_run(path: str) -> None:
    store = _slow_run(40, path)
    finished_when_listed: list[int] = []

    async def listing() -> AsyncIterator[str]:
        for page in range(4):
            finished_when_listed.append(store.started - store.current)
            await asyncio.sleep(0.01)  # one LIST request
            for index in range(10 * page, 10 * page + 10):
                yield f"memory://b/t{index}"

    async def go() -> int:
        return len([o async for o in stream_outputs(store, listing(), concurrency=2)])

    assert asyncio.run(go()) == 40
    # the second page is asked for as soon as the first is in hand, before any read finished
    # (without reading ahead, the workers would ask for it only after 9 of the 10 reads)
    assert finished_when_listed[:2] == [0, 0]


@on_both_paths
def test_an_error_from_an_async_source_is_raised_after_the_reads_stop(path: str) -> None:
    store = _slow_run(5, path)

    async def broken() -> AsyncIterator[str]:
        yield "memory://b/t0"
        yield "memory://b/t1"
        msg = "listing failed"
        raise StorageError(msg)

    with pytest.raises(StorageError, match="listing failed"):
        _collect(stream_outputs(store, broken(), concurrency=2))
    assert store.settled()


# --- read_outputs_many ------------------------------------------------------------------------


@final
class _Gauge:
    """Counts reads in flight."""

    def __init__(self) -> None:
        self.current = 0
        self.peak = 0
        self.finished = 0
        self.cancelled = 0


@final
class _SlowReader:
    """An OutputReader whose read takes a moment, optionally failing."""

    def __init__(self, gauge: _Gauge, value: int, error: Exception | None = None) -> None:
        self.gauge = gauge
        self.value = value
        self.error = error

    def is_file(self) -> bool:
        return False

    async def is_error(self) -> bool:
        return False

    async def read_error(self) -> ExecutionError:
        return ExecutionError()

    async def exists(self) -> bool:
        return True

    async def deck_exists(self) -> bool:
        return False

    async def read(self) -> tuple[core.LiteralMap | None, ExecutionError | None]:
        self.gauge.current += 1
        self.gauge.peak = max(self.gauge.peak, self.gauge.current)
        try:
            await asyncio.sleep(0.001 * (self.value % 3))
            if self.error is not None:
                raise self.error
            self.gauge.finished += 1
            return _outputs(self.value), None
        except asyncio.CancelledError:
            self.gauge.cancelled += 1
            raise
        finally:
            self.gauge.current -= 1


def test_read_outputs_many_returns_results_in_reader_order() -> None:
    gauge = _Gauge()
    readers: list[OutputReader] = [_SlowReader(gauge, value) for value in range(50)]
    results = asyncio.run(read_outputs_many(readers, concurrency=7))
    assert results == [(_outputs(value), None) for value in range(50)]


def test_read_outputs_many_bounds_concurrency() -> None:
    gauge = _Gauge()
    readers: list[OutputReader] = [_SlowReader(gauge, value) for value in range(40)]
    asyncio.run(read_outputs_many(readers, concurrency=4))
    assert gauge.peak == 4
    assert gauge.finished == 40


def test_read_outputs_many_returns_task_errors_as_results() -> None:
    failure = ExecutionError(code="red")
    readers: list[OutputReader] = [
        InMemoryOutputReader(_outputs(1)),
        InMemoryOutputReader(error=failure),
    ]
    assert asyncio.run(read_outputs_many(readers)) == [(_outputs(1), None), (None, failure)]


def test_read_outputs_many_raises_the_first_failure_and_cancels_the_rest() -> None:
    gauge = _Gauge()
    missing = NotFoundError("s3://b/out-3/outputs.pb")
    readers: list[OutputReader] = [
        _SlowReader(gauge, value, missing if value == 3 else None) for value in range(30)
    ]
    with pytest.raises(NotFoundError) as info:
        asyncio.run(read_outputs_many(readers, concurrency=5))
    assert info.value is missing
    assert gauge.current == 0
    assert gauge.finished < 29
    assert gauge.cancelled >= 1


def test_read_outputs_many_of_no_readers_is_empty() -> None:
    assert asyncio.run(read_outputs_many([])) == []


@pytest.mark.parametrize("concurrency", [0, -1])
def test_read_outputs_many_refuses_a_non_positive_concurrency(concurrency: int) -> None:
    with pytest.raises(InvalidArgumentError, match="concurrency"):
        asyncio.run(read_outputs_many([InMemoryOutputReader()], concurrency=concurrency))


@on_every_store
def test_read_outputs_many_of_remote_readers_costs_one_request_each(
    store: BlobStore, store_root: str, place: Place
) -> None:
    counting = CountingStore(store)
    readers: list[OutputReader] = []
    for index in range(12):
        paths = ReadOnlyOutputFilePaths(f"{store_root}/task-{index}")
        asyncio.run(place(paths.get_output_path(), encoding_of(_outputs(index))))
        readers.append(RemoteFileOutputReader(counting, paths))
    results = asyncio.run(read_outputs_many(readers, concurrency=4))
    assert results == [(_outputs(index), None) for index in range(12)]
    assert counting.total == 12
