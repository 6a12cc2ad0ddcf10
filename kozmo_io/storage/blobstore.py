"""The narrow storage contract every kozmo_io reader and writer talks to: :class:`BlobStore`.

A store takes FULL references in every method (``s3://bucket/out/outputs.pb``,
``/output/outputs.pb``, ``memory://x/y``), maps them to its backend keys and rejects references that
are malformed, hostile (``..`` or ``.`` segments, empty segments, control characters, a query or
fragment) or that belong to another store with :class:`~kozmo_io.errors.InvalidReferenceError`,
before any request.
"""

from __future__ import annotations

from typing import final

import attrs
from typing_extensions import Protocol, runtime_checkable

from kozmo_io.reference import DataReference

__all__ = (
    "BlobStore",
    "BlockingReads",
    "DEFAULT_MAX_PAYLOAD_BYTES",
    "ListPage",
    "ObjectMeta",
)

DEFAULT_MAX_PAYLOAD_BYTES: int = 2 * 1024 * 1024
"""A store's read limit unless configured otherwise: 2 MiB (Go's ``maxDownloadMBs`` default)."""


def _reference(value: str) -> DataReference:
    return value if isinstance(value, DataReference) else DataReference(value)


def _references(values: tuple[str, ...] | list[str]) -> tuple[DataReference, ...]:
    return tuple(map(_reference, values))


@final
@attrs.frozen
class ObjectMeta:
    """What :meth:`BlobStore.head` says about an object.

    Args:
        path: The reference that was asked about.
        exists: Whether the object exists.
        size: Its size in bytes (0 when it does not exist).
        etag: The backend's entity tag, when it gives one.
    """

    path: DataReference = attrs.field(converter=_reference)
    exists: bool
    size: int = 0
    etag: str | None = None


@final
@attrs.frozen
class ListPage:
    """One page of a listing.

    Args:
        items: Full references of the objects, in listing order (e.g. ``s3://bucket/a/1``); each is
            accepted back by the store that listed it.
        cursor: Pass it to the next :meth:`BlobStore.list` call to get the next page; ``None`` at
            the end.
    """

    items: tuple[DataReference, ...] = attrs.field(converter=_references)
    cursor: str | None


@runtime_checkable
class BlobStore(Protocol):
    """An object store addressed by full references; every method is one logical request.

    Implementations in :mod:`kozmo_io.storage.stores` (memory, local directory, S3, GCS, Azure on
    obstore) and the wrappers :class:`~kozmo_io.storage.CachedStore` and
    :class:`~kozmo_io.storage.CountingStore`.
    """

    async def head(self, path: str, /) -> ObjectMeta:
        """Describe an object.

        Args:
            path: Full reference of the object.

        Returns:
            Its metadata; a missing object gives ``exists=False`` (never :class:`NotFoundError`).

        Raises:
            InvalidReferenceError: ``path`` is malformed, hostile or not in this store.
            StorageError: The store failed.
        """
        ...

    async def get(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        """Read an object, or a byte range of it.

        The size is checked from the response metadata before the body is read, so an oversized
        object is never downloaded. One request, except on network stores (S3, GCS, Azure), whose
        limited whole-object read asks for the first 60 KiB with a ranged GET: an object up to
        that size or over the limit costs one request that transfers at most 60 KiB; a larger one
        within the limit costs a second request for the rest, on condition that the object is
        unchanged (otherwise one unranged read takes the new object), so the bytes never mix two
        versions.

        Args:
            path: Full reference of the object.
            max_bytes: Largest number of bytes the read may return (a positive integer); ``None``
                means the store's own limit.
            byte_range: ``(start, end)``, end exclusive, ``0 <= start <= end``; clipped to the
                object like a slice (a range past the end reads ``b""``).

        Returns:
            The bytes.

        Raises:
            NotFoundError: The object does not exist.
            PayloadTooLargeError: The bytes to return number strictly more than the limit.
            InvalidReferenceError: ``path`` is malformed, hostile or not in this store.
            InvalidArgumentError: A bad limit or range.
            StorageError: The store failed.
        """
        ...

    async def put(self, path: str, data: bytes, /) -> None:
        """Write an object atomically: readers see the old or the new object, never a part.

        Args:
            path: Full reference of the object.
            data: Its new content.

        Raises:
            InvalidReferenceError: ``path`` is malformed, hostile or not in this store.
            StorageError: The store failed.
        """
        ...

    async def list(
        self, prefix: str, /, *, max_items: int = 1000, cursor: str | None = None
    ) -> ListPage:
        """List every object whose key starts with the key of ``prefix`` (not a directory listing).

        ``s3://b/out/error`` lists ``out/error.pb``, ``out/error-1.pb`` and ``out/errors/x.pb``; a
        trailing ``/`` (``s3://b/out/``) keeps to keys under ``out/``. Items come in key order.

        Args:
            prefix: Full reference of the prefix (``s3://bucket`` lists the whole bucket).
            max_items: Largest number of items in the page (a positive integer).
            cursor: The cursor of the previous page, or ``None`` to start.

        Returns:
            One page; its cursor is ``None`` when no more items follow.

        Raises:
            InvalidReferenceError: ``prefix`` is malformed, hostile or not in this store.
            InvalidArgumentError: A bad page size.
            StorageError: The store failed.
        """
        ...

    async def delete(self, path: str, /) -> None:
        """Delete an object.

        Args:
            path: Full reference of the object.

        Raises:
            NotFoundError: The object does not exist.
            InvalidReferenceError: ``path`` is malformed, hostile or not in this store.
            StorageError: The store failed.
        """
        ...


@runtime_checkable
class BlockingReads(Protocol):
    """A store that can also read blocking the calling thread: what bulk readers use.

    Every obstore-backed store has it. :func:`~kozmo_io.ioutils.stream_outputs` reads a store that
    has it in the worker threads of :func:`~kozmo_io.storage.map_in_workers`, a whole task's files
    per call, without a trip through the event loop for each request; any other
    :class:`BlobStore` is read with ``await get``.
    """

    def get_blocking(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        """Read an object as :meth:`BlobStore.get` does, blocking the calling thread.

        Call it from a worker thread (such as those of :func:`~kozmo_io.storage.map_in_workers`),
        never from a thread running an event loop, which it would stop for the whole request.

        Args:
            path: Full reference of the object.
            max_bytes: As for :meth:`BlobStore.get`.
            byte_range: As for :meth:`BlobStore.get`.

        Returns:
            The bytes.

        Raises:
            NotFoundError: The object does not exist.
            PayloadTooLargeError: The bytes to return number strictly more than the limit.
            InvalidReferenceError: ``path`` is malformed, hostile or not in this store.
            InvalidArgumentError: A bad limit or range.
            StorageError: The store failed.
        """
        ...
