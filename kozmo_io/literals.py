"""Python values in and out of literals, in the wire form the Flyte Python SDKs write and read.

:func:`to_literal` and :func:`from_literal` convert one value, :func:`to_literal_map` and
:func:`from_literal_map` a task's inputs or outputs. Type hints are ordinary Python hints; they are
needed only where the value alone cannot say (a union, the type a literal should decode as).

==============================  ============================================================
Python type                     literal
==============================  ============================================================
``int`` / ``float`` / ``str``   primitive ``integer`` / ``float_value`` / ``string_value``
``bool``                        primitive ``boolean``
``datetime`` (aware)            primitive ``datetime`` (a UTC timestamp; reads as UTC)
``date``                        primitive ``datetime`` at midnight UTC
``timedelta``                   primitive ``duration``
``None``                        scalar ``none_type``
``list[T]`` / ``dict[str, T]``  ``collection`` / ``map`` of the items
``dict`` (untyped)              scalar ``binary``, tag ``msgpack``: the dict as msgpack
``T | None``, ``A | B``         scalar ``union``: the value and its variant's type and tag
``enum.Enum`` (str values)      primitive ``string_value``: the value (flytekit) or the name
                                (Flyte 2 SDK)
dataclass, attrs class          scalar ``binary``, tag ``msgpack``: the fields as a msgpack map
:class:`BlobRef`                scalar ``blob`` (a file; ``multipart``: a directory)
:class:`StructuredDatasetRef`   scalar ``structured_dataset`` (a dataframe)
==============================  ============================================================

The two SDKs differ in three places, chosen with ``sdk=``: an enum's string (flytekit writes the
value, the Flyte 2 SDK the member name), the enum's literal type, and the union tags of files,
directories and dataframes. Decoding accepts either form.

Inside a dataclass or attrs class the fields are msgpack values as both SDKs write them: a
datetime as ISO 8601 text (UTC), a date as ISO text, a timedelta as float seconds, an enum by
value, a nested class as a map.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar, final, overload

import attrs
import msgpack

from kozmo_io import core
from kozmo_io.errors import InvalidReferenceError, LiteralConversionError
from kozmo_io.reference import DataReference, redact

__all__ = (
    "BlobRef",
    "SDK",
    "StructuredDatasetRef",
    "from_literal",
    "from_literal_map",
    "to_literal",
    "to_literal_map",
)

SDK = typing.Literal["flytekit", "flyte"]
"""Whose conventions to write: flytekit (Flyte 1) or the Flyte 2 SDK (``flyte``)."""

_T = TypeVar("_T")

_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_EPOCH_ORDINAL: Final = 719_163  # dt.date(1970, 1, 1).toordinal()
_DAY: Final = 86_400
_MIN_SECONDS: Final = -62_135_596_800  # 0001-01-01T00:00:00Z, the first valid Timestamp
_MAX_SECONDS: Final = 253_402_300_799  # 9999-12-31T23:59:59Z, the last valid Timestamp
_MAX_DURATION_SECONDS: Final = 315_576_000_000  # +-10,000 years, the Duration range
_MICROS: Final = 1_000_000
_NANOS: Final = 1_000_000_000
_MSGPACK: Final = "msgpack"
_SDKS: Final = ("flytekit", "flyte")
_ANY_NAME: Final = "Any"
_INT_NAME: Final = "int"
_DATETIME_NAME: Final = "datetime"
_DATE_NAME: Final = "date"
_TIMEDELTA_NAME: Final = "timedelta"
_NO_KEY: Final = ""  # the key of a value converted on its own


def _uri(value: str) -> DataReference:
    if not value:
        msg = "a data reference needs a non-empty uri"
        raise InvalidReferenceError(msg)
    return DataReference(value)


@final
@attrs.frozen
class BlobRef:
    """A file (or, ``multipart``, a directory) in blob storage, as the SDKs' file and dir types.

    Args:
        uri: Where it is stored (any ``str`` is converted to a :class:`DataReference`).
        format: The file format the task declares (``"csv"``), ``""`` for any.
        multipart: True for a directory (a prefix of many objects).
    """

    uri: DataReference = attrs.field(converter=_uri)
    format: str = ""
    multipart: bool = False


@final
@attrs.frozen
class StructuredDatasetRef:
    """A dataset (a dataframe) in blob storage, as the SDKs' structured dataset types.

    Args:
        uri: Where it is stored (any ``str`` is converted to a :class:`DataReference`).
        format: Its storage format (``"parquet"``), ``""`` for any.
    """

    uri: DataReference = attrs.field(converter=_uri)
    format: str = ""


class _Problem(Exception):  # noqa: N818 - internal signal, turned into LiteralConversionError
    """Why a value or literal does not fit; containers add their part of the path on the way up."""

    def __init__(self, hint: str, reason: str) -> None:
        super().__init__(reason)
        self.hint = hint
        self.reason = reason
        self.path: list[str] = []  # innermost first

    def error(self, key: str) -> LiteralConversionError:
        return LiteralConversionError(key + "".join(reversed(self.path)), self.hint, self.reason)


def _hint_name(hint: object) -> str:
    if hint is None or hint is types.NoneType:
        return "None"
    if isinstance(hint, type) and not typing.get_args(hint):
        return hint.__qualname__
    return repr(hint).replace("typing.", "").replace("datetime.", "dt.")


def _what(value: object) -> str:
    """Name a value's type for an error, without its content (it may be large or secret)."""
    name = type(value).__qualname__
    return f"an {name}" if name[:1].lower() in "aeiou" else f"a {name}"


def _kind(literal: core.Literal) -> str:
    """Name what a literal holds, for an error."""
    which = literal.WhichOneof("value")
    if which != "scalar":
        return str(which or "an empty literal")
    scalar = literal.scalar
    kind = scalar.WhichOneof("value")
    if kind == "primitive":
        return f"a primitive {scalar.primitive.WhichOneof('value')}"
    if kind == "binary":
        return f"a binary tagged {scalar.binary.tag!r}"
    return f"a scalar {kind}"


_Encode = Callable[[object, core.Literal], None]
_Decode = Callable[[core.Literal], object]
_Static: Final = object()  # "no value": the type a codec declares for its hint alone


@final
class _Codec:
    """How one type hint (under one SDK's conventions) goes to and from a literal."""

    __slots__ = ("decode", "encode", "exact", "name", "tag_of", "tags", "type_of")

    def __init__(  # noqa: PLR0913, PLR0917 - one argument per slot
        self,
        name: str,
        encode: _Encode,
        decode: _Decode,
        exact: Callable[[object], bool],
        type_of: Callable[[object], core.LiteralType],
        tag_of: Callable[[object], str],
        tags: frozenset[str],
    ) -> None:
        self.name = name
        self.encode = encode
        self.decode = decode
        self.exact = exact  # the value is of this very type (preferred among union variants)
        self.type_of = type_of  # the literal type of a value (or of _Static), without tag
        self.tag_of = tag_of  # the union tag of a value (or of _Static)
        self.tags = tags  # every tag that selects this codec in a union, either SDK's


def _unwrapped(literal: core.Literal, decode: _Decode, name: str, expected: str) -> object:
    """Decode the value inside a union literal, or explain that ``literal`` is not ``expected``."""
    if literal.WhichOneof("value") == "scalar" and literal.scalar.WhichOneof("value") == "union":
        return decode(literal.scalar.union.value)
    if literal.WhichOneof("value") == "offloaded_metadata":
        raise _Problem(name, "the literal is offloaded; read it from its uri first")
    raise _Problem(name, f"expected {expected}, found {_kind(literal)}")


def _simple(kind: int) -> Callable[[object], core.LiteralType]:
    def type_of(_: object) -> core.LiteralType:
        return core.LiteralType(simple=kind)  # type: ignore[arg-type]  # an enum value

    return type_of


def _tag(tag: str) -> Callable[[object], str]:
    return lambda _: tag


# ---- primitives ----------------------------------------------------------------------------------


def _primitive_codec(
    name: str, field: str, py_type: type, simple: int, check: Callable[[object, str], None]
) -> _Codec:
    """Build the codec of one primitive: ``check`` vets a value, ``field`` holds it."""

    def encode(value: object, target: core.Literal) -> None:
        check(value, name)
        setattr(target.scalar.primitive, field, value)

    def decode(literal: core.Literal) -> object:
        primitive = literal.scalar.primitive
        if primitive.WhichOneof("value") == field:
            return getattr(primitive, field)
        return _unwrapped(literal, decode, name, f"a primitive {field}")

    return _Codec(
        name,
        encode,
        decode,
        lambda v: type(v) is py_type,
        _simple(simple),
        _tag(name),
        frozenset({name}),
    )


def _check_int(value: object, name: str) -> None:
    if type(value) is not int and (not isinstance(value, int) or isinstance(value, bool)):
        raise _Problem(name, f"cannot encode {_what(value)} as an int")
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise _Problem(name, "the int does not fit in 64 bits")


def _check_float(value: object, name: str) -> None:
    if type(value) is not float and (not isinstance(value, int | float) or isinstance(value, bool)):
        raise _Problem(name, f"cannot encode {_what(value)} as a float")


def _check_str(value: object, name: str) -> None:
    if not isinstance(value, str):
        raise _Problem(name, f"cannot encode {_what(value)} as a str")


def _check_bool(value: object, name: str) -> None:
    if not isinstance(value, bool):
        raise _Problem(name, f"cannot encode {_what(value)} as a bool")


def _datetime_seconds(value: dt.datetime, name: str) -> tuple[int, int]:
    if value.utcoffset() is None:
        raise _Problem(name, "a naive datetime has no place on the time line; give it a tzinfo")
    delta = value - _EPOCH
    seconds = delta.days * _DAY + delta.seconds
    if not _MIN_SECONDS <= seconds <= _MAX_SECONDS:
        raise _Problem(name, "the datetime is outside years 1 to 9999 in UTC")
    return seconds, delta.microseconds * 1000


def _datetime_codec() -> _Codec:
    name = "datetime"

    def encode(value: object, target: core.Literal) -> None:
        if not isinstance(value, dt.datetime):
            raise _Problem(name, f"cannot encode {_what(value)} as a datetime")
        seconds, nanos = _datetime_seconds(value, name)
        stamp = target.scalar.primitive.datetime
        stamp.seconds = seconds
        stamp.nanos = nanos

    def decode(literal: core.Literal) -> object:
        primitive = literal.scalar.primitive
        if primitive.WhichOneof("value") != "datetime":
            return _unwrapped(literal, decode, name, "a primitive datetime")
        stamp = primitive.datetime
        if not (0 <= stamp.nanos < _NANOS and _MIN_SECONDS <= stamp.seconds <= _MAX_SECONDS):
            raise _Problem(name, "the timestamp is out of range")
        # Python keeps microseconds: finer nanoseconds are dropped, as the SDKs drop them.
        return _EPOCH + dt.timedelta(seconds=stamp.seconds, microseconds=stamp.nanos // 1000)

    return _Codec(
        name,
        encode,
        decode,
        lambda v: type(v) is dt.datetime,
        _simple(core.SimpleType.DATETIME),
        _tag("datetime"),
        frozenset({"datetime"}),
    )


def _date_codec() -> _Codec:
    name = "date"

    def encode(value: object, target: core.Literal) -> None:
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise _Problem(name, f"cannot encode {_what(value)} as a date")
        target.scalar.primitive.datetime.seconds = (value.toordinal() - _EPOCH_ORDINAL) * _DAY

    def decode(literal: core.Literal) -> object:
        primitive = literal.scalar.primitive
        if primitive.WhichOneof("value") != "datetime":
            return _unwrapped(literal, decode, name, "a primitive datetime")
        stamp = primitive.datetime
        days, rest = divmod(stamp.seconds, _DAY)
        if rest or stamp.nanos:
            raise _Problem(name, "the timestamp is not a midnight UTC, so it is no date")
        if not _MIN_SECONDS <= stamp.seconds <= _MAX_SECONDS:
            raise _Problem(name, "the timestamp is out of range")
        return dt.date.fromordinal(days + _EPOCH_ORDINAL)

    return _Codec(
        name,
        encode,
        decode,
        lambda v: type(v) is dt.date,
        _simple(core.SimpleType.DATETIME),
        _tag("date"),
        frozenset({"date"}),
    )


def _timedelta_codec() -> _Codec:
    name = "timedelta"

    def encode(value: object, target: core.Literal) -> None:
        if not isinstance(value, dt.timedelta):
            raise _Problem(name, f"cannot encode {_what(value)} as a timedelta")
        micros = (value.days * _DAY + value.seconds) * _MICROS + value.microseconds
        seconds, rest = divmod(abs(micros), _MICROS)
        if seconds > _MAX_DURATION_SECONDS:
            raise _Problem(name, "the timedelta is longer than a Duration holds (10,000 years)")
        sign = -1 if micros < 0 else 1  # a Duration's seconds and nanos share one sign
        duration = target.scalar.primitive.duration
        duration.seconds = sign * seconds
        duration.nanos = sign * rest * 1000

    def decode(literal: core.Literal) -> object:
        primitive = literal.scalar.primitive
        if primitive.WhichOneof("value") != "duration":
            return _unwrapped(literal, decode, name, "a primitive duration")
        duration = primitive.duration
        if abs(duration.seconds) > _MAX_DURATION_SECONDS or abs(duration.nanos) >= _NANOS:
            raise _Problem(name, "the duration is out of range")
        micros = abs(duration.nanos) // 1000  # nanoseconds below a microsecond are dropped
        return dt.timedelta(
            seconds=duration.seconds, microseconds=-micros if duration.nanos < 0 else micros
        )

    return _Codec(
        name,
        encode,
        decode,
        lambda v: type(v) is dt.timedelta,
        _simple(core.SimpleType.DURATION),
        _tag("timedelta"),
        frozenset({"timedelta"}),
    )


def _none_codec() -> _Codec:
    name = "None"

    def encode(value: object, target: core.Literal) -> None:
        if value is not None:
            raise _Problem(name, f"cannot encode {_what(value)} as None")
        target.scalar.none_type.SetInParent()

    def decode(literal: core.Literal) -> object:
        if literal.scalar.WhichOneof("value") == "none_type":
            return None
        return _unwrapped(literal, decode, name, "a scalar none_type")

    return _Codec(
        name,
        encode,
        decode,
        lambda v: v is None,
        _simple(core.SimpleType.NONE),
        _tag("none"),
        frozenset({"none"}),
    )


_INT: Final = _primitive_codec("int", "integer", int, core.SimpleType.INTEGER, _check_int)
_FLOAT: Final = _primitive_codec("float", "float_value", float, core.SimpleType.FLOAT, _check_float)
_STR: Final = _primitive_codec("str", "string_value", str, core.SimpleType.STRING, _check_str)
_BOOL: Final = _primitive_codec("bool", "boolean", bool, core.SimpleType.BOOLEAN, _check_bool)
_DATETIME: Final = _datetime_codec()
_DATE: Final = _date_codec()
_TIMEDELTA: Final = _timedelta_codec()
_NONE: Final = _none_codec()
_SCALARS: Final[Mapping[object, _Codec]] = {
    int: _INT,
    float: _FLOAT,
    str: _STR,
    bool: _BOOL,
    dt.datetime: _DATETIME,
    dt.date: _DATE,
    dt.timedelta: _TIMEDELTA,
    types.NoneType: _NONE,
}


# ---- references to data --------------------------------------------------------------------------

_FILE_TAGS: Final = {"flytekit": "FlyteFilePath", "flyte": "File"}
_DIR_TAGS: Final = {"flytekit": "FlyteDirectory", "flyte": "Dir"}
_DATASET_TAGS: Final = {
    "flytekit": "StructuredDataset Transformer",
    "flyte": "DataFrame Transformer",
}


def _blob_codec(sdk: SDK) -> _Codec:
    name = "BlobRef"

    def encode(value: object, target: core.Literal) -> None:
        if not isinstance(value, BlobRef):
            raise _Problem(name, f"cannot encode {_what(value)} as a BlobRef")
        blob = target.scalar.blob
        blob.uri = value.uri
        blob_type = blob.metadata.type
        blob_type.format = value.format
        blob_type.dimensionality = (
            core.BlobType.MULTIPART if value.multipart else core.BlobType.SINGLE
        )

    def decode(literal: core.Literal) -> object:
        if literal.scalar.WhichOneof("value") != "blob":
            return _unwrapped(literal, decode, name, "a scalar blob")
        blob = literal.scalar.blob
        if not blob.uri:
            raise _Problem(name, "the blob has no uri")
        blob_type = blob.metadata.type
        return BlobRef(
            blob.uri, blob_type.format, blob_type.dimensionality == core.BlobType.MULTIPART
        )

    def type_of(value: object) -> core.LiteralType:
        literal_type = core.LiteralType()
        literal_type.blob.SetInParent()
        if isinstance(value, BlobRef):
            literal_type.blob.format = value.format
            if value.multipart:
                literal_type.blob.dimensionality = core.BlobType.MULTIPART
        return literal_type

    def tag_of(value: object) -> str:
        multipart = isinstance(value, BlobRef) and value.multipart
        return (_DIR_TAGS if multipart else _FILE_TAGS)[sdk]

    return _Codec(
        name,
        encode,
        decode,
        lambda v: type(v) is BlobRef,
        type_of,
        tag_of,
        frozenset(_FILE_TAGS.values()) | frozenset(_DIR_TAGS.values()),
    )


def _dataset_codec(sdk: SDK) -> _Codec:
    name = "StructuredDatasetRef"

    def encode(value: object, target: core.Literal) -> None:
        if not isinstance(value, StructuredDatasetRef):
            raise _Problem(name, f"cannot encode {_what(value)} as a StructuredDatasetRef")
        dataset = target.scalar.structured_dataset
        dataset.uri = value.uri
        dataset.metadata.structured_dataset_type.format = value.format

    def decode(literal: core.Literal) -> object:
        if literal.scalar.WhichOneof("value") != "structured_dataset":
            return _unwrapped(literal, decode, name, "a scalar structured_dataset")
        dataset = literal.scalar.structured_dataset
        if not dataset.uri:
            raise _Problem(name, "the structured dataset has no uri (it was never stored)")
        return StructuredDatasetRef(dataset.uri, dataset.metadata.structured_dataset_type.format)

    def type_of(value: object) -> core.LiteralType:
        literal_type = core.LiteralType()
        literal_type.structured_dataset_type.SetInParent()
        if isinstance(value, StructuredDatasetRef):
            literal_type.structured_dataset_type.format = value.format
        return literal_type

    return _Codec(
        name,
        encode,
        decode,
        lambda v: type(v) is StructuredDatasetRef,
        type_of,
        _tag(_DATASET_TAGS[sdk]),
        frozenset(_DATASET_TAGS.values()),
    )


# ---- enums ---------------------------------------------------------------------------------------


def _enum_codec(cls: type[enum.Enum], sdk: SDK) -> _Codec:
    name = cls.__qualname__
    members = list(cls)
    if not members or not all(isinstance(member.value, str) for member in members):
        raise _Problem(name, "only an enum whose values are all strings has a literal form")
    by_name = sdk == "flyte"  # the Flyte 2 SDK writes the member name, flytekit the value
    values: dict[str, enum.Enum] = {member.value: member for member in members}
    names: dict[str, enum.Enum] = dict(cls.__members__)
    first, second = (names, values) if by_name else (values, names)
    declared = [member.name if by_name else member.value for member in members]

    def type_of(_: object) -> core.LiteralType:
        return core.LiteralType(
            enum_type=core.EnumType(values=declared)
        )  # a new one: callers tag it

    def encode(value: object, target: core.Literal) -> None:
        if not isinstance(value, cls):
            raise _Problem(name, f"cannot encode {_what(value)} as a {name}")
        target.scalar.primitive.string_value = value.name if by_name else value.value

    def decode(literal: core.Literal) -> object:
        primitive = literal.scalar.primitive
        if primitive.WhichOneof("value") != "string_value":
            return _unwrapped(literal, decode, name, "a primitive string_value")
        text = primitive.string_value
        # Either SDK's form reads: this SDK's first, so an enum whose names and values overlap
        # reads as this SDK meant it.
        member = first.get(text) or second.get(text)
        if member is None:
            shown = redact(text[:80])
            raise _Problem(name, f"{shown!r} is neither a value nor a name of {name}")
        return member

    return _Codec(
        name,
        encode,
        decode,
        lambda v: type(v) is cls,
        type_of,
        _tag("DefaultEnumTransformer"),
        frozenset({"DefaultEnumTransformer"}),
    )


# ---- collections ---------------------------------------------------------------------------------


def _list_codec(item: _Codec, name: str) -> _Codec:  # noqa: C901 - its three closures
    item_encode = item.encode
    item_decode = item.decode

    def encode(value: object, target: core.Literal) -> None:
        if not isinstance(value, list | tuple):
            raise _Problem(name, f"cannot encode {_what(value)} as a list")
        literals = target.collection.literals
        target.collection.SetInParent()  # an empty list is an empty collection, not nothing
        index = 0
        try:
            for index, element in enumerate(value):  # noqa: B007 - index names the failure
                item_encode(element, literals.add())
        except _Problem as problem:
            problem.path.append(f"[{index}]")
            raise

    def decode(literal: core.Literal) -> object:
        if literal.WhichOneof("value") != "collection":
            return _unwrapped(literal, decode, name, "a collection")
        elements = literal.collection.literals
        index = 0
        try:
            return [item_decode(element) for element in elements]
        except _Problem as problem:
            for index, element in enumerate(elements):  # noqa: B007 - find which one failed
                try:
                    item_decode(element)
                except _Problem:
                    break
            problem.path.append(f"[{index}]")
            raise

    def type_of(value: object) -> core.LiteralType:
        literal_type = core.LiteralType()
        first = value[0] if isinstance(value, list | tuple) and value else _Static
        literal_type.collection_type.CopyFrom(_tagged_type(item, first, inside=True))
        return literal_type

    return _Codec(
        name,
        encode,
        decode,
        lambda v: type(v) is list,
        type_of,
        _tag("Typed List"),
        frozenset({"Typed List"}),
    )


def _dict_codec(item: _Codec, name: str) -> _Codec:  # noqa: C901 - its three closures
    item_encode = item.encode
    item_decode = item.decode

    def encode(value: object, target: core.Literal) -> None:
        if not isinstance(value, Mapping):
            raise _Problem(name, f"cannot encode {_what(value)} as a dict")
        literals = target.map.literals
        target.map.SetInParent()  # an empty dict is an empty map, not nothing
        for key, element in value.items():
            if not isinstance(key, str):
                raise _Problem(name, f"a literal map's keys are str, not {_what(key)}")
            try:
                item_encode(element, literals[key])
            except _Problem as problem:
                problem.path.append(f"[{key!r}]")
                raise

    def decode(literal: core.Literal) -> object:
        if literal.WhichOneof("value") != "map":
            return _unwrapped(literal, decode, name, "a map")
        result = {}
        for key, element in literal.map.literals.items():
            try:
                result[key] = item_decode(element)
            except _Problem as problem:
                problem.path.append(f"[{key!r}]")
                raise
        return result

    def type_of(value: object) -> core.LiteralType:
        literal_type = core.LiteralType()
        first = next(iter(value.values())) if isinstance(value, Mapping) and value else _Static
        literal_type.map_value_type.CopyFrom(_tagged_type(item, first, inside=True))
        return literal_type

    return _Codec(
        name,
        encode,
        decode,
        lambda v: type(v) is dict,
        type_of,
        _tag("Typed Dict"),
        frozenset({"Typed Dict"}),
    )


def _json_like(value: object, name: str) -> None:
    """Refuse what an untyped dict's msgpack cannot carry as the SDKs read it back."""
    if value is None or isinstance(value, bool | int | float | str):
        return
    if isinstance(value, list | tuple):
        for index, element in enumerate(value):
            try:
                _json_like(element, name)
            except _Problem as problem:
                problem.path.append(f"[{index}]")
                raise
        return
    if isinstance(value, Mapping):
        for key, element in value.items():
            if not isinstance(key, str):
                raise _Problem(name, f"an untyped dict's keys are str, not {_what(key)}")
            try:
                _json_like(element, name)
            except _Problem as problem:
                problem.path.append(f"[{key!r}]")
                raise
        return
    raise _Problem(
        name,
        f"an untyped dict holds None, bool, int, float, str, lists and dicts, not {_what(value)}",
    )


def _untyped_dict_codec(sdk: SDK) -> _Codec:
    """A bare ``dict``: msgpack in a binary, as the SDKs write an untyped dict."""
    name = "dict"

    def encode(value: object, target: core.Literal) -> None:
        if not isinstance(value, Mapping):
            raise _Problem(name, f"cannot encode {_what(value)} as a dict")
        _json_like(value, name)
        try:
            packed = msgpack.packb(value, use_bin_type=True)
        except (TypeError, ValueError, OverflowError) as error:
            raise _Problem(name, f"msgpack cannot pack it: {error}") from None
        binary = target.scalar.binary
        binary.value = packed
        binary.tag = _MSGPACK

    def decode(literal: core.Literal) -> object:
        if literal.WhichOneof("value") == "map":  # a typed map read as an untyped dict
            return _ANY[sdk].decode(literal)
        binary = literal.scalar.binary
        if literal.scalar.WhichOneof("value") != "binary" or binary.tag != _MSGPACK:
            return _unwrapped(literal, decode, name, "a binary tagged 'msgpack' or a map")
        try:
            data = msgpack.unpackb(binary.value, raw=False, strict_map_key=False)
        except (ValueError, TypeError) as error:
            raise _Problem(name, f"the msgpack bytes do not decode: {error}") from None
        if not isinstance(data, dict):
            raise _Problem(name, f"the msgpack holds {_what(data)}, not a map")
        return data

    return _Codec(
        name,
        encode,
        decode,
        lambda v: type(v) is dict,
        _simple(core.SimpleType.STRUCT),
        _tag("Typed Dict"),
        frozenset({"Typed Dict"}),
    )


# ---- unions --------------------------------------------------------------------------------------


def _tagged_type(codec: _Codec, value: object, *, inside: bool = False) -> core.LiteralType:
    """The literal type of ``value`` under ``codec``; a union variant's type carries its tag."""
    literal_type = codec.type_of(value)
    if not inside:
        literal_type.structure.tag = codec.tag_of(value)
    return literal_type


def _union_codec(variants: tuple[_Codec, ...], name: str) -> _Codec:  # noqa: C901 - its closures
    def encode(value: object, target: core.Literal) -> None:
        union = target.scalar.union
        # A variant of the value's very type first (3 in ``float | int`` stays an int), then
        # any variant that accepts it, in the order of the hint.
        ordered = [v for v in variants if v.exact(value)]
        ordered += [v for v in variants if v not in ordered]
        reasons = []
        for variant in ordered:
            try:
                variant.encode(value, union.value)
            except _Problem as problem:
                union.value.Clear()
                reasons.append(problem.reason)
                continue
            union.type.CopyFrom(_tagged_type(variant, value))
            return
        raise _Problem(name, f"no variant takes {_what(value)} ({'; '.join(reasons)})")

    def decode(literal: core.Literal) -> object:
        if (
            literal.WhichOneof("value") == "scalar"
            and literal.scalar.WhichOneof("value") == "union"
        ):
            union = literal.scalar.union
            inner = union.value
            tag = union.type.structure.tag
            candidates = [v for v in variants if tag in v.tags] if tag else list(variants)
            if not candidates:
                raise _Problem(name, f"the union's variant {tag!r} is not one of {name}")
        else:  # a plain value where a union is declared: whichever variant reads it
            inner = literal
            candidates = list(variants)
        problems = []
        for variant in candidates:
            try:
                return variant.decode(inner)
            except _Problem as problem:
                problems.append(problem)
        if len(problems) == 1:
            raise problems[0]
        reasons = "; ".join(f"{p.hint}: {p.reason}" for p in problems)
        raise _Problem(name, f"no variant reads it ({reasons})")

    def type_of(_: object) -> core.LiteralType:
        literal_type = core.LiteralType()
        literal_type.union_type.variants.extend(_tagged_type(v, _Static) for v in variants)
        return literal_type

    return _Codec(
        name,
        encode,
        decode,
        lambda v: any(variant.exact(v) for variant in variants),
        type_of,
        _tag(""),
        frozenset(),
    )


# ---- dataclasses and attrs classes (msgpack) -----------------------------------------------------

_ToPlain = Callable[[object], object]
_FromPlain = Callable[[object], object]


@final
class _Plain:
    """How one type hint goes to and from the msgpack value the SDKs write inside a dataclass."""

    __slots__ = ("exact", "from_plain", "name", "to_plain")

    def __init__(
        self,
        name: str,
        to_plain: _ToPlain,
        from_plain: _FromPlain,
        exact: Callable[[object], bool],
    ) -> None:
        self.name = name
        self.to_plain = to_plain
        self.from_plain = from_plain
        self.exact = exact


def _checked(
    name: str,
    check: Callable[[object], bool],
    kind: str,
    convert: Callable[[Any], object] | None = None,
) -> Callable[[object], object]:
    def run(value: object) -> object:
        if not check(value):
            raise _Problem(name, f"expected {kind}, found {_what(value)}")
        return value if convert is None else convert(value)

    return run


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _int_to_plain(value: object) -> object:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Problem(_INT_NAME, f"cannot encode {_what(value)} as an int")
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise _Problem(_INT_NAME, "the int does not fit in 64 bits")
    return value


def _datetime_to_plain(value: object) -> object:
    if not isinstance(value, dt.datetime):
        raise _Problem(_DATETIME_NAME, f"cannot encode {_what(value)} as a datetime")
    if value.utcoffset() is None:
        raise _Problem(
            _DATETIME_NAME, "a naive datetime has no place on the time line; give it a tzinfo"
        )
    return value.astimezone(dt.UTC).isoformat()


def _datetime_from_plain(value: object) -> object:
    if not isinstance(value, str):
        raise _Problem(_DATETIME_NAME, f"expected ISO 8601 text, found {_what(value)}")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _Problem(_DATETIME_NAME, f"{value[:40]!r} is not an ISO 8601 datetime") from None
    # A naive time in the wire form is UTC, as the SDKs read it.
    if parsed.utcoffset() is None:
        return parsed.replace(tzinfo=dt.UTC)
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError:
        raise _Problem(_DATETIME_NAME, "the datetime is outside years 1 to 9999 in UTC") from None


def _date_to_plain(value: object) -> object:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise _Problem(_DATE_NAME, f"cannot encode {_what(value)} as a date")
    return value.isoformat()


def _date_from_plain(value: object) -> object:
    if not isinstance(value, str):
        raise _Problem(_DATE_NAME, f"expected ISO 8601 text, found {_what(value)}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _Problem(_DATE_NAME, f"{value[:40]!r} is not an ISO 8601 date") from None


def _timedelta_to_plain(value: object) -> object:
    if not isinstance(value, dt.timedelta):
        raise _Problem(_TIMEDELTA_NAME, f"cannot encode {_what(value)} as a timedelta")
    return value.total_seconds()  # what the SDKs (mashumaro) write: float seconds


def _timedelta_from_plain(value: object) -> object:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _Problem(_TIMEDELTA_NAME, f"expected seconds, found {_what(value)}")
    try:
        return dt.timedelta(seconds=value)
    except OverflowError:
        raise _Problem(_TIMEDELTA_NAME, "the duration is longer than a timedelta holds") from None


def _scalar_plain(hint: object) -> _Plain | None:
    if hint is int:
        return _Plain("int", _int_to_plain, _checked("int", _is_int, "an int"), _is_int)
    if hint is float:
        return _Plain(
            "float",
            _checked("float", _is_number, "a float", float),
            _checked("float", _is_number, "a float", float),
            lambda v: type(v) is float,
        )
    if hint is str or hint is bool or hint is types.NoneType:
        kind: type[object] = hint
        text = kind.__name__ if kind is not types.NoneType else "None"
        check = functools.partial(_is_exactly, kind)
        run = _checked(text, check, text)
        return _Plain(text, run, run, check)
    table: dict[object, tuple[str, _ToPlain, _FromPlain]] = {
        dt.datetime: ("datetime", _datetime_to_plain, _datetime_from_plain),
        dt.date: ("date", _date_to_plain, _date_from_plain),
        dt.timedelta: ("timedelta", _timedelta_to_plain, _timedelta_from_plain),
    }
    if hint in table:
        name, to_plain, from_plain = table[hint]
        return _Plain(name, to_plain, from_plain, lambda v: type(v) is hint)
    return None


def _is_exactly(kind: type, value: object) -> bool:
    if kind is str:
        return isinstance(value, str)
    return type(value) is kind


def _enum_plain(cls: type[enum.Enum]) -> _Plain:
    name = cls.__qualname__
    if not all(isinstance(member.value, str) for member in cls):
        raise _Problem(name, "only an enum whose values are all strings has a literal form")
    values = {member.value: member for member in cls}
    names = dict(cls.__members__)

    def to_plain(value: object) -> object:
        if not isinstance(value, cls):
            raise _Problem(name, f"cannot encode {_what(value)} as a {name}")
        return value.value  # both SDKs write an enum field by value

    def from_plain(value: object) -> object:
        member = values.get(value) or names.get(value) if isinstance(value, str) else None
        if member is None:
            raise _Problem(name, f"not a value of {name}")
        return member

    return _Plain(name, to_plain, from_plain, lambda v: type(v) is cls)


def _list_plain(item: _Plain, name: str) -> _Plain:
    def to_plain(value: object) -> object:
        if not isinstance(value, list | tuple):
            raise _Problem(name, f"cannot encode {_what(value)} as a list")
        result = []
        for index, element in enumerate(value):
            try:
                result.append(item.to_plain(element))
            except _Problem as problem:
                problem.path.append(f"[{index}]")
                raise
        return result

    def from_plain(value: object) -> object:
        if not isinstance(value, list | tuple):
            raise _Problem(name, f"expected an array, found {_what(value)}")
        result = []
        for index, element in enumerate(value):
            try:
                result.append(item.from_plain(element))
            except _Problem as problem:
                problem.path.append(f"[{index}]")
                raise
        return result

    return _Plain(name, to_plain, from_plain, lambda v: type(v) is list)


def _dict_plain(item: _Plain, name: str) -> _Plain:
    def convert(value: object, step: _ToPlain, kind: str) -> object:
        if not isinstance(value, Mapping):
            raise _Problem(name, f"expected {kind}, found {_what(value)}")
        result = {}
        for key, element in value.items():
            if not isinstance(key, str):
                raise _Problem(name, f"a map's keys are str here, not {_what(key)}")
            try:
                result[key] = step(element)
            except _Problem as problem:
                problem.path.append(f"[{key!r}]")
                raise
        return result

    return _Plain(
        name,
        lambda v: convert(v, item.to_plain, "a dict"),
        lambda v: convert(v, item.from_plain, "a map"),
        lambda v: type(v) is dict,
    )


def _union_plain(variants: tuple[_Plain, ...], name: str) -> _Plain:
    def attempt(value: object, steps: list[_ToPlain]) -> object:
        reasons = []
        for step in steps:
            try:
                return step(value)
            except _Problem as problem:
                reasons.append(problem.reason)
        raise _Problem(name, f"no variant takes {_what(value)} ({'; '.join(reasons)})")

    def to_plain(value: object) -> object:
        ordered = [v for v in variants if v.exact(value)]
        ordered += [v for v in variants if v not in ordered]
        return attempt(value, [v.to_plain for v in ordered])

    def from_plain(value: object) -> object:
        return attempt(value, [v.from_plain for v in variants])

    return _Plain(
        name, to_plain, from_plain, lambda v: any(variant.exact(v) for variant in variants)
    )


def _any_to_plain(value: object) -> object:
    return _plain(_hint_of(value, "a field of type Any")).to_plain(value)


_ANY_PLAIN: Final = _Plain("Any", _any_to_plain, lambda v: v, lambda _: True)


@functools.cache
def _record_fields(cls: type) -> tuple[tuple[str, str, _Plain, bool], ...]:
    """(field name, init argument, codec, has a default) of each field set by ``__init__``."""
    try:
        hints = typing.get_type_hints(cls)
    except (NameError, TypeError) as error:
        raise _Problem(cls.__qualname__, f"its field types do not resolve: {error}") from None
    fields: list[tuple[str, str, _Plain, bool]] = []
    if attrs.has(cls):
        for field in attrs.fields(cls):
            if field.init:
                has_default = field.default is not attrs.NOTHING
                plain = _plain(hints.get(field.name, Any))
                fields.append((field.name, field.alias or field.name, plain, has_default))
    else:
        for field in dataclasses.fields(cls):
            if field.init:
                has_default = (
                    field.default is not dataclasses.MISSING
                    or field.default_factory is not dataclasses.MISSING
                )
                plain = _plain(hints.get(field.name, Any))
                fields.append((field.name, field.name, plain, has_default))
    return tuple(fields)


def _record_plain(cls: type) -> _Plain:  # noqa: C901 - its two closures
    name = cls.__qualname__

    def to_plain(value: object) -> object:
        if not isinstance(value, cls):
            raise _Problem(name, f"cannot encode {_what(value)} as a {name}")
        result = {}
        for field, _, plain, _ in _record_fields(cls):
            try:
                result[field] = plain.to_plain(getattr(value, field))
            except _Problem as problem:
                problem.path.append(f".{field}")
                raise
        return result

    def from_plain(value: object) -> object:
        if not isinstance(value, Mapping):
            raise _Problem(name, f"expected a map of fields, found {_what(value)}")
        arguments = {}
        for field, argument, plain, has_default in _record_fields(cls):
            if field not in value:
                if has_default:
                    continue
                raise _Problem(name, f"the field {field!r} is missing")
            try:
                arguments[argument] = plain.from_plain(value[field])
            except _Problem as problem:
                problem.path.append(f".{field}")
                raise
        try:
            return cls(**arguments)
        except (TypeError, ValueError) as error:
            raise _Problem(name, f"{name}(...) refused the fields: {error}") from None

    return _Plain(name, to_plain, from_plain, lambda v: type(v) is cls)


@functools.cache
def _plain(hint: object) -> _Plain:  # noqa: C901, PLR0911 - one branch per kind of hint
    hint = _bare(hint)
    if hint is Any or hint is object:
        return _ANY_PLAIN
    scalar = _scalar_plain(hint)
    if scalar is not None:
        return scalar
    name = _hint_name(hint)
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        return _union_plain(tuple(_plain(argument) for argument in arguments), name)
    if origin is list or hint is list:
        return _list_plain(_plain(arguments[0] if arguments else Any), name)
    if origin is dict or hint is dict:
        if arguments and _bare(arguments[0]) is not str:
            raise _Problem(name, "only dicts with str keys have a literal form")
        return _dict_plain(_plain(arguments[1] if arguments else Any), name)
    if isinstance(hint, type):
        if issubclass(hint, enum.Enum):
            return _enum_plain(hint)
        if attrs.has(hint) or dataclasses.is_dataclass(hint):
            return _record_plain(hint)
        if hint in (BlobRef, StructuredDatasetRef):
            raise _Problem(name, "a data reference inside a dataclass is not supported")
    raise _Problem(name, "this type has no literal form")


def _record_codec(cls: type) -> _Codec:
    name = cls.__qualname__
    plain = _plain(cls)

    def encode(value: object, target: core.Literal) -> None:
        data = plain.to_plain(value)
        try:
            packed = msgpack.packb(data, use_bin_type=True)
        except (TypeError, ValueError, OverflowError) as error:
            raise _Problem(name, f"msgpack cannot pack it: {error}") from None
        binary = target.scalar.binary
        binary.value = packed
        binary.tag = _MSGPACK

    def decode(literal: core.Literal) -> object:
        binary = literal.scalar.binary
        if literal.scalar.WhichOneof("value") != "binary" or binary.tag != _MSGPACK:
            return _unwrapped(literal, decode, name, "a binary tagged 'msgpack'")
        try:
            data = msgpack.unpackb(binary.value, raw=False, strict_map_key=False)
        except (ValueError, TypeError) as error:  # msgpack's decode errors are ValueErrors
            raise _Problem(name, f"the msgpack bytes do not decode: {error}") from None
        return plain.from_plain(data)

    return _Codec(
        name,
        encode,
        decode,
        lambda v: type(v) is cls,
        _simple(core.SimpleType.STRUCT),
        _tag("Object-Dataclass-Transformer"),
        frozenset({"Object-Dataclass-Transformer"}),
    )


# ---- any: the value says -------------------------------------------------------------------------


def _hint_of(value: object, where: str) -> object:
    """The hint a value stands for when none is given."""
    kind = type(value)
    if kind in _SCALARS or value is None:
        return kind
    if isinstance(value, enum.Enum | BlobRef | StructuredDatasetRef):
        return kind
    if attrs.has(kind) or dataclasses.is_dataclass(kind):
        return kind
    if isinstance(value, list | tuple):
        return list[Any]
    if isinstance(value, Mapping):
        return dict[str, Any]
    for base in (dt.datetime, dt.date, dt.timedelta, bool, int, float, str):
        if isinstance(value, base):
            return base
    raise _Problem(_ANY_NAME, f"{_what(value)} has no literal form ({where})")


def _any_codec(sdk: SDK) -> _Codec:  # noqa: C901 - its four closures
    name = "Any"
    fast: dict[type, _Encode] = {kind: codec.encode for kind, codec in _SCALARS.items()}  # type: ignore[misc]

    def encode(value: object, target: core.Literal) -> None:
        step = fast.get(type(value))
        if step is None:
            step = _compile(_hint_of(value, "no type hint given"), sdk).encode
        step(value, target)

    def decode(literal: core.Literal) -> object:  # noqa: C901, PLR0911 - one branch per kind
        which = literal.WhichOneof("value")
        if which == "collection":
            return [decode(element) for element in literal.collection.literals]
        if which == "map":
            return {key: decode(element) for key, element in literal.map.literals.items()}
        scalar = literal.scalar
        kind = scalar.WhichOneof("value")
        if kind == "primitive":
            primitive = _PRIMITIVES.get(scalar.primitive.WhichOneof("value"))
            if primitive is None:
                raise _Problem(name, "the primitive holds no value")
            return primitive.decode(literal)
        if kind == "none_type":
            return None
        if kind == "union":
            return decode(scalar.union.value)
        if kind == "blob":
            return blob.decode(literal)
        if kind == "structured_dataset":
            return dataset.decode(literal)
        if kind == "binary" and scalar.binary.tag == _MSGPACK:
            try:
                return msgpack.unpackb(scalar.binary.value, raw=False, strict_map_key=False)
            except (ValueError, TypeError) as error:
                raise _Problem(name, f"the msgpack bytes do not decode: {error}") from None
        return _unwrapped(literal, decode, name, "a literal with a Python form")

    blob = _blob_codec(sdk)
    dataset = _dataset_codec(sdk)

    def type_of(value: object) -> core.LiteralType:
        if value is _Static:
            return core.LiteralType()
        return _compile(_hint_of(value, "no type hint given"), sdk).type_of(value)

    def tag_of(value: object) -> str:
        if value is _Static:
            return ""
        return _compile(_hint_of(value, "no type hint given"), sdk).tag_of(value)

    return _Codec(name, encode, decode, lambda _: True, type_of, tag_of, frozenset())


_PRIMITIVES: Final[Mapping[str | None, _Codec]] = {
    "integer": _INT,
    "float_value": _FLOAT,
    "string_value": _STR,
    "boolean": _BOOL,
    "datetime": _DATETIME,
    "duration": _TIMEDELTA,
}


# ---- compiling a hint ----------------------------------------------------------------------------


def _bare(hint: object) -> object:
    """The hint without ``Annotated`` metadata; ``None`` as ``NoneType``."""
    while typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    return types.NoneType if hint is None else hint


def _build(hint: object, sdk: SDK) -> _Codec:  # noqa: C901, PLR0911 - one branch per kind of hint
    hint = _bare(hint)
    if hint is Any or hint is object:
        return _ANY[sdk]
    scalar = _SCALARS.get(hint)
    if scalar is not None:
        return scalar
    name = _hint_name(hint)
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        return _union_codec(tuple(_compile(argument, sdk) for argument in arguments), name)
    if origin is list or hint is list:
        return _list_codec(_compile(arguments[0] if arguments else Any, sdk), name)
    if hint is dict:  # untyped, as the SDKs write it: msgpack
        return _untyped_dict_codec(sdk)
    if origin is dict:
        if _bare(arguments[0]) is not str:
            raise _Problem(name, "only dicts with str keys have a literal form (a map)")
        return _dict_codec(_compile(arguments[1], sdk), name)
    if isinstance(hint, type):
        if hint is BlobRef:
            return _blob_codec(sdk)
        if hint is StructuredDatasetRef:
            return _dataset_codec(sdk)
        if issubclass(hint, enum.Enum):
            return _enum_codec(hint, sdk)
        if attrs.has(hint) or dataclasses.is_dataclass(hint):
            return _record_codec(hint)
    raise _Problem(name, "this type has no literal form")


@functools.cache
def _cached(hint: object, sdk: SDK) -> _Codec:
    return _build(hint, sdk)


def _compile(hint: object, sdk: SDK) -> _Codec:
    try:
        return _cached(hint, sdk)
    except TypeError:  # an unhashable hint (e.g. Annotated metadata): build it each time
        return _build(hint, sdk)


_ANY: Final[Mapping[str, _Codec]] = {
    "flytekit": _any_codec("flytekit"),
    "flyte": _any_codec("flyte"),
}


def _checked_sdk(sdk: str) -> SDK:
    if sdk not in _SDKS:
        msg = f"sdk must be 'flytekit' or 'flyte', not {sdk!r}"
        raise ValueError(msg)
    return sdk  # type: ignore[return-value]  # checked just above


# ---- public API ----------------------------------------------------------------------------------


def to_literal(value: object, hint: object = Any, *, sdk: SDK = "flytekit") -> core.Literal:
    """Encode a Python value as the literal the SDKs write for it.

    Args:
        value: The value.
        hint: Its type hint (``int``, ``list[str]``, ``Point | None``, ...). Without one the
            value's own type decides; a union needs one.
        sdk: Whose conventions to write where the SDKs differ: ``"flytekit"`` (Flyte 1) or
            ``"flyte"`` (the Flyte 2 SDK).

    Returns:
        A new :class:`~kozmo_io.core.Literal`.

    Raises:
        LiteralConversionError: The value has no literal form as ``hint`` (wrong type, a naive
            datetime, an int beyond 64 bits, a type with no literal form); names the path
            inside the value and the type.
        ValueError: ``sdk`` is neither ``"flytekit"`` nor ``"flyte"``.
    """
    literal = core.Literal()
    try:
        _compile(hint, _checked_sdk(sdk)).encode(value, literal)
    except _Problem as problem:
        raise problem.error(_NO_KEY) from None
    return literal


@overload
def from_literal(literal: core.Literal, hint: type[_T], *, sdk: SDK = "flytekit") -> _T: ...
@overload
def from_literal(literal: core.Literal, hint: object = Any, *, sdk: SDK = "flytekit") -> Any: ...  # noqa: ANN401 - a hint that is no class (a union, a generic) types nothing


def from_literal(literal: core.Literal, hint: object = Any, *, sdk: SDK = "flytekit") -> Any:
    """Decode a literal as a Python value of the type ``hint`` names.

    Args:
        literal: The literal.
        hint: The type to read it as. Without one it reads as what it holds: primitives as
            their values, collections as lists, maps as dicts, a union as its value, blobs and
            datasets as :class:`BlobRef` and :class:`StructuredDatasetRef`, msgpack as plain data.
        sdk: Whose conventions come first where the SDKs differ (both forms are read).

    Returns:
        The value (an instance of ``hint`` when ``hint`` is a class).

    Raises:
        LiteralConversionError: The literal is not of that type; names the path and the type.
        ValueError: ``sdk`` is neither ``"flytekit"`` nor ``"flyte"``.
    """
    try:
        return _compile(hint, _checked_sdk(sdk)).decode(literal)
    except _Problem as problem:
        raise problem.error(_NO_KEY) from None


def to_literal_map(
    values: Mapping[str, object],
    hints: Mapping[str, object] | None = None,
    *,
    sdk: SDK = "flytekit",
) -> core.LiteralMap:
    """Encode named values (a task's inputs or outputs) as a literal map.

    Args:
        values: Name to value.
        hints: Name to type hint; a name without one is encoded by its value's own type. Every
            name here must have a value.
        sdk: Whose conventions to write where the SDKs differ (see :func:`to_literal`).

    Returns:
        A new :class:`~kozmo_io.core.LiteralMap`.

    Raises:
        LiteralConversionError: A value has no literal form as its hint, or a hinted name has
            no value; names the key (and the path inside its value) and the type.
        ValueError: ``sdk`` is neither ``"flytekit"`` nor ``"flyte"``.
    """
    chosen = _checked_sdk(sdk)
    hints = hints or {}
    result = core.LiteralMap()
    literals = result.literals
    any_codec = _ANY[chosen]
    for key, value in values.items():
        if not isinstance(key, str):
            raise LiteralConversionError(repr(key), "str", "a literal map's keys are str")
        hint = hints.get(key, Any)
        try:
            codec = any_codec if hint is Any else _compile(hint, chosen)
            codec.encode(value, literals[key])
        except _Problem as problem:
            raise problem.error(key) from None
    missing = [key for key in hints if key not in values]
    if missing:
        key = missing[0]
        raise LiteralConversionError(key, _hint_name(hints[key]), "no value was given")
    return result


def from_literal_map(
    literal_map: core.LiteralMap,
    hints: Mapping[str, object] | None = None,
    *,
    sdk: SDK = "flytekit",
) -> dict[str, Any]:
    """Decode a literal map (a task's inputs or outputs) as named Python values.

    Args:
        literal_map: The map.
        hints: Name to type hint; a name without one reads as what its literal holds (see
            :func:`from_literal`). Every name here must be in the map.
        sdk: Whose conventions come first where the SDKs differ (both forms are read).

    Returns:
        Name to value: the hinted names in the order of ``hints``, then the others by name.

    Raises:
        LiteralConversionError: A literal is not of its hinted type, or a hinted name is missing
            from the map; names the key (and the path inside its value) and the type.
        ValueError: ``sdk`` is neither ``"flytekit"`` nor ``"flyte"``.
    """
    chosen = _checked_sdk(sdk)
    hints = hints or {}
    any_codec = _ANY[chosen]
    found: dict[str, object] = {}
    for key, literal in literal_map.literals.items():  # one pass: each lookup costs a wrapper
        hint = hints.get(key, Any)
        try:
            codec = any_codec if hint is Any else _compile(hint, chosen)
            found[key] = codec.decode(literal)
        except _Problem as problem:
            raise problem.error(key) from None
    result: dict[str, Any] = {}
    for key, hint in hints.items():
        if key not in found:
            raise LiteralConversionError(key, _hint_name(hint), "the map has no such literal")
        result[key] = found.pop(key)
    for key in sorted(found):
        result[key] = found[key]
    return result
