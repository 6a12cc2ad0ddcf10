"""Read what a task left in a blob store: :class:`RemoteFileOutputReader`.

The engine asks, in order, :meth:`~RemoteFileOutputReader.is_error`, then
:meth:`~RemoteFileOutputReader.exists` and :meth:`~RemoteFileOutputReader.read`. Each question
is answered with one bounded GET whose bytes the reader keeps for the next step, so a successful
task costs 2 requests (``error.pb`` missing, ``outputs.pb`` fetched and then decoded without a
request) and a failed one costs 1 (``error.pb`` fetched, then decoded). The engine's Go reader
made 3 (HEAD, HEAD, GET). On a network store a file over 60 KiB costs one more request (see
:meth:`kozmo_io.storage.BlobStore.get`). Kept bytes serve only the read that follows the probe that
fetched them, once: a second ``read()`` fetches again, and a later probe that finds the file gone
(or fails) drops them, so no answer ever comes from a deleted file.
:meth:`~RemoteFileOutputReader.read_outputs` is :meth:`~RemoteFileOutputReader.read` for the second
generation: the outputs in declared order, with the artifacts the task produced.

Differences from the engine, on purpose: an oversized ``error.pb`` raises
:class:`~kozmo_io.errors.PayloadTooLargeError` (never "no error"); a missing ``outputs.pb`` raises
:class:`~kozmo_io.errors.NotFoundError` from ``read()`` (the engine flattened it into a string);
``max_payload_bytes=None`` is the store's limit and 0 is refused; the DEFAULT error strategy reads
``get_error_path()`` verbatim (the engine re-built the path through a split and join that decoded
percent-escapes, collapsed ``//`` and refused scheme-less paths). Every difference from the Go
reader is listed in ``docs/differences-from-go.md`` in the repository.

With :attr:`ErrorAggregationStrategy.EARLIEST` (distributed tasks whose workers each write
``error-<suffix>.pb``), the error files are found by listing ``<error dir>/<error name stem>``
(e.g. ``s3://b/out/error``) and the one with the earliest timestamp is reported. A file deleted
between the listing and its GET is skipped (the engine counted it as an error, then failed to read
it).
"""

from __future__ import annotations

import asyncio
import enum
from typing import TypeVar, final

from google.protobuf.message import DecodeError, Message

from kozmo_io import core
from kozmo_io.errors import (
    CorruptDataError,
    InvalidArgumentError,
    InvalidReferenceError,
    KozmoIOError,
    NotFoundError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.protocols import OutputFilePaths
from kozmo_io.reference import DataReference, redact
from kozmo_io.storage import BlobStore, remember_encoding

__all__ = ("ErrorAggregationStrategy", "RemoteFileOutputReader")

M = TypeVar("M", bound=Message)
_Named = TypeVar("_Named", core.LiteralMap, core.Outputs)

_LIST_PAGE_SIZE = 1000
_CONCURRENT_ERROR_READS = 32


class ErrorAggregationStrategy(enum.IntEnum):
    """How a reader finds a task's error (values as in the engine's plugin properties)."""

    DEFAULT = 0
    """Read the single file at ``get_error_path()``."""
    EARLIEST = 1
    """List every ``<error stem>*.pb`` beside it and report the one with the earliest timestamp."""


def _with_path(exc: KozmoIOError, what: str, path: str) -> KozmoIOError:
    """The same kind of error, naming what was read (the store's error becomes its cause)."""
    where = redact(path)
    if isinstance(exc, NotFoundError):
        return NotFoundError(where)
    if isinstance(exc, PayloadTooLargeError):
        return PayloadTooLargeError(where, exc.size, exc.limit)
    text = f"failed to read {what} @[{where}]: {exc}"
    return CorruptDataError(text) if isinstance(exc, CorruptDataError) else StorageError(text)


async def _fetch(store: BlobStore, path: str, what: str, max_bytes: int | None) -> bytes:
    """One bounded GET; every store error names ``path``."""
    try:
        return await store.get(path, max_bytes=max_bytes)
    except (NotFoundError, PayloadTooLargeError, StorageError) as exc:
        raise _with_path(exc, what, path) from exc


def _decode(message_type: type[M], data: bytes, what: str, path: str) -> M:
    message = message_type()
    try:
        message.ParseFromString(data)
    except DecodeError as exc:
        name = message_type.DESCRIPTOR.full_name
        msg = f"{what} @[{redact(path)}] does not decode as {name} ({len(data)} bytes): {exc}"
        raise CorruptDataError(msg) from exc
    remember_encoding(message, data)  # written back unchanged, it keeps these bytes
    return message


def _error_from(data: bytes, path: str) -> ExecutionError:
    document = _decode(core.ErrorDocument, data, "error file", path)
    return ExecutionError.from_error_document(document, path=redact(path))


@final
class _SingleFileErrorReader:
    """The DEFAULT strategy: one ``error.pb``."""

    __slots__ = ("_kept", "_max_bytes", "_path", "_store")

    def __init__(self, store: BlobStore, path: DataReference, max_bytes: int | None) -> None:
        self._store = store
        self._path = path
        self._max_bytes = max_bytes
        self._kept: bytes | None = None

    async def is_error(self) -> bool:
        self._kept = None  # a probe that fails or finds nothing leaves no bytes behind
        try:
            self._kept = await _fetch(self._store, self._path, "error file", self._max_bytes)
        except NotFoundError:
            return False
        return True

    async def read_error(self) -> ExecutionError:
        data, self._kept = self._kept, None
        if data is None:
            try:
                data = await _fetch(self._store, self._path, "error file", self._max_bytes)
            except NotFoundError:
                return ExecutionError(
                    code="ErrorFileNotFound",
                    message=f"error file not found @[{redact(self._path)}]",
                    kind=ErrorKind.SYSTEM,
                    is_recoverable=True,
                )
        return _error_from(data, self._path)


@final
class _EarliestErrorReader:
    """The EARLIEST strategy: every ``<stem>*<extension>`` beside the error path."""

    __slots__ = ("_extension", "_kept", "_max_bytes", "_prefix", "_store")

    def __init__(self, store: BlobStore, path: DataReference, max_bytes: int | None) -> None:
        directory, slash, filename = path.rpartition("/")
        pieces = filename.split(".")
        if len(pieces) != 2:  # noqa: PLR2004 - a stem and an extension
            msg = (
                f"the EARLIEST error strategy needs an error file name with exactly one dot, "
                f"got {filename!r} in {redact(path)}"
            )
            raise InvalidReferenceError(msg)
        self._store = store
        self._prefix = DataReference(f"{directory}{slash}{pieces[0]}")
        self._extension = f".{pieces[1]}"
        self._max_bytes = max_bytes
        self._kept: list[tuple[DataReference, bytes]] | None = None

    async def _error_files(self) -> list[DataReference]:
        found: list[DataReference] = []
        cursor: str | None = None
        while True:
            try:
                page = await self._store.list(
                    self._prefix, max_items=_LIST_PAGE_SIZE, cursor=cursor
                )
            except StorageError as exc:
                msg = f"failed to list error files @[{redact(self._prefix)}]: {exc}"
                raise StorageError(msg) from exc
            found.extend(item for item in page.items if item.endswith(self._extension))
            cursor = page.cursor
            if cursor is None:
                return found

    async def _documents(self) -> list[tuple[DataReference, bytes]]:
        files = await self._error_files()
        limit = asyncio.Semaphore(_CONCURRENT_ERROR_READS)

        async def read(path: DataReference) -> bytes | None:
            async with limit:
                try:
                    return await _fetch(self._store, path, "error file", self._max_bytes)
                except NotFoundError:
                    return None  # deleted since the listing: not an error file any more

        contents = await asyncio.gather(*map(read, files))
        return [
            (path, data) for path, data in zip(files, contents, strict=True) if data is not None
        ]

    async def is_error(self) -> bool:
        self._kept = None  # a probe that fails or finds nothing leaves no documents behind
        self._kept = await self._documents() or None
        return self._kept is not None

    async def read_error(self) -> ExecutionError:
        documents, self._kept = self._kept, None
        if documents is None:
            documents = await self._documents()
        earliest: tuple[tuple[int, int], ExecutionError] | None = None
        for path, data in documents:
            document = _decode(core.ErrorDocument, data, "error file", path)
            stamp = document.error.timestamp  # unset reads as the epoch, as in the engine
            when = (stamp.seconds, stamp.nanos)
            if earliest is None or when < earliest[0]:  # ties: the first listed wins
                error = ExecutionError.from_error_document(document, path=redact(path))
                earliest = (when, error)
        return ExecutionError() if earliest is None else earliest[1]


_ERROR_READERS: dict[
    ErrorAggregationStrategy, type[_SingleFileErrorReader | _EarliestErrorReader]
] = {
    ErrorAggregationStrategy.DEFAULT: _SingleFileErrorReader,
    ErrorAggregationStrategy.EARLIEST: _EarliestErrorReader,
}


def _check_limit(value: int | None) -> int | None:
    if value is not None and (isinstance(value, bool) or value < 1):
        msg = f"max_payload_bytes must be a positive integer or None, got {value!r}"
        raise InvalidArgumentError(msg)
    return value


@final
class RemoteFileOutputReader:
    """An :class:`~kozmo_io.protocols.OrderedOutputReader` over the files under an output prefix.

    Args:
        store: The store holding the task's files.
        paths: Where they are (e.g. :class:`~kozmo_io.ioutils.ReadOnlyOutputFilePaths`); the paths
            are read once, here.
        max_payload_bytes: Read limit in bytes for ``outputs.pb`` and the error files (strictly
            larger is refused); ``None`` means the store's limit (2 MiB by default).
        error_aggregation: How the error is found (see :class:`ErrorAggregationStrategy`).

    Raises:
        InvalidArgumentError: ``max_payload_bytes`` is 0 or negative, or the strategy is unknown.
        InvalidReferenceError: EARLIEST and the error file name does not have exactly one dot.
    """

    __slots__ = (
        "_deck_path",
        "_error_reader",
        "_kept",
        "_max_bytes",
        "_output_path",
        "_paths",
        "_store",
    )

    def __init__(
        self,
        store: BlobStore,
        paths: OutputFilePaths,
        *,
        max_payload_bytes: int | None = None,
        error_aggregation: ErrorAggregationStrategy = ErrorAggregationStrategy.DEFAULT,
    ) -> None:
        """Build the reader; no storage request."""
        self._max_bytes = _check_limit(max_payload_bytes)
        self._paths = paths
        self._output_path = paths.get_output_path()
        self._deck_path = paths.get_deck_path()
        error_path = paths.get_error_path()
        error_reader = _ERROR_READERS.get(error_aggregation)
        if error_reader is None:
            msg = f"unknown error aggregation strategy {error_aggregation!r}"
            raise InvalidArgumentError(msg)
        self._error_reader = error_reader(store, error_path, self._max_bytes)
        self._store = store
        self._kept: bytes | None = None

    @property
    def paths(self) -> OutputFilePaths:
        """The paths the reader reads."""
        return self._paths

    def is_file(self) -> bool:
        """Return True: the outputs already live at the output paths. No storage request."""
        return True

    async def is_error(self) -> bool:
        """Tell whether the task left an error document.

        One GET of ``error.pb``, whose bytes are kept for :meth:`read_error` (EARLIEST: one LIST
        per 1000 listed files, then one GET per error file).

        Returns:
            True when an error document exists.

        Raises:
            PayloadTooLargeError: An error document is larger than the limit.
            StorageError: The store failed.
        """
        return await self._error_reader.is_error()

    async def read_error(self) -> ExecutionError:
        """Read the task's error.

        No request right after an :meth:`is_error` that returned True (its bytes are used); else
        one GET (EARLIEST: the listing and GETs of :meth:`is_error`).

        Returns:
            The error (origin, timestamp and worker included). A missing ``error.pb`` reads as code
            ``ErrorFileNotFound`` (SYSTEM, recoverable, naming the path); a document without an
            error as ``ErrorFileBadFormat``. EARLIEST: the error with the earliest timestamp (an
            unset one counts as the epoch; ties go to the first listed), or the zero
            ``ExecutionError()`` when there is no error file.

        Raises:
            PayloadTooLargeError: An error document is larger than the limit.
            CorruptDataError: An error document does not decode.
            StorageError: The store failed.
        """
        return await self._error_reader.read_error()

    async def exists(self) -> bool:
        """Tell whether ``outputs.pb`` exists and fits the limit.

        One bounded GET, whose bytes are kept for :meth:`read` (an oversized file is refused from
        the response metadata, before its body is downloaded).

        Returns:
            True when the outputs exist.

        Raises:
            PayloadTooLargeError: ``outputs.pb`` is larger than the limit (the engine's
                "OutputSizeExceeded").
            StorageError: The store failed.
        """
        self._kept = None  # a probe that fails or finds nothing leaves no bytes behind
        try:
            self._kept = await _fetch(self._store, self._output_path, "outputs", self._max_bytes)
        except NotFoundError:
            return False
        return True

    async def read(self) -> tuple[core.LiteralMap | None, ExecutionError | None]:
        """Read the outputs.

        No request right after an :meth:`exists` that returned True (its bytes are used); else
        one GET.

        Returns:
            ``(outputs, None)``; or ``(None, error)`` with code ``No outputs produced`` (kind
            UNKNOWN, recoverable) when ``outputs.pb`` holds no literal (empty file or empty map).

        Raises:
            NotFoundError: ``outputs.pb`` is missing (a system problem, never a task error).
            PayloadTooLargeError: ``outputs.pb`` is larger than the limit.
            CorruptDataError: ``outputs.pb`` does not decode.
            StorageError: The store failed.
        """
        return await self._read(core.LiteralMap)

    async def read_outputs(self) -> tuple[core.Outputs | None, ExecutionError | None]:
        """Read the outputs in declared order, with the artifacts the task produced.

        Costs what :meth:`read` costs (the bytes kept by :meth:`exists` serve either, once).

        Returns:
            ``(outputs, None)`` with the named literals in file order (a name given twice appears
            twice; a first-generation file reads in the order its entries were written) and the
            produced artifacts; or ``(None, error)`` exactly as :meth:`read` when ``outputs.pb``
            holds no literal.

        Raises:
            NotFoundError: ``outputs.pb`` is missing (a system problem, never a task error).
            PayloadTooLargeError: ``outputs.pb`` is larger than the limit.
            CorruptDataError: ``outputs.pb`` does not decode.
            StorageError: The store failed.
        """
        return await self._read(core.Outputs)

    async def _read(
        self, message_type: type[_Named]
    ) -> tuple[_Named | None, ExecutionError | None]:
        data, self._kept = self._kept, None
        if data is None:
            data = await _fetch(self._store, self._output_path, "outputs", self._max_bytes)
        outputs = _decode(message_type, data, "outputs", self._output_path)
        if not outputs.literals:
            return None, ExecutionError(
                code="No outputs produced",
                message=f"outputs not found at [{redact(self._output_path)}]",
                kind=ErrorKind.UNKNOWN,
                is_recoverable=True,
            )
        return outputs, None

    async def deck_exists(self) -> bool:
        """Tell whether the deck file exists (its size is not checked). One HEAD.

        Raises:
            StorageError: The store failed.
        """
        meta = await self._store.head(self._deck_path)
        return meta.exists
