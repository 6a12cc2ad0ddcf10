"""The engine's two generations of task files, and the bridges between them.

The first generation stores a task's inputs and outputs as a :class:`~kozmo_io.core.LiteralMap`;
the second as :class:`~kozmo_io.core.Inputs` and :class:`~kozmo_io.core.Outputs`: the named
literals in the order the task declares them, plus the run's context (inputs) or the artifacts the
task produced (outputs). On the wire a named literal is exactly a map entry, so each generation's
message decodes the other's file: a ``LiteralMap`` read of a second-generation file loses the order
and keeps the context and artifacts as unknown fields (written back unchanged); an ``Outputs`` read
of a first-generation file sees the entries in the order they were written.

Duplicate names: a second-generation message can give one name twice. Its ordered form keeps every
entry as stored; its map form keeps the last one, as protobuf's map decoding, the Flyte SDK and
the engine do. kozmo_io's writers refuse such a message
(:class:`~kozmo_io.errors.DuplicateNameError`): a file kozmo_io writes reads the same through both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TypeVar

from google.protobuf.message import DecodeError, Message

from kozmo_io import core
from kozmo_io.errors import InvalidArgumentError

__all__ = ("as_inputs", "as_literal_map", "as_outputs", "duplicate_context_keys", "duplicate_names")

M = TypeVar("M", bound=Message)


def _convert(message: Message, target: type[M]) -> M:
    """Re-read ``message``'s encoding as ``target`` (the two share their wire format)."""
    try:
        return target.FromString(message.SerializeToString(deterministic=True))
    except DecodeError as exc:
        msg = (
            f"{message.DESCRIPTOR.full_name} cannot be read as {target.DESCRIPTOR.full_name} "
            f"({exc}): it nests deeper than protobuf reads (100 levels)"
        )
        raise InvalidArgumentError(msg) from exc


def as_literal_map(message: core.Inputs | core.Outputs, /) -> core.LiteralMap:
    """Return the first-generation view of ``message``: what a ``LiteralMap`` reader gets.

    Args:
        message: Second-generation inputs or outputs.

    Returns:
        A new map: each name once, with the value of its last entry; the context or produced
        artifacts ride along as unknown fields, so writing the map writes them too.

    Raises:
        InvalidArgumentError: ``message`` nests deeper than protobuf decodes (100 levels).
    """
    return _convert(message, core.LiteralMap)


def as_outputs(literal_map: core.LiteralMap, /) -> core.Outputs:
    """Return ``literal_map`` as second-generation outputs.

    Args:
        literal_map: First-generation outputs.

    Returns:
        New outputs with the entries in the order the first-generation writer writes them, so both
        encode to the same bytes; produced artifacts the map carries as unknown fields (a
        second-generation file read as a map) become known again.

    Raises:
        InvalidArgumentError: ``literal_map`` nests deeper than protobuf decodes (100 levels).
    """
    return _convert(literal_map, core.Outputs)


def as_inputs(literal_map: core.LiteralMap, /) -> core.Inputs:
    """Return ``literal_map`` as second-generation inputs.

    Args:
        literal_map: First-generation inputs.

    Returns:
        New inputs with the entries in the order the first-generation writer writes them, so both
        encode to the same bytes; a context the map carries as unknown fields (a second-generation
        file read as a map) becomes known again.

    Raises:
        InvalidArgumentError: ``literal_map`` nests deeper than protobuf decodes (100 levels).
    """
    return _convert(literal_map, core.Inputs)


def _repeated(names: Iterable[str]) -> tuple[str, ...]:
    counts = Counter(names)
    return tuple(name for name, count in counts.items() if count > 1)


def duplicate_names(message: core.Inputs | core.Outputs, /) -> tuple[str, ...]:
    """Return every literal name ``message`` gives more than once, in order of first appearance.

    Args:
        message: Second-generation inputs or outputs.

    Returns:
        The repeated names; empty when every name is unique.
    """
    return _repeated(named.name for named in message.literals)


def duplicate_context_keys(inputs: core.Inputs, /) -> tuple[str, ...]:
    """Return every context key ``inputs`` gives more than once, in order of first appearance.

    Args:
        inputs: Second-generation inputs.

    Returns:
        The repeated keys; empty when every key is unique.
    """
    return _repeated(pair.key for pair in inputs.context)
