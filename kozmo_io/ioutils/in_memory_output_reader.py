"""Outputs a plugin holds in memory, as an OutputReader: :class:`InMemoryOutputReader`."""

from __future__ import annotations

from typing import final

import attrs

from kozmo_io import core
from kozmo_io.errors import InvalidArgumentError, KozmoIOError
from kozmo_io.execution_error import ExecutionError
from kozmo_io.generations import as_literal_map, as_outputs
from kozmo_io.reference import DataReference

__all__ = ("InMemoryOutputReader",)


def _optional_reference(value: str | None) -> DataReference | None:
    return None if value is None else DataReference(value)


def _not_both(
    instance: InMemoryOutputReader, _attribute: object, value: core.Outputs | None
) -> None:
    if value is not None and instance.literals is not None:
        msg = "give the outputs once: as literals (a LiteralMap) or as outputs (Outputs), not both"
        raise InvalidArgumentError(msg)


def _check_literals(value: object) -> None:
    if value is not None and not isinstance(value, core.LiteralMap):
        msg = f"literals must be a kozmo_io.core.LiteralMap or None, got {_kind(value)}"
        raise InvalidArgumentError(msg)


def _check_outputs(value: object) -> None:
    if value is not None and not isinstance(value, core.Outputs):
        msg = f"outputs must be a kozmo_io.core.Outputs or None, got {_kind(value)}"
        raise InvalidArgumentError(msg)


def _check_error(value: object) -> None:
    # The message kozmo_io.core.ExecutionError and the value kozmo_io.ExecutionError share a name;
    # taking one for the other would otherwise fail only later, inside a writer's put().
    if isinstance(value, core.ExecutionError):
        msg = (
            "error must be a kozmo_io.ExecutionError (the value), got the protobuf message "
            "kozmo_io.core.ExecutionError: convert it with kozmo_io.ExecutionError.from_proto(...)"
        )
        raise InvalidArgumentError(msg)
    if value is not None and not isinstance(value, ExecutionError):
        msg = f"error must be a kozmo_io.ExecutionError or None, got {_kind(value)}"
        raise InvalidArgumentError(msg)


def _kind(value: object) -> str:
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


@final
@attrs.frozen
class InMemoryOutputReader:
    """An :class:`~kozmo_io.protocols.OrderedOutputReader` over values given at construction.

    Hand it to an :class:`~kozmo_io.protocols.OutputWriter` to persist a plugin's results. No
    method makes a storage request. Give first-generation outputs as ``literals`` or
    second-generation ones (declared order, produced artifacts) as ``outputs``; each read method
    returns them in the form it promises.

    Args:
        literals: The outputs as a map, or ``None`` (an empty map counts as outputs).
        deck_path: Where the deck was written, or ``None`` when there is no deck.
        error: The task's error (a :class:`~kozmo_io.ExecutionError`), or ``None``.
        outputs: The outputs in declared order with their produced artifacts, or ``None`` (empty
            outputs count as outputs). Keyword only.

    Raises:
        InvalidArgumentError: Both ``literals`` and ``outputs`` are given; ``literals`` is not a
            LiteralMap or ``outputs`` not an Outputs message; ``error`` is not an
            :class:`~kozmo_io.ExecutionError` (e.g. the protobuf message of the same name).
    """

    literals: core.LiteralMap | None = None
    deck_path: DataReference | None = attrs.field(default=None, converter=_optional_reference)
    error: ExecutionError | None = None
    outputs: core.Outputs | None = attrs.field(default=None, kw_only=True, validator=_not_both)

    def __attrs_post_init__(self) -> None:
        """Refuse values of another type now rather than inside a writer's ``put()``."""
        _check_literals(self.literals)
        _check_error(self.error)
        _check_outputs(self.outputs)

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
        return self.literals is not None or self.outputs is not None

    async def read(self) -> tuple[core.LiteralMap | None, ExecutionError | None]:
        """Return ``(literals, error)`` as given; never raises.

        Outputs given as ``outputs`` are returned as a new map (the last entry of a name wins).
        """
        if self.outputs is not None:
            return as_literal_map(self.outputs), self.error
        return self.literals, self.error

    async def read_outputs(self) -> tuple[core.Outputs | None, ExecutionError | None]:
        """Return ``(outputs, error)`` as given; never raises.

        Outputs given as ``literals`` are returned as new outputs, in the order the
        first-generation writer writes a map.
        """
        if self.literals is not None:
            return as_outputs(self.literals), self.error
        return self.outputs, self.error

    async def deck_exists(self) -> bool:
        """Return whether a deck path was given (the path is not looked up)."""
        return self.deck_path is not None
