"""Read a task's inputs once: :class:`CachedInputReader`, a read-through cache around any reader."""

from __future__ import annotations

import asyncio
from typing import final

from kozmo_io import core
from kozmo_io.protocols import InputReader
from kozmo_io.reference import DataReference

__all__ = ("CachedInputReader",)


@final
class CachedInputReader:
    """An :class:`~kozmo_io.protocols.InputReader` that calls the wrapped reader's ``get`` once.

    Safe for concurrent use: concurrent first calls wait for one read (an :class:`asyncio.Lock`).
    A failed read is not cached, so the next call tries again. A ``None`` result ("no inputs") is
    cached too (the engine re-read it on every call).

    Args:
        reader: The reader to wrap.
    """

    __slots__ = ("_cached", "_lock", "_reader")

    def __init__(self, reader: InputReader, /) -> None:
        """Wrap ``reader``; nothing is read yet."""
        self._reader = reader
        self._lock = asyncio.Lock()
        self._cached: tuple[core.LiteralMap | None] | None = None

    def get_input_prefix_path(self) -> DataReference:
        """Return the wrapped reader's input prefix. No storage request."""
        return self._reader.get_input_prefix_path()

    def get_input_path(self) -> DataReference:
        """Return the wrapped reader's inputs path. No storage request."""
        return self._reader.get_input_path()

    async def get(self) -> core.LiteralMap | None:
        """Return the inputs, reading them through the wrapped reader on the first call only.

        Returns:
            The same object on every call after the first success (do not mutate it).

        Raises:
            KozmoIOError: Whatever the wrapped reader raises; nothing is cached then.

        The first call costs what the wrapped reader's ``get`` costs (one request for
        :class:`~kozmo_io.ioutils.RemoteFileInputReader`); later calls make none.
        """
        if self._cached is None:
            async with self._lock:
                if self._cached is None:
                    self._cached = (await self._reader.get(),)
        return self._cached[0]
