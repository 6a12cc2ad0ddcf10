"""Protobuf messages in a :class:`~kozmo_io.storage.BlobStore` (Go's ``ProtobufStore``).

A message read and written back unchanged keeps its bytes: protobuf does not keep the order of a
map's entries (a ``LiteralMap`` inside a value, a literal's metadata), and writers that never sort
them (the Flyte SDKs, Go) put them in hash order, so re-encoding would reorder them.
:func:`read_message` remembers the bytes of the messages it decoded recently (up to 256 of them
and 32 MiB) and :func:`write_message` writes those bytes back when the message still encodes as
they do; any other message is encoded deterministically. :func:`remember_encoding` and
:func:`encoding_of` do the same for code that decodes or encodes by itself.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TypeVar

from google.protobuf.message import DecodeError, Message

from kozmo_io.errors import CorruptDataError, InvalidArgumentError, PayloadTooLargeError
from kozmo_io.reference import redact
from kozmo_io.storage._obstore import positive
from kozmo_io.storage.blobstore import DEFAULT_MAX_PAYLOAD_BYTES, BlobStore

__all__ = ("encoding_of", "read_message", "remember_encoding", "write_message")

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
    message = message_type()
    try:
        message.ParseFromString(data)
    except DecodeError as exc:
        name = message_type.DESCRIPTOR.full_name
        msg = f"{redact(path)} does not decode as {name} ({len(data)} bytes): {exc}"
        raise CorruptDataError(msg) from exc
    remember_encoding(message, data)
    return message


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
    limit = _store_limit(store) if max_bytes is None else positive(max_bytes, "max_bytes")
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
