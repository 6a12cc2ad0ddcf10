"""Where a task's outputs, error, deck and checkpoints live.

Three frozen path holders, all joined once at construction (so the getters never fail; the engine
returned ``""`` from a getter whose join failed, a bad prefix is reported here instead):

* :class:`RemoteFileOutputPaths` — the metadata files under an output prefix, plus the raw output
  prefix of a :class:`~kozmo_io.protocols.RawOutputPaths`; no checkpoints.
* :class:`CheckpointRemoteFilePaths` — the same plus checkpoint prefixes: a full
  :class:`~kozmo_io.protocols.OutputFilePaths`.
* :class:`ReadOnlyOutputFilePaths` — metadata files only, for reading what a task produced; the
  raw-output and checkpoint getters raise.

The deck file name is a field (``deck_filename``, default ``deck.html``).
"""

from __future__ import annotations

from typing import NamedTuple, final

import attrs

from kozmo_io.errors import KozmoIOError
from kozmo_io.protocols import RawOutputPaths
from kozmo_io.reference import DataReference, construct_reference
from kozmo_io.task_files import (
    CHECKPOINT_PREFIX,
    DECK_SUFFIX,
    ERRORS_SUFFIX,
    FUTURES_SUFFIX,
    OUTPUTS_SUFFIX,
)

__all__ = ("CheckpointRemoteFilePaths", "ReadOnlyOutputFilePaths", "RemoteFileOutputPaths")


def _optional_reference(value: str | None) -> DataReference | None:
    # "" is how the engine spells "no previous checkpoint".
    return DataReference(value) if value else None


class _Files(NamedTuple):
    output: DataReference
    error: DataReference
    deck: DataReference
    futures: DataReference


@attrs.frozen
class _MetadataFilePaths:
    """The metadata files under ``output_prefix``, joined once when the holder is built."""

    output_prefix: DataReference = attrs.field(converter=DataReference)
    deck_filename: str = attrs.field(default=DECK_SUFFIX, kw_only=True)
    _files: _Files = attrs.field(init=False, repr=False, eq=False)

    @_files.default
    def _join_files(self) -> _Files:
        prefix = self.output_prefix
        return _Files(
            output=construct_reference(prefix, OUTPUTS_SUFFIX),
            error=construct_reference(prefix, ERRORS_SUFFIX),
            deck=construct_reference(prefix, self.deck_filename),
            futures=construct_reference(prefix, FUTURES_SUFFIX),
        )

    def get_output_prefix_path(self) -> DataReference:
        """Return the output prefix as given. No storage request."""
        return self.output_prefix

    def get_output_path(self) -> DataReference:
        """Return ``<output_prefix>/outputs.pb``. No storage request."""
        return self._files.output

    def get_error_path(self) -> DataReference:
        """Return ``<output_prefix>/error.pb``. No storage request."""
        return self._files.error

    def get_deck_path(self) -> DataReference:
        """Return ``<output_prefix>/<deck_filename>``. No storage request."""
        return self._files.deck

    def get_futures_path(self) -> DataReference:
        """Return ``<output_prefix>/futures.pb``, a dynamic task's job spec. No storage request."""
        return self._files.futures


@final
@attrs.frozen
class RemoteFileOutputPaths(_MetadataFilePaths):
    """The metadata files under ``output_prefix`` and a raw output prefix; no checkpoints.

    Args:
        output_prefix: The attempt's metadata output prefix (a ``str`` is accepted).
        raw_output_paths: Supplies the raw output prefix.
        deck_filename: The deck's file name.

    Raises:
        InvalidReferenceError: ``output_prefix`` or ``deck_filename`` cannot be joined.
    """

    raw_output_paths: RawOutputPaths

    def get_raw_output_prefix(self) -> DataReference:
        """Return ``raw_output_paths.get_raw_output_prefix()``. No storage request."""
        return self.raw_output_paths.get_raw_output_prefix()


@final
@attrs.frozen
class CheckpointRemoteFilePaths(_MetadataFilePaths):
    """A full :class:`~kozmo_io.protocols.OutputFilePaths`: metadata files, raw output, checkpoints.

    Args:
        output_prefix: The attempt's metadata output prefix (a ``str`` is accepted).
        raw_output_paths: Supplies the raw output prefix; read once, at construction, to place the
            checkpoint prefix.
        previous_checkpoint_prefix: The previous attempt's checkpoint prefix, kept as given;
            ``None`` or ``""`` on a first attempt.
        deck_filename: The deck's file name.
        checkpoint_folder: The checkpoint folder under the raw output prefix.

    Raises:
        InvalidReferenceError: A prefix or file name cannot be joined.
    """

    raw_output_paths: RawOutputPaths
    previous_checkpoint_prefix: DataReference | None = attrs.field(
        default=None, converter=_optional_reference
    )
    checkpoint_folder: str = attrs.field(default=CHECKPOINT_PREFIX, kw_only=True)
    _checkpoint_prefix: DataReference = attrs.field(init=False, repr=False, eq=False)

    @_checkpoint_prefix.default
    def _join_checkpoint_prefix(self) -> DataReference:
        raw_output_prefix = self.raw_output_paths.get_raw_output_prefix()
        if not raw_output_prefix:  # the engine offers no checkpoint location then
            return DataReference("")
        return construct_reference(raw_output_prefix, self.checkpoint_folder)

    def get_raw_output_prefix(self) -> DataReference:
        """Return ``raw_output_paths.get_raw_output_prefix()``. No storage request."""
        return self.raw_output_paths.get_raw_output_prefix()

    def get_previous_checkpoints_prefix(self) -> DataReference | None:
        """Return the previous attempt's checkpoint prefix, or ``None`` on a first attempt."""
        return self.previous_checkpoint_prefix

    def get_checkpoint_prefix(self) -> DataReference:
        """Return ``<raw output prefix>/<checkpoint_folder>`` (empty when the raw prefix is)."""
        return self._checkpoint_prefix


@final
@attrs.frozen
class ReadOnlyOutputFilePaths(_MetadataFilePaths):
    """The metadata files under ``output_prefix``, for reading what a task produced.

    It satisfies :class:`~kozmo_io.protocols.OutputFilePaths` so readers accept it, but has no raw
    output: :meth:`get_raw_output_prefix` and :meth:`get_checkpoint_prefix` raise (the engine's
    equivalent crashed on a nil pointer). There is no previous checkpoint.

    Args:
        output_prefix: The attempt's metadata output prefix (a ``str`` is accepted).
        deck_filename: The deck's file name.

    Raises:
        InvalidReferenceError: ``output_prefix`` or ``deck_filename`` cannot be joined.
    """

    def get_raw_output_prefix(self) -> DataReference:
        """Raise: read-only paths have no raw output prefix.

        Raises:
            KozmoIOError: Always.
        """
        raise KozmoIOError(self._unavailable("raw output prefix"))

    def get_previous_checkpoints_prefix(self) -> DataReference | None:
        """Return ``None``: read-only paths have no previous checkpoint."""
        return None

    def get_checkpoint_prefix(self) -> DataReference:
        """Raise: read-only paths have no checkpoint prefix.

        Raises:
            KozmoIOError: Always.
        """
        raise KozmoIOError(self._unavailable("checkpoint prefix"))

    def _unavailable(self, what: str) -> str:
        return (
            f"read-only output paths for {self.output_prefix.redacted()} have no {what}; "
            f"build CheckpointRemoteFilePaths with a RawOutputPaths to write outputs"
        )
