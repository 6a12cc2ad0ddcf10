"""Protobuf messages in a :class:`~kozmo_io.storage.BlobStore` (Go's ``ProtobufStore``)."""

from __future__ import annotations

from typing import TypeVar

from google.protobuf.message import DecodeError, Message

from kozmo_io.errors import CorruptDataError
from kozmo_io.reference import redact
from kozmo_io.storage.blobstore import BlobStore

__all__ = ("read_message", "write_message")

M = TypeVar("M", bound=Message)


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
    return message


async def write_message(store: BlobStore, path: str, message: Message, /) -> None:
    """Encode one message (deterministically) and ``put`` it.

    Args:
        store: The store.
        path: Full reference of the object.
        message: The message.

    Raises:
        InvalidReferenceError: ``path`` is malformed, hostile or not in the store.
        StorageError: The store failed.
    """
    await store.put(path, message.SerializeToString(deterministic=True))
