"""Read a task's inputs once: :class:`CachedInputReader`, a read-through cache around any reader."""

from __future__ import annotations

import asyncio
from typing import final

from google.protobuf.message import Message

from kozmo_io import core
from kozmo_io.generations import as_inputs, as_literal_map
from kozmo_io.protocols import InputReader, OrderedInputReader
from kozmo_io.reference import DataReference
from kozmo_io.storage import EncodingSource

__all__ = ("CachedInputReader",)


@final
class CachedInputReader:
    """An :class:`~kozmo_io.protocols.OrderedInputReader` that reads through the wrapped one once.

    Safe for concurrent use: concurrent first calls wait for one read (an :class:`asyncio.Lock`).
    A failed read is not cached, so the next call tries again. A ``None`` result ("no inputs") is
    cached too (the engine re-read it on every call).

    When the wrapped reader is an :class:`~kozmo_io.protocols.OrderedInputReader`, the one read is
    its ``get_inputs()`` and :meth:`get` returns the map view of it (the last entry of a name
    wins, as a map decoding of the same file). Otherwise the one read is its ``get()`` and
    :meth:`get_inputs` returns it as second-generation inputs, in the order the first-generation
    writer writes them and with no context.

    Args:
        reader: The reader to wrap.
    """

    __slots__ = ("_cached", "_lock", "_reader")

    def __init__(self, reader: InputReader, /) -> None:
        """Wrap ``reader``; nothing is read yet."""
        self._reader = reader
        self._lock = asyncio.Lock()
        self._cached: tuple[core.LiteralMap | None, core.Inputs | None] | None = None

    def get_input_prefix_path(self) -> DataReference:
        """Return the wrapped reader's input prefix. No storage request."""
        return self._reader.get_input_prefix_path()

    def get_input_path(self) -> DataReference:
        """Return the wrapped reader's inputs path. No storage request."""
        return self._reader.get_input_path()

    async def _both(self) -> tuple[core.LiteralMap | None, core.Inputs | None]:
        if self._cached is None:
            async with self._lock:
                if self._cached is None:
                    if isinstance(self._reader, OrderedInputReader):
                        inputs = await self._reader.get_inputs()
                        as_map = None if inputs is None else as_literal_map(inputs)
                        self._cached = (as_map, inputs)
                    else:
                        literal_map = await self._reader.get()
                        ordered = None if literal_map is None else as_inputs(literal_map)
                        self._cached = (literal_map, ordered)
        return self._cached

    def decoded_from(self, message: Message, /) -> bytes | None:
        """Return what the wrapped reader's ``decoded_from(message)`` returns, if it has one.

        Makes this reader an :class:`~kozmo_io.storage.EncodingSource` over one (as
        :class:`~kozmo_io.ioutils.RemoteFileInputReader`): the inputs read once keep the bytes
        they were read from, for a writer's ``decoded_from``. A view made here (the map view of
        ordered inputs, the ordered view of a map) has none. No storage request.

        Args:
            message: The message to look up, compared by identity (``is``), never by content.

        Returns:
            The bytes, or ``None``.
        """
        if isinstance(self._reader, EncodingSource):
            return self._reader.decoded_from(message)
        return None

    async def get(self) -> core.LiteralMap | None:
        """Return the inputs, reading them through the wrapped reader on the first call only.

        Returns:
            The same object on every call after the first success (do not mutate it).

        Raises:
            KozmoIOError: Whatever the wrapped reader raises; nothing is cached then.

        The first call of :meth:`get` or :meth:`get_inputs` costs one read of the wrapped reader
        (one request for :class:`~kozmo_io.ioutils.RemoteFileInputReader`); later calls make none.
        """
        return (await self._both())[0]

    async def get_inputs(self) -> core.Inputs | None:
        """Return the inputs in declared order with their context, read once as :meth:`get` is.

        Returns:
            The same object on every call after the first success (do not mutate it).

        Raises:
            KozmoIOError: Whatever the wrapped reader raises; nothing is cached then.
        """
        return (await self._both())[1]
