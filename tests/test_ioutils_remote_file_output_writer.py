"""RemoteFileOutputWriter on every store: engine vector T25, what each reader yields, failures."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Coroutine
from typing import Any, NoReturn, TypeVar, final

import pytest

from kozmo_io import core
from kozmo_io.errors import CorruptDataError, NotFoundError, NothingToWriteError, StorageError
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils.in_memory_output_reader import InMemoryOutputReader
from kozmo_io.ioutils.output_file_paths import CheckpointRemoteFilePaths, ReadOnlyOutputFilePaths
from kozmo_io.ioutils.raw_output_paths import PrecomputedRawOutputPaths
from kozmo_io.ioutils.remote_file_output_reader import RemoteFileOutputReader
from kozmo_io.ioutils.remote_file_output_writer import RemoteFileOutputWriter
from kozmo_io.protocols import OutputWriter
from kozmo_io.reference import DataReference
from kozmo_io.storage import BlobStore, CountingStore, ListPage, read_message

T = TypeVar("T")
WHEN = dt.datetime(2024, 11, 5, 12, 30, 1, tzinfo=dt.UTC)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def _outputs() -> core.LiteralMap:
    value = core.Literal(scalar=core.Scalar(primitive=core.Primitive(float_value=0.5)))
    return core.LiteralMap(literals={"o0": value})


def _paths(store_root: str, prefix: str = "out") -> CheckpointRemoteFilePaths:
    return CheckpointRemoteFilePaths(
        f"{store_root}/{prefix}", PrecomputedRawOutputPaths(f"{store_root}/raw"), None
    )


@final
class _FailingPuts:
    """A BlobStore whose writes fail as a backend outage would."""

    def __init__(self) -> None:
        self.puts = 0

    async def head(self, path: str, /) -> NoReturn:
        raise NotImplementedError

    async def get(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> NoReturn:
        raise NotImplementedError

    async def put(self, path: str, data: bytes, /) -> None:  # noqa: ARG002 - protocol signature
        self.puts += 1
        cause = PermissionError("access denied")
        msg = f"put {path} failed: {cause}"
        raise StorageError(msg) from cause

    async def list(
        self, prefix: str, /, *, max_items: int = 1000, cursor: str | None = None
    ) -> ListPage:
        raise NotImplementedError

    async def delete(self, path: str, /) -> NoReturn:
        raise NotImplementedError


@final
class _BrokenReader:
    """An OutputReader whose read fails."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def is_file(self) -> bool:
        return False

    async def is_error(self) -> bool:
        return False

    async def read_error(self) -> ExecutionError:
        return ExecutionError()

    async def exists(self) -> bool:
        return True

    async def read(self) -> tuple[core.LiteralMap | None, ExecutionError | None]:
        raise self.error

    async def deck_exists(self) -> bool:
        return False


def _exists(store: BlobStore, path: str) -> bool:
    return run(store.head(path)).exists


def test_getters_match_engine_vectors(store: BlobStore) -> None:
    paths = CheckpointRemoteFilePaths("output", PrecomputedRawOutputPaths("sandbox"), "checkpoint")
    writer = RemoteFileOutputWriter(store, paths)
    assert isinstance(writer, OutputWriter)
    assert writer.get_checkpoint_prefix() == "/sandbox/_kozmocheckpoints"
    assert writer.get_output_path() == "/output/outputs.pb"
    assert writer.get_deck_path() == "/output/deck.html"
    assert writer.get_error_path() == "/output/error.pb"
    assert writer.get_output_prefix_path() == "output"
    assert writer.get_raw_output_prefix() == "sandbox"
    assert writer.get_previous_checkpoints_prefix() == DataReference("checkpoint")


def test_outputs_are_written_with_one_put(store: BlobStore, store_root: str) -> None:
    counting = CountingStore(store)
    writer = RemoteFileOutputWriter(counting, _paths(store_root))
    run(writer.put(InMemoryOutputReader(_outputs())))
    assert dict(counting.counts) == {"delete": 0, "get": 0, "head": 0, "list": 0, "put": 1}
    assert run(read_message(store, writer.get_output_path(), core.LiteralMap)) == _outputs()
    assert not _exists(store, writer.get_error_path())


def test_empty_map_is_written_and_reads_back_as_no_outputs(
    store: BlobStore, store_root: str
) -> None:
    writer = RemoteFileOutputWriter(store, _paths(store_root))
    run(writer.put(InMemoryOutputReader(core.LiteralMap())))
    assert _exists(store, writer.get_output_path())
    _, error = run(RemoteFileOutputReader(store, _paths(store_root)).read())
    assert error is not None
    assert error.code == "No outputs produced"


def test_error_keeps_origin_timestamp_and_worker(store: BlobStore, store_root: str) -> None:
    writer = RemoteFileOutputWriter(store, _paths(store_root))
    failure = ExecutionError(
        code="ValueError",
        message="boom",
        kind=ErrorKind.USER,
        is_recoverable=True,
        timestamp=WHEN,
        worker="pod-7",
    )
    run(writer.put(InMemoryOutputReader(error=failure)))
    document = run(read_message(store, writer.get_error_path(), core.ErrorDocument))
    assert document.error.origin == core.ExecutionError.ErrorKind.USER
    assert document.error.kind == core.ContainerError.RECOVERABLE
    assert document.error.worker == "pod-7"
    assert document.error.timestamp.ToDatetime(tzinfo=dt.UTC) == WHEN
    assert run(RemoteFileOutputReader(store, _paths(store_root)).read_error()) == failure


def test_error_wins_over_outputs(store: BlobStore, store_root: str) -> None:
    writer = RemoteFileOutputWriter(store, _paths(store_root))
    failure = ExecutionError(code="c", message="m", kind=ErrorKind.SYSTEM)
    run(writer.put(InMemoryOutputReader(_outputs(), error=failure)))
    assert _exists(store, writer.get_error_path())
    assert not _exists(store, writer.get_output_path())


def test_nothing_to_write_raises_and_writes_nothing(store: BlobStore, store_root: str) -> None:
    counting = CountingStore(store)
    writer = RemoteFileOutputWriter(counting, _paths(store_root))
    with pytest.raises(NothingToWriteError, match="no data found to write"):
        run(writer.put(InMemoryOutputReader()))
    assert counting.total == 0


@pytest.mark.parametrize(
    "error", [StorageError("get failed"), CorruptDataError("bad bytes"), NotFoundError("s3://b/o")]
)
def test_reader_failure_propagates_unchanged_and_nothing_is_written(
    store: BlobStore, store_root: str, error: Exception
) -> None:
    counting = CountingStore(store)
    writer = RemoteFileOutputWriter(counting, _paths(store_root))
    with pytest.raises(type(error)) as info:
        run(writer.put(_BrokenReader(error)))
    assert info.value is error
    assert counting.total == 0


def test_store_failure_raises_storage_error() -> None:
    store = _FailingPuts()
    writer = RemoteFileOutputWriter(store, _paths("s3://bucket"))
    with pytest.raises(StorageError, match=r"s3://bucket/out/outputs\.pb") as info:
        run(writer.put(InMemoryOutputReader(_outputs())))
    assert isinstance(info.value.__cause__, PermissionError)
    assert store.puts == 1


def test_copies_a_remote_reader(store: BlobStore, store_root: str) -> None:
    source = RemoteFileOutputWriter(store, _paths(store_root, "first"))
    run(source.put(InMemoryOutputReader(_outputs())))
    reader = RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(f"{store_root}/first"))
    target = RemoteFileOutputWriter(store, _paths(store_root, "second"))
    run(target.put(reader))
    assert run(read_message(store, target.get_output_path(), core.LiteralMap)) == _outputs()


def test_remote_reader_with_empty_outputs_becomes_an_error_file(
    store: BlobStore, store_root: str
) -> None:
    run(store.put(f"{store_root}/first/outputs.pb", b""))
    reader = RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(f"{store_root}/first"))
    target = RemoteFileOutputWriter(store, _paths(store_root, "second"))
    run(target.put(reader))
    document = run(read_message(store, target.get_error_path(), core.ErrorDocument))
    assert document.error.code == "No outputs produced"
    assert document.error.kind == core.ContainerError.RECOVERABLE


def test_remote_reader_with_missing_outputs_fails_the_put(
    store: BlobStore, store_root: str
) -> None:
    reader = RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(f"{store_root}/first"))
    target = RemoteFileOutputWriter(store, _paths(store_root, "second"))
    with pytest.raises(NotFoundError):
        run(target.put(reader))
    assert not _exists(store, target.get_output_path())
    assert not _exists(store, target.get_error_path())
