"""CachedInputReader: one read however many (concurrent) calls; failures are not cached."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, final

import pytest
from _support import on_every_store

from kozmo_io import core
from kozmo_io.conformance import assert_conforms
from kozmo_io.errors import StorageError
from kozmo_io.ioutils.cached_input_reader import CachedInputReader
from kozmo_io.ioutils.input_file_paths import SimpleInputFilePaths
from kozmo_io.ioutils.remote_file_input_reader import RemoteFileInputReader
from kozmo_io.ioutils.remote_file_input_writer import RemoteFileInputWriter
from kozmo_io.protocols import OrderedInputReader
from kozmo_io.reference import DataReference
from kozmo_io.storage import BlobStore, CountingStore, EncodingSource, MemoryBlobStore, encoding_of

Place = Callable[..., Coroutine[Any, Any, None]]


@final
class _ScriptedReader:
    """An InputReader that returns (or raises) the scripted results one per call, slowly."""

    def __init__(self, *results: core.LiteralMap | Exception | None) -> None:
        self.results = list(results)
        self.calls = 0

    def get_input_prefix_path(self) -> DataReference:
        return DataReference("s3://b/data")

    def get_input_path(self) -> DataReference:
        return DataReference("s3://b/data/inputs.pb")

    async def get(self) -> core.LiteralMap | None:
        self.calls += 1
        await asyncio.sleep(0.01)  # let concurrent callers pile up
        result = self.results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result


def _inputs() -> core.LiteralMap:
    return core.LiteralMap(literals={"x": core.Literal(hash="h")})


def test_reads_once_and_returns_the_same_object() -> None:
    inner = _ScriptedReader(_inputs())
    reader = CachedInputReader(inner)

    async def twice() -> tuple[core.LiteralMap | None, core.LiteralMap | None]:
        return await reader.get(), await reader.get()

    first, second = asyncio.run(twice())
    assert first == _inputs()
    assert first is second
    assert inner.calls == 1


def test_concurrent_first_calls_read_once() -> None:
    inner = _ScriptedReader(_inputs())
    reader = CachedInputReader(inner)

    async def many() -> list[core.LiteralMap | None]:
        return list(await asyncio.gather(*(reader.get() for _ in range(20))))

    results = asyncio.run(many())
    assert inner.calls == 1
    assert all(result is results[0] for result in results)


def test_failures_are_not_cached() -> None:
    inner = _ScriptedReader(StorageError("get failed"), _inputs())
    reader = CachedInputReader(inner)

    async def retry() -> core.LiteralMap | None:
        with pytest.raises(StorageError, match="get failed"):
            await reader.get()
        return await reader.get()

    assert asyncio.run(retry()) == _inputs()
    assert inner.calls == 2


def test_no_inputs_is_cached_too() -> None:
    inner = _ScriptedReader(None)
    reader = CachedInputReader(inner)

    async def twice() -> tuple[core.LiteralMap | None, core.LiteralMap | None]:
        return await reader.get(), await reader.get()

    assert asyncio.run(twice()) == (None, None)
    assert inner.calls == 1


def test_paths_delegate_and_protocol_holds() -> None:
    reader = CachedInputReader(_ScriptedReader())
    assert_conforms(reader, OrderedInputReader, strict=True)
    assert reader.get_input_prefix_path() == "s3://b/data"
    assert reader.get_input_path() == "s3://b/data/inputs.pb"


@on_every_store
def test_over_a_real_store_costs_one_request(
    store: BlobStore, store_root: str, place: Place
) -> None:
    counting = CountingStore(store)
    paths = SimpleInputFilePaths(f"{store_root}/data")
    asyncio.run(place(paths.get_input_path(), encoding_of(_inputs())))
    reader = CachedInputReader(RemoteFileInputReader(counting, paths))

    async def thrice() -> list[core.LiteralMap | None]:
        return list(await asyncio.gather(reader.get(), reader.get(), reader.get()))

    assert asyncio.run(thrice()) == [_inputs()] * 3
    assert counting.total == 1


SECOND_GENERATION = core.Inputs(
    literals=[
        core.NamedLiteral(name="b", value=core.Literal(hash="1")),
        core.NamedLiteral(name="a", value=core.Literal(hash="2")),
    ],
    context=[core.KeyValuePair(key="k", value="v")],
)


@on_every_store
def test_both_forms_cost_one_read_of_an_ordered_reader(
    store: BlobStore, store_root: str, place: Place
) -> None:
    counting = CountingStore(store)
    paths = SimpleInputFilePaths(f"{store_root}/data")
    asyncio.run(place(paths.get_input_path(), SECOND_GENERATION.SerializeToString()))
    reader = CachedInputReader(RemoteFileInputReader(counting, paths))

    async def both() -> tuple[core.Inputs | None, core.LiteralMap | None, core.Inputs | None]:
        return await reader.get_inputs(), await reader.get(), await reader.get_inputs()

    inputs, as_map, again = asyncio.run(both())
    assert inputs == SECOND_GENERATION
    assert again is inputs
    assert as_map is not None
    assert dict(as_map.literals) == {"b": core.Literal(hash="1"), "a": core.Literal(hash="2")}
    assert counting.total == 1
    assert isinstance(reader, OrderedInputReader)


def test_a_map_only_reader_gets_inputs_in_map_order_without_context() -> None:
    literal_map = core.LiteralMap(literals={"y": core.Literal(hash="1"), "x": core.Literal()})
    inner = _ScriptedReader(literal_map)
    shape: object = inner
    assert not isinstance(shape, OrderedInputReader)
    reader = CachedInputReader(inner)
    inputs = asyncio.run(reader.get_inputs())
    assert inputs is not None
    assert inputs.SerializeToString(deterministic=True) == literal_map.SerializeToString(
        deterministic=True
    )
    assert list(inputs.context) == []
    assert asyncio.run(reader.get()) is literal_map
    assert inner.calls == 1


def test_no_inputs_is_none_in_both_forms() -> None:
    reader = CachedInputReader(_ScriptedReader(None))
    assert asyncio.run(reader.get_inputs()) is None
    assert asyncio.run(reader.get()) is None


def test_inputs_read_once_keep_the_bytes_of_the_wrapped_reader() -> None:
    store = MemoryBlobStore()
    paths = SimpleInputFilePaths("memory://b/data")
    # Entries of a map in an order protobuf never writes: only the bytes read bring it back.
    data = b"".join(
        core.LiteralMap(literals={name: core.Literal(hash=name)}).SerializeToString()
        for name in ("b", "c", "a")
    )
    asyncio.run(store.put(paths.get_input_path(), data))
    inner = RemoteFileInputReader(store, paths)
    reader = CachedInputReader(inner)
    assert_conforms(reader, EncodingSource, strict=True)
    inputs = asyncio.run(reader.get_inputs())
    as_map = asyncio.run(reader.get())
    assert inputs is not None
    assert as_map is not None
    assert reader.decoded_from(inputs) == data == inner.decoded_from(inputs)
    assert reader.decoded_from(as_map) is None  # a view made here, never read from the file
    target = SimpleInputFilePaths("memory://b/copy")
    writer = RemoteFileInputWriter(store, target)
    asyncio.run(writer.put(inputs, decoded_from=reader.decoded_from(inputs)))
    assert asyncio.run(store.get(target.get_input_path())) == data


def test_a_reader_that_keeps_no_bytes_gives_none() -> None:
    reader = CachedInputReader(_ScriptedReader(_inputs()))
    literal_map = asyncio.run(reader.get())
    assert literal_map is not None
    assert reader.decoded_from(literal_map) is None
