"""Protobuf messages in a :class:`~kozmo_io.storage.BlobStore` (Go's ``ProtobufStore``).

A message read and written back unchanged can keep its bytes: protobuf does not keep the order of
a map's entries (a ``LiteralMap`` inside a value, a literal's metadata), and writers that never
sort them (the Flyte SDKs, Go) put them in hash order, so re-encoding would reorder them. The
bytes go where the caller hands them, never through a memory on the side (protobuf messages take
no attributes and no weak references, so nothing could tie bytes to a message safely):
:func:`read_message` with ``keep_bytes=True`` returns the message with the bytes it was decoded
from, and :func:`write_message` given them as ``decoded_from`` writes those bytes when the message
still encodes as they do (any other message is encoded deterministically); :func:`encoding_of`
makes that choice for code that writes by itself. A reader that hands out messages can give the
bytes of the one it returned last as an :class:`EncodingSource` (the reference readers do, and
the reference output writer asks the reader it copies).

Two helpers keep the object's path in the errors of code that fetches by itself:
:func:`decode_message` decodes bytes already fetched, and :func:`error_with_path` restates a
storage error about an object as the same kind of error naming it.
"""

from __future__ import annotations

from typing import Literal, TypeVar, overload

from google.protobuf.message import DecodeError, Message
from typing_extensions import Protocol, runtime_checkable

from kozmo_io.errors import (
    CorruptDataError,
    InvalidArgumentError,
    KozmoIOError,
    NotFoundError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.reference import redact
from kozmo_io.storage._arguments import read_limit
from kozmo_io.storage.blobstore import DEFAULT_MAX_PAYLOAD_BYTES, BlobStore

__all__ = (
    "EncodingSource",
    "decode_message",
    "encoding_of",
    "error_with_path",
    "read_message",
    "write_message",
)

M = TypeVar("M", bound=Message)

_MAX_DEPTH = 100  # protobuf's default recursion limit when decoding


@runtime_checkable
class EncodingSource(Protocol):
    """Something that hands out decoded messages and keeps the bytes of the one it returned last.

    A writer given such a reader asks it for the bytes of the message it is about to write, so a
    message read and written back unchanged keeps them (see :func:`encoding_of`). It holds the
    message itself, so it can never take another message for it, even one that lives at the
    same address (the same ``id()``) once the first is gone.
    """

    def decoded_from(self, message: Message, /) -> bytes | None:
        """Return the bytes ``message`` was decoded from, if this object returned that very message.

        Args:
            message: A message, compared by identity (``is``), never by content: bytes are never
                given for an equal message decoded elsewhere.

        Returns:
            The bytes, or ``None`` for any other message.
        """
        ...


def encoding_of(message: Message, /, decoded_from: bytes | None = None) -> bytes:
    """Return the bytes to store for ``message``.

    Args:
        message: The message.
        decoded_from: The bytes ``message`` was decoded from, if known.

    Returns:
        ``decoded_from`` if ``message`` still encodes as those bytes decode (so an unchanged
        message keeps its bytes, map entries in their stored order); otherwise the message's
        deterministic encoding (a changed message, bytes of another message or bytes that do not
        decode as its type).
    """
    encoded = message.SerializeToString(deterministic=True)
    if decoded_from is None or decoded_from == encoded:
        return encoded
    try:
        original = type(message).FromString(decoded_from)
    except DecodeError:
        return encoded
    return decoded_from if original.SerializeToString(deterministic=True) == encoded else encoded


@overload
async def read_message(
    store: BlobStore,
    path: str,
    message_type: type[M],
    /,
    *,
    max_bytes: int | None = None,
    keep_bytes: Literal[False] = False,
) -> M: ...


@overload
async def read_message(
    store: BlobStore,
    path: str,
    message_type: type[M],
    /,
    *,
    max_bytes: int | None = None,
    keep_bytes: Literal[True],
) -> tuple[M, bytes]: ...


async def read_message(
    store: BlobStore,
    path: str,
    message_type: type[M],
    /,
    *,
    max_bytes: int | None = None,
    keep_bytes: bool = False,
) -> M | tuple[M, bytes]:
    """Read and decode one message with one ``get``.

    Args:
        store: The store.
        path: Full reference of the object.
        message_type: The message class to decode into.
        max_bytes: Read limit; ``None`` means the store's own limit.
        keep_bytes: Return the bytes read with the message, to write it back unchanged with
            ``write_message(..., decoded_from=data)``.

    Returns:
        The message (an empty object decodes to an empty message); with ``keep_bytes``,
        ``(message, data)``.

    Raises:
        NotFoundError: The object does not exist.
        PayloadTooLargeError: The object is larger than the limit.
        CorruptDataError: The bytes do not decode as ``message_type`` (the decode error is the
            ``__cause__``).
        InvalidReferenceError: ``path`` is malformed, hostile or not in the store.
        StorageError: The store failed.
    """
    data = await store.get(path, max_bytes=max_bytes)
    message = decode_message(message_type, data, path)
    return (message, data) if keep_bytes else message


def decode_message(message_type: type[M], data: bytes, path: str, /, *, what: str = "") -> M:
    """Decode ``data``, read from ``path``, as ``message_type``.

    Keep ``data`` beside the message to write it back unchanged (``decoded_from`` of
    :func:`write_message`).

    Args:
        message_type: The message class to decode into.
        data: The bytes.
        path: Where they were read from, for the message (redacted).
        what: What the object is (``"outputs"``), for the message; ``""`` names the path alone.

    Returns:
        The message (empty bytes decode to an empty message).

    Raises:
        CorruptDataError: The bytes do not decode as ``message_type``; the message names
            ``what``, the path, the message type and the size, and the decode error is the
            ``__cause__``.
    """
    message = message_type()
    try:
        message.ParseFromString(data)
    except DecodeError as exc:
        name = message_type.DESCRIPTOR.full_name
        where = f"{what} @[{redact(path)}]" if what else redact(path)
        msg = f"{where} does not decode as {name} ({len(data)} bytes): {exc}"
        raise CorruptDataError(msg) from exc
    return message


def error_with_path(exc: KozmoIOError, path: str, /, *, what: str) -> KozmoIOError:
    """Restate an error met reading ``path`` as the same kind of error, naming the object.

    Raise the result ``from exc``, so the store's error stays its ``__cause__``.

    Args:
        exc: What the store (or a decode) raised.
        path: The object read (redacted in the message).
        what: What the object is (``"the inputs"``), for the message.

    Returns:
        :class:`~kozmo_io.errors.NotFoundError` or
        :class:`~kozmo_io.errors.PayloadTooLargeError` (size and limit kept) for the redacted
        path; :class:`~kozmo_io.errors.CorruptDataError` for a corrupt object, and
        :class:`~kozmo_io.errors.StorageError` for any other error, reading
        ``failed to read <what> @[<path>]: <exc>``.
    """
    where = redact(path)
    if isinstance(exc, NotFoundError):
        return NotFoundError(where)
    if isinstance(exc, PayloadTooLargeError):
        return PayloadTooLargeError(where, exc.size, exc.limit)
    text = f"failed to read {what} @[{where}]: {exc}"
    return CorruptDataError(text) if isinstance(exc, CorruptDataError) else StorageError(text)


async def write_message(
    store: BlobStore,
    path: str,
    message: Message,
    /,
    *,
    max_bytes: int | None = None,
    decoded_from: bytes | None = None,
) -> None:
    """Encode one message (see :func:`encoding_of`) and ``put`` it, unless a reader would refuse it.

    Nothing is written when the bytes could not be read back: larger than the read limit, or
    nesting deeper than protobuf decodes (100 levels: a collection of collections ... of a literal
    about 50 deep). The check decodes the bytes once, as a reader will.

    Args:
        store: The store.
        path: Full reference of the object.
        message: The message.
        max_bytes: The read limit the bytes must fit; ``None`` means the store's own limit (its
            ``max_payload_bytes``, 2 MiB when it has none; a store without a limit checks no size).
        decoded_from: The bytes ``message`` was decoded from (``read_message(...,
            keep_bytes=True)``); written instead of a new encoding when ``message`` still encodes
            as they do, so a message written back unchanged keeps its bytes.

    Raises:
        PayloadTooLargeError: The encoded message is larger than the limit.
        InvalidArgumentError: The message does not decode back (it nests too deeply).
        InvalidReferenceError: ``path`` is malformed, hostile or not in the store.
        StorageError: The store failed.
    """
    data = encoding_of(message, decoded_from)
    limit = read_limit(max_bytes, _store_limit(store))
    if limit is not None and len(data) > limit:
        raise PayloadTooLargeError(redact(path), len(data), limit)
    try:
        type(message)().ParseFromString(data)
    except DecodeError as exc:
        name = message.DESCRIPTOR.full_name
        msg = (
            f"{name} for {redact(path)} would not decode ({exc}): it nests deeper than protobuf "
            f"reads ({_MAX_DEPTH} levels); nothing was written"
        )
        raise InvalidArgumentError(msg) from exc
    await store.put(path, data)


def _store_limit(store: BlobStore) -> int | None:
    """The read limit of ``store``: its ``max_payload_bytes``, else the default 2 MiB."""
    limit = getattr(store, "max_payload_bytes", DEFAULT_MAX_PAYLOAD_BYTES)
    return limit if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else None
