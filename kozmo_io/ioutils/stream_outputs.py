"""Read many tasks' outputs: :func:`stream_outputs`, :func:`stream_reads` and a list of them.

The two streams yield one :class:`OutputOutcome` per task as soon as its read completes
(completion order; ``outcome.index`` is the task's position in the input), with at most
``concurrency`` reads in flight and at most ``concurrency`` finished outcomes waiting for the
consumer. Inputs are taken lazily (an async iterable is read at most 2,048 items ahead, so a
listing fetches its next page while the current one is read; a plain one at most ``2 *
concurrency`` ahead), so memory does not grow with the number of tasks: feed a generator (or the
listing of :func:`~kozmo_io.ioutils.list_task_folders`) and keep only what you need of each
outcome. :func:`read_outputs_many` is the list-returning layer over :func:`stream_reads`.

A task's outcome is one of :class:`OutcomeKind`: its outputs, its own error, nothing there, a file
over the read limit, a file that does not decode, or a storage failure. Those are values, never
raised; a bad reference (:class:`~kozmo_io.errors.InvalidReferenceError`) or an exception that is
not a :class:`~kozmo_io.errors.KozmoIOError` is raised from the stream.

How :func:`stream_outputs` reads: a store with :class:`~kozmo_io.storage.BlockingReads` (every
obstore-backed one) is read in the stores' worker threads through
:func:`~kozmo_io.storage.map_in_workers`, one call per task (its GETs and the decoding), without a
trip through the event loop for each request; any other store with ``await store.get``.

Stop early by leaving the loop inside ``contextlib.aclosing`` (or call ``aclose()``), or cancel
the consuming task: no new read starts, and the reads in flight are cancelled (``await get``) or
run to their end in their threads (a blocking read, and any request a store has already sent);
their outcomes are dropped::

    async with contextlib.aclosing(stream_outputs(store, prefixes)) as outcomes:
        async for outcome in outcomes:
            if outcome.kind is OutcomeKind.OUTPUTS:
                use(outcome.prefix, outcome.outputs)

Requests per task, for a given prefix: one GET of ``outputs.pb``; when it is missing, one more of
``error.pb`` (a task that failed or never ran costs two). For a :class:`TaskFolder` from a listing,
the files are known: one GET of ``error.pb`` when it was listed (the engine reports the error
first), else one of ``outputs.pb``, and none for a folder holding neither.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import itertools
import re
import time
from collections.abc import AsyncGenerator, AsyncIterable, Awaitable, Callable, Iterable, Sequence
from typing import TypeVar, final

import attrs

from kozmo_io import core
from kozmo_io.errors import (
    CorruptDataError,
    KozmoIOError,
    NotFoundError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.protocols import OutputReader
from kozmo_io.reference import DataReference, construct_reference, redact
from kozmo_io.storage import (
    BlobStore,
    BlockingReads,
    decode_message,
    map_in_workers,
    optional_positive_limit,
    positive_limit,
)
from kozmo_io.task_files import ERRORS_SUFFIX, INPUTS_SUFFIX, OUTPUTS_SUFFIX, TaskFolder

__all__ = (
    "DEFAULT_CONCURRENCY",
    "OutcomeKind",
    "OutputOutcome",
    "read_outputs_many",
    "stream_outputs",
    "stream_reads",
)

T = TypeVar("T")

DEFAULT_CONCURRENCY = 64
"""How many tasks the streams read at once unless told otherwise."""

# A prefix made only of plain segments joins with a file name by concatenation, exactly as the
# full join would (checked by the tests); anything else goes through construct_reference.
_PLAIN_PREFIX = re.compile(
    r"(?:[a-z][a-z0-9+.\-]*://[A-Za-z0-9_\-][A-Za-z0-9._\-]*|/[A-Za-z0-9_\-][A-Za-z0-9._\-]*)"
    r"(?:/[A-Za-z0-9_\-][A-Za-z0-9._\-]*)*"
)


class OutcomeKind(enum.Enum):
    """What reading one task found."""

    OUTPUTS = "outputs"
    """``outputs.pb`` decoded into a non-empty LiteralMap."""
    TASK_ERROR = "task_error"
    """The task's own failure: ``error.pb``, or an ``outputs.pb`` holding no literal."""
    MISSING = "missing"
    """Neither ``outputs.pb`` nor ``error.pb`` (or a listed file vanished before its read)."""
    TOO_LARGE = "too_large"
    """The file to read is over the read limit (never downloaded)."""
    CORRUPT = "corrupt"
    """The file does not decode."""
    STORAGE_FAILURE = "storage_failure"
    """The store failed (after its own retries)."""


@final
@attrs.frozen
class OutputOutcome:
    """The outcome of reading one task.

    Args:
        index: The task's position in the input (0-based).
        prefix: The task's output prefix (``None`` for a reader of :func:`stream_reads` that does
            not expose ``paths``).
        kind: What was found.
        outputs: The outputs (OUTPUTS only).
        error: The task's error (TASK_ERROR only).
        failure: Why nothing could be read (MISSING, TOO_LARGE, CORRUPT, STORAGE_FAILURE).
        size: Bytes of the file read (0 when none was, and for :func:`stream_reads`); for
            TOO_LARGE, the file's size.
        seconds: How long the task's read took, from its first request to its outcome.
    """

    index: int
    prefix: DataReference | None
    kind: OutcomeKind
    outputs: core.LiteralMap | None = None
    error: ExecutionError | None = None
    failure: KozmoIOError | None = None
    size: int = 0
    seconds: float = 0.0

    @property
    def code(self) -> str:
        """A short name of what went wrong: the task error's code or the failure's class name.

        ``""`` for OUTPUTS.
        """
        if self.error is not None:
            return self.error.code
        return "" if self.failure is None else type(self.failure).__name__

    @property
    def message(self) -> str:
        """The task error's message or the failure's text (``""`` for OUTPUTS)."""
        if self.error is not None:
            return self.error.message
        return "" if self.failure is None else str(self.failure)


def _join(prefix: str, name: str) -> DataReference:
    if _PLAIN_PREFIX.fullmatch(prefix):
        return DataReference(f"{prefix}/{name}")
    return construct_reference(prefix, name)


def _failure(
    exc: KozmoIOError, index: int, prefix: DataReference | None, start: float
) -> OutputOutcome:
    """Classify a system problem met while reading one task (re-raise anything else)."""
    if isinstance(exc, NotFoundError):
        kind = OutcomeKind.MISSING
    elif isinstance(exc, PayloadTooLargeError):
        kind = OutcomeKind.TOO_LARGE
    elif isinstance(exc, CorruptDataError):
        kind = OutcomeKind.CORRUPT
    elif isinstance(exc, StorageError):
        kind = OutcomeKind.STORAGE_FAILURE
    else:
        raise exc
    size = exc.size if isinstance(exc, PayloadTooLargeError) else 0
    elapsed = time.perf_counter() - start
    return OutputOutcome(index, prefix, kind, failure=exc, size=size, seconds=elapsed)


_Parse = Callable[[bytes, DataReference, int, DataReference, float], "OutputOutcome"]


def _outputs(
    data: bytes, path: DataReference, index: int, prefix: DataReference, start: float
) -> OutputOutcome:
    outputs = decode_message(core.LiteralMap, data, path, what="outputs")
    elapsed = time.perf_counter() - start
    if not outputs.literals:
        error = ExecutionError(
            code="No outputs produced",
            message=f"outputs not found at [{redact(path)}]",
            kind=ErrorKind.UNKNOWN,
            is_recoverable=True,
        )
        return OutputOutcome(
            index, prefix, OutcomeKind.TASK_ERROR, error=error, size=len(data), seconds=elapsed
        )
    return OutputOutcome(
        index, prefix, OutcomeKind.OUTPUTS, outputs=outputs, size=len(data), seconds=elapsed
    )


def _task_error(
    data: bytes, path: DataReference, index: int, prefix: DataReference, start: float
) -> OutputOutcome:
    document = decode_message(core.ErrorDocument, data, path, what="error file")
    error = ExecutionError.from_error_document(document, path=redact(path))
    elapsed = time.perf_counter() - start
    return OutputOutcome(
        index, prefix, OutcomeKind.TASK_ERROR, error=error, size=len(data), seconds=elapsed
    )


def _plan(
    source: str | TaskFolder,
) -> tuple[DataReference, frozenset[str] | None, list[tuple[DataReference, _Parse]]]:
    """The task's prefix, its listed files (``None``: not listed) and the files to read, in order.

    A given prefix reads ``outputs.pb``, then ``error.pb`` if it is missing. A listed folder reads
    ``error.pb`` if listed (the engine reports the error first), else ``outputs.pb`` if listed.
    """
    if isinstance(source, TaskFolder):
        prefix, files = source.prefix, source.files
    else:
        prefix = source if isinstance(source, DataReference) else DataReference(source)
        files = None
    if files is None:
        return (
            prefix,
            None,
            [
                (_join(prefix, OUTPUTS_SUFFIX), _outputs),
                (_join(prefix, ERRORS_SUFFIX), _task_error),
            ],
        )
    if ERRORS_SUFFIX in files:
        return prefix, files, [(_join(prefix, ERRORS_SUFFIX), _task_error)]
    if OUTPUTS_SUFFIX in files:
        return prefix, files, [(_join(prefix, OUTPUTS_SUFFIX), _outputs)]
    return prefix, files, []


def _nothing(prefix: DataReference, files: frozenset[str] | None) -> NotFoundError:
    """The failure of a task with neither file to read."""
    shown = redact(prefix)
    if files is None:
        return NotFoundError(f"{shown}: no {OUTPUTS_SUFFIX} or {ERRORS_SUFFIX}")
    left = "inputs.pb only" if INPUTS_SUFFIX in files else ", ".join(sorted(files))
    return NotFoundError(f"{shown}: no {OUTPUTS_SUFFIX} or {ERRORS_SUFFIX} ({left})")


async def _read_prefix(
    store: BlobStore, index: int, source: str | TaskFolder, limit: int | None
) -> OutputOutcome:
    """Read one task's outcome with ``await store.get``: at most two GETs (one if listed)."""
    start = time.perf_counter()
    prefix, files, reads = _plan(source)
    try:
        for path, parse in reads:
            try:
                data = await store.get(path, max_bytes=limit)
            except NotFoundError:
                if files is not None:
                    raise  # a listed file vanished before its read
                continue
            return parse(data, path, index, prefix, start)
        raise _nothing(prefix, files)
    except KozmoIOError as exc:
        return _failure(exc, index, prefix, start)


def _read_prefix_blocking(
    store: BlockingReads, index: int, source: str | TaskFolder, limit: int | None
) -> OutputOutcome:
    """:func:`_read_prefix` with ``store.get_blocking``, in a worker thread."""
    start = time.perf_counter()
    prefix, files, reads = _plan(source)
    try:
        for path, parse in reads:
            try:
                data = store.get_blocking(path, max_bytes=limit)
            except NotFoundError:
                if files is not None:
                    raise  # a listed file vanished before its read
                continue
            return parse(data, path, index, prefix, start)
        raise _nothing(prefix, files)
    except KozmoIOError as exc:
        return _failure(exc, index, prefix, start)


async def _read_with(reader: OutputReader, index: int) -> OutputOutcome:
    """Call ``reader.read()`` and classify what it returned or raised."""
    start = time.perf_counter()
    paths = getattr(reader, "paths", None)
    get_prefix = getattr(paths, "get_output_prefix_path", None)
    prefix = get_prefix() if callable(get_prefix) else None
    try:
        outputs, error = await reader.read()
    except KozmoIOError as exc:
        return _failure(exc, index, prefix, start)
    elapsed = time.perf_counter() - start
    if error is not None:
        return OutputOutcome(index, prefix, OutcomeKind.TASK_ERROR, error=error, seconds=elapsed)
    return OutputOutcome(index, prefix, OutcomeKind.OUTPUTS, outputs=outputs, seconds=elapsed)


_FINISHED = object()
_READ_AHEAD = 2048  # items of an async source held ready: more than a listing page yields


class _ReadAhead:
    """Reads an async iterable ahead of the workers, up to ``_READ_AHEAD`` items.

    A slow source (a listing, one page per request) then fetches its next items while the workers
    read the ones already there, instead of every worker waiting for it.
    """

    def __init__(self, items: AsyncIterable[T]) -> None:
        self._buffer: asyncio.Queue[object] = asyncio.Queue(_READ_AHEAD)
        self._task = asyncio.ensure_future(self._fill(items))

    async def _fill(self, items: AsyncIterable[T]) -> None:
        try:
            async for item in items:
                await self._buffer.put(item)
        except Exception as exc:  # noqa: BLE001 - handed to a worker, who raises it
            await self._buffer.put(exc)
        await self._buffer.put(_FINISHED)

    async def take(self) -> object:
        """The next item, ``_FINISHED`` at the end (for every worker), or the source's error."""
        item = await self._buffer.get()
        if item is _FINISHED:
            self._buffer.put_nowait(_FINISHED)  # a get just made room; the next worker sees it
        elif isinstance(item, Exception):
            raise item
        return item

    async def stop(self) -> None:
        """Stop reading the source."""
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


class _Pending:
    """Hands out the items of a plain iterable."""

    def __init__(self, items: Iterable[T]) -> None:
        self._items = iter(items)

    async def take(self) -> object:
        """The next item, ``_FINISHED`` at the end."""
        # Taking the next item never awaits, so two workers never take the same one.
        return next(self._items, _FINISHED)

    async def stop(self) -> None:
        """Nothing runs ahead of a plain iterable."""


async def _stream(
    items: Iterable[T] | AsyncIterable[T],
    read: Callable[[int, T], Awaitable[OutputOutcome]],
    concurrency: int,
) -> AsyncGenerator[OutputOutcome, None]:
    """Run ``read`` on every item with ``concurrency`` workers; yield outcomes as they complete."""
    # Workers hand results over through a queue as deep as the pool: a slow consumer stops the
    # workers instead of piling outcomes up.
    results: asyncio.Queue[object] = asyncio.Queue(concurrency)
    numbers = itertools.count()
    source = _ReadAhead(items) if isinstance(items, AsyncIterable) else _Pending(items)

    async def work() -> None:
        try:
            while (item := await source.take()) is not _FINISHED:
                # Numbered as soon as taken (no await in between): indexes follow the input.
                await results.put(await read(next(numbers), item))  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - handed to the consumer, who raises it
            await results.put(exc)
        else:
            await results.put(_FINISHED)

    workers = [asyncio.ensure_future(work()) for _ in range(concurrency)]
    running = len(workers)
    try:
        while running:
            got = await results.get()
            if got is _FINISHED:
                running -= 1
            elif isinstance(got, Exception):
                raise got
            else:
                assert isinstance(got, OutputOutcome)  # noqa: S101 - the only other kind put
                yield got
    finally:
        for worker in workers:
            worker.cancel()
        await source.stop()
        await asyncio.gather(*workers, return_exceptions=True)


def _numbered(
    items: Iterable[T] | AsyncIterable[T],
) -> Iterable[tuple[int, T]] | AsyncIterable[tuple[int, T]]:
    """Pair each item with its position."""
    if not isinstance(items, AsyncIterable):
        return enumerate(items)

    async def numbered() -> AsyncGenerator[tuple[int, T], None]:
        index = 0
        async for item in items:
            yield index, item
            index += 1

    return numbered()


def stream_outputs(
    store: BlobStore,
    prefixes: Iterable[str | TaskFolder] | AsyncIterable[str | TaskFolder],
    /,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    max_payload_bytes: int | None = None,
) -> AsyncGenerator[OutputOutcome, None]:
    """Read the outputs or error of every task, yielding each outcome as it completes.

    Args:
        store: The store holding the tasks' files.
        prefixes: The tasks' output prefixes (strings or :class:`DataReference`), or the
            :class:`TaskFolder` values of :func:`~kozmo_io.ioutils.list_task_folders`; any
            iterable or async iterable, taken one at a time as reads finish.
        concurrency: The largest number of tasks read at once (a positive integer).
        max_payload_bytes: Read limit in bytes for each file (strictly larger is TOO_LARGE);
            ``None`` means the store's limit.

    Returns:
        An async generator of :class:`OutputOutcome`, in completion order (close it, e.g.
        with ``contextlib.aclosing``, to stop early).

    Raises:
        InvalidArgumentError: ``concurrency`` or ``max_payload_bytes`` is not a positive integer
            (raised at once).
        InvalidReferenceError: From the stream, for a malformed or hostile prefix (the reads in
            flight are cancelled first).
    """
    positive_limit(concurrency, "concurrency")
    optional_positive_limit(max_payload_bytes, "max_payload_bytes")
    if isinstance(store, BlockingReads):
        blocking = store

        def read_blocking(item: tuple[int, str | TaskFolder]) -> OutputOutcome:
            return _read_prefix_blocking(blocking, item[0], item[1], max_payload_bytes)

        return map_in_workers(read_blocking, _numbered(prefixes), concurrency=concurrency)

    def read(index: int, source: str | TaskFolder) -> Awaitable[OutputOutcome]:
        return _read_prefix(store, index, source, max_payload_bytes)

    return _stream(prefixes, read, concurrency)


def stream_reads(
    readers: Iterable[OutputReader] | AsyncIterable[OutputReader],
    /,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> AsyncGenerator[OutputOutcome, None]:
    """Call ``read()`` on every reader, yielding each outcome as it completes.

    The outcome's ``prefix`` is ``reader.paths.get_output_prefix_path()`` when the reader has such
    ``paths`` (as :class:`~kozmo_io.ioutils.RemoteFileOutputReader` does), else ``None``; its
    ``size`` is 0.

    Args:
        readers: Any OutputReaders, as an iterable or async iterable, taken one at a time.
        concurrency: The largest number of reads in flight (a positive integer).

    Returns:
        An async generator of :class:`OutputOutcome`, in completion order (close it, e.g.
        with ``contextlib.aclosing``, to stop early).

    Raises:
        InvalidArgumentError: ``concurrency`` is not a positive integer (raised at once).
    """
    positive_limit(concurrency, "concurrency")
    return _stream(readers, lambda index, reader: _read_with(reader, index), concurrency)


async def read_outputs_many(
    readers: Sequence[OutputReader], /, *, concurrency: int = DEFAULT_CONCURRENCY
) -> list[tuple[core.LiteralMap | None, ExecutionError | None]]:
    """Call ``read()`` on every reader, at most ``concurrency`` at a time.

    Args:
        readers: The readers, e.g. one :class:`~kozmo_io.ioutils.RemoteFileOutputReader` per task.
        concurrency: The largest number of reads in flight (a positive integer).

    Returns:
        The result of each reader's ``read()``, in the order of ``readers``.

    Raises:
        InvalidArgumentError: ``concurrency`` is not a positive integer (a ``ValueError``).
        KozmoIOError: The first ``read()`` that raised; the reads still running are cancelled and
            awaited first, and no partial result is returned. (A task's own failure is not raised:
            it is the ``ExecutionError`` in that reader's result.)
    """
    results: list[tuple[core.LiteralMap | None, ExecutionError | None]] = [(None, None)] * len(
        readers
    )
    stream = stream_reads(readers, concurrency=concurrency)
    async with contextlib.aclosing(stream) as outcomes:
        async for outcome in outcomes:
            if outcome.failure is not None:
                raise outcome.failure
            results[outcome.index] = (outcome.outputs, outcome.error)
    return results
