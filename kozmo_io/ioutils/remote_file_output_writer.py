"""Persist what a task produced to a blob store: :class:`RemoteFileOutputWriter`."""

from __future__ import annotations

from typing import final

import attrs

from kozmo_io import core
from kozmo_io.errors import DuplicateNameError, NothingToWriteError
from kozmo_io.execution_error import ExecutionError
from kozmo_io.generations import duplicate_names
from kozmo_io.protocols import OrderedOutputReader, OutputFilePaths, OutputReader
from kozmo_io.reference import DataReference
from kozmo_io.storage import BlobStore, EncodingSource, optional_positive_limit, write_message

__all__ = ("RemoteFileOutputWriter",)


def _positive_or_none(
    _instance: object, _attribute: attrs.Attribute[int | None], value: object
) -> None:
    optional_positive_limit(value, "max_payload_bytes")


@final
@attrs.frozen
class RemoteFileOutputWriter:
    """An :class:`~kozmo_io.protocols.OutputWriter` writing ``outputs.pb`` or ``error.pb``.

    Path getters delegate to ``paths``. It never writes what its reader would refuse: a file
    larger than the read limit, or outputs nesting deeper than protobuf decodes.

    Args:
        store: The store to write to.
        paths: Where to write (e.g. :class:`~kozmo_io.ioutils.CheckpointRemoteFilePaths`).
        max_payload_bytes: The read limit a written file must fit (the reader's
            ``max_payload_bytes``); ``None`` means the store's limit (2 MiB by default).

    Raises:
        InvalidArgumentError: ``max_payload_bytes`` is not a positive integer or None.
    """

    store: BlobStore
    paths: OutputFilePaths
    max_payload_bytes: int | None = attrs.field(default=None, validator=_positive_or_none)

    def get_output_prefix_path(self) -> DataReference:
        """Return ``paths.get_output_prefix_path()``. No storage request."""
        return self.paths.get_output_prefix_path()

    def get_output_path(self) -> DataReference:
        """Return ``paths.get_output_path()``. No storage request."""
        return self.paths.get_output_path()

    def get_deck_path(self) -> DataReference:
        """Return ``paths.get_deck_path()``. No storage request."""
        return self.paths.get_deck_path()

    def get_error_path(self) -> DataReference:
        """Return ``paths.get_error_path()``. No storage request."""
        return self.paths.get_error_path()

    def get_raw_output_prefix(self) -> DataReference:
        """Return ``paths.get_raw_output_prefix()``. No storage request."""
        return self.paths.get_raw_output_prefix()

    def get_previous_checkpoints_prefix(self) -> DataReference | None:
        """Return ``paths.get_previous_checkpoints_prefix()``. No storage request."""
        return self.paths.get_previous_checkpoints_prefix()

    def get_checkpoint_prefix(self) -> DataReference:
        """Return ``paths.get_checkpoint_prefix()``. No storage request."""
        return self.paths.get_checkpoint_prefix()

    async def put(self, reader: OutputReader, /) -> None:
        """Write what ``reader`` returns: its error if any, else its outputs.

        An :class:`~kozmo_io.protocols.OrderedOutputReader` is read with ``read_outputs()`` and its
        outputs are written as ``Outputs``: the named literals in the order given (never sorted)
        and the produced artifacts. Any other reader is read with ``read()`` and its map written as
        before (entries in protobuf's deterministic order). Both encodings are the same for the
        same entries in the same order, and every reader of either generation reads both. Outputs
        that ``reader`` decoded from a file and that are unchanged are written with the bytes they
        were read from (maps inside values keep their stored order) when ``reader`` is an
        :class:`~kozmo_io.storage.EncodingSource`, as
        :class:`~kozmo_io.ioutils.RemoteFileOutputReader` is.

        An error is written to ``error.pb`` as an ErrorDocument keeping code, message,
        recoverability, origin (kind), timestamp and worker (the engine lost the last three); it
        wins over outputs. Outputs, even empty ones, are written to ``outputs.pb``. One PUT, plus
        whatever reading ``reader`` costs; nothing is written when a reader would refuse the file
        (larger than the read limit, or nesting too deep to decode).

        Args:
            reader: What the task produced.

        Raises:
            NothingToWriteError: ``reader`` holds neither outputs nor an error.
            DuplicateNameError: The outputs give a name more than once; nothing is written.
            PayloadTooLargeError: The file would be larger than the read limit; nothing is
                written.
            InvalidArgumentError: The outputs nest deeper than protobuf decodes (100 levels);
                nothing is written.
            StorageError: The store failed.
            KozmoIOError: Reading ``reader`` failed; its exception propagates unchanged and nothing
                is written.
        """
        outputs: core.LiteralMap | core.Outputs | None
        error: ExecutionError | None
        if isinstance(reader, OrderedOutputReader):
            outputs, error = await reader.read_outputs()
        else:
            outputs, error = await reader.read()
        if error is None and isinstance(outputs, core.Outputs):
            duplicates = duplicate_names(outputs)
            if duplicates:
                raise DuplicateNameError(duplicates)
        if error is not None:
            await write_message(
                self.store,
                self.paths.get_error_path(),
                error.to_error_document(),
                max_bytes=self.max_payload_bytes,
            )
        elif outputs is not None:
            decoded_from = (
                reader.decoded_from(outputs) if isinstance(reader, EncodingSource) else None
            )
            await write_message(
                self.store,
                self.paths.get_output_path(),
                outputs,
                max_bytes=self.max_payload_bytes,
                decoded_from=decoded_from,
            )
        else:
            prefix = self.paths.get_output_prefix_path().redacted()
            msg = (
                f"no data found to write: the reader holds neither outputs nor an error ({prefix})"
            )
            raise NothingToWriteError(msg)
