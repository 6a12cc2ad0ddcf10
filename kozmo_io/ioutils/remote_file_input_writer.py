"""Write a task's inputs to ``inputs.pb`` in a blob store: :class:`RemoteFileInputWriter`."""

from __future__ import annotations

from typing import final

import attrs

from kozmo_io import core
from kozmo_io.errors import DuplicateNameError
from kozmo_io.generations import duplicate_context_keys, duplicate_names
from kozmo_io.protocols import InputFilePaths
from kozmo_io.reference import DataReference
from kozmo_io.storage import BlobStore, write_message

__all__ = ("RemoteFileInputWriter",)


@final
@attrs.frozen
class RemoteFileInputWriter:
    """Writes the ``inputs.pb`` a task reads; path getters delegate to ``paths``.

    What the engine does before it starts a task, for tests, tools and engines written in Python.

    Args:
        store: The store to write to.
        paths: Where the inputs go (e.g. :class:`~kozmo_io.ioutils.SimpleInputFilePaths`).
    """

    store: BlobStore
    paths: InputFilePaths

    def get_input_prefix_path(self) -> DataReference:
        """Return ``paths.get_input_prefix_path()``. No storage request."""
        return self.paths.get_input_prefix_path()

    def get_input_path(self) -> DataReference:
        """Return ``paths.get_input_path()``. No storage request."""
        return self.paths.get_input_path()

    async def put(
        self, inputs: core.Inputs | core.LiteralMap, /, *, decoded_from: bytes | None = None
    ) -> None:
        """Write ``inputs`` to ``inputs.pb`` with one PUT.

        Second-generation ``Inputs`` are written with the named literals in the order given (never
        sorted) and the context pairs in the order given; a ``LiteralMap`` as the first generation
        writes it (entries in protobuf's deterministic order). Readers of either generation read
        both.

        To copy inputs byte for byte (maps inside values keep their stored order), hand on the
        bytes they were read from: ``put(inputs, decoded_from=reader.decoded_from(inputs))`` with
        a :class:`~kozmo_io.ioutils.RemoteFileInputReader` (any
        :class:`~kozmo_io.storage.EncodingSource`), or the bytes of
        ``read_message(..., keep_bytes=True)``. They are written only if ``inputs`` still encodes
        as they do.

        Args:
            inputs: The inputs.
            decoded_from: The bytes ``inputs`` were decoded from, if known.

        Raises:
            DuplicateNameError: ``inputs`` gives a name or a context key more than once; nothing
                is written.
            StorageError: The store failed.
        """
        if isinstance(inputs, core.Inputs):
            names = duplicate_names(inputs)
            if names:
                raise DuplicateNameError(names)
            keys = duplicate_context_keys(inputs)
            if keys:
                raise DuplicateNameError(keys, in_context=True)
        await write_message(
            self.store, self.paths.get_input_path(), inputs, decoded_from=decoded_from
        )
