"""RemoteFileInputReader on every store: one request, typed errors naming the inputs path."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, NoReturn, final

import pytest
from _support import StoreCase, on_every_store, run

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
from kozmo_io.ioutils.input_file_paths import SimpleInputFilePaths
from kozmo_io.ioutils.remote_file_input_reader import RemoteFileInputReader
from kozmo_io.protocols import OrderedInputReader
from kozmo_io.storage import BlobStore, CountingStore, ObjectMeta, encoding_of, write_message

Place = Callable[..., Coroutine[Any, Any, None]]


def _inputs() -> core.LiteralMap:
    name = core.Literal(scalar=core.Scalar(primitive=core.Primitive(string_value="kozmo")))
    return core.LiteralMap(literals={"name": name})


@final
class _FailingGets:
    """A BlobStore whose reads fail as a backend outage would."""

    async def head(self, path: str, /) -> ObjectMeta:
        return ObjectMeta(path, exists=False)

    async def get(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,  # noqa: ARG002 - the protocol's signature
        byte_range: tuple[int, int] | None = None,  # noqa: ARG002 - the protocol's signature
    ) -> bytes:
        cause = TimeoutError("read timed out")
        msg = f"get {path} failed: {cause}"
        raise StorageError(msg) from cause

    async def put(self, path: str, data: bytes, /) -> NoReturn:
        raise NotImplementedError

    async def list(
        self, prefix: str, /, *, max_items: int = 1000, cursor: str | None = None
    ) -> NoReturn:
        raise NotImplementedError

    async def delete(self, path: str, /) -> NoReturn:
        raise NotImplementedError


def _reader(store: BlobStore, store_root: str, **options: Any) -> RemoteFileInputReader:
    return RemoteFileInputReader(store, SimpleInputFilePaths(f"{store_root}/data"), **options)


@on_every_store
def test_reads_inputs_with_one_request(store: BlobStore, store_root: str, place: Place) -> None:
    counting = CountingStore(store)
    reader = _reader(counting, store_root)
    run(place(reader.get_input_path(), encoding_of(_inputs())))
    assert run(reader.get()) == _inputs()
    assert dict(counting.counts) == {"delete": 0, "get": 1, "head": 0, "list": 0, "put": 0}


@on_every_store
def test_every_call_reads_again(store: BlobStore, store_root: str, place: Place) -> None:
    counting = CountingStore(store)
    reader = _reader(counting, store_root)
    run(place(reader.get_input_path(), encoding_of(_inputs())))
    run(reader.get())
    run(reader.get())
    assert counting.counts["get"] == 2


@on_every_store
def test_satisfies_the_protocol_and_delegates_paths(store: BlobStore, store_root: str) -> None:
    reader = _reader(store, store_root)
    assert_conforms(reader, OrderedInputReader, strict=True)
    assert reader.get_input_prefix_path() == f"{store_root}/data"
    assert reader.get_input_path() == f"{store_root}/data/inputs.pb"


@on_every_store
def test_empty_file_reads_as_empty_map(store: BlobStore, store_root: str, place: Place) -> None:
    reader = _reader(store, store_root)
    run(place(reader.get_input_path(), b""))
    result = run(reader.get())
    assert result == core.LiteralMap()
    assert result is not None


@on_every_store
def test_missing_inputs_raise_not_found_naming_the_path(store: BlobStore, store_root: str) -> None:
    reader = _reader(store, store_root)
    with pytest.raises(NotFoundError) as info:
        run(reader.get())
    assert info.value.path == reader.get_input_path()
    assert str(reader.get_input_path()) in str(info.value)
    assert isinstance(info.value.__cause__, NotFoundError)


@on_every_store
def test_corrupt_inputs_raise_corrupt_data(store: BlobStore, store_root: str, place: Place) -> None:
    reader = _reader(store, store_root)
    run(place(reader.get_input_path(), b"\x0a\xff\x01"))
    with pytest.raises(CorruptDataError) as info:
        run(reader.get())
    assert str(reader.get_input_path()) in str(info.value)
    assert isinstance(info.value.__cause__, CorruptDataError)


@on_every_store
def test_inputs_exactly_at_the_limit_pass_and_one_byte_over_fails(
    store: BlobStore, store_root: str, place: Place
) -> None:
    size = _inputs().ByteSize()
    at_limit = _reader(store, store_root, max_payload_bytes=size)
    run(place(at_limit.get_input_path(), encoding_of(_inputs())))
    assert run(at_limit.get()) == _inputs()
    over = _reader(store, store_root, max_payload_bytes=size - 1)
    with pytest.raises(PayloadTooLargeError) as info:
        run(over.get())
    assert (info.value.path, info.value.size, info.value.limit) == (
        over.get_input_path(),
        size,
        size - 1,
    )
    assert isinstance(info.value.__cause__, PayloadTooLargeError)


@on_every_store
def test_none_limit_means_the_store_limit(
    store_case: StoreCase, store_root: str, place: Place
) -> None:
    tight = store_case.make(max_payload_bytes=_inputs().ByteSize() - 1)
    reader = _reader(tight, store_root)
    with pytest.raises(PayloadTooLargeError):  # the writer refuses what its reader would
        run(write_message(tight, reader.get_input_path(), _inputs()))
    run(place(reader.get_input_path(), _inputs().SerializeToString(), tight))  # another writer
    with pytest.raises(PayloadTooLargeError):
        run(reader.get())


@on_every_store
@pytest.mark.parametrize("limit", [0, -5])
def test_non_positive_limit_is_rejected(store: BlobStore, store_root: str, limit: int) -> None:
    with pytest.raises(InvalidArgumentError, match="max_payload_bytes"):
        _reader(store, store_root, max_payload_bytes=limit)


def test_store_failure_raises_storage_error_naming_the_path() -> None:
    reader = RemoteFileInputReader(_FailingGets(), SimpleInputFilePaths("s3://bucket/data"))
    with pytest.raises(
        StorageError, match=r"failed to read the inputs @\[s3://bucket/data/inputs\.pb\]"
    ):
        run(reader.get())


@on_every_store
def test_reference_outside_the_store_is_refused(store: BlobStore) -> None:
    reader = RemoteFileInputReader(store, SimpleInputFilePaths("gs://another-bucket/data"))
    with pytest.raises(InvalidReferenceError):
        run(reader.get())


# --- second generation ---------------------------------------------------------------------------


def _int(value: int) -> core.Literal:
    return core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))


SECOND_GENERATION = core.Inputs(
    literals=[
        core.NamedLiteral(name="z", value=_int(1)),
        core.NamedLiteral(name="a", value=_int(2)),
        core.NamedLiteral(name="m", value=_int(3)),
    ],
    context=[core.KeyValuePair(key="team", value="ml"), core.KeyValuePair(key="env", value="ci")],
)


@on_every_store
def test_get_inputs_reads_declared_order_and_context_with_one_request(
    store: BlobStore, store_root: str, place: Place
) -> None:
    counting = CountingStore(store)
    reader = _reader(counting, store_root)
    run(place(reader.get_input_path(), SECOND_GENERATION.SerializeToString()))
    inputs = run(reader.get_inputs())
    assert [named.name for named in inputs.literals] == ["z", "a", "m"]
    assert [(pair.key, pair.value) for pair in inputs.context] == [("team", "ml"), ("env", "ci")]
    assert inputs == SECOND_GENERATION
    assert dict(counting.counts) == {"delete": 0, "get": 1, "head": 0, "list": 0, "put": 0}


@on_every_store
def test_get_reads_a_second_generation_file_as_before(
    store: BlobStore, store_root: str, place: Place
) -> None:
    reader = _reader(store, store_root)
    run(place(reader.get_input_path(), SECOND_GENERATION.SerializeToString()))
    as_map = run(reader.get())
    assert as_map is not None
    assert dict(as_map.literals) == {"z": _int(1), "a": _int(2), "m": _int(3)}


@on_every_store
def test_get_inputs_reads_a_first_generation_file_in_written_order_without_context(
    store: BlobStore, store_root: str, place: Place
) -> None:
    reader = _reader(store, store_root)
    first = core.LiteralMap(literals={"b": _int(1), "a": _int(2)})
    data = first.SerializeToString(deterministic=True)
    run(place(reader.get_input_path(), data))
    inputs = run(reader.get_inputs())
    assert {named.name: named.value for named in inputs.literals} == dict(first.literals)
    assert list(inputs.context) == []
    assert inputs.SerializeToString(deterministic=True) == data


@on_every_store
def test_get_inputs_keeps_every_entry_of_a_repeated_name_and_get_keeps_the_last(
    store: BlobStore, store_root: str, place: Place
) -> None:
    reader = _reader(store, store_root)
    repeated = core.Inputs(literals=[core.NamedLiteral(name="x", value=_int(v)) for v in (1, 2, 3)])
    run(place(reader.get_input_path(), repeated.SerializeToString()))
    assert [named.value for named in run(reader.get_inputs()).literals] == [
        _int(1),
        _int(2),
        _int(3),
    ]
    as_map = run(reader.get())
    assert as_map is not None
    assert dict(as_map.literals) == {"x": _int(3)}


@on_every_store
def test_get_inputs_of_an_empty_file_is_empty_inputs(
    store: BlobStore, store_root: str, place: Place
) -> None:
    reader = _reader(store, store_root)
    run(place(reader.get_input_path(), b""))
    assert run(reader.get_inputs()) == core.Inputs()


@on_every_store
def test_get_inputs_raises_the_same_typed_errors(
    store: BlobStore, store_root: str, place: Place
) -> None:
    reader = _reader(store, store_root)
    with pytest.raises(NotFoundError):
        run(reader.get_inputs())
    run(place(reader.get_input_path(), b"\x0a\xff"))
    with pytest.raises(CorruptDataError, match=r"kozmo\.core\.Inputs"):
        run(reader.get_inputs())


@on_every_store
def test_satisfies_the_ordered_protocol(store: BlobStore, store_root: str) -> None:
    assert isinstance(_reader(store, store_root), OrderedInputReader)
