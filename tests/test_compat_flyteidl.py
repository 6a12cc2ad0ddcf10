from __future__ import annotations

import datetime as dt
import importlib
import subprocess
import sys
from collections.abc import Callable

import attrs
import pytest
from flyteidl.core import errors_pb2, execution_pb2, literals_pb2
from google.protobuf import json_format, struct_pb2
from google.protobuf.message import Message
from google.protobuf.unknown_fields import UnknownFieldSet
from hypothesis import given
from hypothesis import strategies as st

from kozmo_io import core
from kozmo_io.compat.flyteidl import (
    error_document_to_flyteidl,
    execution_error_from_flyteidl,
    execution_error_to_flyteidl,
    from_flyteidl,
    to_flyteidl,
)
from kozmo_io.execution_error import ErrorKind, ExecutionError

_WHEN = dt.datetime(2024, 11, 5, 12, 30, 1, 250_000, tzinfo=dt.UTC)


def _scalar(**kwargs: object) -> core.Literal:
    return core.Literal(scalar=core.Scalar(**kwargs))  # type: ignore[arg-type]


def _primitive(**kwargs: object) -> core.Literal:
    return _scalar(primitive=core.Primitive(**kwargs))  # type: ignore[arg-type]


def _generic() -> struct_pb2.Struct:
    generic = struct_pb2.Struct()
    generic.update({"a": 1.5, "b": ["x", True, None], "c": {"d": "e"}})
    return generic


_LITERAL_KINDS: dict[str, Callable[[], core.Literal]] = {
    "integer": lambda: _primitive(integer=-(2**63)),
    "float": lambda: _primitive(float_value=-0.125),
    "string": lambda: _primitive(string_value="héllo\x00"),
    "boolean": lambda: _primitive(boolean=True),
    "datetime": lambda: _primitive(datetime={"seconds": 1_730_809_801, "nanos": 7}),
    "duration": lambda: _primitive(duration={"seconds": -3, "nanos": -500}),
    "blob": lambda: _scalar(
        blob=core.Blob(
            metadata=core.BlobMetadata(
                type=core.BlobType(format="csv", dimensionality=core.BlobType.MULTIPART)
            ),
            uri="s3://bucket/raw/part",
        )
    ),
    "binary": lambda: _scalar(binary=core.Binary(value=b"\x81\xa1x\x02\xff", tag="msgpack")),
    "schema": lambda: _scalar(
        schema=core.Schema(
            uri="s3://bucket/schema",
            type=core.SchemaType(
                columns=[
                    core.SchemaType.SchemaColumn(
                        name="when", type=core.SchemaType.SchemaColumn.DATETIME
                    )
                ]
            ),
        )
    ),
    "none": lambda: _scalar(none_type=core.Void()),
    "error": lambda: _scalar(error=core.Error(failed_node_id="n0", message="boom")),
    "generic": lambda: _scalar(generic=_generic()),
    "structured_dataset": lambda: _scalar(
        structured_dataset=core.StructuredDataset(
            uri="gs://bucket/df",
            metadata=core.StructuredDatasetMetadata(
                structured_dataset_type=core.StructuredDatasetType(
                    columns=[
                        core.StructuredDatasetType.DatasetColumn(
                            name="n", literal_type=core.LiteralType(simple=core.SimpleType.INTEGER)
                        )
                    ],
                    format="parquet",
                    external_schema_type="arrow",
                    external_schema_bytes=b"\x00\x01",
                )
            ),
        )
    ),
    "union": lambda: _scalar(
        union=core.Union(
            value=_primitive(integer=3),
            type=core.LiteralType(
                simple=core.SimpleType.INTEGER,
                structure=core.TypeStructure(tag="int"),
                annotation=core.TypeAnnotation(annotations=_generic()),
            ),
        )
    ),
    "collection": lambda: core.Literal(
        collection=core.LiteralCollection(
            literals=[_primitive(integer=1), _scalar(none_type=core.Void())]
        )
    ),
    "map": lambda: core.Literal(
        map=core.LiteralMap(literals={"k": _primitive(string_value="v"), "": _primitive()})
    ),
    "offloaded_metadata": lambda: core.Literal(
        offloaded_metadata=core.LiteralOffloadedMetadata(
            uri="s3://bucket/o0_offloaded_metadata.pb",
            size_bytes=2**64 - 1,
            inferred_type=core.LiteralType(
                map_value_type=core.LiteralType(
                    union_type=core.UnionType(
                        variants=[
                            core.LiteralType(enum_type=core.EnumType(values=["a", "b"])),
                            core.LiteralType(blob=core.BlobType(format="")),
                        ]
                    )
                ),
                metadata=_generic(),
            ),
        )
    ),
    "hash_and_metadata": lambda: core.Literal(
        scalar=core.Scalar(primitive=core.Primitive(integer=1)),
        hash="abc123",
        metadata={"x": "1", "y": ""},
    ),
    "empty": core.Literal,
}


def _assert_same(ours: Message, theirs: Message) -> None:
    """Same fields (by name, through each side's own descriptors) and the same bytes."""
    assert type(ours).DESCRIPTOR.name == type(theirs).DESCRIPTOR.name
    assert json_format.MessageToDict(ours, preserving_proto_field_name=True) == (
        json_format.MessageToDict(theirs, preserving_proto_field_name=True)
    )
    assert ours.SerializeToString(deterministic=True) == theirs.SerializeToString(
        deterministic=True
    )


@pytest.mark.parametrize("kind", sorted(_LITERAL_KINDS))
def test_literal_of_every_kind_converts_both_ways_keeping_fields_and_bytes(kind: str) -> None:
    ours = _LITERAL_KINDS[kind]()

    theirs = to_flyteidl(ours)

    assert isinstance(theirs, literals_pb2.Literal)
    _assert_same(ours, theirs)
    back = from_flyteidl(theirs)
    assert isinstance(back, core.Literal)
    assert back == ours
    _assert_same(back, theirs)


def test_literal_map_holding_every_kind_converts_both_ways() -> None:
    ours = core.LiteralMap(literals={kind: make() for kind, make in _LITERAL_KINDS.items()})

    theirs = to_flyteidl(ours)

    assert isinstance(theirs, literals_pb2.LiteralMap)
    assert set(theirs.literals) == set(_LITERAL_KINDS)
    assert theirs.literals["blob"].scalar.blob.uri == "s3://bucket/raw/part"
    assert theirs.literals["integer"].scalar.primitive.integer == -(2**63)
    _assert_same(ours, theirs)
    assert from_flyteidl(theirs) == ours


def test_literal_map_built_by_flyteidl_reads_the_same_in_kozmo() -> None:
    theirs = literals_pb2.LiteralMap(
        literals={
            "o0": literals_pb2.Literal(
                scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(integer=6))
            ),
            "o1": literals_pb2.Literal(
                collection=literals_pb2.LiteralCollection(
                    literals=[
                        literals_pb2.Literal(
                            scalar=literals_pb2.Scalar(
                                primitive=literals_pb2.Primitive(string_value="a")
                            )
                        )
                    ]
                )
            ),
        }
    )

    ours = from_flyteidl(theirs)

    assert ours.literals["o0"].scalar.primitive.integer == 6
    assert ours.literals["o1"].collection.literals[0].scalar.primitive.string_value == "a"
    _assert_same(ours, theirs)
    assert to_flyteidl(ours) == theirs


_scalars = st.one_of(
    st.builds(lambda v: _primitive(integer=v), st.integers(-(2**63), 2**63 - 1)),
    st.builds(lambda v: _primitive(float_value=v), st.floats(allow_nan=False)),
    st.builds(lambda v: _primitive(string_value=v), st.text(max_size=8)),
    st.builds(lambda v: _primitive(boolean=v), st.booleans()),
    st.builds(lambda v: _scalar(binary=core.Binary(value=v)), st.binary(max_size=8)),
)
_literals = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.builds(
            lambda items: core.Literal(collection=core.LiteralCollection(literals=items)),
            st.lists(inner, max_size=3),
        ),
        st.builds(
            lambda items: core.Literal(map=core.LiteralMap(literals=items)),
            st.dictionaries(st.text(max_size=4), inner, max_size=3),
        ),
    ),
    max_leaves=10,
)


@given(st.dictionaries(st.text(max_size=6), _literals, max_size=4))
def test_nested_literal_maps_round_trip_with_identical_bytes(
    literals: dict[str, core.Literal],
) -> None:
    ours = core.LiteralMap(literals=literals)

    theirs = to_flyteidl(ours)

    _assert_same(ours, theirs)
    assert from_flyteidl(theirs) == ours


def _full_execution_error() -> core.ExecutionError:
    message = core.ExecutionError(
        code="USER:ValueError",
        message="Trace: ...",
        error_uri="s3://bucket/error.pb",
        kind=core.ExecutionError.USER,
        worker="worker-1",
        recoverability=core.ContainerError.RECOVERABLE,
    )
    message.timestamp.FromDatetime(_WHEN)
    return message


def test_execution_error_keeps_recoverability_flyteidl_v1_does_not_declare() -> None:
    ours = _full_execution_error()

    theirs = to_flyteidl(ours)

    assert isinstance(theirs, execution_pb2.ExecutionError)
    assert (theirs.code, theirs.message, theirs.error_uri, theirs.worker) == (
        "USER:ValueError",
        "Trace: ...",
        "s3://bucket/error.pb",
        "worker-1",
    )
    assert theirs.kind == execution_pb2.ExecutionError.USER
    assert theirs.timestamp.ToDatetime(tzinfo=dt.UTC) == _WHEN
    assert "recoverability" not in type(theirs).DESCRIPTOR.fields_by_name
    unknown = UnknownFieldSet(theirs)
    assert [(unknown[i].field_number, unknown[i].data) for i in range(len(unknown))] == [(7, 1)]
    assert ours.SerializeToString() == theirs.SerializeToString()
    back = from_flyteidl(theirs)
    assert back == ours
    assert back.recoverability == core.ContainerError.RECOVERABLE


def test_second_generation_fields_flyteidl_keeps_unknown_become_known_in_kozmo() -> None:
    # Literal field 9 and ExecutionError field 8 (artifact_id and gpu_fault, from flyteidl2) are
    # unknown to flyteidl v1 and known here: they cross both ways unchanged, even in a map entry.
    literal = literals_pb2.Literal(
        scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(integer=1))
    )
    artifact_id = core.ArtifactVersionId(version="v1").SerializeToString()
    literal_bytes = literal.SerializeToString() + b"\x4a" + bytes([len(artifact_id)]) + artifact_id
    entry = b"\x0a\x01k" + b"\x12" + bytes([len(literal_bytes)]) + literal_bytes
    theirs_map = literals_pb2.LiteralMap.FromString(b"\x0a" + bytes([len(entry)]) + entry)
    theirs_error = execution_pb2.ExecutionError.FromString(b"\x0a\x01c\x42\x02\x08\x01")

    ours_map = from_flyteidl(theirs_map)
    ours_error = from_flyteidl(theirs_error)

    assert ours_map.literals["k"].scalar.primitive.integer == 1
    assert ours_map.literals["k"].artifact_id.version == "v1"
    assert len(UnknownFieldSet(ours_map.literals["k"])) == 0
    assert to_flyteidl(ours_map).SerializeToString() == theirs_map.SerializeToString()
    assert ours_error.code == "c"
    assert ours_error.gpu_fault.kind == core.GpuFault.KIND_XID
    assert to_flyteidl(ours_error).SerializeToString() == theirs_error.SerializeToString()


def test_fields_neither_side_declares_survive_a_trip_through_kozmo() -> None:
    literal = literals_pb2.Literal.FromString(b"\x22\x01h" + b"\xa0\x06\x07")  # field 100
    ours = from_flyteidl(literal)
    assert ours.hash == "h"
    assert len(UnknownFieldSet(ours)) == 1
    assert to_flyteidl(ours).SerializeToString() == literal.SerializeToString()


def test_error_document_converts_both_ways_keeping_fields_and_bytes() -> None:
    ours = core.ErrorDocument(
        error=core.ContainerError(
            code="USER:Recoverable",
            message="try again",
            kind=core.ContainerError.RECOVERABLE,
            origin=core.ExecutionError.SYSTEM,
            worker="w",
        )
    )
    ours.error.timestamp.FromDatetime(_WHEN)

    theirs = to_flyteidl(ours)

    assert isinstance(theirs, errors_pb2.ErrorDocument)
    assert theirs.error.kind == errors_pb2.ContainerError.RECOVERABLE
    assert theirs.error.origin == execution_pb2.ExecutionError.SYSTEM
    _assert_same(ours, theirs)
    _assert_same(ours.error, to_flyteidl(ours.error))
    assert from_flyteidl(theirs) == ours
    assert from_flyteidl(theirs.error) == ours.error


def test_execution_error_value_round_trips_through_flyteidl_execution_error() -> None:
    value = ExecutionError(
        code="OutputsNotFound",
        message="m",
        kind=ErrorKind.SYSTEM,
        is_recoverable=True,
        timestamp=_WHEN,
        worker="w0",
        error_uri="s3://b/e",
    )

    message = execution_error_to_flyteidl(value)

    assert isinstance(message, execution_pb2.ExecutionError)
    assert message.kind == execution_pb2.ExecutionError.SYSTEM
    assert message.error_uri == "s3://b/e"
    assert execution_error_from_flyteidl(message) == value


def test_execution_error_value_round_trips_through_error_document_without_error_uri() -> None:
    value = ExecutionError(
        code="USER:ValueError",
        message="bad input",
        kind=ErrorKind.USER,
        is_recoverable=False,
        timestamp=_WHEN,
        worker="w1",
        error_uri="s3://b/e",
    )

    document = error_document_to_flyteidl(value)

    assert isinstance(document, errors_pb2.ErrorDocument)
    assert document.error.origin == execution_pb2.ExecutionError.USER
    assert document.error.kind == errors_pb2.ContainerError.NON_RECOVERABLE
    assert execution_error_from_flyteidl(document) == attrs.evolve(value, error_uri="")
    assert execution_error_from_flyteidl(document.error) == attrs.evolve(value, error_uri="")


def test_execution_error_built_by_flyteidl_reads_as_not_recoverable() -> None:
    message = execution_pb2.ExecutionError(
        code="c", message="m", kind=execution_pb2.ExecutionError.USER
    )

    value = execution_error_from_flyteidl(message)

    assert value == ExecutionError(code="c", message="m", kind=ErrorKind.USER)
    assert value.is_recoverable is False


def test_error_document_without_error_reads_as_bad_format_naming_the_path() -> None:
    value = execution_error_from_flyteidl(errors_pb2.ErrorDocument(), path="s3://b/o/error.pb")

    assert value.code == "ErrorFileBadFormat"
    assert value.kind is ErrorKind.SYSTEM
    assert value.is_recoverable is True
    assert "s3://b/o/error.pb" in value.message


@pytest.mark.parametrize(
    "message",
    [
        literals_pb2.LiteralMap(),
        core.Scalar(),
        "not a message",
        None,
    ],
    ids=["flyteidl-message", "unconverted-kozmo-message", "str", "none"],
)
def test_to_flyteidl_rejects_anything_but_a_converted_kozmo_message(message: object) -> None:
    with pytest.raises(TypeError, match=r"to_flyteidl converts kozmo\.core\.ContainerError"):
        to_flyteidl(message)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    "message",
    [core.LiteralMap(), literals_pb2.Scalar(), b"\x0a\x00"],
    ids=["kozmo-message", "unconverted-flyteidl-message", "bytes"],
)
def test_from_flyteidl_rejects_anything_but_a_converted_flyteidl_message(message: object) -> None:
    with pytest.raises(TypeError, match=r"from_flyteidl converts flyteidl\.core\.ContainerError"):
        from_flyteidl(message)  # type: ignore[call-overload]


def test_execution_error_from_flyteidl_rejects_a_literal_map() -> None:
    with pytest.raises(TypeError, match="converts error messages; got LiteralMap"):
        execution_error_from_flyteidl(literals_pb2.LiteralMap())  # type: ignore[arg-type]


def test_missing_flyteidl_raises_import_error_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(sys.modules, "kozmo_io.compat.flyteidl")
    monkeypatch.setitem(sys.modules, "flyteidl", None)
    monkeypatch.setitem(sys.modules, "flyteidl.core", None)

    with pytest.raises(
        ImportError, match=r"needs flyteidl \(the flyteidl extra\): pip install flyteidl"
    ) as caught:
        importlib.import_module("kozmo_io.compat.flyteidl")

    assert isinstance(caught.value.__cause__, ImportError)
    assert caught.value.name == "flyteidl.core"


def test_importing_kozmo_io_and_compat_does_not_import_flyteidl() -> None:
    code = "import sys, kozmo_io, kozmo_io.compat; print([m for m in sys.modules if 'flyte' in m])"

    done = subprocess.run(  # noqa: S603 - runs this interpreter on a fixed snippet
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )

    assert done.stdout.strip() == "[]"
