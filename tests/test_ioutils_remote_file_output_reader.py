"""RemoteFileOutputReader on every store: the engine's read outcomes, request budget, bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from typing import Any, NoReturn, final

import attrs
import pytest
from _support import StoreCase, on_every_store, run
from google.protobuf.message import Message

from kozmo_io import core
from kozmo_io.conformance import assert_conforms
from kozmo_io.errors import (
    CorruptDataError,
    InvalidArgumentError,
    InvalidReferenceError,
    NotFoundError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils.earliest_error_reader import EarliestErrorReader
from kozmo_io.ioutils.output_file_paths import ReadOnlyOutputFilePaths
from kozmo_io.ioutils.remote_file_output_reader import RemoteFileOutputReader
from kozmo_io.protocols import OrderedOutputReader, OutputFilePaths
from kozmo_io.reference import DataReference
from kozmo_io.storage import (
    BlobStore,
    CountingStore,
    ListPage,
    ObjectMeta,
    encoding_of,
    write_message,
)

Place = Callable[..., Coroutine[Any, Any, None]]
DEFAULT = "default"  # the reader's own single error.pb
EARLIEST = "earliest"  # an EarliestErrorReader over the worker error files
STRATEGIES = [DEFAULT, EARLIEST]


def _reader(
    store: BlobStore,
    paths: OutputFilePaths,
    strategy: str = DEFAULT,
    *,
    max_payload_bytes: int | None = None,
) -> RemoteFileOutputReader:
    error_reader = (
        None
        if strategy == DEFAULT
        else EarliestErrorReader(store, paths.get_error_path(), max_payload_bytes=max_payload_bytes)
    )
    return RemoteFileOutputReader(
        store, paths, max_payload_bytes=max_payload_bytes, error_reader=error_reader
    )


def _outputs(value: int = 3) -> core.LiteralMap:
    literal = core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))
    return core.LiteralMap(literals={"results": literal})


BASE_ERROR = ExecutionError(code="red", message="hi", kind=ErrorKind.USER)


def _error_document(seconds: int | None = None, **changes: Any) -> core.ErrorDocument:
    timestamp = None if seconds is None else dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    return attrs.evolve(BASE_ERROR, timestamp=timestamp, **changes).to_error_document()


@final
class _FailingStore:
    """A BlobStore whose every request fails as a backend outage would."""

    def _fail(self, operation: str, path: str) -> NoReturn:
        cause = ConnectionResetError("connection reset by peer")
        msg = f"{operation} {path} failed: {cause}"
        raise StorageError(msg) from cause

    async def head(self, path: str, /) -> ObjectMeta:
        self._fail("head", path)

    async def get(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,  # noqa: ARG002 - the protocol's signature
        byte_range: tuple[int, int] | None = None,  # noqa: ARG002 - the protocol's signature
    ) -> bytes:
        self._fail("get", path)

    async def put(self, path: str, data: bytes, /) -> None:  # noqa: ARG002 - protocol signature
        self._fail("put", path)

    async def list(
        self,
        prefix: str,
        /,
        *,
        max_items: int = 1000,  # noqa: ARG002 - the protocol's signature
        cursor: str | None = None,  # noqa: ARG002 - the protocol's signature
    ) -> ListPage:
        self._fail("list", prefix)

    async def delete(self, path: str, /) -> None:
        self._fail("delete", path)


@final
class _SmallPages:
    """A real store that answers listings two items at a time (any store may return short pages)."""

    def __init__(self, inner: BlobStore) -> None:
        self.inner = inner
        self.list_calls = 0

    async def head(self, path: str, /) -> ObjectMeta:
        return await self.inner.head(path)

    async def get(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        return await self.inner.get(path, max_bytes=max_bytes, byte_range=byte_range)

    async def put(self, path: str, data: bytes, /) -> None:
        await self.inner.put(path, data)

    async def list(
        self, prefix: str, /, *, max_items: int = 1000, cursor: str | None = None
    ) -> ListPage:
        self.list_calls += 1
        assert max_items == 1000
        return await self.inner.list(prefix, max_items=2, cursor=cursor)

    async def delete(self, path: str, /) -> None:
        await self.inner.delete(path)


@final
class _BreakableStore:
    """A real store whose reads and listings fail as an outage would while ``broken`` is set."""

    def __init__(self, inner: BlobStore) -> None:
        self.inner = inner
        self.broken = False

    def _check(self, operation: str, path: str) -> None:
        if self.broken:
            msg = f"{operation} {path} failed: connection reset by peer"
            raise StorageError(msg)

    async def head(self, path: str, /) -> ObjectMeta:
        self._check("head", path)
        return await self.inner.head(path)

    async def get(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        self._check("get", path)
        return await self.inner.get(path, max_bytes=max_bytes, byte_range=byte_range)

    async def put(self, path: str, data: bytes, /) -> None:
        await self.inner.put(path, data)

    async def list(
        self, prefix: str, /, *, max_items: int = 1000, cursor: str | None = None
    ) -> ListPage:
        self._check("list", prefix)
        return await self.inner.list(prefix, max_items=max_items, cursor=cursor)

    async def delete(self, path: str, /) -> None:
        await self.inner.delete(path)


@final
@attrs.frozen
class _ErrorFilePaths:
    """OutputFilePaths whose error file has a chosen name."""

    prefix: str
    error_name: str

    def get_output_prefix_path(self) -> DataReference:
        return DataReference(self.prefix)

    def get_output_path(self) -> DataReference:
        return DataReference(f"{self.prefix}/outputs.pb")

    def get_deck_path(self) -> DataReference:
        return DataReference(f"{self.prefix}/deck.html")

    def get_error_path(self) -> DataReference:
        return DataReference(f"{self.prefix}/{self.error_name}")

    def get_raw_output_prefix(self) -> DataReference:
        return DataReference(f"{self.prefix}/raw")

    def get_previous_checkpoints_prefix(self) -> DataReference | None:
        return None

    def get_checkpoint_prefix(self) -> DataReference:
        return DataReference(f"{self.prefix}/raw/_kozmocheckpoints")


def _paths(store_root: str) -> ReadOnlyOutputFilePaths:
    return ReadOnlyOutputFilePaths(f"{store_root}/out")


def _put(place: Place, path: str, message: Message) -> None:
    run(place(path, encoding_of(message)))


def _put_raw(place: Place, path: str, message: Message) -> None:
    """Store ``message`` as another writer might, whatever its size (write_message would not)."""
    run(place(path, message.SerializeToString()))


# --- outputs ---------------------------------------------------------------------------------


@on_every_store
def test_successful_task_reads_outputs(store: BlobStore, store_root: str, place: Place) -> None:
    paths = _paths(store_root)
    _put(place, paths.get_output_path(), _outputs())
    reader = RemoteFileOutputReader(store, paths)
    assert reader.is_file() is True
    assert run(reader.is_error()) is False
    assert run(reader.exists()) is True
    assert run(reader.read()) == (_outputs(), None)


@on_every_store
def test_reader_satisfies_the_protocol(store: BlobStore, store_root: str) -> None:
    reader = RemoteFileOutputReader(store, _paths(store_root))
    assert_conforms(reader, OrderedOutputReader, strict=True)
    assert reader.paths == _paths(store_root)


@on_every_store
def test_successful_task_costs_two_requests(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    _put(place, paths.get_output_path(), _outputs())
    counting = CountingStore(store)
    reader = RemoteFileOutputReader(counting, paths)

    async def engine() -> tuple[core.LiteralMap | None, ExecutionError | None]:
        assert not await reader.is_error()
        assert await reader.exists()
        return await reader.read()

    assert run(engine()) == (_outputs(), None)
    assert counting.total == 2
    assert dict(counting.counts) == {"delete": 0, "get": 2, "head": 0, "list": 0, "put": 0}


@on_every_store
def test_failed_task_costs_one_request(store: BlobStore, store_root: str, place: Place) -> None:
    paths = _paths(store_root)
    _put(place, paths.get_error_path(), _error_document())
    counting = CountingStore(store)
    reader = RemoteFileOutputReader(counting, paths)

    async def engine() -> ExecutionError:
        assert await reader.is_error()
        return await reader.read_error()

    assert run(engine()).code == "red"
    assert counting.total == 1


@on_every_store
def test_read_alone_costs_one_request_and_kept_bytes_are_used_once(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    _put(place, paths.get_output_path(), _outputs())
    counting = CountingStore(store)
    reader = RemoteFileOutputReader(counting, paths)
    assert run(reader.read()) == (_outputs(), None)
    assert counting.total == 1
    assert run(reader.exists())
    assert run(reader.read()) == (_outputs(), None)
    assert run(reader.read()) == (_outputs(), None)
    assert counting.counts["get"] == 3


@on_every_store
def test_read_after_exists_sees_the_bytes_exists_fetched(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    _put(place, paths.get_output_path(), _outputs(1))
    reader = RemoteFileOutputReader(store, paths)
    assert run(reader.exists())
    _put(place, paths.get_output_path(), _outputs(2))
    assert run(reader.read()) == (_outputs(1), None)
    assert run(reader.read()) == (_outputs(2), None)


def test_outputs_deleted_after_exists_are_not_read_from_kept_bytes(
    store: BlobStore, store_root: str
) -> None:
    paths = _paths(store_root)
    run(write_message(store, paths.get_output_path(), _outputs()))
    reader = RemoteFileOutputReader(store, paths)
    assert run(reader.exists()) is True
    run(store.delete(paths.get_output_path()))
    assert run(reader.exists()) is False
    with pytest.raises(NotFoundError):
        run(reader.read())


@on_every_store
def test_a_later_exists_replaces_the_kept_bytes(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    _put(place, paths.get_output_path(), _outputs(1))
    reader = RemoteFileOutputReader(store, paths)
    assert run(reader.exists()) is True
    _put(place, paths.get_output_path(), _outputs(2))
    assert run(reader.exists()) is True
    assert run(reader.read()) == (_outputs(2), None)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_error_deleted_after_is_error_is_not_read_from_kept_bytes(
    store: BlobStore, store_root: str, strategy: str
) -> None:
    paths = _paths(store_root)
    run(write_message(store, paths.get_error_path(), _error_document()))
    reader = _reader(store, paths, strategy)
    assert run(reader.is_error()) is True
    run(store.delete(paths.get_error_path()))
    assert run(reader.is_error()) is False
    error = run(reader.read_error())
    if strategy == DEFAULT:
        assert (error.code, error.kind) == ("ErrorFileNotFound", ErrorKind.SYSTEM)
    else:
        assert error == ExecutionError()


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_failed_probe_drops_the_kept_bytes(
    store: BlobStore, store_root: str, strategy: str
) -> None:
    paths = _paths(store_root)
    run(write_message(store, paths.get_output_path(), _outputs()))
    run(write_message(store, paths.get_error_path(), _error_document()))
    breakable = _BreakableStore(store)
    reader = _reader(breakable, paths, strategy)
    assert run(reader.exists()) is True
    assert run(reader.is_error()) is True
    run(store.delete(paths.get_output_path()))
    run(store.delete(paths.get_error_path()))
    breakable.broken = True
    with pytest.raises(StorageError):
        run(reader.exists())
    with pytest.raises(StorageError):
        run(reader.is_error())
    breakable.broken = False
    with pytest.raises(NotFoundError):
        run(reader.read())
    assert run(reader.read_error()).code != "red"


@on_every_store
@pytest.mark.parametrize("content", [b"", core.LiteralMap().SerializeToString()])
def test_empty_outputs_read_as_no_outputs_produced(
    store: BlobStore, store_root: str, place: Place, content: bytes
) -> None:
    paths = _paths(store_root)
    run(place(paths.get_output_path(), content))
    reader = RemoteFileOutputReader(store, paths)
    assert run(reader.exists()) is True
    outputs, error = run(reader.read())
    assert outputs is None
    assert error is not None
    assert (error.code, error.kind, error.is_recoverable) == (
        "No outputs produced",
        ErrorKind.UNKNOWN,
        True,
    )
    assert error.message == f"outputs not found at [{paths.get_output_path()}]"


@on_every_store
def test_missing_outputs_do_not_exist_and_read_raises_not_found(
    store: BlobStore, store_root: str
) -> None:
    paths = _paths(store_root)
    reader = RemoteFileOutputReader(store, paths)
    assert run(reader.exists()) is False
    with pytest.raises(NotFoundError) as info:
        run(reader.read())
    assert info.value.path == paths.get_output_path()
    assert isinstance(info.value.__cause__, NotFoundError)
    assert isinstance(info.value, FileNotFoundError)


@on_every_store
def test_corrupt_outputs_raise_corrupt_data(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    run(place(paths.get_output_path(), b"\xff\xff\xff"))
    reader = RemoteFileOutputReader(store, paths)
    assert run(reader.exists()) is True
    with pytest.raises(CorruptDataError, match=r"outputs\.pb") as info:
        run(reader.read())
    assert "kozmo.core.LiteralMap" in str(info.value)
    assert info.value.__cause__ is not None


@on_every_store
def test_outputs_exactly_at_the_limit_pass_and_one_byte_over_fails(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    _put(place, paths.get_output_path(), _outputs())
    size = _outputs().ByteSize()
    at_limit = RemoteFileOutputReader(store, paths, max_payload_bytes=size)
    assert run(at_limit.exists()) is True
    assert run(at_limit.read()) == (_outputs(), None)
    over = RemoteFileOutputReader(store, paths, max_payload_bytes=size - 1)
    with pytest.raises(PayloadTooLargeError) as exists_info:
        run(over.exists())
    assert (exists_info.value.path, exists_info.value.size, exists_info.value.limit) == (
        paths.get_output_path(),
        size,
        size - 1,
    )
    with pytest.raises(PayloadTooLargeError):
        run(over.read())


@on_every_store
def test_none_limit_means_the_store_limit(
    store_case: StoreCase, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    size = _outputs().ByteSize()
    tight = store_case.make(max_payload_bytes=size - 1)
    run(place(paths.get_output_path(), _outputs().SerializeToString(), tight))
    with pytest.raises(PayloadTooLargeError) as info:
        run(RemoteFileOutputReader(tight, paths).exists())
    assert info.value.limit == size - 1
    exact = store_case.make(max_payload_bytes=size)
    run(place(paths.get_output_path(), encoding_of(_outputs()), exact))
    assert run(RemoteFileOutputReader(exact, paths).read()) == (_outputs(), None)


@on_every_store
def test_default_limit_is_two_mebibytes(store: BlobStore, store_root: str, place: Place) -> None:
    paths = _paths(store_root)
    blob = core.Literal(scalar=core.Scalar(binary=core.Binary(value=b"x" * (2 * 1024 * 1024))))
    _put_raw(place, paths.get_output_path(), core.LiteralMap(literals={"big": blob}))
    with pytest.raises(PayloadTooLargeError) as info:
        run(RemoteFileOutputReader(store, paths).exists())
    assert info.value.limit == 2 * 1024 * 1024


@on_every_store
@pytest.mark.parametrize("limit", [0, -1])
def test_non_positive_limit_is_rejected(store: BlobStore, store_root: str, limit: int) -> None:
    with pytest.raises(InvalidArgumentError, match="max_payload_bytes") as info:
        RemoteFileOutputReader(store, _paths(store_root), max_payload_bytes=limit)
    assert isinstance(info.value, ValueError)


@on_every_store
def test_an_error_reader_that_is_not_one_is_rejected(store: BlobStore, store_root: str) -> None:
    with pytest.raises(InvalidArgumentError, match="error_reader"):
        RemoteFileOutputReader(store, _paths(store_root), error_reader=7)  # type: ignore[arg-type]


@on_every_store
def test_reference_outside_the_store_is_refused(store: BlobStore) -> None:
    reader = RemoteFileOutputReader(store, ReadOnlyOutputFilePaths("s3://some-other-bucket/out"))
    with pytest.raises(InvalidReferenceError):
        run(reader.exists())


# --- deck ------------------------------------------------------------------------------------


@on_every_store
def test_deck_exists_costs_one_head(store: BlobStore, store_root: str, place: Place) -> None:
    paths = _paths(store_root)
    counting = CountingStore(store)
    reader = RemoteFileOutputReader(counting, paths)
    assert run(reader.deck_exists()) is False
    run(place(paths.get_deck_path(), b"<html></html>"))
    assert run(reader.deck_exists()) is True
    assert dict(counting.counts) == {"delete": 0, "get": 0, "head": 2, "list": 0, "put": 0}


@on_every_store
def test_deck_uses_the_configured_file_name(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = ReadOnlyOutputFilePaths(f"{store_root}/out", deck_filename="report.html")
    run(place(f"{store_root}/out/report.html", b"<html></html>"))
    assert run(RemoteFileOutputReader(store, paths).deck_exists()) is True


# --- the single error file (DEFAULT) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "recoverable"), [(ErrorKind.USER, False), (ErrorKind.SYSTEM, True)]
)
@on_every_store
def test_error_origin_and_recoverability_are_read(
    store: BlobStore, store_root: str, place: Place, origin: ErrorKind, *, recoverable: bool
) -> None:
    paths = _paths(store_root)
    _put(place, paths.get_error_path(), _error_document(kind=origin, is_recoverable=recoverable))
    run(place(paths.get_deck_path(), b"deck"))
    reader = RemoteFileOutputReader(store, paths)
    assert run(reader.is_error()) is True
    error = run(reader.read_error())
    assert (error.code, error.message, error.kind, error.is_recoverable) == (
        "red",
        "hi",
        origin,
        recoverable,
    )
    assert run(reader.deck_exists()) is True


@on_every_store
def test_error_timestamp_and_worker_are_read(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    _put(place, paths.get_error_path(), _error_document(worker="worker-3", seconds=99))
    error = run(RemoteFileOutputReader(store, paths).read_error())
    assert error.worker == "worker-3"
    assert error.timestamp == dt.datetime.fromtimestamp(99, tz=dt.UTC)


@on_every_store
def test_missing_error_file_reads_as_error_file_not_found(
    store: BlobStore, store_root: str
) -> None:
    paths = _paths(store_root)
    reader = RemoteFileOutputReader(store, paths)
    assert run(reader.is_error()) is False
    error = run(reader.read_error())
    assert (error.code, error.kind, error.is_recoverable) == (
        "ErrorFileNotFound",
        ErrorKind.SYSTEM,
        True,
    )
    assert str(paths.get_error_path()) in error.message


@on_every_store
def test_empty_error_file_reads_as_bad_format(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    run(place(paths.get_error_path(), b""))
    reader = RemoteFileOutputReader(store, paths)
    assert run(reader.is_error()) is True
    error = run(reader.read_error())
    assert (error.code, error.kind, error.is_recoverable) == (
        "ErrorFileBadFormat",
        ErrorKind.SYSTEM,
        True,
    )
    assert str(paths.get_error_path()) in error.message


@on_every_store
def test_corrupt_error_file_raises_corrupt_data(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    run(place(paths.get_error_path(), b"\x0a\x05ab"))
    reader = RemoteFileOutputReader(store, paths)
    assert run(reader.is_error()) is True
    with pytest.raises(CorruptDataError, match=r"error\.pb"):
        run(reader.read_error())


@on_every_store
def test_oversized_error_file_raises_never_no_error(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    document = _error_document(message="x" * 100)
    _put(place, paths.get_error_path(), document)
    size = document.ByteSize()
    over = RemoteFileOutputReader(store, paths, max_payload_bytes=size - 1)
    with pytest.raises(PayloadTooLargeError) as info:
        run(over.is_error())
    assert (info.value.path, info.value.size) == (paths.get_error_path(), size)
    with pytest.raises(PayloadTooLargeError):
        run(over.read_error())
    at_limit = RemoteFileOutputReader(store, paths, max_payload_bytes=size)
    assert run(at_limit.is_error()) is True
    assert run(at_limit.read_error()).message == "x" * 100


@on_every_store
def test_error_path_is_read_verbatim(store: BlobStore, store_root: str, place: Place) -> None:
    paths = ReadOnlyOutputFilePaths(f"{store_root}/a b/x")
    assert paths.get_error_path().endswith("/a%20b/x/error.pb")
    _put(place, paths.get_error_path(), _error_document(code="spaced"))
    assert run(RemoteFileOutputReader(store, paths).read_error()).code == "spaced"


# --- EARLIEST aggregation --------------------------------------------------------------------


def _write_worker_errors(place: Place, store_root: str) -> None:
    for index in range(3):
        document = _error_document(
            message=f"hi-{index}", worker=f"worker-{index}", seconds=100 - index % 2
        )
        _put(place, f"{store_root}/out/error-{index}.pb", document)


@on_every_store
def test_earliest_picks_the_earliest_worker_error(
    store: BlobStore, store_root: str, place: Place
) -> None:
    _write_worker_errors(place, store_root)
    reader = _reader(store, _paths(store_root), EARLIEST)
    assert run(reader.is_error()) is True
    error = run(reader.read_error())
    assert (error.kind, error.code, error.message, error.worker, error.is_recoverable) == (
        ErrorKind.USER,
        "red",
        "hi-1",
        "worker-1",
        False,
    )
    assert error.timestamp == dt.datetime.fromtimestamp(99, tz=dt.UTC)


@on_every_store
def test_earliest_reads_the_legacy_single_file(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    _put(place, paths.get_error_path(), _error_document())
    reader = _reader(store, paths, EARLIEST)
    assert run(reader.is_error()) is True
    error = run(reader.read_error())
    assert (error.kind, error.code, error.message, error.worker) == (
        ErrorKind.USER,
        "red",
        "hi",
        "",
    )
    assert error.timestamp is None


@on_every_store
def test_earliest_without_error_files_reads_the_zero_error(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    _put(place, paths.get_output_path(), _outputs())
    reader = _reader(store, paths, EARLIEST)
    assert run(reader.is_error()) is False
    assert run(reader.read_error()) == ExecutionError()


@on_every_store
def test_earliest_ignores_names_without_the_extension(
    store: BlobStore, store_root: str, place: Place
) -> None:
    _put(place, f"{store_root}/out/error-1.txt", _error_document(seconds=1))
    _put(place, f"{store_root}/out/error-0.pb.bak", _error_document(seconds=1))
    reader = _reader(store, _paths(store_root), EARLIEST)
    assert run(reader.is_error()) is False
    _put(place, f"{store_root}/out/error-9.pb", _error_document(message="real", seconds=50))
    assert run(reader.is_error()) is True
    assert run(reader.read_error()).message == "real"


@on_every_store
def test_earliest_counts_unset_timestamps_as_the_epoch(
    store: BlobStore, store_root: str, place: Place
) -> None:
    _put(place, f"{store_root}/out/error-a.pb", _error_document(message="dated", seconds=5))
    _put(place, f"{store_root}/out/error-b.pb", _error_document(message="undated"))
    reader = _reader(store, _paths(store_root), EARLIEST)
    error = run(reader.read_error())
    assert error.message == "undated"
    assert error.timestamp is None


@on_every_store
def test_earliest_ties_go_to_the_first_listed(
    store: BlobStore, store_root: str, place: Place
) -> None:
    for name in ("error-b", "error-a", "error-c"):
        _put(place, f"{store_root}/out/{name}.pb", _error_document(message=name, seconds=7))
    reader = _reader(store, _paths(store_root), EARLIEST)
    assert run(reader.read_error()).message == "error-a"


@on_every_store
def test_earliest_document_without_error_reads_as_bad_format(
    store: BlobStore, store_root: str, place: Place
) -> None:
    run(place(f"{store_root}/out/error-0.pb", b""))
    _put(place, f"{store_root}/out/error-1.pb", _error_document(seconds=10))
    reader = _reader(store, _paths(store_root), EARLIEST)
    assert run(reader.read_error()).code == "ErrorFileBadFormat"


@on_every_store
def test_earliest_pages_through_the_listing(
    store: BlobStore, store_root: str, place: Place
) -> None:
    for index in range(5):
        document = _error_document(message=f"w{index}", seconds=20 - (index == 3))
        _put(place, f"{store_root}/out/error-{index}.pb", document)
    paged = _SmallPages(store)
    reader = _reader(paged, _paths(store_root), EARLIEST)
    assert run(reader.is_error()) is True
    assert run(reader.read_error()).message == "w3"
    assert paged.list_calls == 3


@on_every_store
def test_earliest_request_count(store: BlobStore, store_root: str, place: Place) -> None:
    _write_worker_errors(place, store_root)
    counting = CountingStore(store)
    reader = _reader(counting, _paths(store_root), EARLIEST)

    async def engine() -> ExecutionError:
        assert await reader.is_error()
        return await reader.read_error()

    assert run(engine()).worker == "worker-1"
    assert dict(counting.counts) == {"delete": 0, "get": 3, "head": 0, "list": 1, "put": 0}


@on_every_store
def test_earliest_oversized_error_file_raises(
    store: BlobStore, store_root: str, place: Place
) -> None:
    small = _error_document(seconds=1)
    _put(place, f"{store_root}/out/error-0.pb", small)
    _put(place, f"{store_root}/out/error-1.pb", _error_document(message="x" * 500, seconds=2))
    reader = _reader(store, _paths(store_root), EARLIEST, max_payload_bytes=small.ByteSize())
    with pytest.raises(PayloadTooLargeError) as info:
        run(reader.is_error())
    assert info.value.path == f"{store_root}/out/error-1.pb"


@on_every_store
def test_earliest_corrupt_error_file_raises(
    store: BlobStore, store_root: str, place: Place
) -> None:
    run(place(f"{store_root}/out/error-0.pb", b"\xff\xff"))
    reader = _reader(store, _paths(store_root), EARLIEST)
    with pytest.raises(CorruptDataError, match=r"error-0\.pb"):
        run(reader.read_error())


@on_every_store
@pytest.mark.parametrize("name", ["error", "err.or.pb", "error."])
def test_earliest_needs_exactly_one_dot(store: BlobStore, store_root: str, name: str) -> None:
    paths = _ErrorFilePaths(f"{store_root}/out", name)
    if name == "error.":
        reader = _reader(store, paths, EARLIEST)
        assert run(reader.is_error()) is False  # "." is a valid, if odd, extension
        return
    with pytest.raises(InvalidReferenceError, match="exactly one dot"):
        _reader(store, paths, EARLIEST)
    assert RemoteFileOutputReader(store, paths).is_file()  # DEFAULT accepts any name


# --- a failing store -------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_store_failures_raise_storage_error_naming_the_path(
    strategy: str,
) -> None:
    paths = ReadOnlyOutputFilePaths("s3://bucket/out")
    reader = _reader(_FailingStore(), paths, strategy)
    calls: dict[str, tuple[Callable[[], Coroutine[Any, Any, object]], str]] = {
        "is_error": (reader.is_error, "s3://bucket/out/error"),
        "read_error": (reader.read_error, "s3://bucket/out/error"),
        "exists": (reader.exists, "s3://bucket/out/outputs.pb"),
        "read": (reader.read, "s3://bucket/out/outputs.pb"),
        "deck_exists": (reader.deck_exists, "s3://bucket/out/deck.html"),
    }
    for name, (method, path) in calls.items():
        with pytest.raises(StorageError) as info:
            run(method())
        assert path in str(info.value), name
        assert info.value.__cause__ is not None, name


# --- second generation ---------------------------------------------------------------------------


def _int(value: int) -> core.Literal:
    return core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))


ARTIFACT = core.ProducedArtifact(output="b", name="scores", version="1")
ORDERED = core.Outputs(
    literals=[
        core.NamedLiteral(name="c", value=_int(1)),
        core.NamedLiteral(name="b", value=_int(2)),
        core.NamedLiteral(name="a", value=_int(3)),
    ],
    produced_artifacts=[ARTIFACT],
)


@on_every_store
def test_read_outputs_keeps_declared_order_and_artifacts_in_two_requests(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    run(place(paths.get_output_path(), ORDERED.SerializeToString()))
    counting = CountingStore(store)
    reader = RemoteFileOutputReader(counting, paths)

    async def engine() -> tuple[core.Outputs | None, ExecutionError | None]:
        assert not await reader.is_error()
        assert await reader.exists()
        return await reader.read_outputs()

    outputs, error = run(engine())
    assert error is None
    assert outputs == ORDERED
    assert [named.name for named in outputs.literals] == ["c", "b", "a"]
    assert counting.total == 2


@on_every_store
def test_read_of_a_second_generation_file_is_the_map_as_before(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    run(place(paths.get_output_path(), ORDERED.SerializeToString()))
    outputs, error = run(RemoteFileOutputReader(store, paths).read())
    assert error is None
    assert outputs is not None
    assert dict(outputs.literals) == {"c": _int(1), "b": _int(2), "a": _int(3)}


@on_every_store
def test_read_outputs_of_a_first_generation_file_has_its_entries_and_no_artifacts(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    _put(place, paths.get_output_path(), _outputs())
    outputs, error = run(RemoteFileOutputReader(store, paths).read_outputs())
    assert error is None
    assert outputs == core.Outputs(
        literals=[core.NamedLiteral(name="results", value=_outputs().literals["results"])]
    )


@on_every_store
def test_read_outputs_keeps_every_entry_of_a_repeated_name_and_read_keeps_the_last(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    repeated = core.Outputs(literals=[core.NamedLiteral(name="o", value=_int(v)) for v in (1, 2)])
    run(place(paths.get_output_path(), repeated.SerializeToString()))
    reader = RemoteFileOutputReader(store, paths)
    assert run(reader.read_outputs()) == (repeated, None)
    assert run(reader.read()) == (core.LiteralMap(literals={"o": _int(2)}), None)


@on_every_store
@pytest.mark.parametrize("content", [b"", core.Outputs().SerializeToString()])
def test_read_outputs_of_empty_outputs_is_no_outputs_produced(
    store: BlobStore, store_root: str, place: Place, content: bytes
) -> None:
    paths = _paths(store_root)
    run(place(paths.get_output_path(), content))
    outputs, error = run(RemoteFileOutputReader(store, paths).read_outputs())
    assert outputs is None
    assert error is not None
    assert error.code == "No outputs produced"
    assert error.is_recoverable is True


@on_every_store
def test_read_outputs_raises_the_same_typed_errors(
    store: BlobStore, store_root: str, place: Place
) -> None:
    paths = _paths(store_root)
    reader = RemoteFileOutputReader(store, paths)
    with pytest.raises(NotFoundError):
        run(reader.read_outputs())
    run(place(paths.get_output_path(), b"\x0a\x05\x0a"))
    with pytest.raises(CorruptDataError, match=r"kozmo\.core\.Outputs"):
        run(reader.read_outputs())


@on_every_store
def test_reader_satisfies_the_ordered_protocol(store: BlobStore, store_root: str) -> None:
    assert isinstance(RemoteFileOutputReader(store, _paths(store_root)), OrderedOutputReader)
