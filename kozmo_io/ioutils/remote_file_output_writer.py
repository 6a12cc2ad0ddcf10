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
from kozmo_io.storage import BlobStore, write_message

__all__ = ("RemoteFileOutputWriter",)


@final
@attrs.frozen
class RemoteFileOutputWriter:
    """An :class:`~kozmo_io.protocols.OutputWriter` writing ``outputs.pb`` or ``error.pb``.

    Path getters delegate to ``paths``.

    Args:
        store: The store to write to.
        paths: Where to write (e.g. :class:`~kozmo_io.ioutils.CheckpointRemoteFilePaths`).
    """

    store: BlobStore
    paths: OutputFilePaths

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
        same entries in the same order, and every reader of either generation reads both.

        An error is written to ``error.pb`` as an ErrorDocument keeping code, message,
        recoverability, origin (kind), timestamp and worker (the engine lost the last three); it
        wins over outputs. Outputs, even empty ones, are written to ``outputs.pb``. One PUT, plus
        whatever reading ``reader`` costs.

        Args:
            reader: What the task produced.

        Raises:
            NothingToWriteError: ``reader`` holds neither outputs nor an error.
            DuplicateNameError: The outputs give a name more than once; nothing is written.
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
            await write_message(self.store, self.paths.get_error_path(), error.to_error_document())
        elif outputs is not None:
            await write_message(self.store, self.paths.get_output_path(), outputs)
        else:
            prefix = self.paths.get_output_prefix_path().redacted()
            msg = (
                f"no data found to write: the reader holds neither outputs nor an error ({prefix})"
            )
            raise NothingToWriteError(msg)
