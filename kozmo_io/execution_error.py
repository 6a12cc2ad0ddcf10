"""A task's own failure, as a value: :class:`ExecutionError`, :class:`ErrorKind`, :class:`GpuFault`.

Readers return an ExecutionError for a task-level problem (the task raised, or produced no outputs);
they raise for system problems. On the wire it is either an ``ExecutionError`` message or, inside
``error.pb``, an ``ErrorDocument`` holding a ``ContainerError``; both round trips keep every field
this value has, except the GPU fault, which only the ``ExecutionError`` message can carry. Not to
be confused with :class:`kozmo_io.core.ExecutionError`, the protobuf message: convert with
:meth:`ExecutionError.from_proto` and :meth:`ExecutionError.to_proto`.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, Self, final

import attrs

from kozmo_io import core
from kozmo_io.errors import CorruptDataError, InvalidArgumentError

__all__ = ("ErrorKind", "ExecutionError", "GpuFault", "GpuFaultKind", "GpuFaultSeverity")

_UTC = dt.UTC
_BAD_FORMAT_CODE = "ErrorFileBadFormat"


class ErrorKind(enum.IntEnum):
    """Who caused an error: decides which retry budget the engine consumes."""

    UNKNOWN = 0
    USER = 1
    SYSTEM = 2


class GpuFaultKind(enum.IntEnum):
    """The kind of GPU event behind a fault."""

    UNSPECIFIED = 0
    XID = 1
    """An NVIDIA Xid error."""
    SXID = 2
    """An NVIDIA NVSwitch SXid error."""


class GpuFaultSeverity(enum.IntEnum):
    """How bad a GPU fault is."""

    UNSPECIFIED = 0
    USER = 1
    """Caused by the task's own code (e.g. an illegal memory access)."""
    WARN = 2
    CRITICAL = 3
    """The GPU needs attention (e.g. it fell off the bus)."""


_UINT32_MAX = 2**32 - 1


def _uint32(_instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    checked: object = value  # annotations are not enforced at runtime: check the type too
    if checked is None:
        return
    if isinstance(checked, bool) or not isinstance(checked, int) or not 0 <= checked <= _UINT32_MAX:
        msg = f"{attribute.name} must be an integer from 0 to {_UINT32_MAX}, got {value!r}"
        raise InvalidArgumentError(msg)


def _fault_kind(value: int) -> GpuFaultKind:
    try:
        return GpuFaultKind(value)
    except ValueError:
        # Kinds a newer engine may add read as UNSPECIFIED instead of failing the whole read.
        return GpuFaultKind.UNSPECIFIED


def _fault_severity(value: int) -> GpuFaultSeverity:
    try:
        return GpuFaultSeverity(value)
    except ValueError:
        return GpuFaultSeverity.UNSPECIFIED


@final
@attrs.frozen
class GpuFault:
    """The GPU fault the engine attributed a failure to (second generation only).

    Args:
        kind: Xid or SXid.
        code: The Xid or SXid number (e.g. 79, "GPU has fallen off the bus").
        name: The event's name.
        severity: How bad it is.
        gpu_uuid: The GPU's UUID.
        gpu_index: The GPU's index on its node; ``None`` when unknown (0 is a valid index).
        pci_bus_id: The GPU's PCI bus id.
        node: The node the GPU is on.
        pid: The process the event names (0 when none).
        process: That process's name.

    Raises:
        InvalidArgumentError: ``code``, ``gpu_index`` or ``pid`` is not a 32-bit unsigned integer.
    """

    kind: GpuFaultKind = attrs.field(default=GpuFaultKind.UNSPECIFIED, converter=_fault_kind)
    code: int = attrs.field(default=0, validator=_uint32)
    name: str = ""
    severity: GpuFaultSeverity = attrs.field(
        default=GpuFaultSeverity.UNSPECIFIED, converter=_fault_severity
    )
    gpu_uuid: str = ""
    gpu_index: int | None = attrs.field(default=None, validator=_uint32)
    pci_bus_id: str = ""
    node: str = ""
    pid: int = attrs.field(default=0, validator=_uint32)
    process: str = ""

    def to_proto(self) -> core.GpuFault:
        """Return the ``GpuFault`` message (``gpu_index`` present only when known)."""
        msg = core.GpuFault(
            kind=core.GpuFault.Kind.ValueType(self.kind),
            code=self.code,
            name=self.name,
            severity=core.GpuFault.Severity.ValueType(self.severity),
            gpu_uuid=self.gpu_uuid,
            pci_bus_id=self.pci_bus_id,
            node=self.node,
            pid=self.pid,
            process=self.process,
        )
        if self.gpu_index is not None:
            msg.gpu_index = self.gpu_index
        return msg

    @classmethod
    def from_proto(cls, message: core.GpuFault, /) -> Self:
        """Build the value from a ``GpuFault`` message.

        Args:
            message: The message; kinds and severities this version does not know read as
                UNSPECIFIED.

        Returns:
            The value.
        """
        return cls(
            kind=message.kind,
            code=message.code,
            name=message.name,
            severity=message.severity,
            gpu_uuid=message.gpu_uuid,
            gpu_index=message.gpu_index if message.HasField("gpu_index") else None,
            pci_bus_id=message.pci_bus_id,
            node=message.node,
            pid=message.pid,
            process=message.process,
        )


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
        gpu_fault: The GPU fault the engine attributed the failure to, if any (second generation;
            carried by the ``ExecutionError`` message only, ``error.pb`` has no place for it).

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
    gpu_fault: GpuFault | None = None

    def to_proto(self) -> core.ExecutionError:
        """Return the ``ExecutionError`` message (recoverability in field 7, GPU fault in 8)."""
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
        if self.gpu_fault is not None:
            msg.gpu_fault.CopyFrom(self.gpu_fault.to_proto())
        return msg

    @classmethod
    def from_proto(cls, message: core.ExecutionError, /) -> Self:
        """Build the value from an ``ExecutionError`` message.

        Args:
            message: The message; ``recoverability`` decides ``is_recoverable``; a ``gpu_fault``
                (even an empty one) becomes a :class:`GpuFault`.

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
            gpu_fault=GpuFault.from_proto(message.gpu_fault)
            if message.HasField("gpu_fault")
            else None,
        )

    def to_container_error(self) -> core.ContainerError:
        """Return the ``ContainerError`` the writer persists (with origin, timestamp, worker).

        A ``ContainerError`` has no GPU fault: ``gpu_fault`` is not part of it.
        """
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
