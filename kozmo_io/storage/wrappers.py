"""BlobStore wrappers: :class:`CachedStore` (a byte cache) and :class:`CountingStore`."""

from __future__ import annotations

import enum
from collections import OrderedDict
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, final

from kozmo_io.errors import InvalidArgumentError, PayloadTooLargeError
from kozmo_io.storage._arguments import check_limit, check_range, positive_limit, read_limit
from kozmo_io.storage._locations import cache_key, locate
from kozmo_io.storage.blobstore import DEFAULT_MAX_PAYLOAD_BYTES, BlobStore, ListPage, ObjectMeta

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ("CachedStore", "CountingStore")

_METHODS = ("delete", "get", "head", "list", "put")


class _Default(enum.Enum):
    INHERIT = enum.auto()


_INHERIT = _Default.INHERIT


def _limit_of(store: BlobStore) -> int | None:
    """The default read limit of ``store``: its ``max_payload_bytes`` if it has one, else 2 MiB."""
    return check_limit(
        getattr(store, "max_payload_bytes", DEFAULT_MAX_PAYLOAD_BYTES), "max_payload_bytes"
    )


def _own_limit(
    inner: BlobStore, max_payload_bytes: int | Literal[_Default.INHERIT] | None
) -> int | None:
    """The read limit of a :class:`CachedStore` over ``inner``: never above the limit of ``inner``.

    Raises:
        InvalidArgumentError: ``max_payload_bytes`` is malformed or larger than the inner limit.
    """
    inner_limit = _limit_of(inner)
    if max_payload_bytes is _INHERIT:
        return inner_limit
    limit = check_limit(max_payload_bytes, "max_payload_bytes")
    if inner_limit is not None and (limit is None or limit > inner_limit):
        asked = "no limit" if limit is None else f"{limit} bytes"
        msg = (
            f"max_payload_bytes of a CachedStore cannot exceed the read limit of the store it "
            f"wraps ({inner_limit} bytes), got {asked}: the cache would return objects the "
            f"store refuses; raise the store's own max_payload_bytes instead"
        )
        raise InvalidArgumentError(msg)
    return limit


@final
class CountingStore:
    """A BlobStore that counts the calls made to the store it wraps, per method, then delegates.

    Every call counts as one request, including calls that fail; wrap the store a reader uses to
    prove its request budget (``assert store.counts["get"] == 1``, ``assert store.total <= 2``).

    Args:
        inner: The store to wrap.
    """

    def __init__(self, inner: BlobStore, /) -> None:
        """Wrap ``inner`` with all counts at zero."""
        self._inner = inner
        self._counts = dict.fromkeys(_METHODS, 0)

    @property
    def inner(self) -> BlobStore:
        """The wrapped store."""
        return self._inner

    @property
    def counts(self) -> Mapping[str, int]:
        """Calls per method (``delete``, ``get``, ``head``, ``list``, ``put``), a live view."""
        return MappingProxyType(self._counts)

    @property
    def total(self) -> int:
        """Calls of every method together."""
        return sum(self._counts.values())

    @property
    def max_payload_bytes(self) -> int | None:
        """The read limit of the wrapped store."""
        return _limit_of(self._inner)

    def reset(self) -> None:
        """Set every count back to zero."""
        self._counts.update(dict.fromkeys(_METHODS, 0))

    async def head(self, path: str, /) -> ObjectMeta:
        """Count, then delegate :meth:`BlobStore.head`."""
        self._counts["head"] += 1
        return await self._inner.head(path)

    async def get(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        """Count, then delegate :meth:`BlobStore.get`."""
        self._counts["get"] += 1
        return await self._inner.get(path, max_bytes=max_bytes, byte_range=byte_range)

    async def put(self, path: str, data: bytes, /) -> None:
        """Count, then delegate :meth:`BlobStore.put`."""
        self._counts["put"] += 1
        await self._inner.put(path, data)

    async def list(
        self, prefix: str, /, *, max_items: int = 1000, cursor: str | None = None
    ) -> ListPage:
        """Count, then delegate :meth:`BlobStore.list`."""
        self._counts["list"] += 1
        return await self._inner.list(prefix, max_items=max_items, cursor=cursor)

    async def delete(self, path: str, /) -> None:
        """Count, then delegate :meth:`BlobStore.delete`."""
        self._counts["delete"] += 1
        await self._inner.delete(path)

    def __repr__(self) -> str:
        """Show the counts."""
        return f"CountingStore({self._inner!r}, counts={dict(self._counts)!r})"


@final
class CachedStore:
    """A BlobStore that keeps whole objects in memory (like the Go engine's cached raw store).

    Entries never expire; the least recently used are evicted once the cached bytes would exceed
    ``max_bytes``. An object larger than the whole cache is returned (or written) but not cached.
    ``get`` of a cached object and ``head`` of a cached object (``exists=True``, size from the
    cache, no etag) make no request; ``put`` writes through and then caches; ``delete`` drops the
    entry, then delegates; ``list`` always delegates. Only the object's own writes through this
    wrapper keep the cache fresh: do not let another writer change objects behind it.

    The cache keeps the wrapped store's contract: it answers only references the store itself has
    accepted for that object (by a read or a write through this wrapper). Another spelling of the
    same object (``s3a://`` for ``s3://``, ``memory://`` for a local path, a reference the store
    serves no longer or never did) goes to the store, which answers or refuses it as it would
    without the cache.

    The read limit (``get`` without ``max_bytes``) is the same for a hit and a miss, and never
    larger than the wrapped store's: the cache never returns an object the store would refuse. By
    default it is the store's own; a smaller one applies to every read through the cache (a miss
    asks the store with it), and a larger one, or none over a store that has one, is refused. A
    ``get`` given ``max_bytes`` reads under that limit, hit or miss, as the store would.

    Args:
        inner: The store to wrap.
        max_bytes: Cache capacity in bytes (a positive integer).
        max_payload_bytes: Read limit when ``get`` is not given one; by default that of ``inner``
            (its ``max_payload_bytes`` attribute, else 2 MiB). ``None`` or ``0`` means unlimited,
            allowed only over a store without a limit.

    Raises:
        InvalidArgumentError: ``max_bytes`` is not a positive integer, or ``max_payload_bytes``
            is not ``None`` or a non-negative integer, or is larger than the limit of ``inner``
            (``None`` and ``0`` count as larger than any limit).
    """

    def __init__(
        self,
        inner: BlobStore,
        /,
        *,
        max_bytes: int,
        max_payload_bytes: int | Literal[_Default.INHERIT] | None = _INHERIT,
    ) -> None:
        """Wrap ``inner`` with an empty cache."""
        self._inner = inner
        self._capacity = positive_limit(max_bytes, "max_bytes")
        self._limit = _own_limit(inner, max_payload_bytes)
        self._entries: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        # The exact references the inner store accepted for each cached object: only these hit.
        self._accepted: dict[tuple[str, str], set[str]] = {}
        self._size = 0
        # Bumped by every write and delete: a read that started before one must not cache what it
        # fetched.
        self._generation = 0

    @property
    def inner(self) -> BlobStore:
        """The wrapped store."""
        return self._inner

    @property
    def max_bytes(self) -> int:
        """Cache capacity in bytes."""
        return self._capacity

    @property
    def cached_bytes(self) -> int:
        """Bytes held in the cache now."""
        return self._size

    @property
    def max_payload_bytes(self) -> int | None:
        """The read limit used when ``get`` is not given one; ``None`` means unlimited."""
        return self._limit

    def _forget(self, key: tuple[str, str]) -> None:
        old = self._entries.pop(key, None)
        self._accepted.pop(key, None)
        if old is not None:
            self._size -= len(old)

    def _remember(self, key: tuple[str, str], data: bytes, reference: str) -> None:
        accepted = self._accepted.get(key, set())
        self._forget(key)
        if len(data) > self._capacity:
            return
        self._entries[key] = data
        self._accepted[key] = accepted | {reference}
        self._size += len(data)
        while self._size > self._capacity:
            evicted_key, evicted = self._entries.popitem(last=False)
            self._accepted.pop(evicted_key, None)
            self._size -= len(evicted)

    def _hit(self, key: tuple[str, str], reference: str) -> bytes | None:
        """The cached bytes, if ``reference`` is one the inner store accepted for them."""
        if reference not in self._accepted.get(key, ()):
            return None
        return self._entries.get(key)

    async def head(self, path: str, /) -> ObjectMeta:
        """See :meth:`BlobStore.head`; a cached object answers without a request."""
        location = locate(path, need_key=True)
        cached = self._hit(cache_key(location), str(path))
        if cached is not None:
            return ObjectMeta(location.reference, exists=True, size=len(cached))
        return await self._inner.head(path)

    async def get(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        """See :meth:`BlobStore.get`; a hit makes no request, a whole read on a miss is cached."""
        location = locate(path, need_key=True)
        key = cache_key(location)
        cached = self._hit(key, str(path))
        if cached is None:
            generation = self._generation
            # The cache's limit, passed on: a miss refuses what a hit would refuse.
            limit = read_limit(max_bytes, self._limit)
            data = await self._inner.get(path, max_bytes=limit, byte_range=byte_range)
            if byte_range is None and generation == self._generation:
                self._remember(key, data, str(path))
            return data
        self._entries.move_to_end(key)
        limit = read_limit(max_bytes, self._limit)
        if byte_range is not None:
            start, end = check_range(byte_range, location)
            cached = cached[start:end]
        if limit is not None and len(cached) > limit:
            raise PayloadTooLargeError(location.reference.redacted(), len(cached), limit)
        return cached

    async def put(self, path: str, data: bytes, /) -> None:
        """See :meth:`BlobStore.put`; writes through, then caches ``data``."""
        key = cache_key(locate(path, need_key=True))
        self._generation += 1
        self._forget(key)
        try:
            await self._inner.put(path, data)
        finally:
            # Again once the write is over: a read that started during it may hold the old bytes.
            self._generation += 1
        self._remember(key, bytes(data), str(path))

    async def list(
        self, prefix: str, /, *, max_items: int = 1000, cursor: str | None = None
    ) -> ListPage:
        """See :meth:`BlobStore.list`; always delegated."""
        return await self._inner.list(prefix, max_items=max_items, cursor=cursor)

    async def delete(self, path: str, /) -> None:
        """See :meth:`BlobStore.delete`; drops the entry, then delegates."""
        key = cache_key(locate(path, need_key=True))
        self._generation += 1
        self._forget(key)
        try:
            await self._inner.delete(path)
        finally:
            # Again once the delete is over: a read that started during it may hold the object.
            self._generation += 1

    def __repr__(self) -> str:
        """Show the wrapped store and the cache's fill."""
        return (
            f"CachedStore({self._inner!r}, max_bytes={self._capacity}, cached_bytes={self._size})"
        )
