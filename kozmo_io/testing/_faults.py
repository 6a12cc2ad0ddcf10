"""A BlobStore wrapper that injects faults at configurable rates: :class:`FaultyStore`.

Each call draws at most one fault from a generator seeded with the seed, the operation, the path and
how many times that operation was called on that path, so a path meets the same faults however the
calls of concurrent tasks interleave:

* *error*: the call raises :class:`~kozmo_io.errors.StorageError` (caused by a
  ``ConnectionResetError``), as a store does when its backend fails after retries. Half of the
  failed ``put`` calls fail *after* the write landed, as when the response is lost: the caller is
  told it failed although the object changed.
* *timeout*: the call waits ``timeout_seconds`` and then raises ``StorageError`` caused by a
  ``TimeoutError``, as a store whose client timeout fired (again half of the ``put`` calls after
  the write).
* *truncation* (``get`` only): the call returns a strict prefix of the object's bytes, as a broken
  backend would (a real store detects a short body and raises; this one does not, to test the
  decoders).
"""

from __future__ import annotations

import asyncio
import collections
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar, final

import attrs

from kozmo_io.errors import InvalidArgumentError, StorageError
from kozmo_io.reference import redact
from kozmo_io.storage import DEFAULT_MAX_PAYLOAD_BYTES, BlobStore, ListPage, ObjectMeta

__all__ = ("FaultCounts", "Faults", "FaultyStore")

T = TypeVar("T")

# The share of failed puts that fail after the write landed (the response was lost).
_LANDED_SHARE = 0.5


def _rate(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        msg = f"{attribute.name} must be a probability between 0 and 1, got {value!r}"
        raise InvalidArgumentError(msg)


@final
@attrs.frozen
class Faults:
    """Fault rates of a :class:`FaultyStore` (each a probability per call).

    Raises:
        InvalidArgumentError: A rate outside [0, 1], or rates adding up to more than 1.

    Args:
        error_rate: The call raises StorageError.
        timeout_rate: The call stalls for ``timeout_seconds``, then raises StorageError.
        truncate_rate: A ``get`` returns a strict prefix of the bytes.
        timeout_seconds: How long a timed-out call stalls.
    """

    error_rate: float = attrs.field(default=0.0, validator=_rate)
    timeout_rate: float = attrs.field(default=0.0, validator=_rate)
    truncate_rate: float = attrs.field(default=0.0, validator=_rate)
    timeout_seconds: float = 0.01

    def __attrs_post_init__(self) -> None:
        """Refuse rates that add up to more than one call in one."""
        if self.error_rate + self.timeout_rate + self.truncate_rate > 1.0:
            msg = f"the fault rates add up to more than 1: {self!r}"
            raise InvalidArgumentError(msg)


@final
@attrs.define
class FaultCounts:
    """What a :class:`FaultyStore` did.

    Args:
        operations: Calls made to the wrapper.
        errors: Calls that raised an injected StorageError.
        timeouts: Calls that stalled and then raised.
        truncations: ``get`` calls that returned a truncated object.
    """

    operations: int = 0
    errors: int = 0
    timeouts: int = 0
    truncations: int = 0

    @property
    def injected(self) -> int:
        """Every fault injected."""
        return self.errors + self.timeouts + self.truncations


@final
class FaultyStore:
    """Wrap a BlobStore and inject :class:`Faults` into its calls.

    Args:
        inner: The store to wrap.
        faults: The rates.
        seed: Seeds the faults (same seed and same calls per path, same faults).
    """

    def __init__(self, inner: BlobStore, /, *, faults: Faults, seed: int) -> None:
        """Wrap ``inner``."""
        self._inner = inner
        self.faults = faults
        self.counts = FaultCounts()
        self._seed = seed
        self._calls: collections.Counter[tuple[str, str]] = collections.Counter()

    @property
    def max_payload_bytes(self) -> int | None:
        """The read limit of the wrapped store."""
        limit: int | None = getattr(self._inner, "max_payload_bytes", DEFAULT_MAX_PAYLOAD_BYTES)
        return limit

    def _generator(self, operation: str, path: str) -> random.Random:
        call = self._calls[operation, path]
        self._calls[operation, path] += 1
        return random.Random(f"{self._seed}|{operation}|{path}|{call}")  # noqa: S311 - not secret

    def _draw(self, generator: random.Random, *, can_truncate: bool) -> str:
        self.counts.operations += 1
        draw = generator.random()
        rates = [("error", self.faults.error_rate), ("timeout", self.faults.timeout_rate)]
        if can_truncate:
            rates.append(("truncate", self.faults.truncate_rate))
        for fault, rate in rates:
            if draw < rate:
                return fault
            draw -= rate
        return ""

    async def _fail(self, fault: str, operation: str, path: str) -> None:
        shown = redact(path)
        if fault == "timeout":
            self.counts.timeouts += 1
            await asyncio.sleep(self.faults.timeout_seconds)
            msg = f"{operation} {shown} failed: injected timeout"
            raise StorageError(msg) from TimeoutError(msg)
        self.counts.errors += 1
        msg = f"{operation} {shown} failed: injected error"
        raise StorageError(msg) from ConnectionResetError(msg)

    async def _call(self, operation: str, path: str, call: Callable[[], Awaitable[T]]) -> T:
        fault = self._draw(self._generator(operation, path), can_truncate=False)
        if fault:
            await self._fail(fault, operation, path)
        return await call()

    async def head(self, path: str, /) -> ObjectMeta:
        """See :meth:`kozmo_io.storage.BlobStore.head`; may fail."""
        return await self._call("head", path, lambda: self._inner.head(path))

    async def get(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        """See :meth:`kozmo_io.storage.BlobStore.get`; may fail or return a truncated object."""
        generator = self._generator("get", path)
        fault = self._draw(generator, can_truncate=True)
        if fault and fault != "truncate":
            await self._fail(fault, "get", path)
        data = await self._inner.get(path, max_bytes=max_bytes, byte_range=byte_range)
        if fault == "truncate" and data:
            self.counts.truncations += 1
            return data[: generator.randrange(len(data))]
        return data

    async def put(self, path: str, data: bytes, /) -> None:
        """See :meth:`kozmo_io.storage.BlobStore.put`; may fail before or after the write lands."""
        generator = self._generator("put", path)
        fault = self._draw(generator, can_truncate=False)
        if fault and generator.random() < _LANDED_SHARE:
            await self._inner.put(path, data)
        if fault:
            await self._fail(fault, "put", path)
        await self._inner.put(path, data)

    async def list(
        self, prefix: str, /, *, max_items: int = 1000, cursor: str | None = None
    ) -> ListPage:
        """See :meth:`kozmo_io.storage.BlobStore.list`; may fail."""
        return await self._call(
            "list",
            prefix,
            lambda: self._inner.list(prefix, max_items=max_items, cursor=cursor),
        )

    async def delete(self, path: str, /) -> None:
        """See :meth:`kozmo_io.storage.BlobStore.delete`; may fail."""
        await self._call("delete", path, lambda: self._inner.delete(path))

    def __repr__(self) -> str:
        """Show the wrapped store, the rates and the counts."""
        return f"FaultyStore({self._inner!r}, {self.faults!r}, {self.counts!r})"
