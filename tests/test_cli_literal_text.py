"""Readable and JSON rendering of literals (what ``kozmo-io inspect`` and ``demo`` print)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from google.protobuf import duration_pb2, json_format, struct_pb2, timestamp_pb2

from kozmo_io import core
from kozmo_io.cli._literal_text import (
    duration_text,
    literal_json,
    literal_lines,
    literal_text,
    literal_type_text,
)


def _primitive(**value: Any) -> core.Literal:
    return core.Literal(scalar=core.Scalar(primitive=core.Primitive(**value)))


def _simple(simple: core.SimpleType.ValueType) -> core.LiteralType:
    return core.LiteralType(simple=simple)


def _timestamp(value: dt.datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(value)
    return stamp


@pytest.mark.parametrize(
    ("literal", "text"),
    [
        (_primitive(integer=-42), "-42"),
        (_primitive(float_value=2.5), "2.5"),
        (_primitive(float_value=float("nan")), "nan"),
        (_primitive(float_value=float("-inf")), "-inf"),
        (_primitive(string_value='say "hi"\n'), '"say \\"hi\\"\\n"'),
        (_primitive(string_value="héllo"), '"héllo"'),
        (_primitive(boolean=False), "false"),
        (
            _primitive(datetime=_timestamp(dt.datetime(2024, 5, 1, 12, 0, 0, 250000, dt.UTC))),
            "2024-05-01T12:00:00.250Z",
        ),
        (_primitive(duration=duration_pb2.Duration(seconds=3723, nanos=500_000_000)), "1h2m3.5s"),
        (core.Literal(scalar=core.Scalar(primitive=core.Primitive())), "<empty primitive>"),
        (core.Literal(), "<empty literal>"),
        (core.Literal(scalar=core.Scalar()), "<empty scalar>"),
        (core.Literal(scalar=core.Scalar(none_type=core.Void())), "none"),
    ],
)
def test_literal_text_renders_primitives_and_empty_values(literal: core.Literal, text: str) -> None:
    assert literal_text(literal) == text


@pytest.mark.parametrize(
    ("seconds", "nanos", "text"),
    [
        (0, 0, "0s"),
        (59, 0, "59s"),
        (60, 0, "1m0s"),
        (3600, 1, "1h0m0.000000001s"),
        (-1, -500_000_000, "-1.5s"),
        (90061, 0, "25h1m1s"),
    ],
)
def test_duration_text_matches_go(seconds: int, nanos: int, text: str) -> None:
    assert duration_text(seconds, nanos) == text


def test_literal_text_cuts_long_strings_saying_how_long_they_were() -> None:
    text = literal_text(_primitive(string_value="x" * 1000))
    assert text == '"' + "x" * 200 + '"... (1000 characters)'


def test_literal_text_renders_collections_and_cuts_long_ones() -> None:
    small = core.Literal(
        collection=core.LiteralCollection(
            literals=[_primitive(integer=1), _primitive(boolean=True)]
        )
    )
    assert literal_text(small) == "[1, true]"
    big = core.Literal(
        collection=core.LiteralCollection(literals=[_primitive(integer=i) for i in range(25)])
    )
    assert literal_text(big).endswith(", 19, ... (5 more)]")


def test_literal_text_renders_maps_with_sorted_quoted_keys() -> None:
    nested = core.Literal(
        map=core.LiteralMap(
            literals={"z": _primitive(integer=1), "a b": _primitive(string_value="")}
        )
    )
    assert literal_text(nested) == '{"a b": "", "z": 1}'


def test_literal_text_renders_a_blob_by_uri_format_and_dimensionality_redacted() -> None:
    blob_type = core.BlobType(
        format="csv", dimensionality=core.BlobType.BlobDimensionality.MULTIPART
    )
    blob = core.Blob(uri="s3://KEY:SECRET@bucket/data/", metadata=core.BlobMetadata(type=blob_type))
    text = literal_text(core.Literal(scalar=core.Scalar(blob=blob)))
    assert text == "blob(uri=s3://***@bucket/data/, format=csv, dimensionality=multipart)"


def test_literal_text_renders_binary_as_length_and_tag() -> None:
    binary = core.Binary(value=b"\x00" * 1234, tag="msgpack")
    assert literal_text(core.Literal(scalar=core.Scalar(binary=binary))) == (
        "binary(size=1234 bytes, tag=msgpack)"
    )


def test_literal_text_renders_a_union_with_its_variant() -> None:
    union = core.Union(value=_primitive(integer=3), type=_simple(core.SimpleType.INTEGER))
    assert literal_text(core.Literal(scalar=core.Scalar(union=union))) == (
        "3 (union variant integer)"
    )


def test_literal_text_renders_a_structured_dataset() -> None:
    column = core.StructuredDatasetType.DatasetColumn(
        name="age", literal_type=_simple(core.SimpleType.INTEGER)
    )
    dataset = core.StructuredDataset(
        uri="gs://b/table",
        metadata=core.StructuredDatasetMetadata(
            structured_dataset_type=core.StructuredDatasetType(format="parquet", columns=[column])
        ),
    )
    assert literal_text(core.Literal(scalar=core.Scalar(structured_dataset=dataset))) == (
        "structured_dataset(uri=gs://b/table, format=parquet, columns=[age: integer])"
    )
    in_memory = core.StructuredDataset()
    assert literal_text(core.Literal(scalar=core.Scalar(structured_dataset=in_memory))) == (
        "structured_dataset(uri=(in memory))"
    )


def test_literal_text_renders_a_schema_and_an_error_value() -> None:
    column = core.SchemaType.SchemaColumn(
        name="x", type=core.SchemaType.SchemaColumn.SchemaColumnType.STRING
    )
    schema = core.Schema(uri="s3://b/s", type=core.SchemaType(columns=[column]))
    assert literal_text(core.Literal(scalar=core.Scalar(schema=schema))) == (
        "schema(uri=s3://b/s, columns=[x: string])"
    )
    error = core.Error(failed_node_id="n3", message="boom")
    assert literal_text(core.Literal(scalar=core.Scalar(error=error))) == (
        'error(failed_node_id=n3, message="boom")'
    )


def test_literal_text_renders_a_generic_struct_as_sorted_json() -> None:
    struct = struct_pb2.Struct()
    struct.update({"b": [1, "x"], "a": True})
    text = literal_text(core.Literal(scalar=core.Scalar(generic=struct)))
    assert text == 'struct {"a": true, "b": [1.0, "x"]}'


def test_literal_text_renders_offloaded_metadata() -> None:
    offloaded = core.LiteralOffloadedMetadata(
        uri="s3://b/off",
        size_bytes=4096,
        inferred_type=core.LiteralType(collection_type=_simple(core.SimpleType.STRING)),
    )
    assert literal_text(core.Literal(offloaded_metadata=offloaded)) == (
        "offloaded(uri=s3://b/off, size=4096 bytes, type=list[string])"
    )


@pytest.mark.parametrize(
    ("literal_type", "text"),
    [
        (_simple(core.SimpleType.STRUCT), "struct"),
        (core.LiteralType(map_value_type=_simple(core.SimpleType.FLOAT)), "dict[str, float]"),
        (core.LiteralType(blob=core.BlobType(format="csv")), "blob(csv)"),
        (core.LiteralType(blob=core.BlobType()), "blob"),
        (core.LiteralType(enum_type=core.EnumType(values=["a", "b"])), "enum(a|b)"),
        (
            core.LiteralType(
                union_type=core.UnionType(
                    variants=[_simple(core.SimpleType.INTEGER), _simple(core.SimpleType.NONE)]
                )
            ),
            "union[integer, none]",
        ),
        (
            core.LiteralType(structured_dataset_type=core.StructuredDatasetType()),
            "structured_dataset",
        ),
        (core.LiteralType(schema=core.SchemaType()), "schema"),
        (core.LiteralType(), "<untyped>"),
        (
            core.LiteralType(
                simple=core.SimpleType.STRUCT, structure=core.TypeStructure(tag="MyDataclass")
            ),
            "MyDataclass",
        ),
    ],
)
def test_literal_type_text_names_types_briefly(literal_type: core.LiteralType, text: str) -> None:
    assert literal_type_text(literal_type) == text


def test_literal_lines_lists_every_literal_sorted_by_name() -> None:
    literals = core.LiteralMap(
        literals={"b": _primitive(integer=2), "a": _primitive(string_value="x")}
    )
    assert literal_lines(literals) == [("a", '"x"'), ("b", "2")]


def test_literal_json_is_proto3_json_that_parses_back() -> None:
    literals = core.LiteralMap(
        literals={
            "n": _primitive(integer=7),
            "bin": core.Literal(scalar=core.Scalar(binary=core.Binary(value=b"abc", tag="t"))),
        }
    )
    document = literal_json(literals)
    assert list(document) == ["bin", "n"]
    assert document["n"] == {"scalar": {"primitive": {"integer": "7"}}}
    assert document["bin"] == {"scalar": {"binary": {"value": "YWJj", "tag": "t"}}}
    for name, value in document.items():
        assert json_format.ParseDict(value, core.Literal()) == literals.literals[name]


def test_literal_json_redacts_every_uri() -> None:
    blob = core.Blob(uri="s3://KEY:SECRET@b/x")
    nested = core.Literal(
        collection=core.LiteralCollection(literals=[core.Literal(scalar=core.Scalar(blob=blob))])
    )
    document = literal_json(core.LiteralMap(literals={"files": nested}))
    assert "SECRET" not in str(document)
    assert document["files"]["collection"]["literals"][0]["scalar"]["blob"]["uri"] == (
        "s3://***@b/x"
    )
