"""Read a task's inputs from ``inputs.pb`` in a blob store: :class:`RemoteFileInputReader`.

Either generation's file reads both ways: :meth:`~RemoteFileInputReader.get` as a
``LiteralMap``, :meth:`~RemoteFileInputReader.get_inputs` as ``Inputs`` (declared order, context).
"""

from __future__ import annotations

from typing import TypeVar, final

import attrs
from google.protobuf.message import Message

from kozmo_io import core
from kozmo_io.errors import CorruptDataError, NotFoundError, PayloadTooLargeError, StorageError
from kozmo_io.protocols import InputFilePaths
from kozmo_io.reference import DataReference
from kozmo_io.storage import BlobStore, error_with_path, optional_positive_limit, read_message

__all__ = ("RemoteFileInputReader",)

M = TypeVar("M", bound=Message)


def _positive_or_none(_instance: object, _attribute: object, value: int | None) -> None:
    optional_positive_limit(value, "max_payload_bytes")


@final
@attrs.frozen
class RemoteFileInputReader:
    """An :class:`~kozmo_io.protocols.OrderedInputReader` over a store; paths come from ``paths``.

    Args:
        store: The store holding the inputs.
        paths: Where the inputs live (e.g. :class:`~kozmo_io.ioutils.SimpleInputFilePaths`).
        max_payload_bytes: Read limit in bytes; ``None`` means the store's limit (2 MiB by
            default).

    Raises:
        InvalidArgumentError: ``max_payload_bytes`` is not a positive integer or None (a
            ``ValueError``).
    """

    store: BlobStore
    paths: InputFilePaths
    max_payload_bytes: int | None = attrs.field(
        default=None, kw_only=True, validator=_positive_or_none
    )
    # The inputs returned last and the bytes they were decoded from, for decoded_from() (a box:
    # the reader is frozen). The reader holds the message itself, so no other message can ever be
    # taken for it.
    _decoded: list[tuple[Message, bytes]] = attrs.field(
        init=False, factory=list, eq=False, repr=False
    )

    def get_input_prefix_path(self) -> DataReference:
        """Return ``paths.get_input_prefix_path()``. No storage request."""
        return self.paths.get_input_prefix_path()

    def get_input_path(self) -> DataReference:
        """Return ``paths.get_input_path()``. No storage request."""
        return self.paths.get_input_path()

    async def get(self) -> core.LiteralMap:
        """Read and decode the inputs with one storage request (a bounded GET).

        Returns:
            The inputs; an empty map when the file is empty (never ``None``). Not cached: wrap the
            reader in :class:`~kozmo_io.ioutils.CachedInputReader` to read once.

        Raises:
            NotFoundError: The inputs file is missing.
            PayloadTooLargeError: The inputs file is larger than the limit (nothing is downloaded).
            CorruptDataError: The bytes do not decode as a LiteralMap.
            StorageError: The store failed.

        Each error names the inputs path; the store's error is its ``__cause__``.
        """
        return await self._read(core.LiteralMap)

    async def get_inputs(self) -> core.Inputs:
        """Read and decode the inputs in declared order, with one storage request (a bounded GET).

        Returns:
            The inputs as stored: the named literals in file order (a name given twice appears
            twice) and the run's context; empty inputs when the file is empty (never ``None``).
            A first-generation file reads in the order its entries were written, with no context.

        Raises:
            NotFoundError: The inputs file is missing.
            PayloadTooLargeError: The inputs file is larger than the limit (nothing is downloaded).
            CorruptDataError: The bytes do not decode as Inputs.
            StorageError: The store failed.

        Each error names the inputs path; the store's error is its ``__cause__``.
        """
        return await self._read(core.Inputs)

    def decoded_from(self, message: Message, /) -> bytes | None:
        """Return the bytes of ``inputs.pb`` if ``message`` is the inputs returned last.

        Makes the reader an :class:`~kozmo_io.storage.EncodingSource`: hand them to
        :class:`~kozmo_io.ioutils.RemoteFileInputWriter` to copy inputs read and left unchanged
        byte for byte (``writer.put(inputs, decoded_from=reader.decoded_from(inputs))``), maps
        inside values in their stored order. The reader keeps only the inputs its last
        :meth:`get` or :meth:`get_inputs` returned (it holds them until the next read). No storage
        request.

        Args:
            message: The message to look up, compared by identity (``is``), never by content.

        Returns:
            The bytes, or ``None`` for any other message.
        """
        kept = self._decoded
        return kept[0][1] if kept and kept[0][0] is message else None

    async def _read(self, message_type: type[M]) -> M:
        path = self.paths.get_input_path()
        self._decoded.clear()
        try:
            message, data = await read_message(
                self.store, path, message_type, max_bytes=self.max_payload_bytes, keep_bytes=True
            )
        except (NotFoundError, PayloadTooLargeError, CorruptDataError, StorageError) as exc:
            raise error_with_path(exc, path, what="the inputs") from exc
        self._decoded[:] = [(message, data)]
        return message
