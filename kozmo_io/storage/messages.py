"""Protobuf messages in a :class:`~kozmo_io.storage.BlobStore` (Go's ``ProtobufStore``).

A message read and written back unchanged keeps its bytes: protobuf does not keep the order of a
map's entries (a ``LiteralMap`` inside a value, a literal's metadata), and writers that never sort
them (the Flyte SDKs, Go) put them in hash order, so re-encoding would reorder them.
:func:`read_message` remembers the bytes of the messages it decoded recently (up to 256 of them
and 32 MiB) and :func:`write_message` writes those bytes back when the message still encodes as
they do; any other message is encoded deterministically. :func:`remember_encoding` and
:func:`encoding_of` do the same for code that decodes or encodes by itself.

Two helpers keep the object's path in the errors of code that fetches by itself:
:func:`decode_message` decodes bytes already fetched, and :func:`error_with_path` restates a
storage error about an object as the same kind of error naming it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TypeVar

from google.protobuf.message import DecodeError, Message

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
    "decode_message",
    "encoding_of",
    "error_with_path",
    "read_message",
    "remember_encoding",
    "write_message",
)

M = TypeVar("M", bound=Message)

_MAX_DEPTH = 100  # protobuf's default recursion limit when decoding

_REMEMBERED_MESSAGES = 256
_REMEMBERED_BYTES = 32 * 1024 * 1024
# id(message) -> the bytes it was decoded from, oldest first. An id can be reused once its message
# is gone (protobuf messages take no weak references), so an entry is only ever used after
# checking that the message at hand still encodes as those bytes decode.
_remembered: OrderedDict[int, bytes] = OrderedDict()
_remembered_size = 0
_lock = threading.Lock()


def remember_encoding(message: Message, data: bytes, /) -> None:
    """Remember that ``message`` was decoded from ``data``, for :func:`encoding_of`.

    Args:
        message: The decoded message.
        data: The bytes it was decoded from.
    """
    global _remembered_size  # noqa: PLW0603 - one process-wide, bounded memory
    if len(data) > _REMEMBERED_BYTES:
        return
    with _lock:
        previous = _remembered.pop(id(message), None)
        if previous is not None:
            _remembered_size -= len(previous)
        _remembered[id(message)] = data
        _remembered_size += len(data)
        while len(_remembered) > _REMEMBERED_MESSAGES or _remembered_size > _REMEMBERED_BYTES:
            _, dropped = _remembered.popitem(last=False)
            _remembered_size -= len(dropped)


def encoding_of(message: Message, /) -> bytes:
    """Return the bytes to store for ``message``.

    Args:
        message: The message.

    Returns:
        The bytes it was decoded from (see :func:`remember_encoding`) if it still encodes as they
        do, so an unchanged message keeps its bytes; otherwise its deterministic encoding.
    """
    encoded = message.SerializeToString(deterministic=True)
    with _lock:
        data = _remembered.get(id(message))
    if data is None or data == encoded:
        return encoded
    try:
        same = type(message).FromString(data).SerializeToString(deterministic=True) == encoded
    except DecodeError:  # an id reused by a message of another type
        same = False
    return data if same else encoded


async def read_message(
    store: BlobStore, path: str, message_type: type[M], /, *, max_bytes: int | None = None
) -> M:
    """Read and decode one message with one ``get``.

    Args:
        store: The store.
        path: Full reference of the object.
        message_type: The message class to decode into.
        max_bytes: Read limit; ``None`` means the store's own limit.

    Returns:
        The message; an empty object decodes to an empty message.

    Raises:
        NotFoundError: The object does not exist.
        PayloadTooLargeError: The object is larger than the limit.
        CorruptDataError: The bytes do not decode as ``message_type`` (the decode error is the
            ``__cause__``).
        InvalidReferenceError: ``path`` is malformed, hostile or not in the store.
        StorageError: The store failed.
    """
    data = await store.get(path, max_bytes=max_bytes)
    return decode_message(message_type, data, path)


def decode_message(message_type: type[M], data: bytes, path: str, /, *, what: str = "") -> M:
    """Decode ``data``, read from ``path``, as ``message_type`` (see :func:`remember_encoding`).

    Args:
        message_type: The message class to decode into.
        data: The bytes.
        path: Where they were read from, for the message (redacted).
        what: What the object is (``"outputs"``), for the message; ``""`` names the path alone.

    Returns:
        The message (empty bytes decode to an empty message); it keeps ``data`` as its encoding.

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
    remember_encoding(message, data)  # written back unchanged, it keeps these bytes
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
    store: BlobStore, path: str, message: Message, /, *, max_bytes: int | None = None
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

    Raises:
        PayloadTooLargeError: The encoded message is larger than the limit.
        InvalidArgumentError: The message does not decode back (it nests too deeply).
        InvalidReferenceError: ``path`` is malformed, hostile or not in the store.
        StorageError: The store failed.
    """
    data = encoding_of(message)
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
