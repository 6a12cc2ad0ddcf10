"""A task's own failure, as a value: :class:`ExecutionError` and :class:`ErrorKind`.

Readers return an ExecutionError for a task-level problem (the task raised, or produced no outputs);
they raise
for system problems. On the wire it is either an ``ExecutionError`` message or, inside ``error.pb``,
an
``ErrorDocument`` holding a ``ContainerError``; both round trips keep every field this value has.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Self, final

import attrs

from kozmo_io import core
from kozmo_io.errors import CorruptDataError

__all__ = ("ErrorKind", "ExecutionError")

_UTC = dt.UTC
_BAD_FORMAT_CODE = "ErrorFileBadFormat"


class ErrorKind(enum.IntEnum):
    """Who caused an error: decides which retry budget the engine consumes."""

    UNKNOWN = 0
    USER = 1
    SYSTEM = 2


def _to_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        msg = f"timestamp must be timezone-aware, got naive {value.isoformat()}"
        raise ValueError(msg)
    return value.astimezone(_UTC)


def _kind(value: int) -> ErrorKind:
    try:
        return ErrorKind(value)
    except ValueError:
        # Enum values a newer engine may add read as UNKNOWN instead of failing the whole read.
        return ErrorKind.UNKNOWN


@final
@attrs.frozen
class ExecutionError:
    """A task-level failure.

    Args:
        code: A short, machine-friendly code (e.g. ``ValueError`` or ``No outputs produced``).
        message: Details, often a stack trace.
        kind: Who caused it (USER or SYSTEM; UNKNOWN when not said).
        is_recoverable: Whether a retry may succeed.
        timestamp: When the failure happened (timezone-aware; kept in UTC). Sub-microsecond
        precision of the
            wire timestamp is truncated.
        worker: The worker (pod) that failed, for distributed tasks.
        error_uri: Where a larger error document lives, if anywhere.

    Raises:
        ValueError: ``timestamp`` is naive.
    """

    code: str = ""
    message: str = ""
    kind: ErrorKind = attrs.field(default=ErrorKind.UNKNOWN, converter=_kind)
    is_recoverable: bool = attrs.field(default=False, converter=bool)
    timestamp: dt.datetime | None = attrs.field(default=None, converter=_to_utc)
    worker: str = ""
    error_uri: str = ""

    def to_proto(self) -> core.ExecutionError:
        """Return the ``ExecutionError`` message (recoverability in field 7)."""
        msg = core.ExecutionError(
            code=self.code,
            message=self.message,
            error_uri=self.error_uri,
            kind=core.ExecutionError.ErrorKind.ValueType(self.kind),
            worker=self.worker,
            recoverability=core.ContainerError.RECOVERABLE
            if self.is_recoverable
            else core.ContainerError.NON_RECOVERABLE,
        )
        if self.timestamp is not None:
            msg.timestamp.FromDatetime(self.timestamp)
        return msg

    @classmethod
    def from_proto(cls, message: core.ExecutionError, /) -> Self:
        """Build the value from an ``ExecutionError`` message.

        Args:
            message: The message; ``recoverability`` decides ``is_recoverable``.

        Returns:
            The value.

        Raises:
            CorruptDataError: Its timestamp is outside the range a Timestamp can hold.
        """
        return cls(
            code=message.code,
            message=message.message,
            kind=message.kind,
            is_recoverable=message.recoverability == core.ContainerError.RECOVERABLE,
            timestamp=_timestamp(message),
            worker=message.worker,
            error_uri=message.error_uri,
        )

    def to_container_error(self) -> core.ContainerError:
        """Return the ``ContainerError`` the writer persists (with origin, timestamp, worker)."""
        msg = core.ContainerError(
            code=self.code,
            message=self.message,
            kind=core.ContainerError.RECOVERABLE
            if self.is_recoverable
            else core.ContainerError.NON_RECOVERABLE,
            origin=core.ExecutionError.ErrorKind.ValueType(self.kind),
            worker=self.worker,
        )
        if self.timestamp is not None:
            msg.timestamp.FromDatetime(self.timestamp)
        return msg

    @classmethod
    def from_container_error(cls, message: core.ContainerError, /) -> Self:
        """Build the value from a ``ContainerError``.

        Recoverable iff its kind is RECOVERABLE; the value's kind comes from the origin.

        Args:
            message: The message.

        Returns:
            The value (``error_uri`` empty, as the engine leaves it).

        Raises:
            CorruptDataError: Its timestamp is outside the range a Timestamp can hold.
        """
        return cls(
            code=message.code,
            message=message.message,
            kind=message.origin,
            is_recoverable=message.kind == core.ContainerError.RECOVERABLE,
            timestamp=_timestamp(message),
            worker=message.worker,
        )

    def to_error_document(self) -> core.ErrorDocument:
        """Return the ``ErrorDocument`` stored as ``error.pb``."""
        return core.ErrorDocument(error=self.to_container_error())

    @classmethod
    def from_error_document(cls, document: core.ErrorDocument, /, *, path: str = "") -> Self:
        """Build the value from an ``ErrorDocument``, as the engine reads ``error.pb``.

        Args:
            document: The document.
            path: Where it was read from (redacted), named in the message when the
            document holds no error.

        Returns:
            The value; a document without an error gives code ``ErrorFileBadFormat``, kind SYSTEM,
            recoverable.

        Raises:
            CorruptDataError: The error's timestamp is outside the range a Timestamp can hold.
        """
        if not document.HasField("error"):
            return cls(
                code=_BAD_FORMAT_CODE,
                message=f"error not formatted correctly, nil error @path [{path}]",
                kind=ErrorKind.SYSTEM,
                is_recoverable=True,
            )
        return cls.from_container_error(document.error)


def _timestamp(message: core.ExecutionError | core.ContainerError) -> dt.datetime | None:
    if not message.HasField("timestamp"):
        return None
    try:
        return message.timestamp.ToDatetime(tzinfo=_UTC)
    except ValueError as exc:  # seconds or nanos outside the Timestamp range (years 1 to 9999)
        msg = f"{message.DESCRIPTOR.name} has an invalid timestamp: {exc}"
        raise CorruptDataError(msg) from exc
