"""The behavioural kit kozmo_io.testing: reference implementations pass, usage errors, the fakes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import pytest

from kozmo_io import core
from kozmo_io.conformance import ConformanceReport, check
from kozmo_io.errors import (
    ConformanceError,
    KozmoIOError,
    NotFoundError,
    NothingToWriteError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils import (
    BufferedOutputWriter,
    CachedInputReader,
    CheckpointRemoteFilePaths,
    EarliestErrorReader,
    InMemoryOutputReader,
    PrecomputedRawOutputPaths,
    RemoteFileInputReader,
    RemoteFileOutputReader,
    RemoteFileOutputWriter,
    SimpleInputFilePaths,
)
from kozmo_io.protocols import (
    InputFilePaths,
    InputReader,
    OutputFilePaths,
    OutputReader,
    OutputWriter,
)
from kozmo_io.reference import DataReference
from kozmo_io.storage import BlobStore, CachedStore
from kozmo_io.testing import (
    RecordedPut,
    RecordingOutputWriter,
    ScriptedInputReader,
    ScriptedOutputReader,
    acheck_input_file_paths,
    acheck_input_reader,
    acheck_output_file_paths,
    acheck_output_reader,
    acheck_output_writer,
    check_input_file_paths,
    check_input_reader,
    check_output_file_paths,
    check_output_reader,
    check_output_writer,
    memory_store,
)

Check = Callable[..., ConformanceReport]


def _outputs() -> core.LiteralMap:
    value = core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=7)))
    return core.LiteralMap(literals={"o0": value})


def _rebuilt_output_paths(_store: BlobStore, paths: OutputFilePaths) -> CheckpointRemoteFilePaths:
    return CheckpointRemoteFilePaths(
        paths.get_output_prefix_path(),
        PrecomputedRawOutputPaths(paths.get_raw_output_prefix()),
        paths.get_previous_checkpoints_prefix(),
    )


def _earliest(store: BlobStore, paths: OutputFilePaths) -> RemoteFileOutputReader:
    earliest = EarliestErrorReader(store, paths.get_error_path())
    return RemoteFileOutputReader(store, paths, error_reader=earliest)


REFERENCES: dict[str, tuple[Check, Callable[..., Any], str]] = {
    "input-reader": (check_input_reader, RemoteFileInputReader, "RemoteFileInputReader"),
    "cached-input-reader": (
        check_input_reader,
        lambda store, paths: CachedInputReader(RemoteFileInputReader(store, paths)),
        "CachedInputReader",
    ),
    "input-paths": (
        check_input_file_paths,
        lambda _store, paths: SimpleInputFilePaths(paths.get_input_prefix_path()),
        "SimpleInputFilePaths",
    ),
    "input-reader-paths": (check_input_file_paths, RemoteFileInputReader, "RemoteFileInputReader"),
    "scripted-input-reader-paths": (
        check_input_file_paths,
        lambda _store, paths: ScriptedInputReader(input_prefix=paths.get_input_prefix_path()),
        "ScriptedInputReader",
    ),
    "output-reader-default": (
        check_output_reader,
        RemoteFileOutputReader,
        "RemoteFileOutputReader",
    ),
    "output-reader-earliest": (check_output_reader, _earliest, "RemoteFileOutputReader"),
    "output-reader-limit-and-cache": (
        check_output_reader,
        lambda store, paths: RemoteFileOutputReader(
            CachedStore(store, max_bytes=1 << 20), paths, max_payload_bytes=1024
        ),
        "RemoteFileOutputReader",
    ),
    "output-writer": (check_output_writer, RemoteFileOutputWriter, "RemoteFileOutputWriter"),
    "output-paths": (check_output_file_paths, _rebuilt_output_paths, "CheckpointRemoteFilePaths"),
    "output-writer-paths": (
        check_output_file_paths,
        RemoteFileOutputWriter,
        "RemoteFileOutputWriter",
    ),
    "buffered-writer-paths": (
        check_output_file_paths,
        lambda _store, paths: BufferedOutputWriter(paths),
        "BufferedOutputWriter",
    ),
    "recording-writer-paths": (
        check_output_file_paths,
        lambda _store, paths: RecordingOutputWriter(paths),
        "RecordingOutputWriter",
    ),
}


@pytest.mark.parametrize(("check_", "factory", "name"), REFERENCES.values(), ids=REFERENCES.keys())
def test_reference_implementation_passes(
    check_: Check, factory: Callable[..., Any], name: str
) -> None:
    report = check_(factory)
    assert report.ok
    assert report.problems == ()
    assert report.checks == ("runtime", "behaviour")
    assert report.target.endswith(f":{name} instance")


ASYNC_CHECKS = {
    "input-reader": (acheck_input_reader, RemoteFileInputReader, InputReader),
    "input-paths": (acheck_input_file_paths, RemoteFileInputReader, InputFilePaths),
    "output-reader": (acheck_output_reader, RemoteFileOutputReader, OutputReader),
    "output-writer": (acheck_output_writer, RemoteFileOutputWriter, OutputWriter),
    "output-paths": (acheck_output_file_paths, RemoteFileOutputWriter, OutputFilePaths),
}


@pytest.mark.parametrize(
    ("acheck", "factory", "protocol"), ASYNC_CHECKS.values(), ids=ASYNC_CHECKS.keys()
)
def test_async_variant_runs_inside_a_running_loop(
    acheck: Callable[..., Any], factory: Callable[..., Any], protocol: type
) -> None:
    async def main() -> ConformanceReport:
        report: ConformanceReport = await acheck(factory)
        return report

    report = asyncio.run(main())
    assert report.ok
    assert report.protocol == f"kozmo_io.protocols:{protocol.__qualname__}"


def test_sync_check_inside_a_running_loop_names_the_async_variant() -> None:
    async def main() -> None:
        check_output_reader(RemoteFileOutputReader)

    with pytest.raises(RuntimeError, match=r"use `await acheck_output_reader\(\.\.\.\)`"):
        asyncio.run(main())


def test_async_factory_is_awaited() -> None:
    built: list[RemoteFileOutputWriter] = []

    async def factory(store: BlobStore, paths: OutputFilePaths) -> RemoteFileOutputWriter:
        await asyncio.sleep(0)
        built.append(RemoteFileOutputWriter(store, paths))
        return built[-1]

    assert check_output_writer(factory).ok
    assert len(built) > 1


def test_factory_gets_a_fresh_counting_memory_store_and_the_kit_paths() -> None:
    calls: list[tuple[BlobStore, OutputFilePaths]] = []

    def factory(store: BlobStore, paths: OutputFilePaths) -> RemoteFileOutputReader:
        calls.append((store, paths))
        return RemoteFileOutputReader(store, paths)

    check_output_reader(factory)
    stores = [store for store, _ in calls]
    assert len({id(store) for store in stores}) < len(stores)  # two readers share a scenario
    assert all(isinstance(store, BlobStore) for store in stores)
    prefixes = {str(paths.get_output_prefix_path()) for _, paths in calls}
    assert all(prefix.startswith("memory://kozmo-kit/") for prefix in prefixes)
    assert len(prefixes) == len({id(store) for store in stores})  # one store per scenario


def test_every_problem_is_collected_in_one_error() -> None:
    class TwoBugs:
        def __init__(self, store: BlobStore, paths: OutputFilePaths) -> None:
            self.inner = RemoteFileOutputReader(store, paths)

        def is_file(self) -> bool:
            return True

        async def is_error(self) -> bool:
            return False

        async def read_error(self) -> ExecutionError:
            return await self.inner.read_error()

        async def exists(self) -> bool:
            return await self.inner.exists()

        async def read(self) -> tuple[core.LiteralMap | None, ExecutionError | None]:
            return await self.inner.read()

        async def deck_exists(self) -> bool:
            return True

    with pytest.raises(ConformanceError) as info:
        check_output_reader(TwoBugs)
    members = {getattr(problem, "member", "") for problem in info.value.problems}
    assert members == {"is_error", "deck_exists"}
    assert len(info.value.problems) == 5


def test_conformance_error_carries_the_report() -> None:
    def factory(store: BlobStore, paths: OutputFilePaths) -> BufferedOutputWriter:
        del store
        return BufferedOutputWriter(paths)

    with pytest.raises(ConformanceError) as info:
        check_output_writer(factory)
    error = info.value
    assert isinstance(error, AssertionError)
    assert isinstance(error, KozmoIOError)
    report = error.report
    assert isinstance(report, ConformanceReport)
    assert report.problems == error.problems
    assert {problem.member for problem in report.problems} == {"put"}  # the paths are right
    assert {problem.rule for problem in report.problems} == {"behaviour"}
    assert str(error).startswith(
        "kozmo_io.ioutils.buffered_output_writer:BufferedOutputWriter instance does not conform "
        "to kozmo_io.protocols:OutputWriter (7 problems; runtime and behaviour check)"
    )
    assert '"checks": [\n    "runtime",\n    "behaviour"\n  ]' in report.to_json()


def test_failing_factory_is_a_problem() -> None:
    def factory(store: BlobStore, paths: InputFilePaths) -> NoReturn:
        del store, paths
        msg = "cannot build"
        raise ValueError(msg)

    with pytest.raises(ConformanceError) as info:
        check_input_reader(factory)
    first = info.value.problems[0]
    assert str(first) == (
        "the factory for input prefix 'memory://kozmo-kit/paths/inputs': expected an object, "
        "found raised ValueError: cannot build"
    )
    report = info.value.report
    assert isinstance(report, ConformanceReport)
    assert (
        report.target == "test_testing:test_failing_factory_is_a_problem.<locals>.factory (factory)"
    )


def test_hanging_factory_is_a_problem() -> None:
    async def factory(store: BlobStore, paths: OutputFilePaths) -> RemoteFileOutputReader:
        await asyncio.sleep(3600)
        return RemoteFileOutputReader(store, paths)

    with pytest.raises(ConformanceError) as info:
        check_output_reader(factory, call_timeout=0.01)
    assert "expected an object, found none within 0.01 s" in str(info.value.problems[0])


@pytest.mark.parametrize("timeout", [0, -1.0, True, "1"])
def test_bad_call_timeout_is_rejected(timeout: Any) -> None:
    with pytest.raises(ValueError, match="call_timeout must be a positive number"):
        check_output_file_paths(RemoteFileOutputWriter, call_timeout=timeout)


def test_non_callable_factory_is_rejected() -> None:
    with pytest.raises(TypeError, match="must be callable"):
        check_output_writer("RemoteFileOutputWriter")  # type: ignore[arg-type]  # the misuse under test


def _kit() -> tuple[BlobStore, OutputFilePaths]:
    store = memory_store()
    paths = CheckpointRemoteFilePaths("memory://t/out", PrecomputedRawOutputPaths("memory://t/r"))
    return store, paths


def test_import_kozmo_io_does_not_import_the_kit_and_the_kit_does_not_import_pytest() -> None:
    code = (
        "import sys, kozmo_io, kozmo_io.ioutils; "
        "assert not any(m.startswith('kozmo_io.testing') for m in sys.modules); "
        "from kozmo_io.testing import check_output_reader; "
        "from kozmo_io.ioutils import RemoteFileOutputReader; "
        "print(check_output_reader(RemoteFileOutputReader).ok, 'pytest' in sys.modules)"
    )
    out = subprocess.run(  # noqa: S603 - runs this interpreter on a fixed snippet
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "False"]


def test_in_memory_reader_conforms_and_feeds_the_writer_check() -> None:
    # InMemoryOutputReader holds what a plugin gives it (an empty map is outputs), so it is no
    # store reader for check_output_reader; it conforms at runtime and a writer persists it.
    assert check(InMemoryOutputReader(_outputs()), OutputReader).ok

    async def main() -> core.LiteralMap | None:
        store, paths = _kit()
        await RemoteFileOutputWriter(store, paths).put(InMemoryOutputReader(_outputs()))
        outputs, _ = await RemoteFileOutputReader(store, paths).read()
        return outputs

    assert asyncio.run(main()) == _outputs()


# --- fakes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fake", "protocol"),
    [
        (ScriptedInputReader(), InputReader),
        (ScriptedOutputReader(), OutputReader),
        (RecordingOutputWriter(), OutputWriter),
        (memory_store(), BlobStore),
    ],
    ids=["scripted-input", "scripted-output", "recording-writer", "memory-store"],
)
def test_fake_satisfies_its_protocol(fake: object, protocol: type) -> None:
    assert check(fake, protocol).ok
    assert isinstance(fake, protocol)


def test_memory_store_is_fresh_and_enforces_its_limit() -> None:
    async def main() -> None:
        first, second = memory_store(), memory_store(max_payload_bytes=4)
        await first.put("memory://b/k", b"12345")
        await second.put("memory://b/k", b"12345")
        assert not (await memory_store().head("memory://b/k")).exists
        assert await first.get("memory://b/k") == b"12345"
        with pytest.raises(PayloadTooLargeError):
            await second.get("memory://b/k")

    asyncio.run(main())


def test_scripted_input_reader_returns_and_counts() -> None:
    reader = ScriptedInputReader(_outputs(), input_prefix="s3://b/in")
    assert asyncio.run(reader.get()) == _outputs()
    assert asyncio.run(reader.get()) == _outputs()
    assert reader.calls == 2
    assert reader.get_input_prefix_path() == DataReference("s3://b/in")
    assert reader.get_input_path() == "s3://b/in/inputs.pb"
    assert asyncio.run(ScriptedInputReader().get()) is None


def test_scripted_input_reader_raises_its_exception() -> None:
    failure = NotFoundError("s3://b/in/inputs.pb")
    reader = ScriptedInputReader(failure)
    with pytest.raises(NotFoundError) as info:
        asyncio.run(reader.get())
    assert info.value is failure
    assert reader.calls == 1


def test_scripted_output_reader_answers_and_records_calls() -> None:
    error = ExecutionError(code="ValueError", kind=ErrorKind.USER)
    reader = ScriptedOutputReader(_outputs(), error, deck=True, is_file=True)

    async def main() -> list[object]:
        return [
            reader.is_file(),
            await reader.is_error(),
            await reader.read_error(),
            await reader.exists(),
            await reader.read(),
            await reader.deck_exists(),
        ]

    assert asyncio.run(main()) == [True, True, error, True, (_outputs(), error), True]
    assert reader.calls == ["is_file", "is_error", "read_error", "exists", "read", "deck_exists"]


def test_scripted_output_reader_without_values() -> None:
    reader = ScriptedOutputReader()

    async def main() -> list[object]:
        return [await reader.is_error(), await reader.exists(), await reader.read()]

    assert asyncio.run(main()) == [False, False, (None, None)]
    missing = asyncio.run(reader.read_error())
    assert (missing.code, missing.kind, missing.is_recoverable) == (
        "ErrorFileNotFound",
        ErrorKind.SYSTEM,
        True,
    )
    assert not reader.is_file()


@pytest.mark.parametrize("method", ["is_error", "read_error", "exists", "read", "deck_exists"])
def test_scripted_output_reader_raises_from_every_async_method(method: str) -> None:
    failure = StorageError("down")
    reader = ScriptedOutputReader(_outputs(), raises=failure)

    async def main() -> None:
        await getattr(reader, method)()

    with pytest.raises(StorageError) as info:
        asyncio.run(main())
    assert info.value is failure
    assert reader.calls == [method]
    assert reader.is_file() is False


def test_recording_writer_records_what_it_read() -> None:
    writer = RecordingOutputWriter()
    error = ExecutionError(code="boom")
    first, second = ScriptedOutputReader(_outputs()), ScriptedOutputReader(error=error)
    asyncio.run(writer.put(first))
    asyncio.run(writer.put(second))
    assert writer.puts == [RecordedPut(first, _outputs(), None), RecordedPut(second, None, error)]
    assert writer.last == RecordedPut(second, None, error)
    assert first.calls == ["read"]
    assert writer.get_output_path() == "memory://kozmo-test/outputs/outputs.pb"
    assert writer.get_checkpoint_prefix() == "memory://kozmo-test/raw/_kozmocheckpoints"


def test_recording_writer_refuses_nothing_and_propagates_failures() -> None:
    writer = RecordingOutputWriter()
    assert writer.last is None
    with pytest.raises(NothingToWriteError):
        asyncio.run(writer.put(ScriptedOutputReader()))
    failure = StorageError("down")
    with pytest.raises(StorageError) as info:
        asyncio.run(writer.put(ScriptedOutputReader(raises=failure)))
    assert info.value is failure
    assert writer.puts == []


def test_recording_writer_can_fail_like_a_store_and_use_given_paths() -> None:
    _, paths = _kit()
    failure = StorageError("put failed")
    writer = RecordingOutputWriter(paths, raises=failure)
    reader = ScriptedOutputReader(_outputs())
    with pytest.raises(StorageError) as info:
        asyncio.run(writer.put(reader))
    assert info.value is failure
    assert reader.calls == []
    assert writer.get_error_path() == "memory://t/out/error.pb"


def test_fakes_drive_a_plugin_under_test() -> None:
    async def double(inputs: InputReader, writer: OutputWriter) -> None:
        """A tiny plugin: doubles its integer input ``x``."""
        literals = await inputs.get()
        if literals is None or "x" not in literals.literals:
            error = ExecutionError(code="MissingInput", kind=ErrorKind.USER)
            await writer.put(ScriptedOutputReader(error=error))
            return
        x = literals.literals["x"].scalar.primitive.integer
        value = core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=2 * x)))
        await writer.put(ScriptedOutputReader(core.LiteralMap(literals={"y": value})))

    x = core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=21)))
    writer = RecordingOutputWriter()
    asyncio.run(double(ScriptedInputReader(core.LiteralMap(literals={"x": x})), writer))
    assert writer.last is not None
    assert writer.last.outputs is not None
    assert writer.last.outputs.literals["y"].scalar.primitive.integer == 42
    asyncio.run(double(ScriptedInputReader(), writer))
    assert writer.last.error == ExecutionError(code="MissingInput", kind=ErrorKind.USER)
