"""RemoteFileOutputWriter on every store: the outputs the engine reads, what each reader yields."""

from __future__ import annotations

import datetime as dt
import gc
from typing import NoReturn, final

import pytest
from _support import StoreCase, length_delimited, named_map_in_written_order, run
from google.protobuf.message import Message

from kozmo_io import core
from kozmo_io.conformance import assert_conforms, check
from kozmo_io.errors import (
    CorruptDataError,
    DuplicateNameError,
    InvalidArgumentError,
    NotFoundError,
    NothingToWriteError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils.in_memory_output_reader import InMemoryOutputReader
from kozmo_io.ioutils.output_file_paths import CheckpointRemoteFilePaths, ReadOnlyOutputFilePaths
from kozmo_io.ioutils.raw_output_paths import PrecomputedRawOutputPaths
from kozmo_io.ioutils.remote_file_output_reader import RemoteFileOutputReader
from kozmo_io.ioutils.remote_file_output_writer import RemoteFileOutputWriter
from kozmo_io.protocols import OrderedOutputReader, OutputReader, OutputWriter
from kozmo_io.reference import DataReference
from kozmo_io.storage import (
    BlobStore,
    CountingStore,
    EncodingSource,
    ListPage,
    MemoryBlobStore,
    read_message,
    write_message,
)

WHEN = dt.datetime(2024, 11, 5, 12, 30, 1, tzinfo=dt.UTC)


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
    assert_conforms(writer, OutputWriter, strict=True)
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


# --- second generation ---------------------------------------------------------------------------


def _int(value: int) -> core.Literal:
    return core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))


ARTIFACT = core.ProducedArtifact(
    output="o1",
    name="model",
    version="v7",
    info=core.ArtifactInfo(description="weights", user_metadata={"b": "2", "a": "1"}),
    type=core.LiteralType(simple=core.SimpleType.INTEGER),
)
ORDERED = core.Outputs(
    literals=[
        core.NamedLiteral(name="z", value=_int(1)),
        core.NamedLiteral(name="o1", value=_int(2)),
        core.NamedLiteral(name="a", value=_int(3)),
    ],
    produced_artifacts=[ARTIFACT],
)


def test_outputs_are_written_in_the_order_given_with_their_artifacts(
    store: BlobStore, store_root: str
) -> None:
    counting = CountingStore(store)
    writer = RemoteFileOutputWriter(counting, _paths(store_root))
    run(writer.put(InMemoryOutputReader(outputs=ORDERED)))
    assert dict(counting.counts) == {"delete": 0, "get": 0, "head": 0, "list": 0, "put": 1}
    written = run(read_message(store, writer.get_output_path(), core.Outputs))
    assert [named.name for named in written.literals] == ["z", "o1", "a"]
    assert list(written.produced_artifacts) == [ARTIFACT]
    assert run(store.get(writer.get_output_path())) == ORDERED.SerializeToString(deterministic=True)


def test_a_map_reader_writes_the_same_bytes_as_before(store: BlobStore, store_root: str) -> None:
    literal_map = core.LiteralMap(literals={name: _int(i) for i, name in enumerate("zmab")})
    writer = RemoteFileOutputWriter(store, _paths(store_root))
    run(writer.put(InMemoryOutputReader(literal_map)))
    assert run(store.get(writer.get_output_path())) == literal_map.SerializeToString(
        deterministic=True
    )


def test_repeated_names_are_refused_and_nothing_is_written(
    store: BlobStore, store_root: str
) -> None:
    repeated = core.Outputs(
        literals=[core.NamedLiteral(name=name, value=_int(1)) for name in ("a", "b", "a", "b")]
    )
    writer = RemoteFileOutputWriter(store, _paths(store_root))
    with pytest.raises(DuplicateNameError, match="literal names given more than once") as info:
        run(writer.put(InMemoryOutputReader(outputs=repeated)))
    assert info.value.names == ("a", "b")
    assert info.value.in_context is False
    assert isinstance(info.value, ValueError)
    assert not _exists(store, writer.get_output_path())
    assert not _exists(store, writer.get_error_path())


def test_an_error_is_written_even_beside_repeated_names(store: BlobStore, store_root: str) -> None:
    repeated = core.Outputs(literals=[core.NamedLiteral(name="a"), core.NamedLiteral(name="a")])
    writer = RemoteFileOutputWriter(store, _paths(store_root))
    run(writer.put(InMemoryOutputReader(outputs=repeated, error=ExecutionError(code="boom"))))
    document = run(read_message(store, writer.get_error_path(), core.ErrorDocument))
    assert document.error.code == "boom"


@pytest.mark.parametrize(
    "data",
    [
        ORDERED.SerializeToString(deterministic=True),
        core.LiteralMap(
            literals={"b": _int(1), "a": _int(2), "c": core.Literal(map=core.LiteralMap())}
        ).SerializeToString(deterministic=True),
    ],
    ids=["second-generation", "first-generation"],
)
def test_either_generation_copies_byte_for_byte(
    store: BlobStore, store_root: str, data: bytes
) -> None:
    run(store.put(f"{store_root}/first/outputs.pb", data))
    reader = RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(f"{store_root}/first"))
    target = RemoteFileOutputWriter(store, _paths(store_root, "second"))
    run(target.put(reader))
    assert run(store.get(target.get_output_path())) == data


def _outputs_in_written_order(*names: str) -> bytes:
    """outputs.pb whose one output is a map with entries in the given order, as an SDK may write.

    Protobuf re-encodes a map's entries in its own order, so only the bytes read bring it back.
    """
    named = named_map_in_written_order("m", *names)
    data = length_delimited(core.Outputs.DESCRIPTOR.fields_by_name["literals"].number, named)
    assert data != core.Outputs.FromString(data).SerializeToString(deterministic=True)
    return data


WRITTEN_ORDER = _outputs_in_written_order("k2", "k9", "k0", "k5")


def test_outputs_read_and_written_unchanged_keep_the_bytes_they_were_read_from(
    store: BlobStore, store_root: str
) -> None:
    run(store.put(f"{store_root}/first/outputs.pb", WRITTEN_ORDER))
    reader = RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(f"{store_root}/first"))
    assert_conforms(reader, EncodingSource, strict=True)
    target = RemoteFileOutputWriter(store, _paths(store_root, "second"))
    run(target.put(reader))
    assert run(store.get(target.get_output_path())) == WRITTEN_ORDER


def test_changed_outputs_of_a_remote_reader_are_written_deterministically(
    store: BlobStore, store_root: str
) -> None:
    run(store.put(f"{store_root}/first/outputs.pb", WRITTEN_ORDER))
    reader = RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(f"{store_root}/first"))

    @final
    class _Changing:
        """Reads through ``reader`` and changes the outputs before handing them on."""

        async def is_error(self) -> bool:
            return False

        async def read_error(self) -> ExecutionError:
            return ExecutionError()

        def is_file(self) -> bool:
            return True

        async def exists(self) -> bool:
            return True

        async def read(self) -> tuple[core.LiteralMap | None, ExecutionError | None]:
            raise AssertionError

        async def read_outputs(self) -> tuple[core.Outputs | None, ExecutionError | None]:
            outputs, error = await reader.read_outputs()
            assert outputs is not None
            outputs.literals[0].value.map.literals["k7"].CopyFrom(_int(7))
            return outputs, error

        async def deck_exists(self) -> bool:
            return False

        def decoded_from(self, message: Message, /) -> bytes | None:
            return reader.decoded_from(message)

    target = RemoteFileOutputWriter(store, _paths(store_root, "second"))
    run(target.put(_Changing()))
    written = run(store.get(target.get_output_path()))
    changed = core.Outputs.FromString(written)
    assert set(changed.literals[0].value.map.literals) == {"k0", "k2", "k5", "k7", "k9"}
    assert written == changed.SerializeToString(deterministic=True)


def test_a_reader_that_keeps_no_bytes_is_written_deterministically(
    store: BlobStore, store_root: str
) -> None:
    outputs = core.Outputs.FromString(WRITTEN_ORDER)
    writer = RemoteFileOutputWriter(store, _paths(store_root))
    run(writer.put(InMemoryOutputReader(outputs=outputs)))
    assert run(store.get(writer.get_output_path())) == outputs.SerializeToString(deterministic=True)


def test_the_remote_reader_gives_bytes_for_the_outputs_it_returned_last_only() -> None:
    store = MemoryBlobStore()
    run(store.put("memory://b/first/outputs.pb", WRITTEN_ORDER))
    reader = RemoteFileOutputReader(store, ReadOnlyOutputFilePaths("memory://b/first"))
    assert reader.decoded_from(core.Outputs()) is None  # nothing read yet
    outputs, _ = run(reader.read_outputs())
    assert outputs is not None
    assert reader.decoded_from(outputs) == WRITTEN_ORDER
    assert reader.decoded_from(core.Outputs.FromString(WRITTEN_ORDER)) is None  # equal, not it
    as_map, _ = run(reader.read())
    assert as_map is not None
    assert reader.decoded_from(as_map) == WRITTEN_ORDER
    assert reader.decoded_from(outputs) is None  # replaced by the later read
    run(store.put("memory://b/first/outputs.pb", b""))
    assert run(reader.read()) == (None, run(reader.read())[1])  # no outputs: nothing kept
    assert reader.decoded_from(as_map) is None


def test_messages_that_take_the_place_of_freed_outputs_never_get_their_bytes() -> None:
    # The reader holds the outputs it returned last; once a later read lets them go, a new
    # message may be allocated at the same address (the same id()) with the same content. It
    # must still be written with its own encoding, never with the bytes of the freed outputs.
    store = MemoryBlobStore()
    path = "memory://b/first/outputs.pb"
    reader = RemoteFileOutputReader(store, ReadOnlyOutputFilePaths("memory://b/first"))
    writer = RemoteFileOutputWriter(store, _paths("memory://b", "second"))
    deterministic = core.Outputs.FromString(WRITTEN_ORDER).SerializeToString(deterministic=True)
    collisions = 0
    for _ in range(20):
        run(store.put(path, WRITTEN_ORDER))
        outputs, _ = run(reader.read_outputs())
        assert outputs is not None
        assert reader.decoded_from(outputs) == WRITTEN_ORDER
        freed = id(outputs)
        del outputs
        run(store.delete(path))
        with pytest.raises(NotFoundError):
            run(reader.read_outputs())  # the reader lets the outputs go
        gc.collect()  # and so does the event loop that returned them
        newcomers = [core.Outputs.FromString(WRITTEN_ORDER) for _ in range(20)]
        for newcomer in newcomers:
            assert reader.decoded_from(newcomer) is None
            if id(newcomer) == freed:
                collisions += 1
                run(writer.put(InMemoryOutputReader(outputs=newcomer)))
                assert run(store.get(writer.get_output_path())) == deterministic
    assert collisions > 0  # the situation did arise: an id was taken again


@final
class _MapOnlyReader:
    """A reader written against the first-generation protocol only."""

    async def is_error(self) -> bool:
        return False

    async def read_error(self) -> ExecutionError:
        return ExecutionError()

    def is_file(self) -> bool:
        return False

    async def exists(self) -> bool:
        return True

    async def read(self) -> tuple[core.LiteralMap | None, ExecutionError | None]:
        return core.LiteralMap(literals={"y": _int(1), "x": _int(2)}), None

    async def deck_exists(self) -> bool:
        return False


def test_a_first_generation_reader_is_still_written(store: BlobStore, store_root: str) -> None:
    reader = _MapOnlyReader()
    shape: object = reader
    assert_conforms(shape, OutputReader, strict=True)
    assert [p.member for p in check(shape, OrderedOutputReader).problems] == ["read_outputs"]
    writer = RemoteFileOutputWriter(store, _paths(store_root))
    run(writer.put(reader))
    written = run(read_message(store, writer.get_output_path(), core.LiteralMap))
    assert dict(written.literals) == {"y": _int(1), "x": _int(2)}


def _nested(levels: int) -> core.LiteralMap:
    """Outputs whose one literal is a collection of a collection ... ``levels`` deep."""
    outputs = core.LiteralMap()
    node = outputs.literals["deep"]  # built in place: copying a deep message decodes it
    for _ in range(levels):
        node = node.collection.literals.add()
    node.scalar.primitive.integer = 1
    return outputs


def test_writer_refuses_outputs_nested_past_the_decode_depth_writing_nothing(
    store: BlobStore, store_root: str
) -> None:
    paths = _paths(store_root)
    writer = RemoteFileOutputWriter(store, paths)
    with pytest.raises(InvalidArgumentError, match=r"nests deeper than protobuf reads \(100"):
        run(writer.put(InMemoryOutputReader(_nested(60))))
    with pytest.raises(InvalidArgumentError, match=r"nests deeper than protobuf reads \(100"):
        run(write_message(store, paths.get_output_path(), _nested(60)))  # a map, as it is
    assert not run(store.head(paths.get_output_path())).exists
    run(writer.put(InMemoryOutputReader(_nested(45))))  # within the depth: written, and read back
    outputs, _ = run(
        RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(paths.output_prefix)).read()
    )
    assert outputs == _nested(45)


def test_writer_refuses_a_file_larger_than_the_read_limit_writing_nothing(
    store_case: StoreCase, store_root: str
) -> None:
    store = store_case.make(max_payload_bytes=1000)
    paths = _paths(store_root)
    big = core.Literal(scalar=core.Scalar(primitive=core.Primitive(string_value="x" * 2000)))
    outputs = core.LiteralMap(literals={"big": big})
    with pytest.raises(PayloadTooLargeError) as caught:
        run(RemoteFileOutputWriter(store, paths).put(InMemoryOutputReader(outputs)))
    assert (caught.value.size, caught.value.limit) == (outputs.ByteSize(), 1000)
    assert caught.value.path.endswith("/out/outputs.pb")
    error = ExecutionError(code="Boom", message="m" * 2000)
    with pytest.raises(PayloadTooLargeError):
        run(RemoteFileOutputWriter(store, paths).put(InMemoryOutputReader(error=error)))
    assert not run(store.head(paths.get_output_path())).exists
    assert not run(store.head(paths.get_error_path())).exists
    # A writer given its reader's larger limit writes it, and that reader reads it back.
    run(RemoteFileOutputWriter(store, paths, 4000).put(InMemoryOutputReader(outputs)))
    reader = RemoteFileOutputReader(
        store, ReadOnlyOutputFilePaths(paths.output_prefix), max_payload_bytes=4000
    )
    assert run(reader.read())[0] == outputs


@pytest.mark.parametrize("limit", [0, -1, True, "10"])
def test_writer_refuses_a_bad_limit(store: BlobStore, store_root: str, limit: object) -> None:
    with pytest.raises(InvalidArgumentError, match="max_payload_bytes"):
        RemoteFileOutputWriter(store, _paths(store_root), limit)  # type: ignore[arg-type]
