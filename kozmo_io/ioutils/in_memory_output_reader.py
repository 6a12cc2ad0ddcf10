"""Outputs a plugin holds in memory, as an OutputReader: :class:`InMemoryOutputReader`."""

from __future__ import annotations

from typing import final

import attrs

from kozmo_io import core
from kozmo_io.errors import KozmoIOError
from kozmo_io.execution_error import ExecutionError
from kozmo_io.reference import DataReference

__all__ = ("InMemoryOutputReader",)


def _optional_reference(value: str | None) -> DataReference | None:
    return None if value is None else DataReference(value)


@final
@attrs.frozen
class InMemoryOutputReader:
    """An :class:`~kozmo_io.protocols.OutputReader` over values given at construction.

    Hand it to an :class:`~kozmo_io.protocols.OutputWriter` to persist a plugin's results. No
    method makes a storage request.

    Args:
        literals: The outputs, or ``None`` when there are none (an empty map counts as outputs).
        deck_path: Where the deck was written, or ``None`` when there is no deck.
        error: The task's error, or ``None``.
    """

    literals: core.LiteralMap | None = None
    deck_path: DataReference | None = attrs.field(default=None, converter=_optional_reference)
    error: ExecutionError | None = None

    def is_file(self) -> bool:
        """Return False: the outputs are in memory, a writer must persist them."""
        return False

    async def is_error(self) -> bool:
        """Return whether an error was given."""
        return self.error is not None

    async def read_error(self) -> ExecutionError:
        """Return the given error.

        Raises:
            KozmoIOError: No error was given.
        """
        if self.error is None:
            msg = "no execution error specified: this InMemoryOutputReader holds no error"
            raise KozmoIOError(msg)
        return self.error

    async def exists(self) -> bool:
        """Return whether outputs were given (independently of any error)."""
        return self.literals is not None

    async def read(self) -> tuple[core.LiteralMap | None, ExecutionError | None]:
        """Return ``(literals, error)`` exactly as given; never raises."""
        return self.literals, self.error

    async def deck_exists(self) -> bool:
        """Return whether a deck path was given (the path is not looked up)."""
        return self.deck_path is not None
