"""Keep a task's outputs in memory for the engine to inspect: :class:`BufferedOutputWriter`."""

from __future__ import annotations

from typing import final

from kozmo_io.protocols import OutputFilePaths, OutputReader
from kozmo_io.reference import DataReference

__all__ = ("BufferedOutputWriter",)


@final
class BufferedOutputWriter:
    """An :class:`~kozmo_io.protocols.OutputWriter` that only remembers the last reader it got.

    The engine hands this writer to a plugin, then looks at :meth:`get_reader`: ``None`` means the
    plugin wrote its files itself (read them with
    :class:`~kozmo_io.ioutils.RemoteFileOutputReader` on the same paths). Path getters delegate to
    ``paths``. Nothing is read or written: no storage request.

    Args:
        paths: Where the outputs belong.
    """

    __slots__ = ("_paths", "_reader")

    def __init__(self, paths: OutputFilePaths, /) -> None:
        """Wrap ``paths``; no reader yet."""
        self._paths = paths
        self._reader: OutputReader | None = None

    @property
    def paths(self) -> OutputFilePaths:
        """The paths the getters delegate to."""
        return self._paths

    def get_output_prefix_path(self) -> DataReference:
        """Return ``paths.get_output_prefix_path()``."""
        return self._paths.get_output_prefix_path()

    def get_output_path(self) -> DataReference:
        """Return ``paths.get_output_path()``."""
        return self._paths.get_output_path()

    def get_deck_path(self) -> DataReference:
        """Return ``paths.get_deck_path()``."""
        return self._paths.get_deck_path()

    def get_error_path(self) -> DataReference:
        """Return ``paths.get_error_path()``."""
        return self._paths.get_error_path()

    def get_raw_output_prefix(self) -> DataReference:
        """Return ``paths.get_raw_output_prefix()``."""
        return self._paths.get_raw_output_prefix()

    def get_previous_checkpoints_prefix(self) -> DataReference | None:
        """Return ``paths.get_previous_checkpoints_prefix()``."""
        return self._paths.get_previous_checkpoints_prefix()

    def get_checkpoint_prefix(self) -> DataReference:
        """Return ``paths.get_checkpoint_prefix()``."""
        return self._paths.get_checkpoint_prefix()

    async def put(self, reader: OutputReader, /) -> None:
        """Remember ``reader``, replacing any earlier one. Never fails; reads nothing."""
        self._reader = reader

    def get_reader(self) -> OutputReader | None:
        """Return the last reader given to :meth:`put`, or ``None`` if there was none."""
        return self._reader
