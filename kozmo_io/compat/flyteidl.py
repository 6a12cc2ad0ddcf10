"""Lossless conversion between ``kozmo_io.core`` messages and ``flyteidl.core`` messages.

Needs the ``flyteidl`` package (kozmo-io's ``flyteidl`` extra). Both sides share field
numbers, so a message converts by serializing it on one side and parsing the bytes on the other:
every field survives, including those only one side declares, which travel as unknown fields.
``ExecutionError.recoverability`` (field 7) is the one field flyteidl v1 does not declare; it rides
along unseen and is back when the message returns.

Converted pairs: ``LiteralMap``, ``Literal``, ``ExecutionError``, ``ContainerError`` and
``ErrorDocument``. Each conversion costs one serialization and one parse.
"""

from __future__ import annotations

from typing import TypeVar, overload

from google.protobuf.descriptor import Descriptor
from google.protobuf.message import Message

from kozmo_io import core
from kozmo_io.execution_error import ExecutionError

try:
    from flyteidl.core import errors_pb2, execution_pb2, literals_pb2
except ImportError as exc:
    _MISSING = "kozmo_io.compat.flyteidl needs flyteidl (the flyteidl extra): pip install flyteidl"
    raise ImportError(_MISSING, name=exc.name) from exc

__all__ = (
    "error_document_to_flyteidl",
    "execution_error_from_flyteidl",
    "execution_error_to_flyteidl",
    "from_flyteidl",
    "to_flyteidl",
)

_M = TypeVar("_M", bound=Message)

_PAIRS: tuple[tuple[type[Message], type[Message]], ...] = (
    (core.LiteralMap, literals_pb2.LiteralMap),
    (core.Literal, literals_pb2.Literal),
    (core.ExecutionError, execution_pb2.ExecutionError),
    (core.ContainerError, errors_pb2.ContainerError),
    (core.ErrorDocument, errors_pb2.ErrorDocument),
)
_TO_FLYTEIDL = {ours.DESCRIPTOR.full_name: theirs for ours, theirs in _PAIRS}
_FROM_FLYTEIDL = {theirs.DESCRIPTOR.full_name: ours for ours, theirs in _PAIRS}


def _convert(message: Message, targets: dict[str, type[_M]], function: str) -> _M:
    descriptor = getattr(message, "DESCRIPTOR", None)
    target = targets.get(descriptor.full_name) if isinstance(descriptor, Descriptor) else None
    if target is None:
        kind = type(message)
        msg = (
            f"{function} converts {', '.join(sorted(targets))}; "
            f"got {kind.__module__}.{kind.__qualname__}"
        )
        raise TypeError(msg)
    return target.FromString(message.SerializeToString())


@overload
def to_flyteidl(message: core.LiteralMap, /) -> literals_pb2.LiteralMap: ...
@overload
def to_flyteidl(message: core.Literal, /) -> literals_pb2.Literal: ...
@overload
def to_flyteidl(message: core.ExecutionError, /) -> execution_pb2.ExecutionError: ...
@overload
def to_flyteidl(message: core.ContainerError, /) -> errors_pb2.ContainerError: ...
@overload
def to_flyteidl(message: core.ErrorDocument, /) -> errors_pb2.ErrorDocument: ...
def to_flyteidl(message: Message, /) -> Message:
    """Convert a ``kozmo_io.core`` message to its ``flyteidl.core`` twin, keeping every field.

    Args:
        message: A ``LiteralMap``, ``Literal``, ``ExecutionError``, ``ContainerError`` or
            ``ErrorDocument`` of ``kozmo_io.core``.

    Returns:
        A new flyteidl message of the same name.

    Raises:
        TypeError: ``message`` is none of those.
    """
    return _convert(message, _TO_FLYTEIDL, "to_flyteidl")


@overload
def from_flyteidl(message: literals_pb2.LiteralMap, /) -> core.LiteralMap: ...
@overload
def from_flyteidl(message: literals_pb2.Literal, /) -> core.Literal: ...
@overload
def from_flyteidl(message: execution_pb2.ExecutionError, /) -> core.ExecutionError: ...
@overload
def from_flyteidl(message: errors_pb2.ContainerError, /) -> core.ContainerError: ...
@overload
def from_flyteidl(message: errors_pb2.ErrorDocument, /) -> core.ErrorDocument: ...
def from_flyteidl(message: Message, /) -> Message:
    """Convert a ``flyteidl.core`` message to its ``kozmo_io.core`` twin, keeping every field.

    Args:
        message: A ``LiteralMap``, ``Literal``, ``ExecutionError``, ``ContainerError`` or
            ``ErrorDocument`` of ``flyteidl.core``.

    Returns:
        A new ``kozmo_io.core`` message of the same name.

    Raises:
        TypeError: ``message`` is none of those.
    """
    return _convert(message, _FROM_FLYTEIDL, "from_flyteidl")


def execution_error_to_flyteidl(error: ExecutionError, /) -> execution_pb2.ExecutionError:
    """Return ``error`` as a flyteidl ``ExecutionError`` (recoverability in unknown field 7).

    Args:
        error: The value.

    Returns:
        The message; :func:`execution_error_from_flyteidl` gives ``error`` back.
    """
    return to_flyteidl(error.to_proto())


def error_document_to_flyteidl(error: ExecutionError, /) -> errors_pb2.ErrorDocument:
    """Return ``error`` as the flyteidl ``ErrorDocument`` a task writes to ``error.pb``.

    Args:
        error: The value; its ``error_uri`` has no field in a ``ContainerError`` and is dropped.

    Returns:
        The document; :func:`execution_error_from_flyteidl` gives the rest of ``error`` back.
    """
    return to_flyteidl(error.to_error_document())


def execution_error_from_flyteidl(
    message: execution_pb2.ExecutionError | errors_pb2.ContainerError | errors_pb2.ErrorDocument,
    /,
    *,
    path: str = "",
) -> ExecutionError:
    """Build an :class:`~kozmo_io.ExecutionError` from a flyteidl error message, as the engine does.

    Args:
        message: An ``ExecutionError`` (recoverable iff its unknown field 7 says RECOVERABLE, so
            one flyteidl built itself reads as not recoverable), a ``ContainerError`` or an
            ``ErrorDocument`` (as read from ``error.pb``).
        path: Where a document was read from, named in the value when the document holds no error.

    Returns:
        The value; a document without an error reads as ``ErrorFileBadFormat`` (see
        :meth:`~kozmo_io.ExecutionError.from_error_document`).

    Raises:
        TypeError: ``message`` is none of those three.
    """
    converted: Message = from_flyteidl(message)
    if isinstance(converted, core.ErrorDocument):
        return ExecutionError.from_error_document(converted, path=path)
    if isinstance(converted, core.ContainerError):
        return ExecutionError.from_container_error(converted)
    if isinstance(converted, core.ExecutionError):
        return ExecutionError.from_proto(converted)
    msg = f"execution_error_from_flyteidl converts error messages; got {type(message).__qualname__}"
    raise TypeError(msg)
