"""RemoteFileInputWriter on every store: order and context kept, duplicates refused."""

from __future__ import annotations

import pytest
from _support import run

from kozmo_io import core
from kozmo_io.conformance import assert_conforms
from kozmo_io.errors import DuplicateNameError
from kozmo_io.ioutils.input_file_paths import SimpleInputFilePaths
from kozmo_io.ioutils.remote_file_input_reader import RemoteFileInputReader
from kozmo_io.ioutils.remote_file_input_writer import RemoteFileInputWriter
from kozmo_io.protocols import InputFilePaths
from kozmo_io.storage import BlobStore, CountingStore


def _int(value: int) -> core.Literal:
    return core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))


INPUTS = core.Inputs(
    literals=[core.NamedLiteral(name=name, value=_int(i)) for i, name in enumerate("zya")],
    context=[core.KeyValuePair(key="team", value="ml"), core.KeyValuePair(key="env", value="")],
)


def _writer(store: BlobStore, store_root: str) -> RemoteFileInputWriter:
    return RemoteFileInputWriter(store, SimpleInputFilePaths(f"{store_root}/data"))


def test_paths_delegate(store: BlobStore, store_root: str) -> None:
    writer = _writer(store, store_root)
    assert_conforms(writer, InputFilePaths, strict=True)
    assert writer.get_input_prefix_path() == f"{store_root}/data"
    assert writer.get_input_path() == f"{store_root}/data/inputs.pb"


def test_inputs_are_written_in_order_with_context_in_one_put(
    store: BlobStore, store_root: str
) -> None:
    counting = CountingStore(store)
    writer = _writer(counting, store_root)
    run(writer.put(INPUTS))
    assert dict(counting.counts) == {"delete": 0, "get": 0, "head": 0, "list": 0, "put": 1}
    assert run(store.get(writer.get_input_path())) == INPUTS.SerializeToString(deterministic=True)
    read_back = run(RemoteFileInputReader(store, writer.paths).get_inputs())
    assert [named.name for named in read_back.literals] == ["z", "y", "a"]
    assert [(pair.key, pair.value) for pair in read_back.context] == [
        ("team", "ml"),
        ("env", ""),
    ]


def test_a_map_is_written_as_the_first_generation_writes_it(
    store: BlobStore, store_root: str
) -> None:
    literal_map = core.LiteralMap(literals={"b": _int(1), "a": _int(2)})
    writer = _writer(store, store_root)
    run(writer.put(literal_map))
    assert run(store.get(writer.get_input_path())) == literal_map.SerializeToString(
        deterministic=True
    )
    assert run(RemoteFileInputReader(store, writer.paths).get()) == literal_map


@pytest.mark.parametrize(
    ("inputs", "names", "in_context"),
    [
        (
            core.Inputs(literals=[core.NamedLiteral(name="x"), core.NamedLiteral(name="x")]),
            ("x",),
            False,
        ),
        (
            core.Inputs(
                context=[core.KeyValuePair(key="k", value="1"), core.KeyValuePair(key="k")]
            ),
            ("k",),
            True,
        ),
    ],
    ids=["names", "context-keys"],
)
def test_repeated_names_or_context_keys_are_refused_and_nothing_is_written(
    store: BlobStore,
    store_root: str,
    inputs: core.Inputs,
    names: tuple[str, ...],
    *,
    in_context: bool,
) -> None:
    writer = _writer(store, store_root)
    with pytest.raises(DuplicateNameError) as info:
        run(writer.put(inputs))
    assert info.value.names == names
    assert info.value.in_context is in_context
    assert ("context key" in str(info.value)) is in_context
    assert not run(store.head(writer.get_input_path())).exists
