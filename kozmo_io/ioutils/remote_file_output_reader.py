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
``max_payload_bytes=None`` is the store's limit and 0 is refused; the error is read from
``get_error_path()`` verbatim (the engine re-built the path through a split and join that decoded
percent-escapes, collapsed ``//`` and refused scheme-less paths). Every difference from the Go
reader is listed in ``docs/differences-from-go.md`` in the repository.

A distributed task's workers each write their own error file: give the reader an
``error_reader`` (:class:`~kozmo_io.ioutils.EarliestErrorReader`, the engine's EARLIEST strategy,
or any :class:`~kozmo_io.protocols.ErrorReader`) to answer :meth:`~RemoteFileOutputReader.is_error`
and :meth:`~RemoteFileOutputReader.read_error` in its place.
"""

from __future__ import annotations

from typing import TypeVar, final

from google.protobuf.message import Message

from kozmo_io import core
from kozmo_io.errors import InvalidArgumentError, NotFoundError, PayloadTooLargeError, StorageError
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.protocols import ErrorReader, OutputFilePaths
from kozmo_io.reference import DataReference, redact
from kozmo_io.storage import BlobStore, decode_message, error_with_path, optional_positive_limit

__all__ = ("RemoteFileOutputReader",)

_Named = TypeVar("_Named", core.LiteralMap, core.Outputs)


async def _fetch(store: BlobStore, path: str, what: str, max_bytes: int | None) -> bytes:
    """One bounded GET; every store error names ``path``."""
    try:
        return await store.get(path, max_bytes=max_bytes)
    except (NotFoundError, PayloadTooLargeError, StorageError) as exc:
        raise error_with_path(exc, path, what=what) from exc


def _error_from(data: bytes, path: str) -> ExecutionError:
    document = decode_message(core.ErrorDocument, data, path, what="error file")
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
class RemoteFileOutputReader:
    """An :class:`~kozmo_io.protocols.OrderedOutputReader` over the files under an output prefix.

    Args:
        store: The store holding the task's files.
        paths: Where they are (e.g. :class:`~kozmo_io.ioutils.ReadOnlyOutputFilePaths`); the paths
            are read once, here.
        max_payload_bytes: Read limit in bytes for ``outputs.pb`` and the error files (strictly
            larger is refused); ``None`` means the store's limit (2 MiB by default).
        error_reader: Answers :meth:`is_error` and :meth:`read_error` in place of the single
            ``get_error_path()`` (e.g. :class:`~kozmo_io.ioutils.EarliestErrorReader` for a
            distributed task's worker errors); ``None`` reads that one file.

    Raises:
        InvalidArgumentError: ``max_payload_bytes`` is not a positive integer or None, or
            ``error_reader`` is not an :class:`~kozmo_io.protocols.ErrorReader`.
    """

    __slots__ = (
        "_deck_path",
        "_decoded",
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
        error_reader: ErrorReader | None = None,
    ) -> None:
        """Build the reader; no storage request."""
        self._max_bytes = optional_positive_limit(max_payload_bytes, "max_payload_bytes")
        given: object = error_reader  # typed, but an untyped caller may pass anything
        if given is not None and not isinstance(given, ErrorReader):
            msg = f"error_reader must be an ErrorReader, got {type(given).__name__}"
            raise InvalidArgumentError(msg)
        self._paths = paths
        self._output_path = paths.get_output_path()
        self._deck_path = paths.get_deck_path()
        self._error_reader: ErrorReader = (
            _SingleFileErrorReader(store, paths.get_error_path(), self._max_bytes)
            if error_reader is None
            else error_reader
        )
        self._store = store
        self._kept: bytes | None = None
        # The outputs returned last and the bytes they were decoded from, for decoded_from(). The
        # reader holds the message itself, so no other message can ever be taken for it.
        self._decoded: tuple[core.LiteralMap | core.Outputs, bytes] | None = None

    @property
    def paths(self) -> OutputFilePaths:
        """The paths the reader reads."""
        return self._paths

    def is_file(self) -> bool:
        """Return True: the outputs already live at the output paths. No storage request."""
        return True

    async def is_error(self) -> bool:
        """Tell whether the task left an error document.

        One GET of ``error.pb``, whose bytes are kept for :meth:`read_error` (with an
        ``error_reader``, what it costs).

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
        one GET (with an ``error_reader``, what it costs).

        Returns:
            The error (origin, timestamp and worker included). A missing ``error.pb`` reads as code
            ``ErrorFileNotFound`` (SYSTEM, recoverable, naming the path); a document without an
            error as ``ErrorFileBadFormat``. With an ``error_reader``, what it returns.

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

    def decoded_from(self, message: Message, /) -> bytes | None:
        """Return the bytes of ``outputs.pb`` if ``message`` is the outputs returned last.

        Makes the reader an :class:`~kozmo_io.storage.EncodingSource`: a writer given it (as
        :class:`~kozmo_io.ioutils.RemoteFileOutputWriter`) writes outputs read and left unchanged
        with the bytes they were read from, map entries in their stored order. The reader keeps
        only the outputs its last :meth:`read` or :meth:`read_outputs` returned (it holds them
        until the next read). No storage request.

        Args:
            message: The message to look up, compared by identity (``is``), never by content.

        Returns:
            The bytes, or ``None`` for any other message.
        """
        decoded = self._decoded
        return decoded[1] if decoded is not None and decoded[0] is message else None

    async def _read(
        self, message_type: type[_Named]
    ) -> tuple[_Named | None, ExecutionError | None]:
        self._decoded = None
        data, self._kept = self._kept, None
        if data is None:
            data = await _fetch(self._store, self._output_path, "outputs", self._max_bytes)
        outputs = decode_message(message_type, data, self._output_path, what="outputs")
        if not outputs.literals:
            return None, ExecutionError(
                code="No outputs produced",
                message=f"outputs not found at [{redact(self._output_path)}]",
                kind=ErrorKind.UNKNOWN,
                is_recoverable=True,
            )
        self._decoded = (outputs, data)
        return outputs, None

    async def deck_exists(self) -> bool:
        """Tell whether the deck file exists (its size is not checked). One HEAD.

        Raises:
            StorageError: The store failed.
        """
        meta = await self._store.head(self._deck_path)
        return meta.exists
