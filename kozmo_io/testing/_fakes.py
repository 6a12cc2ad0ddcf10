"""Fakes for a plugin author's own tests: a fresh store, scripted readers, a recording writer."""

from __future__ import annotations

from typing import final

import attrs

from kozmo_io import core
from kozmo_io.errors import NothingToWriteError
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils.input_file_paths import SimpleInputFilePaths
from kozmo_io.ioutils.output_file_paths import CheckpointRemoteFilePaths
from kozmo_io.ioutils.raw_output_paths import PrecomputedRawOutputPaths
from kozmo_io.protocols import OutputFilePaths, OutputReader
from kozmo_io.reference import DataReference
from kozmo_io.storage import DEFAULT_MAX_PAYLOAD_BYTES, MemoryBlobStore

__all__ = (
    "RecordedPut",
    "RecordingOutputWriter",
    "ScriptedInputReader",
    "ScriptedOutputReader",
    "memory_store",
)

_INPUT_PREFIX = "memory://kozmo-test/inputs"
_OUTPUT_PREFIX = "memory://kozmo-test/outputs"
_RAW_OUTPUT_PREFIX = "memory://kozmo-test/raw"


def memory_store(*, max_payload_bytes: int | None = DEFAULT_MAX_PAYLOAD_BYTES) -> MemoryBlobStore:
    """Return a new, empty in-process store (``memory://bucket/key`` or ``/bucket/key``).

    Args:
        max_payload_bytes: The store's read limit; ``None`` or ``0`` means unlimited.

    Returns:
        The store; nothing is shared with any other store.
    """
    return MemoryBlobStore(max_payload_bytes=max_payload_bytes)


@final
class ScriptedInputReader:
    """An :class:`~kozmo_io.protocols.InputReader` that returns or raises what it was given.

    Args:
        script: The inputs ``get()`` returns (``None`` means "no inputs"), or the exception it
            raises on every call.
        input_prefix: Where the inputs are said to live.

    Attributes:
        calls: How many times ``get()`` was called.
    """

    __slots__ = ("_paths", "_script", "calls")

    def __init__(
        self,
        script: core.LiteralMap | Exception | None = None,
        /,
        *,
        input_prefix: str = _INPUT_PREFIX,
    ) -> None:
        """Script the reader; ``get()`` has not been called yet."""
        self._script = script
        self._paths = SimpleInputFilePaths(input_prefix)
        self.calls = 0

    def get_input_prefix_path(self) -> DataReference:
        """Return the input prefix. No storage request."""
        return self._paths.get_input_prefix_path()

    def get_input_path(self) -> DataReference:
        """Return ``<input prefix>/inputs.pb``. No storage request."""
        return self._paths.get_input_path()

    async def get(self) -> core.LiteralMap | None:
        """Count the call, then return the scripted inputs.

        Raises:
            Exception: The scripted exception, if one was given.
        """
        self.calls += 1
        if isinstance(self._script, Exception):
            raise self._script
        return self._script


@final
class ScriptedOutputReader:
    """An :class:`~kozmo_io.protocols.OutputReader` over given values that records every call.

    Unlike :class:`~kozmo_io.ioutils.InMemoryOutputReader` it records which methods were called, in
    order, and can fail like a reader whose store is down.

    Args:
        outputs: What ``read()`` returns as outputs (``exists()`` is True unless ``None``).
        error: What ``read()`` returns as the task's error (``is_error()`` is True unless ``None``).
        deck: What ``deck_exists()`` returns.
        is_file: What ``is_file()`` returns.
        raises: When given, every ``async`` method raises it (after recording the call).

    Attributes:
        calls: The names of the methods called so far, in call order.
    """

    __slots__ = ("_deck", "_error", "_is_file", "_outputs", "_raises", "calls")

    def __init__(
        self,
        outputs: core.LiteralMap | None = None,
        error: ExecutionError | None = None,
        *,
        deck: bool = False,
        is_file: bool = False,
        raises: Exception | None = None,
    ) -> None:
        """Script the reader; nothing has been called yet."""
        self._outputs = outputs
        self._error = error
        self._deck = deck
        self._is_file = is_file
        self._raises = raises
        self.calls: list[str] = []

    def _record(self, name: str) -> None:
        self.calls.append(name)
        if self._raises is not None:
            raise self._raises

    def is_file(self) -> bool:
        """Return the scripted ``is_file`` (never raises)."""
        self.calls.append("is_file")
        return self._is_file

    async def is_error(self) -> bool:
        """Return whether an error was scripted."""
        self._record("is_error")
        return self._error is not None

    async def read_error(self) -> ExecutionError:
        """Return the scripted error.

        Returns:
            The error; without one, ``ErrorFileNotFound`` (SYSTEM, recoverable), as a store-backed
            reader answers when there is no error document.
        """
        self._record("read_error")
        if self._error is None:
            return ExecutionError(
                code="ErrorFileNotFound",
                message="no error scripted",
                kind=ErrorKind.SYSTEM,
                is_recoverable=True,
            )
        return self._error

    async def exists(self) -> bool:
        """Return whether outputs were scripted (an empty map counts)."""
        self._record("exists")
        return self._outputs is not None

    async def read(self) -> tuple[core.LiteralMap | None, ExecutionError | None]:
        """Return ``(outputs, error)`` exactly as scripted."""
        self._record("read")
        return self._outputs, self._error

    async def deck_exists(self) -> bool:
        """Return the scripted ``deck``."""
        self._record("deck_exists")
        return self._deck


@final
@attrs.frozen
class RecordedPut:
    """One successful :meth:`RecordingOutputWriter.put`.

    Args:
        reader: The reader that was put.
        outputs: The outputs its ``read()`` returned.
        error: The error its ``read()`` returned.
    """

    reader: OutputReader
    outputs: core.LiteralMap | None
    error: ExecutionError | None


def _default_paths() -> OutputFilePaths:
    return CheckpointRemoteFilePaths(
        _OUTPUT_PREFIX, PrecomputedRawOutputPaths(_RAW_OUTPUT_PREFIX), None
    )


@final
class RecordingOutputWriter:
    """An :class:`~kozmo_io.protocols.OutputWriter` that records what it was given, in memory.

    ``put`` reads the reader as a real writer would (so its failures and "nothing to write" surface
    the same way) and records the reader with what it read. Path getters delegate to ``paths``.

    Args:
        paths: Where the outputs belong; by default under ``memory://kozmo-test/outputs`` with raw
            output under ``memory://kozmo-test/raw``.
        raises: When given, ``put`` raises it before reading anything (a store that is down).

    Attributes:
        puts: Every successful ``put``, in call order.
    """

    __slots__ = ("_paths", "_raises", "puts")

    def __init__(
        self, paths: OutputFilePaths | None = None, *, raises: Exception | None = None
    ) -> None:
        """Build the writer with nothing recorded."""
        self._paths = _default_paths() if paths is None else paths
        self._raises = raises
        self.puts: list[RecordedPut] = []

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
        """Read ``reader`` once and record it with what it returned.

        Raises:
            Exception: The ``raises`` given at construction.
            NothingToWriteError: ``reader`` holds neither outputs nor an error.
            KozmoIOError: ``reader.read()`` failed; its exception propagates, nothing is recorded.
        """
        if self._raises is not None:
            raise self._raises
        outputs, error = await reader.read()
        if outputs is None and error is None:
            msg = "no data found to write: the reader holds neither outputs nor an error"
            raise NothingToWriteError(msg)
        self.puts.append(RecordedPut(reader, outputs, error))

    @property
    def last(self) -> RecordedPut | None:
        """The most recent successful ``put``, or ``None``."""
        return self.puts[-1] if self.puts else None
