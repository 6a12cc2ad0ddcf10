"""Upload a task template only when its path is asked for: :class:`LazyUploadingTaskReader`."""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar, final

from google.protobuf.message import Message

from kozmo_io.errors import StorageError
from kozmo_io.protocols import SimpleTaskReader
from kozmo_io.reference import DataReference, redact
from kozmo_io.storage import BlobStore, EncodingSource, write_message

__all__ = ("LazyUploadingTaskReader",)

M = TypeVar("M", bound=Message)


@final
class LazyUploadingTaskReader(Generic[M]):
    """Reads a template through ``base``; uploads it to ``remote_path`` on the first :meth:`path`.

    Args:
        base: Produces the template.
        remote_path: Where to upload it (usually
            :func:`~kozmo_io.ioutils.get_task_template_path` of the node's data directory).
        store: The store to upload to.
    """

    __slots__ = ("_base", "_lock", "_remote_path", "_store", "_uploaded")

    def __init__(self, base: SimpleTaskReader[M], remote_path: str, store: BlobStore, /) -> None:
        """Wrap ``base``; nothing is read or uploaded yet."""
        self._base = base
        self._remote_path = DataReference(remote_path)
        self._store = store
        self._lock = asyncio.Lock()
        self._uploaded = False

    def _decoded_from(self, template: M) -> bytes | None:
        base = self._base
        return base.decoded_from(template) if isinstance(base, EncodingSource) else None

    async def read(self) -> M:
        """Return ``base.read()`` (called every time, never cached). No storage request.

        Raises:
            Exception: Whatever ``base.read()`` raises.
        """
        return await self._base.read()

    async def path(self) -> DataReference:
        """Return ``remote_path``, uploading the template first if that has not happened yet.

        The first successful call makes one PUT (concurrent first calls share it); later calls
        make none. A failure leaves the template not uploaded, so the next call tries again. A
        ``base`` that is an :class:`~kozmo_io.storage.EncodingSource` (one that decoded the
        template from a file) has the template uploaded with the bytes it was read from, map
        entries in their stored order, unless it changed.

        Raises:
            Exception: Whatever ``base.read()`` raises, unchanged.
            StorageError: The upload failed (the message names ``remote_path``).
        """
        if not self._uploaded:
            async with self._lock:
                if not self._uploaded:
                    template = await self._base.read()
                    try:
                        await write_message(
                            self._store,
                            self._remote_path,
                            template,
                            decoded_from=self._decoded_from(template),
                        )
                    except StorageError as exc:
                        where = redact(self._remote_path)
                        msg = f"failed to store the task template to [{where}]: {exc}"
                        raise StorageError(msg) from exc
                    self._uploaded = True
        return self._remote_path
