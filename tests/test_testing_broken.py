"""Deliberately broken implementations, at least one per rule of the kit, each with its message.

Every broken class starts from a correct one (most delegate to the reference implementations) and
breaks one thing; the table at the end names the check, the factory and the text the problem must
carry.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
from collections.abc import Callable
from typing import Any, final

import attrs
import pytest

from kozmo_io import core
from kozmo_io.conformance import ConformanceReport
from kozmo_io.errors import (
    ConformanceError,
    CorruptDataError,
    KozmoIOError,
    NotFoundError,
    NothingToWriteError,
    StorageError,
)
from kozmo_io.execution_error import ExecutionError
from kozmo_io.ioutils import RemoteFileInputReader, RemoteFileOutputReader, RemoteFileOutputWriter
from kozmo_io.protocols import InputFilePaths, OutputFilePaths, OutputReader
from kozmo_io.reference import DataReference, construct_reference
from kozmo_io.storage import BlobStore, write_message
from kozmo_io.testing import (
    check_input_file_paths,
    check_input_reader,
    check_output_file_paths,
    check_output_reader,
    check_output_writer,
)

Outputs = tuple[core.LiteralMap | None, ExecutionError | None]

# --- output readers ---------------------------------------------------------------------------


class _ReaderWithoutDeck:
    """An OutputReader without deck_exists; the rest delegates to RemoteFileOutputReader."""

    def __init__(self, store: BlobStore, paths: OutputFilePaths) -> None:
        self.store = store
        self.paths = paths
        self.inner = RemoteFileOutputReader(store, paths)

    def is_file(self) -> bool:
        return self.inner.is_file()

    async def is_error(self) -> bool:
        return await self.inner.is_error()

    async def read_error(self) -> ExecutionError:
        return await self.inner.read_error()

    async def exists(self) -> bool:
        return await self.inner.exists()

    async def read(self) -> Outputs:
        return await self.inner.read()


class _Reader(_ReaderWithoutDeck):
    """A correct OutputReader: every method delegates to RemoteFileOutputReader."""

    async def deck_exists(self) -> bool:
        return await self.inner.deck_exists()

    async def document(self) -> core.ErrorDocument:
        document = core.ErrorDocument()
        document.ParseFromString(await self.store.get(self.paths.get_error_path()))
        return document


class ReturnsEmptyMap(_Reader):
    async def read(self) -> Outputs:
        outputs = core.LiteralMap()
        outputs.ParseFromString(await self.store.get(self.paths.get_output_path()))
        return outputs, None


class NoOutputsNotRecoverable(_Reader):
    async def read(self) -> Outputs:
        outputs, error = await self.inner.read()
        return outputs, None if error is None else attrs.evolve(error, is_recoverable=False)


class ErrorForMissingOutputs(_Reader):
    async def read(self) -> Outputs:
        try:
            return await self.inner.read()
        except NotFoundError:
            return None, ExecutionError(code="OutputsNotFound", is_recoverable=True)


class VoidForMissingOutputs(_Reader):
    async def read(self) -> Outputs:
        try:
            return await self.inner.read()
        except NotFoundError:
            return None, None


class ReadOnlyAfterExists(_Reader):
    def __init__(self, store: BlobStore, paths: OutputFilePaths) -> None:
        super().__init__(store, paths)
        self.checked = False

    async def exists(self) -> bool:
        self.checked = True
        return await self.inner.exists()

    async def read(self) -> Outputs:
        return await self.inner.read() if self.checked else (None, None)


class CorruptOutputsAsError(_Reader):
    async def read(self) -> Outputs:
        try:
            return await self.inner.read()
        except CorruptDataError:
            return None, ExecutionError(code="CorruptOutputs")


class IsErrorAlwaysFalse(_Reader):
    async def is_error(self) -> bool:
        return False


class ExistsAlwaysTrue(_Reader):
    async def exists(self) -> bool:
        return True


class DeckAlwaysTrue(_Reader):
    async def deck_exists(self) -> bool:
        return True


class RecoverableInverted(_Reader):
    async def read_error(self) -> ExecutionError:
        error = await self.inner.read_error()
        return attrs.evolve(error, is_recoverable=not error.is_recoverable)


class KindFromWrongField(_Reader):
    """Takes the kind from ContainerError.kind (the recoverability) instead of its origin."""

    async def read_error(self) -> ExecutionError:
        error = (await self.document()).error
        return attrs.evolve(await self.inner.read_error(), kind=error.kind)


class DropsTimestampAndWorker(_Reader):
    async def read_error(self) -> ExecutionError:
        return attrs.evolve(await self.inner.read_error(), timestamp=None, worker="")


class ReadErrorOnlyAfterIsError(_Reader):
    def __init__(self, store: BlobStore, paths: OutputFilePaths) -> None:
        super().__init__(store, paths)
        self.asked = False

    async def is_error(self) -> bool:
        self.asked = True
        return await self.inner.is_error()

    async def read_error(self) -> ExecutionError:
        return await self.inner.read_error() if self.asked else ExecutionError()


class BadFormatAsBlankError(_Reader):
    async def read_error(self) -> ExecutionError:
        return ExecutionError.from_container_error((await self.document()).error)


class CorruptErrorSwallowed(_Reader):
    async def read_error(self) -> ExecutionError:
        try:
            return await self.inner.read_error()
        except CorruptDataError:
            return ExecutionError(code="Unknown")


class IsFileNotBool(_Reader):
    def is_file(self) -> bool:
        return "yes"  # type: ignore[return-value]  # the bug under test


class SyncIsError(_Reader):
    def is_error(self) -> bool:  # type: ignore[override]  # the bug under test
        return False


class AsyncIsFile(_Reader):
    async def is_file(self) -> bool:  # type: ignore[override]  # the bug under test
        return True


@final
class MissingDeckExists(_ReaderWithoutDeck):
    """Has every OutputReader method but deck_exists."""


class DeckExistsRaises(_Reader):
    async def deck_exists(self) -> bool:
        msg = "deck lookup is not implemented"
        raise NotImplementedError(msg)


class DeckExistsHangs(_Reader):
    async def deck_exists(self) -> bool:
        await asyncio.sleep(3600)
        return False


class ReadReturnsList(_Reader):
    async def read(self) -> Outputs:
        return list(await self.inner.read())  # type: ignore[return-value]  # the bug under test


# --- input readers ----------------------------------------------------------------------------


class _InputReader:
    """A correct InputReader: delegates to RemoteFileInputReader."""

    def __init__(self, store: BlobStore, paths: InputFilePaths) -> None:
        self.paths = paths
        self.inner = RemoteFileInputReader(store, paths)

    def get_input_prefix_path(self) -> DataReference:
        return self.paths.get_input_prefix_path()

    def get_input_path(self) -> DataReference:
        return self.paths.get_input_path()

    async def get(self) -> core.LiteralMap | None:
        return await self.inner.get()


class NoneForEmptyInputs(_InputReader):
    async def get(self) -> core.LiteralMap | None:
        inputs = await self.inner.get()
        return inputs if inputs.literals else None


class EmptyMapForMissingInputs(_InputReader):
    async def get(self) -> core.LiteralMap | None:
        try:
            return await self.inner.get()
        except NotFoundError:
            return core.LiteralMap()


class CorruptInputsAsEmpty(_InputReader):
    async def get(self) -> core.LiteralMap | None:
        try:
            return await self.inner.get()
        except CorruptDataError:
            return core.LiteralMap()


class OneShotInputReader(_InputReader):
    def __init__(self, store: BlobStore, paths: InputFilePaths) -> None:
        super().__init__(store, paths)
        self.done = False

    async def get(self) -> core.LiteralMap | None:
        if self.done:
            return None
        self.done = True
        return await self.inner.get()


class WrongInputFileName(_InputReader):
    def get_input_path(self) -> DataReference:
        return construct_reference(self.paths.get_input_prefix_path(), "input.pb")


class PlainStrInputPath(_InputReader):
    def get_input_path(self) -> DataReference:
        return str(self.paths.get_input_path())  # type: ignore[return-value]  # the bug under test


class FStringInputJoin(_InputReader):
    def get_input_path(self) -> DataReference:
        return DataReference(f"{self.paths.get_input_prefix_path()}/inputs.pb")


class PrefixIsInputPath(_InputReader):
    def get_input_prefix_path(self) -> DataReference:
        return self.paths.get_input_path()


# --- output path holders ----------------------------------------------------------------------


class _Paths:
    """A correct OutputFilePaths: delegates to the kit's paths."""

    def __init__(self, store: BlobStore, paths: OutputFilePaths) -> None:
        self.store = store
        self.paths = paths

    def get_output_prefix_path(self) -> DataReference:
        return self.paths.get_output_prefix_path()

    def get_output_path(self) -> DataReference:
        return self.paths.get_output_path()

    def get_deck_path(self) -> DataReference:
        return self.paths.get_deck_path()

    def get_error_path(self) -> DataReference:
        return self.paths.get_error_path()

    def get_raw_output_prefix(self) -> DataReference:
        return self.paths.get_raw_output_prefix()

    def get_previous_checkpoints_prefix(self) -> DataReference | None:
        return self.paths.get_previous_checkpoints_prefix()

    def get_checkpoint_prefix(self) -> DataReference:
        return self.paths.get_checkpoint_prefix()


class PlainStrOutputPath(_Paths):
    def get_output_path(self) -> DataReference:
        return str(self.paths.get_output_path())  # type: ignore[return-value]  # the bug under test


class WrongOutputFileName(_Paths):
    def get_output_path(self) -> DataReference:
        return construct_reference(self.paths.get_output_prefix_path(), "output.pb")


class WrongErrorFileName(_Paths):
    def get_error_path(self) -> DataReference:
        return construct_reference(self.paths.get_output_prefix_path(), "errors.pb")


class DeckUnderRawOutput(_Paths):
    def get_deck_path(self) -> DataReference:
        return construct_reference(self.paths.get_raw_output_prefix(), "deck.html")


class CheckpointUnderOutputPrefix(_Paths):
    def get_checkpoint_prefix(self) -> DataReference:
        return construct_reference(self.paths.get_output_prefix_path(), "_kozmocheckpoints")


class PreviousCheckpointEmptyString(_Paths):
    def get_previous_checkpoints_prefix(self) -> DataReference | None:
        return self.paths.get_previous_checkpoints_prefix() or DataReference("")


class RawOutputIsOutputPrefix(_Paths):
    def get_raw_output_prefix(self) -> DataReference:
        return self.paths.get_output_prefix_path()


class UnstableRawOutputPrefix(_Paths):
    def __init__(self, store: BlobStore, paths: OutputFilePaths) -> None:
        super().__init__(store, paths)
        self.calls = itertools.count()

    def get_raw_output_prefix(self) -> DataReference:
        return construct_reference(self.paths.get_raw_output_prefix(), str(next(self.calls)))

    def get_checkpoint_prefix(self) -> DataReference:
        return construct_reference(self.paths.get_raw_output_prefix(), "0", "_kozmocheckpoints")


class DeckPathProbesStore(_Paths):
    """Starts a HEAD of the deck on every call of get_deck_path."""

    def __init__(self, store: BlobStore, paths: OutputFilePaths) -> None:
        super().__init__(store, paths)
        self.probes: list[asyncio.Task[Any]] = []

    def get_deck_path(self) -> DataReference:
        path = self.paths.get_deck_path()
        self.probes.append(asyncio.get_running_loop().create_task(self.store.head(path)))
        return path


class OutputPathReturnsCoroutine(_Paths):
    """A plain def (so the runtime check passes) that hands back a coroutine."""

    async def _output_path(self) -> DataReference:
        return self.paths.get_output_path()

    def get_output_path(self) -> DataReference:
        return self._output_path()  # type: ignore[return-value]  # the bug under test


# --- output writers ---------------------------------------------------------------------------


class _Writer(_Paths):
    """A correct OutputWriter: paths from the kit, put through RemoteFileOutputWriter."""

    def __init__(self, store: BlobStore, paths: OutputFilePaths) -> None:
        super().__init__(store, paths)
        self.inner = RemoteFileOutputWriter(store, paths)

    async def put(self, reader: OutputReader, /) -> None:
        await self.inner.put(reader)

    async def write_error(self, error: core.ContainerError) -> None:
        await write_message(self.store, self.get_error_path(), core.ErrorDocument(error=error))


class DropsTimestampAndWorkerWhenWriting(_Writer):
    async def put(self, reader: OutputReader, /) -> None:
        _, error = await reader.read()
        if error is None:
            await self.inner.put(reader)
            return
        container = error.to_container_error()
        container.ClearField("timestamp")
        container.worker = ""
        await self.write_error(container)


class DropsOriginWhenWriting(_Writer):
    """Writes what the engine's Go writer wrote: code, message and recoverability only."""

    async def put(self, reader: OutputReader, /) -> None:
        _, error = await reader.read()
        if error is None:
            await self.inner.put(reader)
            return
        container = error.to_container_error()
        container.origin = core.ExecutionError.ErrorKind.UNKNOWN
        await self.write_error(container)


class RecoverableInvertedWhenWriting(_Writer):
    async def put(self, reader: OutputReader, /) -> None:
        _, error = await reader.read()
        if error is None:
            await self.inner.put(reader)
            return
        await self.inner.put(
            _Fixed(None, attrs.evolve(error, is_recoverable=not error.is_recoverable))
        )


class WritesOutputsDespiteError(_Writer):
    async def put(self, reader: OutputReader, /) -> None:
        outputs, _ = await reader.read()
        if outputs is not None:
            await write_message(self.store, self.get_output_path(), outputs)
        await self.inner.put(reader)


class SwallowsReaderException(_Writer):
    async def put(self, reader: OutputReader, /) -> None:
        try:
            await self.inner.put(reader)
        except StorageError:
            return


class WrapsReaderException(_Writer):
    async def put(self, reader: OutputReader, /) -> None:
        try:
            await self.inner.put(reader)
        except StorageError as exc:
            msg = "put failed"
            raise KozmoIOError(msg) from exc


class EmptyMapIsNothingToWrite(_Writer):
    async def put(self, reader: OutputReader, /) -> None:
        outputs, error = await reader.read()
        if error is None and (outputs is None or not outputs.literals):
            msg = "nothing to write"
            raise NothingToWriteError(msg)
        await self.inner.put(reader)


class SilentOnNothingToWrite(_Writer):
    async def put(self, reader: OutputReader, /) -> None:
        outputs, error = await reader.read()
        if outputs is not None or error is not None:
            await self.inner.put(reader)


class WritesEmptyOutputsOnNothing(_Writer):
    async def put(self, reader: OutputReader, /) -> None:
        outputs, error = await reader.read()
        if outputs is None and error is None:
            await write_message(self.store, self.get_output_path(), core.LiteralMap())
            return
        await self.inner.put(reader)


class WritesPlaceholderFirst(_Writer):
    async def put(self, reader: OutputReader, /) -> None:
        await self.store.put(self.get_output_path(), b"")
        await self.inner.put(reader)


class WritesToWrongFile(_Writer):
    async def put(self, reader: OutputReader, /) -> None:
        outputs, error = await reader.read()
        if error is None and outputs is not None:
            path = construct_reference(self.get_output_prefix_path(), "output.pb")
            await write_message(self.store, path, outputs)
            return
        await self.inner.put(reader)


class SyncPut(_Writer):
    def put(self, reader: OutputReader, /) -> None:  # type: ignore[override]  # the bug under test
        del reader


@final
class _Fixed:
    """An OutputReader over fixed values (a writer's helper above)."""

    def __init__(self, outputs: core.LiteralMap | None, error: ExecutionError | None) -> None:
        self.outputs = outputs
        self.error = error

    def is_file(self) -> bool:
        return False

    async def is_error(self) -> bool:
        return self.error is not None

    async def read_error(self) -> ExecutionError:
        return self.error or ExecutionError()

    async def exists(self) -> bool:
        return self.outputs is not None

    async def read(self) -> Outputs:
        return self.outputs, self.error

    async def deck_exists(self) -> bool:
        return False


# --- the table --------------------------------------------------------------------------------

Check = Callable[[Any], ConformanceReport]


@final
@attrs.frozen
class Case:
    """A broken factory, the check that must reject it and the texts its problems must carry."""

    check: Check
    factory: Callable[..., Any]
    texts: tuple[str, ...]
    rule: str = "behaviour"


EMPTY = "with outputs.pb holding an empty LiteralMap"
MISSING = "with no file under the output prefix"
SYSTEM = "with error.pb holding a recoverable SYSTEM error with timestamp and worker"
OUTPUTS = "with outputs.pb holding 3 literals"
PUT_SYSTEM = "given a reader holding a recoverable SYSTEM error, read back from error.pb"
TIMESTAMP = "expected timestamp 2024-11-05T12:30:01.123456+00:00, found timestamp None"
WORKER = "expected worker 'kozmo-kit-worker-3', found worker ''"
SLASHED = "for output prefix 'memory://kozmo-kit/paths/outputs/'"

CASES: dict[str, Case] = {
    # OutputReader
    "reader-empty-map-instead-of-no-outputs": Case(
        check_output_reader,
        ReturnsEmptyMap,
        (
            (
                f"ReturnsEmptyMap.read() {EMPTY} after exists(): expected (None, ExecutionError("
                "code='No outputs produced', kind=UNKNOWN, is_recoverable=True)), "
                "found (an empty LiteralMap, None)"
            ),
        ),
    ),
    "reader-no-outputs-not-recoverable": Case(
        check_output_reader,
        NoOutputsNotRecoverable,
        (
            (
                f"read() {EMPTY} after exists(): "
                "expected is_recoverable True, found is_recoverable False"
            ),
        ),
    ),
    "reader-returns-error-for-missing-file": Case(
        check_output_reader,
        ErrorForMissingOutputs,
        (
            (
                f"read() {MISSING} after exists(): expected NotFoundError raised, "
                "found (None, ExecutionError(code='OutputsNotFound'"
            ),
        ),
    ),
    "reader-void-for-missing-file": Case(
        check_output_reader,
        VoidForMissingOutputs,
        (f"read() {MISSING} after exists(): expected NotFoundError raised, found (None, None)",),
    ),
    "reader-read-only-after-exists": Case(
        check_output_reader,
        ReadOnlyAfterExists,
        (
            (
                f"read() {OUTPUTS} (fresh reader, no exists() first): expected (a LiteralMap with "
                "['answer', 'greeting', 'ratio'], None), found (None, None)"
            ),
        ),
    ),
    "reader-corrupt-outputs-as-task-error": Case(
        check_output_reader,
        CorruptOutputsAsError,
        ("read() with outputs.pb holding bytes that do not decode: expected CorruptDataError",),
    ),
    "reader-is-error-always-false": Case(
        check_output_reader,
        IsErrorAlwaysFalse,
        (f"is_error() {SYSTEM}: expected True, found False",),
    ),
    "reader-exists-always-true": Case(
        check_output_reader,
        ExistsAlwaysTrue,
        (f"exists() {MISSING}: expected False, found True",),
    ),
    "reader-deck-exists-always-true": Case(
        check_output_reader,
        DeckAlwaysTrue,
        (
            f"DeckAlwaysTrue.deck_exists() {OUTPUTS}: expected False, found True",
            f"deck_exists() {MISSING}: expected False, found True",
        ),
    ),
    "reader-recoverable-inverted": Case(
        check_output_reader,
        RecoverableInverted,
        (
            (
                f"read_error() {SYSTEM} after is_error(): expected is_recoverable True, "
                "found is_recoverable False"
            ),
            (
                "with error.pb holding a non-recoverable USER error after is_error(): "
                "expected is_recoverable False, found is_recoverable True"
            ),
        ),
    ),
    "reader-kind-from-wrong-field": Case(
        check_output_reader,
        KindFromWrongField,
        (
            f"read_error() {SYSTEM} after is_error(): expected kind SYSTEM, found kind USER",
            "non-recoverable USER error after is_error(): expected kind USER, found kind UNKNOWN",
        ),
    ),
    "reader-drops-timestamp-and-worker": Case(
        check_output_reader,
        DropsTimestampAndWorker,
        (f"read_error() {SYSTEM} after is_error(): {TIMESTAMP}", WORKER),
    ),
    "reader-read-error-only-after-is-error": Case(
        check_output_reader,
        ReadErrorOnlyAfterIsError,
        (f"read_error() {SYSTEM} (fresh reader, no is_error() first): expected code 'OOMKilled'",),
    ),
    "reader-bad-format-as-blank-error": Case(
        check_output_reader,
        BadFormatAsBlankError,
        (
            (
                "read_error() with error.pb holding an ErrorDocument without an error after "
                "is_error(): expected code 'ErrorFileBadFormat', found code ''"
            ),
        ),
    ),
    "reader-corrupt-error-swallowed": Case(
        check_output_reader,
        CorruptErrorSwallowed,
        (
            (
                "read_error() with error.pb holding bytes that do not decode after is_error(): "
                "expected CorruptDataError raised, found ExecutionError(code='Unknown'"
            ),
        ),
    ),
    "reader-is-file-not-bool": Case(
        check_output_reader,
        IsFileNotBool,
        (f"is_file() {OUTPUTS}: expected a bool, found str 'yes'",),
    ),
    "reader-read-returns-list": Case(
        check_output_reader,
        ReadReturnsList,
        (f"read() {OUTPUTS} after exists(): expected (a LiteralMap with",),
    ),
    "reader-sync-is-error": Case(
        check_output_reader,
        SyncIsError,
        ("SyncIsError.is_error is a plain def, but ErrorReader.is_error is async def",),
        rule="async",
    ),
    "reader-async-is-file": Case(
        check_output_reader,
        AsyncIsFile,
        ("AsyncIsFile.is_file is async def, but OutputReader.is_file is a plain def",),
        rule="async",
    ),
    "reader-missing-deck-exists": Case(
        check_output_reader,
        MissingDeckExists,
        ("MissingDeckExists.deck_exists is missing",),
        rule="missing",
    ),
    "reader-method-raises": Case(
        check_output_reader,
        DeckExistsRaises,
        (
            (
                f"deck_exists() {OUTPUTS}: expected False, "
                "found raised NotImplementedError: deck lookup is not implemented"
            ),
        ),
    ),
    "reader-method-hangs": Case(
        functools.partial(check_output_reader, call_timeout=0.05),
        DeckExistsHangs,
        (f"deck_exists() {OUTPUTS}: expected an answer, found none within 0.05 s",),
    ),
    # InputReader
    "input-none-for-empty-file": Case(
        check_input_reader,
        NoneForEmptyInputs,
        ("get() with an empty inputs.pb: expected an empty LiteralMap (None means no inputs)",),
    ),
    "input-empty-map-for-missing-file": Case(
        check_input_reader,
        EmptyMapForMissingInputs,
        ("get() with inputs.pb missing: expected NotFoundError raised, found an empty LiteralMap",),
    ),
    "input-corrupt-as-empty": Case(
        check_input_reader,
        CorruptInputsAsEmpty,
        ("get() with inputs.pb holding bytes that do not decode: expected CorruptDataError",),
    ),
    "input-one-shot": Case(
        check_input_reader,
        OneShotInputReader,
        ("get() with inputs.pb holding 3 literals (second call): expected a LiteralMap with",),
    ),
    "input-wrong-file-name": Case(
        check_input_reader,
        WrongInputFileName,
        (
            (
                "get_input_path() for input prefix 'memory://kozmo-kit/paths/inputs': expected "
                "DataReference 'memory://kozmo-kit/paths/inputs/inputs.pb', found DataReference "
                "'memory://kozmo-kit/paths/inputs/input.pb'"
            ),
        ),
    ),
    "input-plain-str-path": Case(
        check_input_file_paths,
        PlainStrInputPath,
        (
            (
                "get_input_path() for input prefix '/kozmo-kit/paths/inputs': expected a "
                "DataReference, found str '/kozmo-kit/paths/inputs/inputs.pb'"
            ),
        ),
    ),
    "input-fstring-join": Case(
        check_input_file_paths,
        FStringInputJoin,
        (
            (
                "get_input_path() for input prefix 'memory://kozmo-kit/paths/inputs/': expected "
                "DataReference 'memory://kozmo-kit/paths/inputs/inputs.pb', found DataReference "
                "'memory://kozmo-kit/paths/inputs//inputs.pb'"
            ),
        ),
    ),
    "input-prefix-is-file": Case(
        check_input_file_paths,
        PrefixIsInputPath,
        (
            (
                "get_input_prefix_path() for input prefix 'memory://kozmo-kit/paths/inputs': "
                "expected DataReference 'memory://kozmo-kit/paths/inputs', found"
            ),
        ),
    ),
    # OutputFilePaths
    "paths-plain-str": Case(
        check_output_file_paths,
        PlainStrOutputPath,
        ("get_output_path() for output prefix", "expected a DataReference, found str"),
    ),
    "paths-wrong-output-file-name": Case(
        check_output_file_paths,
        WrongOutputFileName,
        (
            (
                f"get_output_path() {SLASHED}, raw output prefix 'memory://kozmo-kit/paths/raw/': "
                "expected DataReference 'memory://kozmo-kit/paths/outputs/outputs.pb', "
                "found DataReference 'memory://kozmo-kit/paths/outputs/output.pb'"
            ),
        ),
    ),
    "paths-wrong-error-file-name": Case(
        check_output_file_paths,
        WrongErrorFileName,
        ("get_error_path()", "found DataReference 'memory://kozmo-kit/paths/outputs/errors.pb'"),
    ),
    "paths-deck-not-under-prefix": Case(
        check_output_file_paths,
        DeckUnderRawOutput,
        (
            "get_deck_path()",
            (
                "expected a file (deck.html by default) under 'memory://kozmo-kit/paths/outputs/', "
                "found DataReference 'memory://kozmo-kit/paths/raw/deck.html'"
            ),
        ),
    ),
    "paths-checkpoint-not-under-raw": Case(
        check_output_file_paths,
        CheckpointUnderOutputPrefix,
        (
            "get_checkpoint_prefix()",
            (
                "expected a prefix under 'memory://kozmo-kit/paths/raw/', "
                "found DataReference 'memory://kozmo-kit/paths/outputs/_kozmocheckpoints'"
            ),
        ),
    ),
    "paths-previous-checkpoint-empty-string": Case(
        check_output_file_paths,
        PreviousCheckpointEmptyString,
        ("get_previous_checkpoints_prefix()", "expected None, found DataReference ''"),
    ),
    "paths-raw-output-is-output-prefix": Case(
        check_output_file_paths,
        RawOutputIsOutputPrefix,
        (
            "get_raw_output_prefix()",
            (
                "expected DataReference 'memory://kozmo-kit/paths/raw', "
                "found DataReference 'memory://kozmo-kit/paths/outputs'"
            ),
        ),
    ),
    "paths-unstable-getter": Case(
        check_output_file_paths,
        UnstableRawOutputPrefix,
        ("get_raw_output_prefix()", "expected the same reference on every call"),
    ),
    "paths-getter-makes-request": Case(
        check_output_file_paths,
        DeckPathProbesStore,
        ("get_deck_path()", "expected no storage request, found 2 request(s)"),
    ),
    "paths-getter-returns-coroutine": Case(
        check_output_file_paths,
        OutputPathReturnsCoroutine,
        ("get_output_path()", "expected a plain value (def, not async def), found an awaitable"),
    ),
    # OutputWriter
    "writer-drops-timestamp-and-worker": Case(
        check_output_writer,
        DropsTimestampAndWorkerWhenWriting,
        (f"put() {PUT_SYSTEM}: {TIMESTAMP}", WORKER),
    ),
    "writer-drops-origin": Case(
        check_output_writer,
        DropsOriginWhenWriting,
        (f"put() {PUT_SYSTEM}: expected kind SYSTEM, found kind UNKNOWN",),
    ),
    "writer-recoverable-inverted": Case(
        check_output_writer,
        RecoverableInvertedWhenWriting,
        (f"put() {PUT_SYSTEM}: expected is_recoverable True, found is_recoverable False",),
    ),
    "writer-writes-outputs-despite-error": Case(
        check_output_writer,
        WritesOutputsDespiteError,
        (
            (
                "put() given a reader holding outputs and an error: expected no object at "
                "'memory://kozmo-kit/put-error-and-outputs/outputs/outputs.pb' (the error wins), "
                "found one was written"
            ),
        ),
    ),
    "writer-swallows-reader-exception": Case(
        check_output_writer,
        SwallowsReaderException,
        (
            (
                "put() given a reader whose every method raises StorageError: expected the "
                "reader's exception to propagate unchanged (raised StorageError: kozmo-kit: the "
                "reader's store is down), found None"
            ),
        ),
    ),
    "writer-wraps-reader-exception": Case(
        check_output_writer,
        WrapsReaderException,
        ("found raised KozmoIOError: put failed",),
    ),
    "writer-empty-map-is-nothing": Case(
        check_output_writer,
        EmptyMapIsNothingToWrite,
        (
            (
                "put() given a reader holding an empty LiteralMap: expected None (outputs.pb "
                "written), found raised NothingToWriteError: nothing to write"
            ),
        ),
    ),
    "writer-silent-on-nothing": Case(
        check_output_writer,
        SilentOnNothingToWrite,
        (
            (
                "put() given a reader holding neither outputs nor an error: expected "
                "NothingToWriteError raised, found None"
            ),
        ),
    ),
    "writer-writes-empty-outputs-on-nothing": Case(
        check_output_writer,
        WritesEmptyOutputsOnNothing,
        (
            (
                "put() given a reader holding neither outputs nor an error: expected nothing "
                "written, found ['memory://kozmo-kit/put-nothing/outputs/outputs.pb']"
            ),
        ),
    ),
    "writer-writes-before-reading": Case(
        check_output_writer,
        WritesPlaceholderFirst,
        (
            (
                "put() given a reader whose every method raises StorageError: expected nothing "
                "written, found ['memory://kozmo-kit/put-failing/outputs/outputs.pb']"
            ),
        ),
    ),
    "writer-wrong-file": Case(
        check_output_writer,
        WritesToWrongFile,
        (
            (
                "put() given a reader holding 3 literals: expected outputs.pb at "
                "'memory://kozmo-kit/put-outputs/outputs/outputs.pb' holding a LiteralMap with "
                "['answer', 'greeting', 'ratio'], found no object there (the store holds "
                "['memory://kozmo-kit/put-outputs/outputs/output.pb'])"
            ),
        ),
    ),
    "writer-sync-put": Case(
        check_output_writer,
        SyncPut,
        ("SyncPut.put is a plain def, but OutputWriter.put is async def",),
        rule="async",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_broken_implementation_fails_with_its_message(case: Case) -> None:
    with pytest.raises(ConformanceError) as info:
        case.check(case.factory)
    problems = info.value.problems
    messages = [str(problem) for problem in problems]
    for text in case.texts:
        hits = [p for p in problems if text in str(p)]
        assert hits, f"{text!r} not among {messages}"
        assert all(getattr(p, "rule", None) == case.rule for p in hits)
    report = info.value.report
    assert isinstance(report, ConformanceReport)
    assert report.problems == problems
    assert report.target.startswith(f"{__name__}:{case.factory.__qualname__}")


def test_the_healthy_bases_pass() -> None:
    # The healthy bases pass, so each failure above comes from the one method a case breaks.
    assert check_output_reader(_Reader).ok
    assert check_input_reader(_InputReader).ok
    assert check_output_file_paths(_Paths).ok
    assert check_output_writer(_Writer).ok


def test_uncallable_members_are_reported_once_not_exercised() -> None:
    with pytest.raises(ConformanceError) as info:
        check_output_reader(MissingDeckExists)  # type: ignore[arg-type]  # the bug under test
    members = [getattr(p, "member", None) for p in info.value.problems]
    assert members == ["deck_exists"]


# --- the ordered (second-generation) readers ----------------------------------------------------


class SortsInputsAndDropsContext(_InputReader):
    """Opts into get_inputs() but rebuilds it from the map: sorted, no context."""

    async def get_inputs(self) -> core.Inputs | None:
        inputs = await self.inner.get()
        return core.Inputs(
            literals=[
                core.NamedLiteral(name=name, value=inputs.literals[name])
                for name in sorted(inputs.literals)
            ]
        )


class DropsProducedArtifacts(_Reader):
    """Opts into read_outputs() but loses the produced artifacts."""

    async def read_outputs(self) -> tuple[core.Outputs | None, ExecutionError | None]:
        outputs, error = await self.inner.read_outputs()
        if outputs is not None:
            outputs.ClearField("produced_artifacts")
        return outputs, error


def test_an_ordered_input_reader_must_keep_order_and_context() -> None:
    with pytest.raises(ConformanceError) as info:
        check_input_reader(SortsInputsAndDropsContext)
    [problem] = info.value.problems
    text = str(problem)
    assert "get_inputs() with a second-generation inputs.pb" in text
    assert "Inputs with ['ratio', 'greeting', 'answer'] in that order" in text
    assert "found Inputs with ['answer', 'greeting', 'ratio'] in that order and context []" in text


def test_an_ordered_output_reader_must_keep_produced_artifacts() -> None:
    with pytest.raises(ConformanceError) as info:
        check_output_reader(DropsProducedArtifacts)
    [problem] = info.value.problems
    assert "read_outputs() with a second-generation outputs.pb" in str(problem)
    assert "0 produced artifact(s)" in str(problem)


def test_the_reference_readers_pass_the_ordered_scenarios() -> None:
    assert check_input_reader(RemoteFileInputReader).ok
    assert check_output_reader(RemoteFileOutputReader).ok
