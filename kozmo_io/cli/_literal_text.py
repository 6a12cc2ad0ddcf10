"""Literals for people and for machines: one-line readable text, and proto3 JSON.

:func:`literal_text` renders any :class:`~kozmo_io.core.Literal` on one line: primitives as values
(``42``, ``3.5``, ``"text"``, ``true``, ``2024-05-01T12:00:00Z``, ``1h2m3.5s``), collections as
``[...]``, maps as ``{key: ...}`` (keys sorted), and the stored kinds by what locates them (a blob's
uri and format, a binary's length and tag, an offloaded literal's uri and size). Long strings and
collections are cut, saying how much was left out; references are redacted. :func:`literal_json`
is the proto3 JSON mapping (``json_format``), which :func:`google.protobuf.json_format.ParseDict`
reads back (URIs redacted).

Every message that decodes renders: an enum value this version does not know shows as its number,
and a timestamp or duration outside the range its type allows as its raw ``seconds`` and ``nanos``,
each with a note saying so (in the text inline; :func:`literal_json` collects them in a list).
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from google.protobuf import json_format, timestamp_pb2
from google.protobuf.message import Message

from kozmo_io import core
from kozmo_io.reference import redact

if TYPE_CHECKING:
    from google.protobuf.descriptor import EnumDescriptor, FieldDescriptor

__all__ = (
    "duration_text",
    "enum_text",
    "literal_json",
    "literal_lines",
    "literal_text",
    "literal_type_text",
    "message_json",
    "timestamp_text",
)

_MAX_STRING = 200
_MAX_ITEMS = 20
_NANOS_PER_SECOND = 1_000_000_000
_UNITS = (("h", 3600), ("m", 60))
# google.protobuf.Duration's range (about 10,000 years).
_MAX_DURATION_SECONDS = 315_576_000_000
_TIME_TYPES = frozenset({"google.protobuf.Timestamp", "google.protobuf.Duration"})


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


def timestamp_text(stamp: timestamp_pb2.Timestamp) -> str:
    """Render a timestamp in RFC 3339, or as its raw numbers with a note when out of range.

    Args:
        stamp: The timestamp.

    Returns:
        ``2024-05-01T12:00:00Z``, or ``seconds=S nanos=N (not a valid timestamp)``.
    """
    try:
        return stamp.ToJsonString()
    except ValueError:  # seconds outside years 1 to 9999, or nanos outside [0, 1e9)
        return f"seconds={stamp.seconds} nanos={stamp.nanos} (not a valid timestamp)"


def _valid_duration(seconds: int, nanos: int) -> bool:
    return (
        abs(seconds) <= _MAX_DURATION_SECONDS
        and abs(nanos) < _NANOS_PER_SECOND
        and (seconds == 0 or nanos == 0 or (seconds < 0) == (nanos < 0))
    )


def enum_text(enum_type: EnumDescriptor, value: int) -> str:
    """Render an enum value by its name in lower case, or an unknown one by number with a note.

    Args:
        enum_type: The enum's descriptor (e.g. ``core.SimpleType.DESCRIPTOR``).
        value: The value as decoded (proto3 enums keep values this version does not know).

    Returns:
        ``integer``, or ``7 (unknown SimpleType)``.
    """
    known = enum_type.values_by_number.get(value)
    return f"{value} (unknown {enum_type.name})" if known is None else known.name.lower()


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
        return timestamp_text(primitive.datetime)
    if kind == "duration":
        seconds, nanos = primitive.duration.seconds, primitive.duration.nanos
        if not _valid_duration(seconds, nanos):
            return f"seconds={seconds} nanos={nanos} (not a valid duration)"
        return duration_text(seconds, nanos)
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
        return enum_text(core.SimpleType.DESCRIPTOR, literal_type.simple)
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
    dimensionality = enum_text(
        core.BlobType.BlobDimensionality.DESCRIPTOR, blob_type.dimensionality
    )
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
        f"{column.name}: {enum_text(column_type.DESCRIPTOR, column.type)}"
        for column in schema.type.columns
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


def literal_json(literals: core.LiteralMap, notes: list[str] | None = None) -> dict[str, Any]:
    """Return each literal of a map in the proto3 JSON mapping, by name.

    Args:
        literals: The map.
        notes: Where to append a note for each value the mapping cannot express (a timestamp or
            duration out of its range, shown as ``{"seconds": "S", "nanos": N}``); ``None`` drops
            them.

    Returns:
        ``{name: literal as proto3 JSON}`` with the ``.proto`` field names (int64 as strings,
        bytes as base64, timestamps as RFC 3339, unknown enum values as numbers), names sorted;
        every ``uri`` redacted.
    """
    found: list[str] = [] if notes is None else notes
    document = {}
    for name in sorted(literals.literals):
        literal = literals.literals[name]
        document[name] = _redact_uris(_message_json(literal, name, found))
        _note_unknown_enums(literal, name, found)
    return document


def message_json(message: Message, path: str, notes: list[str]) -> Any:  # noqa: ANN401 - JSON
    """Return any message in the proto3 JSON mapping, as :func:`literal_json` renders a literal.

    Args:
        message: The message (e.g. a ``ProducedArtifact``).
        path: How notes name it, e.g. ``"produced_artifacts[0]"``.
        notes: Where to append a note for each value shown raw.

    Returns:
        The JSON value, every ``uri`` redacted.
    """
    document = _redact_uris(_message_json(message, path, notes))
    _note_unknown_enums(message, path, notes)
    return document


def _is_map(field: FieldDescriptor) -> bool:
    return field.message_type is not None and field.message_type.GetOptions().map_entry


def _note_unknown_enums(message: Message, path: str, notes: list[str]) -> None:
    """Note every enum value in ``message`` that its enum does not define (JSON shows a number)."""
    for field, value in message.ListFields():
        where = f"{path}.{field.name}"
        if field.enum_type is not None:
            known = field.enum_type.values_by_number
            values = [value] if isinstance(value, int) else list(value)
            notes.extend(
                f"{where}: {number} is not a known {field.enum_type.name}; shown as a number"
                for number in values
                if number not in known
            )
        elif field.message_type is None:
            continue
        elif _is_map(field):
            if field.message_type.fields_by_name["value"].message_type is not None:
                for key, item in sorted(value.items()):
                    _note_unknown_enums(item, f"{where}[{key!r}]", notes)
        elif isinstance(value, Message):
            _note_unknown_enums(value, where, notes)
        else:
            for index, item in enumerate(value):
                _note_unknown_enums(item, f"{where}[{index}]", notes)


def _message_json(message: Message, path: str, notes: list[str]) -> Any:  # noqa: ANN401 - JSON
    """The proto3 JSON of ``message``; values the mapping refuses become raw numbers, noted."""
    try:
        return json_format.MessageToDict(message, preserving_proto_field_name=True)
    except (json_format.Error, ValueError):
        pass  # some value inside is out of its type's range: walk down to it
    descriptor = message.DESCRIPTOR
    if descriptor.full_name in _TIME_TYPES:
        seconds, nanos = getattr(message, "seconds", 0), getattr(message, "nanos", 0)
        notes.append(
            f"{path}: seconds={seconds} nanos={nanos} is not a valid {descriptor.name}; "
            "shown as raw numbers"
        )
        return {"seconds": str(seconds), "nanos": nanos}
    shallow = type(message)()
    shallow.CopyFrom(message)
    nested = [
        (field, value)
        for field, value in message.ListFields()
        if field.message_type is not None
        and not (_is_map(field) and field.message_type.fields_by_name["value"].message_type is None)
    ]
    for field, _ in nested:
        shallow.ClearField(field.name)
    document: dict[str, Any] = json_format.MessageToDict(shallow, preserving_proto_field_name=True)
    for field, value in nested:
        where = f"{path}.{field.name}"
        if _is_map(field):
            document[field.name] = {
                str(key): _message_json(item, f"{where}[{key!r}]", notes)
                for key, item in sorted(value.items())
            }
        elif isinstance(value, Message):
            document[field.name] = _message_json(value, where, notes)
        else:  # a repeated message field
            document[field.name] = [
                _message_json(item, f"{where}[{index}]", notes) for index, item in enumerate(value)
            ]
    return document


def _redact_uris(document: Any) -> Any:  # noqa: ANN401 - a JSON value of any shape
    if isinstance(document, dict):
        return {
            key: redact(value) if key == "uri" and isinstance(value, str) else _redact_uris(value)
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [_redact_uris(item) for item in document]
    return document
