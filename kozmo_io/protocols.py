"""The contracts between a Kozmo task plugin and the engine, as structural protocols.

Each protocol is ``runtime_checkable`` and method-only, so ``isinstance`` and ``issubclass`` both
work; a plugin author implements them by shape, never by inheritance. Path getters are plain
methods returning a :class:`~kozmo_io.DataReference`; every IO method is ``async def`` (cancel it
the asyncio way). Parameters after ``self`` are positional-only so every type checker reads them
alike.

System problems (storage down, corrupt files, oversized objects) are raised as
:class:`~kozmo_io.errors.KozmoIOError` subclasses; a task's own failure is returned as an
:class:`~kozmo_io.ExecutionError`. The request counts quoted below are those of the reference
implementations in :mod:`kozmo_io.ioutils`.

:class:`OrderedInputReader` and :class:`OrderedOutputReader` are the richer form of the readers:
they add one method each that returns the second generation's message (the literals in declared
order, the run's context, the produced artifacts). A reader opts in by implementing that method;
every :class:`InputReader` and :class:`OutputReader` stays what it was, and a consumer checks with
``isinstance`` before using the richer method.

:class:`ShardSelector` and :class:`SimpleTaskReader` are the helpers the reference implementations
take (a shard folder for a key, a task template to upload); the conformance kit's ``auto`` mode
leaves them out.
"""

from __future__ import annotations

from typing import TypeVar

from google.protobuf.message import Message
from typing_extensions import Protocol, runtime_checkable

from kozmo_io.core import Inputs, LiteralMap, Outputs
from kozmo_io.execution_error import ExecutionError
from kozmo_io.reference import DataReference

__all__ = (
    "CheckpointPaths",
    "ErrorReader",
    "InputFilePaths",
    "InputReader",
    "OrderedInputReader",
    "OrderedOutputReader",
    "OutputFilePaths",
    "OutputReader",
    "OutputWriter",
    "RawOutputPaths",
    "ShardSelector",
    "SimpleTaskReader",
)

M_co = TypeVar("M_co", bound=Message, covariant=True)


@runtime_checkable
class InputFilePaths(Protocol):
    """Where a task's inputs live."""

    def get_input_prefix_path(self) -> DataReference:
        """Return the prefix that holds the inputs, without a file name. No storage request."""
        ...

    def get_input_path(self) -> DataReference:
        """Return ``<prefix>/inputs.pb``, the inputs LiteralMap. No storage request."""
        ...


@runtime_checkable
class InputReader(InputFilePaths, Protocol):
    """Reads a task's inputs."""

    async def get(self) -> LiteralMap | None:
        """Read the inputs.

        Returns:
            The inputs; an empty map when the file is empty. ``None`` means "no inputs" (void).

        Raises:
            NotFoundError: The inputs file is missing.
            PayloadTooLargeError: The inputs file is larger than the read limit.
            CorruptDataError: The inputs file does not decode.
            StorageError: The store failed.

        The reference implementation makes one storage request.
        """
        ...


@runtime_checkable
class OrderedInputReader(InputReader, Protocol):
    """An :class:`InputReader` that also reads the inputs in their second-generation form."""

    async def get_inputs(self) -> Inputs | None:
        """Read the inputs in declared order, with the run's context.

        Returns:
            The inputs as stored: every named literal in file order (a name given twice appears
            twice) and the context pairs; empty inputs when the file is empty. ``None`` means "no
            inputs" (void). A first-generation file reads in the order its entries were written,
            with no context.

        Raises:
            NotFoundError: The inputs file is missing.
            PayloadTooLargeError: The inputs file is larger than the read limit.
            CorruptDataError: The inputs file does not decode.
            StorageError: The store failed.

        The reference implementation makes one storage request.
        """
        ...


@runtime_checkable
class ErrorReader(Protocol):
    """Reads the error document a task may have produced."""

    async def is_error(self) -> bool:
        """Tell whether the task produced an error document.

        Returns:
            True when an error document exists.

        Raises:
            PayloadTooLargeError: The error document is larger than the read limit.
            StorageError: The store failed.

        The reference implementation makes one storage request (a listing per page with the
        EARLIEST strategy).
        """
        ...

    async def read_error(self) -> ExecutionError:
        """Read the task's error.

        Returns:
            The error. A missing document reads as code ``ErrorFileNotFound`` (kind SYSTEM,
            recoverable); a document without an error as ``ErrorFileBadFormat``.

        Raises:
            PayloadTooLargeError: The error document is larger than the read limit.
            CorruptDataError: The error document does not decode.
            StorageError: The store failed.
        """
        ...


@runtime_checkable
class OutputReader(ErrorReader, Protocol):
    """Reads what a task produced: outputs, error, deck."""

    def is_file(self) -> bool:
        """Tell whether the outputs already live at the output paths (no copy needed)."""
        ...

    async def exists(self) -> bool:
        """Tell whether outputs exist.

        Returns:
            True when outputs exist.

        Raises:
            PayloadTooLargeError: The outputs are larger than the read limit (the
            engine's "OutputSizeExceeded").
            StorageError: The store failed.
        """
        ...

    async def read(self) -> tuple[LiteralMap | None, ExecutionError | None]:
        """Read the outputs.

        Returns:
            ``(outputs, None)`` on success, ``(None, None)`` for a void task, or
            ``(None, error)`` for a task-level problem such as "No outputs produced".

        Raises:
            NotFoundError: The outputs file is missing (a system problem, never a task error).
            PayloadTooLargeError: The outputs are larger than the read limit.
            CorruptDataError: The outputs do not decode.
            StorageError: The store failed.
        """
        ...

    async def deck_exists(self) -> bool:
        """Tell whether the task produced a deck.

        Returns:
            True when a deck exists.

        Raises:
            StorageError: The store failed.
        """
        ...


@runtime_checkable
class OrderedOutputReader(OutputReader, Protocol):
    """An :class:`OutputReader` that also reads the outputs in their second-generation form."""

    async def read_outputs(self) -> tuple[Outputs | None, ExecutionError | None]:
        """Read the outputs in declared order, with the artifacts the task produced.

        Returns:
            As :meth:`OutputReader.read`, with the outputs as stored: every named literal in file
            order (a name given twice appears twice) and the produced artifacts. A
            first-generation file reads in the order its entries were written, with no artifacts.

        Raises:
            NotFoundError: The outputs file is missing (a system problem, never a task error).
            PayloadTooLargeError: The outputs are larger than the read limit.
            CorruptDataError: The outputs do not decode.
            StorageError: The store failed.
        """
        ...


@runtime_checkable
class CheckpointPaths(Protocol):
    """Where a task attempt reads and writes its checkpoints."""

    def get_previous_checkpoints_prefix(self) -> DataReference | None:
        """Return the checkpoint prefix of the previous attempt, or ``None`` on a first attempt."""
        ...

    def get_checkpoint_prefix(self) -> DataReference:
        """Return the prefix where this attempt writes checkpoints (under the raw output prefix)."""
        ...


@runtime_checkable
class RawOutputPaths(Protocol):
    """Where a task writes its raw (user) data."""

    def get_raw_output_prefix(self) -> DataReference:
        """Return the per-attempt unique prefix for raw data. No storage request."""
        ...


@runtime_checkable
class OutputFilePaths(RawOutputPaths, CheckpointPaths, Protocol):
    """Where a task's metadata outputs live."""

    def get_output_prefix_path(self) -> DataReference:
        """Return the metadata output prefix. No storage request."""
        ...

    def get_output_path(self) -> DataReference:
        """Return ``<prefix>/outputs.pb``, the outputs LiteralMap. No storage request."""
        ...

    def get_deck_path(self) -> DataReference:
        """Return ``<prefix>/deck.html`` (the file name is configurable). No storage request."""
        ...

    def get_error_path(self) -> DataReference:
        """Return ``<prefix>/error.pb``, the ErrorDocument. No storage request."""
        ...


@runtime_checkable
class OutputWriter(OutputFilePaths, Protocol):
    """Hands a task's outputs or error to the engine."""

    async def put(self, reader: OutputReader, /) -> None:
        """Persist what ``reader`` holds: its error if it has one, else its outputs.

        A writer that supports the second generation reads an :class:`OrderedOutputReader` through
        ``read_outputs()`` and keeps the order and the produced artifacts.

        Args:
            reader: The outputs to persist.

        Raises:
            NothingToWriteError: ``reader`` holds neither outputs nor an error.
            StorageError: The store failed.
            KozmoIOError: ``reader`` failed to read; its exception propagates unchanged
            and nothing is written.
        """
        ...


@runtime_checkable
class ShardSelector(Protocol):
    """Maps a key to the shard folder it belongs in."""

    def get_shard_prefix(self, key: bytes, /) -> str:
        """Return the shard folder name for ``key`` (deterministic)."""
        ...


@runtime_checkable
class SimpleTaskReader(Protocol[M_co]):
    """Anything that can produce the task template (any protobuf message)."""

    async def read(self) -> M_co:
        """Return the template."""
        ...
