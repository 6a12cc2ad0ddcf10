"""The EARLIEST error strategy of distributed tasks: :class:`EarliestErrorReader`.

A distributed task's workers each write ``error-<suffix>.pb`` beside the task's ``error.pb``. The
reader finds them by listing ``<error dir>/<error name stem>`` (e.g. ``s3://b/out/error``, which
also matches the single ``error.pb``) and reports the one with the earliest timestamp. Give it to
:class:`~kozmo_io.ioutils.RemoteFileOutputReader` as its ``error_reader``::

    reader = RemoteFileOutputReader(
        store, paths, error_reader=EarliestErrorReader(store, paths.get_error_path())
    )

Requests: one LIST per 1000 listed files, then one bounded GET per error file, whose bytes serve
the :meth:`~EarliestErrorReader.read_error` that follows. A file deleted between the listing and
its GET is skipped (the engine counted it as an error, then failed to read it).
"""

from __future__ import annotations

import asyncio
from typing import final

from kozmo_io import core
from kozmo_io.errors import (
    InvalidReferenceError,
    NotFoundError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.execution_error import ExecutionError
from kozmo_io.reference import DataReference, redact
from kozmo_io.storage import (
    BlobStore,
    decode_message,
    error_with_path,
    optional_positive_limit,
)

__all__ = ("EarliestErrorReader",)

_LIST_PAGE_SIZE = 1000
_CONCURRENT_ERROR_READS = 32


@final
class EarliestErrorReader:
    """An :class:`~kozmo_io.protocols.ErrorReader` over every ``<stem>*<extension>`` beside a path.

    Args:
        store: The store holding the error files.
        error_path: The task's error file (``<output prefix>/error.pb``); its name must have
            exactly one dot, splitting it into the stem listed and the extension kept.
        max_payload_bytes: Read limit in bytes for each error file (strictly larger is refused);
            ``None`` means the store's limit.

    Raises:
        InvalidReferenceError: The error file name does not have exactly one dot.
        InvalidArgumentError: ``max_payload_bytes`` is not a positive integer or None.
    """

    __slots__ = ("_extension", "_kept", "_max_bytes", "_prefix", "_store")

    def __init__(
        self, store: BlobStore, error_path: str, /, *, max_payload_bytes: int | None = None
    ) -> None:
        """Split ``error_path`` into the listing prefix and the extension; no storage request."""
        self._max_bytes = optional_positive_limit(max_payload_bytes, "max_payload_bytes")
        directory, slash, filename = error_path.rpartition("/")
        pieces = filename.split(".")
        if len(pieces) != 2:  # noqa: PLR2004 - a stem and an extension
            msg = (
                f"the EARLIEST error strategy needs an error file name with exactly one dot, "
                f"got {filename!r} in {redact(error_path)}"
            )
            raise InvalidReferenceError(msg)
        self._store = store
        self._prefix = DataReference(f"{directory}{slash}{pieces[0]}")
        self._extension = f".{pieces[1]}"
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
                    return await self._store.get(path, max_bytes=self._max_bytes)
                except NotFoundError:
                    return None  # deleted since the listing: not an error file any more
                except (PayloadTooLargeError, StorageError) as exc:
                    raise error_with_path(exc, path, what="error file") from exc

        contents = await asyncio.gather(*map(read, files))
        return [
            (path, data) for path, data in zip(files, contents, strict=True) if data is not None
        ]

    async def is_error(self) -> bool:
        """Tell whether any error file exists: the listing, then one GET per file listed.

        The bytes fetched are kept for the :meth:`read_error` that follows; a probe that fails or
        finds nothing keeps none.

        Raises:
            PayloadTooLargeError: An error file is larger than the limit.
            StorageError: The store failed (the message names the listing prefix or the file).
        """
        self._kept = None
        self._kept = await self._documents() or None
        return self._kept is not None

    async def read_error(self) -> ExecutionError:
        """Read the error with the earliest timestamp.

        No request right after an :meth:`is_error` that returned True; else those of
        :meth:`is_error`.

        Returns:
            The earliest error (an unset timestamp counts as the epoch, as in the engine; ties go
            to the first listed), or the zero ``ExecutionError()`` when there is no error file.

        Raises:
            PayloadTooLargeError: An error file is larger than the limit.
            CorruptDataError: An error file does not decode.
            StorageError: The store failed.
        """
        documents, self._kept = self._kept, None
        if documents is None:
            documents = await self._documents()
        earliest: tuple[tuple[int, int], ExecutionError] | None = None
        for path, data in documents:
            document = decode_message(core.ErrorDocument, data, path, what="error file")
            stamp = document.error.timestamp
            when = (stamp.seconds, stamp.nanos)
            if earliest is None or when < earliest[0]:
                error = ExecutionError.from_error_document(document, path=redact(path))
                earliest = (when, error)
        return ExecutionError() if earliest is None else earliest[1]
