"""The BlobStore behaviour of every obstore-backed store; subclasses only map references to keys.

Every request uses obstore's synchronous API, run in the worker threads of
:mod:`kozmo_io.storage._workers` (an in-process store runs it on the caller's thread): obstore's
asynchronous API hands results back from its runtime's threads, which can abort the process while
the interpreter finalizes. A whole operation (a read with its size checks and follow-up request,
a HEAD then DELETE, a listing) runs as one job, so it costs one thread hop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from obstore.exceptions import PreconditionError

from kozmo_io._secrets import redact_text, scrub
from kozmo_io.errors import (
    InvalidReferenceError,
    NotFoundError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.reference import DataReference
from kozmo_io.storage._arguments import (
    check_cursor,
    check_limit,
    check_range,
    positive_limit,
    read_limit,
)
from kozmo_io.storage._locations import Location, locate
from kozmo_io.storage._translate import BACKEND_ERRORS, translate
from kozmo_io.storage._workers import run_in_worker
from kozmo_io.storage.blobstore import ListPage, ObjectMeta

if TYPE_CHECKING:
    from collections.abc import Sequence

    from obstore import GetOptions, GetResult, ListStream
    from obstore import ObjectMeta as BackendMeta
    from obstore.store import ObjectStore

__all__ = ("PROBE_BYTES", "ObstoreBlobStore")

T = TypeVar("T")

PROBE_BYTES = 60 * 1024
"""How much a network store's limited read asks for first (see ``ObstoreBlobStore.get``)."""

# How a backend refuses a range that starts at or past the end of an existing object: HTTP 416
# (RFC 9110, 15.5.17) from the network stores, ``StartTooLarge`` from the local and memory ones.
# A missing object is a not-found error instead, so a refused range means an existing object.
_RANGE_REFUSALS = ("416 Range Not Satisfiable", "StartTooLarge")

# A network body is read in chunks of about this size, so a response that runs past the length
# its headers declare is stopped after at most one chunk more.
_BODY_CHUNK = 64 * 1024


async def _inline(function: Callable[..., T], /, *args: object) -> T:
    await asyncio.sleep(0)  # still let other tasks run, as a real request would
    return function(*args)


def _range_refused(exc: Exception) -> bool:
    text = str(exc)
    return not isinstance(exc, FileNotFoundError) and any(r in text for r in _RANGE_REFUSALS)


def _just_before(key: str) -> str | None:
    """Return a listing offset sorting before all keys that start with ``key``, or ``None``.

    The offset must itself parse as a backend path, so it is only nudged down when that stays plain.
    """
    previous = chr(ord(key[-1]) - 1) if key else ""
    if previous.isascii() and previous.isalnum():
        return key[:-1] + previous
    shorter = key[:-1]
    return shorter if shorter.rpartition("/")[2] not in {"", ".", ".."} else None


def _matching_keys(
    stream: ListStream[Sequence[BackendMeta]],
    wanted: str,
    offset: str | None,
    count: int,
    in_order: bool,  # noqa: FBT001 - private helper, one call site
) -> list[str]:
    """Return up to ``count`` keys starting with ``wanted``, after ``offset``, in key order."""
    if not in_order:
        keys = sorted(
            meta["path"]
            for meta in stream.collect()
            if meta["path"].startswith(wanted) and (offset is None or meta["path"] > offset)
        )
        return keys[:count]
    keys = []
    for chunk in stream:
        for meta in chunk:
            key = meta["path"]
            if offset is not None and key <= offset:
                continue  # a backend that ignores the offset (some emulators) starts earlier
            if key.startswith(wanted):
                keys.append(key)
                if len(keys) == count:
                    return keys
            elif key > wanted:
                return keys  # keys come sorted: none further on can start with ``wanted``
    return keys


class ObstoreBlobStore:
    """A :class:`~kozmo_io.storage.BlobStore` over one obstore store.

    Subclasses set which references they accept (:meth:`_key`) and how a listed key reads back as a
    reference (:meth:`_reference`).

    Args:
        store: The obstore store.
        max_payload_bytes: The store's read limit; ``None`` or ``0`` means unlimited.
    """

    # A backend whose delete succeeds on a missing object needs a HEAD first to report
    # NotFoundError.
    _delete_reports_missing = False
    # A backend that lists in key order lets a listing stop early; otherwise it is collected and
    # sorted.
    _lists_in_order = True
    # A network store opens a limited read with a bounded range of this many bytes: its response
    # names the object's size, so an oversized object costs one small request, not whatever the
    # connection had buffered before it was dropped. ``None`` reads in one unranged request.
    _probe_bytes: int | None = None
    # An in-process backend answers at once: its requests run on the caller's thread, skipping
    # the hop to a worker thread, and block nothing.
    _in_process = False
    # A backend that reads a body of exactly the length it declares (the local and memory ones
    # read what the file or buffer holds, up to that length); a network body is streamed and
    # checked against the length its response declares.
    _exact_bodies = True

    def __init__(self, store: ObjectStore, *, max_payload_bytes: int | None) -> None:
        """Wrap ``store``."""
        self._store = store
        self._max_payload_bytes = check_limit(max_payload_bytes, "max_payload_bytes")

    @property
    def max_payload_bytes(self) -> int | None:
        """The read limit used when ``get`` is not given one; ``None`` means unlimited."""
        return self._max_payload_bytes

    def _key(self, location: Location) -> str:
        """Return the backend key of ``location``; InvalidReferenceError when not in this store."""
        raise NotImplementedError

    def _reference(self, prefix: Location, key: str) -> DataReference:
        """Return the reference of backend ``key`` in the form of the listing ``prefix``."""
        raise NotImplementedError

    def _foreign(self, location: Location) -> InvalidReferenceError:
        return InvalidReferenceError(
            f"{location.reference.redacted()} is not in this store ({self!r})"
        )

    def _run(self, function: Callable[..., T], /, *args: object) -> Awaitable[T]:
        """Run one blocking job: in a worker thread, or here for an in-process backend."""
        if self._in_process:
            return _inline(function, *args)
        return run_in_worker(function, *args)

    async def head(self, path: str, /) -> ObjectMeta:
        """See :meth:`kozmo_io.storage.BlobStore.head`."""
        location = locate(path, need_key=True)
        return await self._run(self._head, location, self._key(location))

    def _head(self, location: Location, key: str) -> ObjectMeta:
        try:
            meta = self._store.head(key)
        except BACKEND_ERRORS as exc:
            error = translate(exc, "head", location.reference)
            if isinstance(error, NotFoundError):
                return ObjectMeta(location.reference, exists=False)
            raise error from exc
        return ObjectMeta(location.reference, exists=True, size=meta["size"], etag=meta["e_tag"])

    async def get(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        """See :meth:`kozmo_io.storage.BlobStore.get`."""
        function, args = self._read(path, max_bytes, byte_range)
        return await self._run(function, *args)

    def get_blocking(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        """See :meth:`kozmo_io.storage.BlockingReads.get_blocking`."""
        function, args = self._read(path, max_bytes, byte_range)
        return function(*args)

    def _read(
        self, path: str, max_bytes: int | None, byte_range: tuple[int, int] | None
    ) -> tuple[Callable[..., bytes], tuple[object, ...]]:
        """Check a read's arguments; return the blocking function doing it and its arguments."""
        location = locate(path, need_key=True)
        key = self._key(location)
        limit = read_limit(max_bytes, self._max_payload_bytes)
        if byte_range is None:
            if limit is not None and self._probe_bytes:
                return self._probed_get, (location, key, limit, self._probe_bytes)
            return self._whole_get, (location, key, limit)
        start, end = check_range(byte_range, location)
        if start == end:
            return self._empty_read, (location, key)
        return self._range_get, (location, key, start, end, limit)

    def _body(self, result: GetResult, location: Location) -> bytes:
        """Read the body of ``result``, exactly the length its response declares.

        A network body is streamed, so a response that runs past its declared length (a server
        that misreports the size) is stopped within one chunk: the limit checked against the
        declared length holds. The local and memory backends read exactly the declared length.
        """
        try:
            if self._exact_bodies:
                return bytes(result.bytes())
            first, stop = result.range
            declared = stop - first
            chunks: list[bytes] = []
            received = 0
            for chunk in result.stream(min_chunk_size=_BODY_CHUNK):
                received += len(chunk)
                if received > declared:
                    break  # dropping the stream closes the response with the rest unread
                chunks.append(chunk)
                if len(chunk) < _BODY_CHUNK:
                    # Only the last chunk is shorter than the minimum: the body has ended, and
                    # asking the stream for its end would cost one more wait on the runtime.
                    break
        except BACKEND_ERRORS as exc:
            raise translate(exc, "get", location.reference) from exc
        if received != declared:
            shown = location.reference.redacted()
            what = "runs past the" if received > declared else f"ended after {received} of the"
            msg = f"get {shown} failed: the response body {what} {declared} bytes it declares"
            raise StorageError(msg)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _range_get(
        self, location: Location, key: str, start: int, end: int, limit: int | None
    ) -> bytes:
        """One ranged read, refused from its response metadata when over ``limit``."""
        try:
            result = self._store.get(key, options={"range": (start, end)})
        except BACKEND_ERRORS as exc:
            if _range_refused(exc):
                return b""  # the object exists and ends at or before ``start``
            raise translate(exc, "get", location.reference) from exc
        first, stop = result.range
        if limit is not None and stop - first > limit:
            # Decided on the response metadata alone: dropping the result closes the response with
            # its body unread, so the object is never downloaded.
            del result
            raise PayloadTooLargeError(location.reference.redacted(), stop - first, limit)
        return self._body(result, location)

    def _probed_get(self, location: Location, key: str, limit: int, probe: int) -> bytes:
        """Read a whole object within ``limit``: one request up to ``probe`` bytes, else two.

        The second request asks for the rest on condition that the object is still the one the
        first saw (its etag); if it was replaced, one unranged read takes the new object whole, so
        the bytes never mix two versions. A failed request is reported as it is (never followed
        by another request that would spend the retry budget again).
        """
        try:
            first = self._store.get(key, options={"range": (0, min(probe, limit + 1))})
        except BACKEND_ERRORS as exc:
            if _range_refused(exc):
                return b""  # a range from byte 0 is refused only for an empty object
            raise translate(exc, "get", location.reference) from exc
        meta = first.meta  # a new dictionary at each call
        size = meta["size"]
        if size > limit:
            del first  # closes the response with the rest of the body unread
            raise PayloadTooLargeError(location.reference.redacted(), size, limit)
        head = self._body(first, location)
        if len(head) >= size:
            return head
        options: GetOptions = {"range": (len(head), size)}
        if meta["e_tag"]:
            options["if_match"] = meta["e_tag"]
        try:
            rest = self._store.get(key, options=options)
        except PreconditionError as exc:
            scrub(exc)  # it is the context of any error the next read raises
            return self._whole_get(location, key, limit)
        except BACKEND_ERRORS as exc:
            raise translate(exc, "get", location.reference) from exc
        return head + self._body(rest, location)

    def _whole_get(self, location: Location, key: str, limit: int | None) -> bytes:
        """One unranged read, refused from its response metadata when over ``limit``."""
        try:
            result = self._store.get(key)
        except BACKEND_ERRORS as exc:
            raise translate(exc, "get", location.reference) from exc
        size = result.meta["size"]
        if limit is not None and size > limit:
            del result  # closes the response with its body unread
            raise PayloadTooLargeError(location.reference.redacted(), size, limit)
        return self._body(result, location)

    def _empty_read(self, location: Location, key: str) -> bytes:
        """Answer an empty range: ``b""`` when the object exists (one HEAD)."""
        try:
            self._store.head(key)
        except BACKEND_ERRORS as exc:
            raise translate(exc, "get", location.reference) from exc
        return b""

    async def put(self, path: str, data: bytes, /) -> None:
        """See :meth:`kozmo_io.storage.BlobStore.put`."""
        location = locate(path, need_key=True)
        await self._run(self._put, location, self._key(location), data)

    def _put(self, location: Location, key: str, data: bytes) -> None:
        try:
            self._store.put(key, data)
        except BACKEND_ERRORS as exc:
            raise translate(exc, "put", location.reference) from exc

    async def delete(self, path: str, /) -> None:
        """See :meth:`kozmo_io.storage.BlobStore.delete`."""
        location = locate(path, need_key=True)
        await self._run(self._delete, location, self._key(location))

    def _delete(self, location: Location, key: str) -> None:
        try:
            if not self._delete_reports_missing:
                self._store.head(key)
            self._store.delete(key)
        except BACKEND_ERRORS as exc:
            raise translate(exc, "delete", location.reference) from exc

    async def list(
        self, prefix: str, /, *, max_items: int = 1000, cursor: str | None = None
    ) -> ListPage:
        """See :meth:`kozmo_io.storage.BlobStore.list`."""
        location = locate(prefix, need_key=False)
        wanted = self._key(location)
        if wanted and (location.directory or not location.key):
            wanted += "/"  # stay inside the directory (or the memory store's container) named
        limit = positive_limit(max_items, "max_items")
        return await self._run(self._list, location, wanted, limit, check_cursor(cursor))

    def _list(self, location: Location, wanted: str, limit: int, cursor: str | None) -> ListPage:
        # obstore lists whole path segments, so ask for the directory holding the prefix and filter;
        # start after the cursor, or just before the prefix so earlier siblings are skipped by the
        # backend.
        directory = wanted.rpartition("/")[0] or None
        offset = cursor if cursor is not None else _just_before(wanted)
        try:
            stream = self._store.list(directory, offset=offset, chunk_size=min(limit + 1, 1000))
            keys = _matching_keys(stream, wanted, offset, limit + 1, self._lists_in_order)
        except BACKEND_ERRORS as exc:
            raise translate(exc, "list", location.reference) from exc
        page = keys[:limit]
        next_cursor = page[-1] if len(keys) > limit else None
        return ListPage(tuple(self._reference(location, key) for key in page), next_cursor)

    def __repr__(self) -> str:
        """Name the store and its backend (redacted: an endpoint may carry credentials)."""
        return f"{type(self).__name__}({redact_text(repr(self._store))})"
