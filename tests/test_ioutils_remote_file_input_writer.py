"""RemoteFileInputWriter on every store: order and context kept, duplicates refused."""

from __future__ import annotations

import pytest
from _support import length_delimited, named_map_in_written_order, run

from kozmo_io import core
from kozmo_io.conformance import assert_conforms
from kozmo_io.errors import DuplicateNameError, NotFoundError
from kozmo_io.ioutils.input_file_paths import SimpleInputFilePaths
from kozmo_io.ioutils.remote_file_input_reader import RemoteFileInputReader
from kozmo_io.ioutils.remote_file_input_writer import RemoteFileInputWriter
from kozmo_io.protocols import InputFilePaths
from kozmo_io.storage import BlobStore, CountingStore, EncodingSource, read_message


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


# --- a copy keeps the bytes it was read from, when they are handed on -----------------------------


def _inputs_in_written_order(*names: str) -> bytes:
    """inputs.pb whose one input is a map with entries in the given order, as an SDK may write.

    Protobuf re-encodes a map's entries in its own order, so only the bytes read bring it back.
    """
    named = named_map_in_written_order("m", *names)
    context = core.Inputs(context=[core.KeyValuePair(key="team", value="ml")]).SerializeToString()
    literals = core.Inputs.DESCRIPTOR.fields_by_name["literals"].number
    data = length_delimited(literals, named) + context
    assert data != core.Inputs.FromString(data).SerializeToString(deterministic=True)
    return data


WRITTEN_ORDER = _inputs_in_written_order("k2", "k9", "k0", "k5")


def _stored(store: BlobStore, store_root: str) -> RemoteFileInputReader:
    run(store.put(f"{store_root}/first/inputs.pb", WRITTEN_ORDER))
    return RemoteFileInputReader(store, SimpleInputFilePaths(f"{store_root}/first"))


def test_inputs_copied_with_the_bytes_they_were_read_from_keep_them(
    store: BlobStore, store_root: str
) -> None:
    reader = _stored(store, store_root)
    assert_conforms(reader, EncodingSource, strict=True)
    inputs = run(reader.get_inputs())
    writer = _writer(store, store_root)
    run(writer.put(inputs, decoded_from=reader.decoded_from(inputs)))
    assert run(store.get(writer.get_input_path())) == WRITTEN_ORDER


def test_inputs_copied_without_their_bytes_are_written_deterministically(
    store: BlobStore, store_root: str
) -> None:
    inputs = run(_stored(store, store_root).get_inputs())
    writer = _writer(store, store_root)
    run(writer.put(inputs))
    assert run(store.get(writer.get_input_path())) == inputs.SerializeToString(deterministic=True)


def test_changed_inputs_are_written_deterministically_even_with_their_bytes(
    store: BlobStore, store_root: str
) -> None:
    reader = _stored(store, store_root)
    inputs = run(reader.get_inputs())
    inputs.context.add(key="env", value="prod")
    writer = _writer(store, store_root)
    run(writer.put(inputs, decoded_from=reader.decoded_from(inputs)))
    written = run(read_message(store, writer.get_input_path(), core.Inputs))
    assert written == inputs
    assert run(store.get(writer.get_input_path())) == inputs.SerializeToString(deterministic=True)


def test_the_reader_gives_bytes_for_the_inputs_it_returned_last_only(
    store: BlobStore, store_root: str
) -> None:
    reader = _stored(store, store_root)
    assert reader.decoded_from(core.Inputs()) is None  # nothing read yet
    inputs = run(reader.get_inputs())
    assert reader.decoded_from(inputs) == WRITTEN_ORDER
    assert reader.decoded_from(core.Inputs.FromString(WRITTEN_ORDER)) is None  # equal, not it
    as_map = run(reader.get())
    assert reader.decoded_from(as_map) == WRITTEN_ORDER
    assert reader.decoded_from(inputs) is None  # replaced by the later read
    run(store.delete(reader.get_input_path()))
    with pytest.raises(NotFoundError):
        run(reader.get())
    assert reader.decoded_from(as_map) is None  # a failed read keeps nothing
    assert reader == RemoteFileInputReader(store, reader.paths)  # what it keeps is not its value
