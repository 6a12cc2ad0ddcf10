"""Literals for people and for machines: one-line readable text, and proto3 JSON.

:func:`literal_text` renders any :class:`~kozmo_io.core.Literal` on one line: primitives as values
(``42``, ``3.5``, ``"text"``, ``true``, ``2024-05-01T12:00:00Z``, ``1h2m3.5s``), collections as
``[...]``, maps as ``{key: ...}`` (keys sorted), and the stored kinds by what locates them (a blob's
uri and format, a binary's length and tag, an offloaded literal's uri and size). Long strings and
collections are cut, saying how much was left out; references are redacted. :func:`literal_json`
is the proto3 JSON mapping (``json_format``), which :func:`google.protobuf.json_format.ParseDict`
reads back (URIs redacted).
"""

from __future__ import annotations

import json
import math
from typing import Any

from google.protobuf import json_format

from kozmo_io import core
from kozmo_io.reference import redact

__all__ = ("duration_text", "literal_json", "literal_lines", "literal_text", "literal_type_text")

_MAX_STRING = 200
_MAX_ITEMS = 20
_NANOS_PER_SECOND = 1_000_000_000
_UNITS = (("h", 3600), ("m", 60))


def _cut(text: str, shown: str) -> str:
    """Return ``shown``, noting the length of ``text`` when it was cut."""
    return shown if len(text) <= _MAX_STRING else f"{shown}... ({len(text)} characters)"


def _string(value: str) -> str:
    return _cut(value, json.dumps(value[:_MAX_STRING], ensure_ascii=False))


def _float(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


def duration_text(seconds: int, nanos: int) -> str:
    """Render a duration the way Go does (``1h2m3.5s``, ``-1.5s``, ``0s``).

    Args:
        seconds: The whole seconds (signed).
        nanos: The nanoseconds, of the same sign as ``seconds``.

    Returns:
        The text.
    """
    total = seconds * _NANOS_PER_SECOND + nanos
    sign = "-" if total < 0 else ""
    whole, fraction = divmod(abs(total), _NANOS_PER_SECOND)
    parts: list[str] = []
    for unit, size in _UNITS:
        count, whole = divmod(whole, size)
        if count or parts:
            parts.append(f"{count}{unit}")
    text = f"{whole}.{fraction:09d}".rstrip("0").rstrip(".")
    return sign + "".join(parts) + text + "s"


def _primitive(primitive: core.Primitive) -> str:  # noqa: PLR0911 - one return per kind
    kind = primitive.WhichOneof("value")
    if kind == "integer":
        return str(primitive.integer)
    if kind == "float_value":
        return _float(primitive.float_value)
    if kind == "string_value":
        return _string(primitive.string_value)
    if kind == "boolean":
        return "true" if primitive.boolean else "false"
    if kind == "datetime":
        return primitive.datetime.ToJsonString()
    if kind == "duration":
        return duration_text(primitive.duration.seconds, primitive.duration.nanos)
    return "<empty primitive>"


def literal_type_text(literal_type: core.LiteralType) -> str:  # noqa: PLR0911 - one return per kind
    """Render a literal type briefly (``integer``, ``list[string]``, ``blob(csv)``, ...).

    Args:
        literal_type: The type.

    Returns:
        The text; a type with a structure tag is named by its tag.
    """
    if literal_type.structure.tag:
        return literal_type.structure.tag
    kind = literal_type.WhichOneof("type")
    if kind == "simple":
        return core.SimpleType.Name(literal_type.simple).lower()
    if kind == "collection_type":
        return f"list[{literal_type_text(literal_type.collection_type)}]"
    if kind == "map_value_type":
        return f"dict[str, {literal_type_text(literal_type.map_value_type)}]"
    if kind == "blob":
        return f"blob({literal_type.blob.format})" if literal_type.blob.format else "blob"
    if kind == "enum_type":
        return f"enum({'|'.join(literal_type.enum_type.values)})"
    if kind == "union_type":
        variants = ", ".join(map(literal_type_text, literal_type.union_type.variants))
        return f"union[{variants}]"
    if kind == "structured_dataset_type":
        fmt = literal_type.structured_dataset_type.format
        return f"structured_dataset({fmt})" if fmt else "structured_dataset"
    if kind == "schema":
        return "schema"
    return "<untyped>"


def _fields(name: str, **fields: str) -> str:
    shown = ", ".join(f"{key}={value}" for key, value in fields.items() if value)
    return f"{name}({shown})"


def _blob(blob: core.Blob) -> str:
    blob_type = blob.metadata.type
    dimensionality = core.BlobType.BlobDimensionality.Name(blob_type.dimensionality).lower()
    return _fields(
        "blob", uri=redact(blob.uri), format=blob_type.format, dimensionality=dimensionality
    )


def _structured_dataset(dataset: core.StructuredDataset) -> str:
    dataset_type = dataset.metadata.structured_dataset_type
    columns = ", ".join(
        f"{column.name}: {literal_type_text(column.literal_type)}"
        for column in dataset_type.columns
    )
    return _fields(
        "structured_dataset",
        uri=redact(dataset.uri) or "(in memory)",
        format=dataset_type.format,
        columns=f"[{columns}]" if columns else "",
    )


def _schema(schema: core.Schema) -> str:
    column_type = core.SchemaType.SchemaColumn.SchemaColumnType
    columns = ", ".join(
        f"{column.name}: {column_type.Name(column.type).lower()}" for column in schema.type.columns
    )
    return _fields("schema", uri=redact(schema.uri), columns=f"[{columns}]" if columns else "")


def _scalar(scalar: core.Scalar) -> str:  # noqa: PLR0911 - one return per kind
    kind = scalar.WhichOneof("value")
    if kind == "primitive":
        return _primitive(scalar.primitive)
    if kind == "blob":
        return _blob(scalar.blob)
    if kind == "binary":
        size = len(scalar.binary.value)
        return _fields("binary", size=f"{size} bytes", tag=scalar.binary.tag)
    if kind == "schema":
        return _schema(scalar.schema)
    if kind == "none_type":
        return "none"
    if kind == "error":
        error = scalar.error
        return _fields("error", failed_node_id=error.failed_node_id, message=_string(error.message))
    if kind == "generic":
        document = json_format.MessageToDict(scalar.generic)
        text = json.dumps(document, sort_keys=True, ensure_ascii=False)
        return "struct " + _cut(text, text[:_MAX_STRING])
    if kind == "structured_dataset":
        return _structured_dataset(scalar.structured_dataset)
    if kind == "union":
        value = literal_text(scalar.union.value)
        return f"{value} (union variant {literal_type_text(scalar.union.type)})"
    return "<empty scalar>"


def _items(texts: list[str], total: int) -> str:
    if total > len(texts):
        texts.append(f"... ({total - len(texts)} more)")
    return ", ".join(texts)


def literal_text(literal: core.Literal) -> str:
    """Render a literal on one line for people.

    Args:
        literal: The literal.

    Returns:
        The text (see the module docstring for the forms).
    """
    kind = literal.WhichOneof("value")
    if kind == "scalar":
        return _scalar(literal.scalar)
    if kind == "collection":
        items = literal.collection.literals
        return f"[{_items([literal_text(item) for item in items[:_MAX_ITEMS]], len(items))}]"
    if kind == "map":
        return "{" + _map_items(literal.map) + "}"
    if kind == "offloaded_metadata":
        offloaded = literal.offloaded_metadata
        return _fields(
            "offloaded",
            uri=redact(offloaded.uri),
            size=f"{offloaded.size_bytes} bytes",
            type=literal_type_text(offloaded.inferred_type)
            if offloaded.HasField("inferred_type")
            else "",
        )
    return "<empty literal>"


def _map_items(literals: core.LiteralMap) -> str:
    names = sorted(literals.literals)
    texts = [
        f"{_string(name)}: {literal_text(literals.literals[name])}" for name in names[:_MAX_ITEMS]
    ]
    return _items(texts, len(names))


def literal_lines(literals: core.LiteralMap) -> list[tuple[str, str]]:
    """Return ``(name, text)`` for every literal of a map, names sorted (all of them, never cut).

    Args:
        literals: The map (a task's inputs or outputs).

    Returns:
        The pairs, for aligned printing.
    """
    return [(name, literal_text(literals.literals[name])) for name in sorted(literals.literals)]


def literal_json(literals: core.LiteralMap) -> dict[str, Any]:
    """Return each literal of a map in the proto3 JSON mapping, by name.

    Args:
        literals: The map.

    Returns:
        ``{name: literal as proto3 JSON}`` with the ``.proto`` field names (int64 as strings,
        bytes as base64, timestamps as RFC 3339), names sorted; every ``uri`` redacted.
    """
    return {
        name: _redact_uris(
            json_format.MessageToDict(literals.literals[name], preserving_proto_field_name=True)
        )
        for name in sorted(literals.literals)
    }


def _redact_uris(document: Any) -> Any:  # noqa: ANN401 - a JSON value of any shape
    if isinstance(document, dict):
        return {
            key: redact(value) if key == "uri" and isinstance(value, str) else _redact_uris(value)
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [_redact_uris(item) for item in document]
    return document
