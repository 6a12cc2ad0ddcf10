"""kozmo_io.literals: Python values to and from literals, their wire form and their errors.

The wire form of each type is pinned here against literals written out by hand, in the form the
SDKs write (tests/interop runs the SDKs themselves); hypothesis shows that every supported type
reads back as the value written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import pickle
import types
from collections.abc import Callable
from typing import Any, Optional, Union

import attrs
import msgpack
import pytest
from google.protobuf import text_format
from hypothesis import given, settings
from hypothesis import strategies as st

from kozmo_io import DataReference, KozmoIOError, core
from kozmo_io.errors import InvalidReferenceError, LiteralConversionError
from kozmo_io.literals import (
    SDK,
    BlobRef,
    StructuredDatasetRef,
    from_literal,
    from_literal_map,
    to_literal,
    to_literal_map,
)

SDKS: tuple[SDK, ...] = ("flytekit", "flyte")


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Swapped(enum.Enum):
    """Each name is the other member's value: the two SDKs' forms read differently."""

    A = "B"
    B = "A"


@dataclasses.dataclass
class Inner:
    label: str
    weight: float = 1.0


@dataclasses.dataclass
class Record:
    count: int
    when: dt.datetime
    day: dt.date
    span: dt.timedelta
    color: Color
    maybe: int | None
    items: list[float]
    table: dict[str, bool]
    inner: Inner


@attrs.frozen
class Point:
    x: int
    label: str
    tags: list[str] = attrs.field(factory=list)
    _secret: str = "s"  # noqa: S105 - a field name, no password


def lit(text: str) -> core.Literal:
    """A literal from its text form."""
    return text_format.Parse(text, core.Literal())


def one_line(literal: core.Literal) -> str:
    return text_format.MessageToString(literal, as_one_line=True)


# ---- the wire form -------------------------------------------------------------------------------

_WHEN = dt.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def prim(text: str) -> str:
    return f"scalar {{ primitive {{ {text} }} }}"


def union(value: str, literal_type: str, tag: str) -> str:
    """A union literal's text: the value, and its variant's type with the tag."""
    variant = f'{literal_type} structure {{ tag: "{tag}" }}'
    return f"scalar {{ union {{ value {{ {value} }} type {{ {variant} }} }} }}"


def blob(uri: str, blob_type: str = "") -> str:
    return f'scalar {{ blob {{ metadata {{ type {{ {blob_type} }} }} uri: "{uri}" }} }}'


def dataset(uri: str, fmt: str = "") -> str:
    inner = f'format: "{fmt}"' if fmt else ""
    meta = f"metadata {{ structured_dataset_type {{ {inner} }} }}"
    return f'scalar {{ structured_dataset {{ uri: "{uri}" {meta} }} }}'


def binary(packed: str) -> str:
    return f'scalar {{ binary {{ value: "{packed}" tag: "msgpack" }} }}'


INT1, NONE = prim("integer: 1"), "scalar { none_type { } }"
INNER_A = r"\202\245label\241a\246weight\313?\340\000\000\000\000\000\000"
INNER_A2 = r"\202\245label\241a\246weight\313@\000\000\000\000\000\000\000"
OPTIONAL_INT = (
    'union_type { variants { simple: INTEGER structure { tag: "int" } } '
    'variants { simple: NONE structure { tag: "none" } } }'
)
MULTIPART = "dimensionality: MULTIPART"

WIRE: list[tuple[object, object, str]] = [
    (3, int, prim("integer: 3")),
    (-(2**63), int, prim("integer: -9223372036854775808")),
    (1.5, float, prim("float_value: 1.5")),
    (2, float, prim("float_value: 2")),
    ("", str, prim('string_value: ""')),
    (True, bool, prim("boolean: true")),
    (_WHEN, dt.datetime, prim("datetime { seconds: 1704157445 nanos: 678901000 }")),
    (dt.date(2024, 1, 2), dt.date, prim("datetime { seconds: 1704153600 }")),
    (dt.date(1969, 12, 31), dt.date, prim("datetime { seconds: -86400 }")),
    (
        dt.timedelta(days=1, microseconds=5),
        dt.timedelta,
        prim("duration { seconds: 86400 nanos: 5000 }"),
    ),
    (-dt.timedelta(seconds=1.5), dt.timedelta, prim("duration { seconds: -1 nanos: -500000000 }")),
    (None, None, NONE),
    (None, type(None), NONE),
    ([], list[int], "collection { }"),
    ([1, 1], list[int], f"collection {{ literals {{ {INT1} }} literals {{ {INT1} }} }}"),
    ({}, dict[str, int], "map { }"),
    ({"a": 1}, dict[str, int], f'map {{ literals {{ key: "a" value {{ {INT1} }} }} }}'),
    (None, Optional[int], union(NONE, "simple: NONE", "none")),  # noqa: UP045 - a hint too
    (1, int | None, union(INT1, "simple: INTEGER", "int")),
    ("x", Union[int, str], union(prim('string_value: "x"'), "simple: STRING", "str")),  # noqa: UP007
    (
        [1],
        list[int] | None,
        union(
            f"collection {{ literals {{ {INT1} }} }}",
            "collection_type { simple: INTEGER }",
            "Typed List",
        ),
    ),
    (
        {"k": None},
        dict[str, int | None] | None,
        union(
            f'map {{ literals {{ key: "k" value {{ {union(NONE, "simple: NONE", "none")} }} }} }}',
            f"map_value_type {{ {OPTIONAL_INT} }}",
            "Typed Dict",
        ),
    ),
    (Color.GREEN, Color, prim('string_value: "green"')),
    (
        Color.RED,
        Color | None,
        union(
            prim('string_value: "red"'),
            'enum_type { values: "red" values: "green" }',
            "DefaultEnumTransformer",
        ),
    ),
    (Inner("a", 0.5), Inner, binary(INNER_A)),
    ({"a": [1, 2], "b": {"c": None}}, dict, binary(r"\202\241a\222\001\002\241b\201\241c\300")),
    (
        Inner("a", 2),
        Inner | None,
        union(binary(INNER_A2), "simple: STRUCT", "Object-Dataclass-Transformer"),
    ),
    (BlobRef("s3://b/k"), BlobRef, blob("s3://b/k")),
    (BlobRef("s3://b/k", "csv"), BlobRef, blob("s3://b/k", 'format: "csv"')),
    (BlobRef("s3://b/d", multipart=True), BlobRef, blob("s3://b/d", MULTIPART)),
    (
        BlobRef("s3://b/k", "csv"),
        BlobRef | None,
        union(blob("s3://b/k", 'format: "csv"'), 'blob { format: "csv" }', "FlyteFilePath"),
    ),
    (
        BlobRef("s3://b/d", multipart=True),
        BlobRef | None,
        union(blob("s3://b/d", MULTIPART), f"blob {{ {MULTIPART} }}", "FlyteDirectory"),
    ),
    (
        StructuredDatasetRef("s3://b/sd", "parquet"),
        StructuredDatasetRef,
        dataset("s3://b/sd", "parquet"),
    ),
    (
        StructuredDatasetRef("s3://b/sd"),
        StructuredDatasetRef | None,
        union(dataset("s3://b/sd"), "structured_dataset_type { }", "StructuredDataset Transformer"),
    ),
]


@pytest.mark.parametrize(("value", "hint", "text"), WIRE, ids=lambda x: repr(x)[:40])
def test_each_type_has_the_wire_form_the_sdks_write(value: object, hint: object, text: str) -> None:
    literal = to_literal(value, hint)

    assert literal == lit(text), one_line(literal)
    assert from_literal(lit(text), hint) == value


@pytest.mark.parametrize(
    ("value", "hint", "text"),
    [
        (Color.GREEN, Color, prim('string_value: "GREEN"')),
        (
            Color.RED,
            Color | None,
            union(
                prim('string_value: "RED"'),
                'enum_type { values: "RED" values: "GREEN" }',
                "DefaultEnumTransformer",
            ),
        ),
        (BlobRef("s3://b/k"), BlobRef | None, union(blob("s3://b/k"), "blob { }", "File")),
        (
            BlobRef("s3://b/d", multipart=True),
            BlobRef | None,
            union(blob("s3://b/d", MULTIPART), f"blob {{ {MULTIPART} }}", "Dir"),
        ),
        (
            StructuredDatasetRef("s3://b/sd"),
            StructuredDatasetRef | None,
            union(dataset("s3://b/sd"), "structured_dataset_type { }", "DataFrame Transformer"),
        ),
    ],
)
def test_the_flyte_2_sdk_form_names_enums_by_name_and_tags_data_its_own_way(
    value: object, hint: object, text: str
) -> None:
    literal = to_literal(value, hint, sdk="flyte")

    assert literal == lit(text), one_line(literal)
    assert from_literal(literal, hint, sdk="flyte") == value
    assert from_literal(literal, hint, sdk="flytekit") == value


def test_dataclass_fields_are_msgpack_values_as_the_sdks_write_them() -> None:
    record = Record(
        count=1,
        when=_WHEN,
        day=dt.date(2024, 1, 3),
        span=dt.timedelta(seconds=1.5),
        color=Color.GREEN,
        maybe=None,
        items=[0.5],
        table={"t": True},
        inner=Inner("i"),
    )

    binary = to_literal(record).scalar.binary

    assert binary.tag == "msgpack"
    assert msgpack.unpackb(binary.value) == {
        "count": 1,
        "when": "2024-01-02T01:04:05.678901+00:00",
        "day": "2024-01-03",
        "span": 1.5,
        "color": "green",
        "maybe": None,
        "items": [0.5],
        "table": {"t": True},
        "inner": {"label": "i", "weight": 1.0},
    }
    assert from_literal(to_literal(record), Record) == record


def test_attrs_class_travels_by_field_name_and_is_built_by_init_alias() -> None:
    point = Point(1, "p", ["a"], secret="z")  # noqa: S106 - a field name, no password

    literal = to_literal(point)

    assert msgpack.unpackb(literal.scalar.binary.value) == {
        "x": 1,
        "label": "p",
        "tags": ["a"],
        "_secret": "z",
    }
    assert from_literal(literal, Point) == point


def test_a_missing_field_with_a_default_takes_it_and_extra_fields_are_ignored() -> None:
    packed = msgpack.packb({"label": "only", "extra": [1, 2]})
    literal = core.Literal(scalar=core.Scalar(binary=core.Binary(value=packed, tag="msgpack")))

    assert from_literal(literal, Inner) == Inner("only", 1.0)


def test_a_naive_datetime_inside_a_dataclass_literal_reads_as_utc() -> None:
    packed = msgpack.packb({"count": 1, "when": "2024-01-02T03:04:05"})

    @dataclasses.dataclass
    class Stamp:
        count: int
        when: dt.datetime

    literal = core.Literal(scalar=core.Scalar(binary=core.Binary(value=packed, tag="msgpack")))

    assert from_literal(literal, Stamp).when == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


# ---- reading without a hint, and leniency --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("scalar { primitive { integer: 3 } }", 3),
        ("scalar { primitive { float_value: 0.5 } }", 0.5),
        ('scalar { primitive { string_value: "s" } }', "s"),
        ("scalar { primitive { boolean: false } }", False),
        (
            "scalar { primitive { datetime { seconds: 1704153600 } } }",
            dt.datetime(2024, 1, 2, tzinfo=dt.UTC),
        ),
        ("scalar { primitive { duration { seconds: 60 } } }", dt.timedelta(minutes=1)),
        ("scalar { none_type { } }", None),
        (
            "collection { literals { scalar { primitive { integer: 1 } } } literals { map { } } }",
            [1, {}],
        ),
        ('scalar { union { value { scalar { primitive { string_value: "u" } } } } }', "u"),
        ('scalar { blob { uri: "s3://b/k" } }', BlobRef("s3://b/k")),
        ('scalar { structured_dataset { uri: "s3://b/d" } }', StructuredDatasetRef("s3://b/d")),
        (r'scalar { binary { value: "\201\241a\001" tag: "msgpack" } }', {"a": 1}),
    ],
)
def test_without_a_hint_a_literal_reads_as_what_it_holds(text: str, expected: object) -> None:
    assert from_literal(lit(text)) == expected


def test_without_a_hint_a_value_encodes_by_its_own_type() -> None:
    values = {
        "i": 1,
        "f": 0.5,
        "s": "s",
        "b": True,
        "t": _WHEN,
        "d": dt.date(2024, 1, 1),
        "span": dt.timedelta(1),
        "n": None,
        "l": [1, "mixed", [None]],
        "m": {"k": 1.5},
        "e": Color.RED,
        "r": Inner("x"),
        "p": Point(1, "p"),
        "ref": BlobRef("s3://b/k"),
        "set": StructuredDatasetRef("s3://b/d"),
    }
    hints: dict[str, object] = {"d": dt.date, "e": Color, "r": Inner, "p": Point}

    decoded = from_literal_map(to_literal_map(values), hints)

    assert decoded == values
    assert list(decoded)[:4] == ["d", "e", "r", "p"]  # hinted names first, the rest by name
    assert list(decoded)[4:] == sorted(set(values) - set(hints))


def test_a_plain_literal_reads_where_a_union_is_declared_and_a_union_where_a_plain_one_is() -> None:
    assert from_literal(to_literal(5), int | None) == 5
    assert from_literal(to_literal(None), int | None) is None
    assert from_literal(to_literal(5, int | None), int) == 5
    assert from_literal(to_literal(["a"], list[str] | None), list[str]) == ["a"]


def test_a_union_tag_stays_on_the_union_and_off_the_types_inside_later_ones() -> None:
    to_literal(Color.RED, Color | None)

    stored = to_literal([Color.RED], list[Color] | None).scalar.union.type

    assert stored.structure.tag == "Typed List"
    assert not stored.collection_type.HasField("structure")


def test_a_typed_map_reads_as_an_untyped_dict() -> None:
    assert from_literal(to_literal({"a": [1]}, dict[str, list[int]]), dict) == {"a": [1]}


def test_a_union_without_a_tag_reads_as_the_variant_that_fits() -> None:
    literal = lit('scalar { union { value { scalar { primitive { string_value: "x" } } } } }')

    assert from_literal(literal, int | str) == "x"


def test_union_encoding_prefers_the_variant_of_the_values_own_type() -> None:
    as_int = to_literal(3, float | int)
    as_float = to_literal(3, float | str)

    assert as_int.scalar.union.type.structure.tag == "int"
    assert as_float.scalar.union.value.scalar.primitive.float_value == 3.0
    assert from_literal(as_int, float | int) == 3
    assert type(from_literal(as_int, float | int)) is int


@pytest.mark.parametrize("sdk", SDKS)
def test_an_enum_reads_in_either_sdks_form_this_sdks_first(sdk: SDK) -> None:
    def text(value: str) -> core.Literal:
        return core.Literal(scalar=core.Scalar(primitive=core.Primitive(string_value=value)))

    assert from_literal(text("green"), Color, sdk=sdk) is Color.GREEN
    assert from_literal(text("GREEN"), Color, sdk=sdk) is Color.GREEN
    first = Swapped.B if sdk == "flytekit" else Swapped.A  # "A" is B's value and A's name
    assert from_literal(text("A"), Swapped, sdk=sdk) is first
    assert from_literal(to_literal(Swapped.A, sdk=sdk), Swapped, sdk=sdk) is Swapped.A


def test_annotated_hints_read_as_their_type() -> None:
    from typing import Annotated  # noqa: PLC0415 - only this test needs it

    assert from_literal(to_literal(3, Annotated[int, "doc"]), Annotated[int, {"unhashable"}]) == 3


def test_decoding_drops_nanoseconds_below_a_microsecond_as_the_sdks_do() -> None:
    literal = lit("scalar { primitive { datetime { seconds: 0 nanos: 1999 } } }")
    span = lit("scalar { primitive { duration { seconds: -1 nanos: -1999 } } }")

    assert from_literal(literal, dt.datetime) == dt.datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=dt.UTC)
    assert from_literal(span, dt.timedelta) == -dt.timedelta(seconds=1, microseconds=1)


def test_references_carry_a_data_reference() -> None:
    ref = BlobRef("s3://b/k")

    assert type(ref.uri) is DataReference
    assert ref.uri.split() == ("s3", "b", "k")
    assert type(StructuredDatasetRef("s3://b/d").uri) is DataReference
    with pytest.raises(InvalidReferenceError):
        BlobRef("")


# ---- errors --------------------------------------------------------------------------------------


def _error(call: Callable[[], object]) -> LiteralConversionError:
    with pytest.raises(LiteralConversionError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(
    ("value", "hint", "reason"),
    [
        ("3", int, "cannot encode a str as an int"),
        (True, int, "cannot encode a bool as an int"),
        (2**63, int, "does not fit in 64 bits"),
        (True, float, "cannot encode a bool as a float"),
        (b"x", str, "cannot encode a bytes as a str"),
        (1, bool, "cannot encode an int as a bool"),
        (dt.datetime(2024, 1, 1), dt.datetime, "naive datetime"),  # noqa: DTZ001 - on purpose
        (dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))), dt.datetime, "outside"),
        (dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.date, "cannot encode a datetime as a date"),
        (dt.timedelta(days=4_000_000), dt.timedelta, "longer than a Duration"),
        (0, None, "cannot encode an int as None"),
        ("ab", list[str], "cannot encode a str as a list"),
        ({1: 2}, dict[str, int], "keys are str"),
        ([1.5], int | str, "no variant takes"),
        ("red", Color, "cannot encode a str as a Color"),
        (Inner("x"), Point, "cannot encode an Inner as a Point"),
        (object(), Any, "an object has no literal form"),
        ({1, 2}, None.__class__ | set, "no literal form"),
        ({"a": {1}}, dict, "an untyped dict holds None, bool"),
        ({1: 2}, dict, "an untyped dict's keys are str"),
        ([], dict, "cannot encode a list as a dict"),
        ("s3://b/k", BlobRef, "cannot encode a str as a BlobRef"),
    ],
    ids=lambda x: repr(x)[:30],
)
def test_a_value_that_does_not_fit_raises_naming_its_type(
    value: object, hint: object, reason: str
) -> None:
    error = _error(lambda: to_literal(value, hint))

    assert reason in error.reason
    assert isinstance(error, KozmoIOError)
    assert isinstance(error, TypeError)


@pytest.mark.parametrize(
    ("hint", "reason"),
    [
        (dict[int, str], "only dicts with str keys"),
        (set[int], "no literal form"),
        (enum.Enum("Numbers", {"ONE": 1}), "values are all strings"),
    ],
    ids=repr,
)
def test_a_hint_with_no_literal_form_raises(hint: object, reason: str) -> None:
    error = _error(lambda: from_literal(to_literal(1), hint))

    assert reason in error.reason


def test_errors_name_the_key_and_the_path_inside_the_value() -> None:
    nested = {"xs": [{"k": 1}, {"k": "two"}]}

    error = _error(lambda: to_literal_map(nested, {"xs": list[dict[str, int]]}))

    assert error.key == "xs[1]['k']"
    assert error.hint == "int"
    assert str(error) == "xs[1]['k'] (int): cannot encode a str as an int"


def test_errors_inside_a_dataclass_name_the_field() -> None:
    bad = Record(
        1, dt.datetime(2024, 1, 1), dt.date(2024, 1, 1), dt.timedelta(0), Color.RED, None, [],  # noqa: DTZ001 - on purpose
        {}, Inner("i"),
    )  # fmt: skip

    error = _error(lambda: to_literal_map({"r": bad}))

    assert error.key == "r.when"
    assert error.hint == "datetime"


def test_a_literal_of_another_type_raises_naming_what_it_holds() -> None:
    literal = to_literal_map({"xs": [1, 2]}, {"xs": list[int]})

    error = _error(lambda: from_literal_map(literal, {"xs": list[str]}))

    assert error.key == "xs[0]"
    assert str(error) == "xs[0] (str): expected a primitive string_value, found a primitive integer"


@pytest.mark.parametrize(
    ("text", "hint", "reason"),
    [
        ("scalar { primitive { integer: 1 } }", float, "found a primitive integer"),
        ("collection { }", dict[str, int], "expected a map, found collection"),
        ("map { }", list[int], "expected a collection, found map"),
        ("scalar { none_type { } }", int, "found a scalar none_type"),
        ('scalar { primitive { string_value: "blue" } }', Color, "neither a value nor a name"),
        ("scalar { primitive { datetime { seconds: 5 } } }", dt.date, "not a midnight"),
        (
            "scalar { primitive { datetime { seconds: 253402300800 } } }",
            dt.datetime,
            "out of range",
        ),
        (prim("duration { seconds: 315576000001 }"), dt.timedelta, "out of range"),
        ('scalar { binary { value: "x" tag: "json" } }', Inner, "found a binary tagged 'json'"),
        (r'scalar { binary { value: "\301" tag: "msgpack" } }', Inner, "do not decode"),
        (r'scalar { binary { value: "\001" tag: "msgpack" } }', Inner, "expected a map of fields"),
        (r'scalar { binary { value: "\200" tag: "msgpack" } }', Inner, "'label' is missing"),
        ('scalar { blob { uri: "" } }', BlobRef, "no uri"),
        ("scalar { structured_dataset { } }", StructuredDatasetRef, "no uri"),
        (
            (
                'scalar { union { value { scalar { none_type { } } } type { structure { tag: "str" '
                '} } } }'
            ),
            int | None,
            "variant 'str' is not one of",
        ),
        ("scalar { primitive { float_value: 1 } }", int | str, "no variant reads it"),
        ('offloaded_metadata { uri: "s3://b/o" }', int, "offloaded"),
        ("", Any, "an empty literal"),
        (r'scalar { binary { value: "\001" tag: "msgpack" } }', dict, "holds an int, not a map"),
        ("collection { }", dict, "expected a binary tagged 'msgpack' or a map"),
        ("scalar { primitive { } }", Any, "holds no value"),
        ('scalar { error { message: "m" } }', Any, "found a scalar error"),
    ],
    ids=lambda x: repr(x)[:30],
)  # fmt: skip
def test_a_literal_that_does_not_read_as_the_hint_raises(
    text: str, hint: object, reason: str
) -> None:
    error = _error(lambda: from_literal(lit(text), hint))

    assert reason in error.reason, error.reason


def test_a_map_must_hold_every_hinted_name_and_values_must_cover_every_hint() -> None:
    missing = _error(lambda: from_literal_map(core.LiteralMap(), {"a": int}))
    no_value = _error(lambda: to_literal_map({}, {"a": int}))

    assert (missing.key, missing.hint, missing.reason) == (
        "a",
        "int",
        "the map has no such literal",
    )
    assert (no_value.key, no_value.reason) == ("a", "no value was given")


def test_a_map_key_that_is_not_a_string_raises() -> None:
    error = _error(lambda: to_literal_map({1: 1}))  # type: ignore[dict-item]

    assert error.key == "1"


def test_an_unknown_sdk_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="sdk must be"):
        to_literal(1, sdk="flyte3")  # type: ignore[arg-type]


def test_the_error_pickles_with_its_fields() -> None:
    error = _error(lambda: to_literal("x", int))

    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes

    assert (again.key, again.hint, again.reason, str(again)) == (
        error.key,
        error.hint,
        error.reason,
        str(error),
    )


# ---- every supported type reads back as the value written ----------------------------------------

_ZONES = st.builds(
    dt.timezone,
    st.timedeltas(min_value=-dt.timedelta(hours=23), max_value=dt.timedelta(hours=23)).map(
        lambda d: dt.timedelta(minutes=d // dt.timedelta(minutes=1))
    ),
)
_DATETIMES = st.datetimes(
    min_value=dt.datetime(2, 1, 1),  # noqa: DTZ001 - hypothesis adds the zone
    max_value=dt.datetime(9998, 12, 31),  # noqa: DTZ001 - hypothesis adds the zone
    timezones=_ZONES,
)
_LIMIT = dt.timedelta(seconds=315_576_000_000)
_TIMEDELTAS = st.timedeltas(min_value=-_LIMIT, max_value=_LIMIT)
# Inside a dataclass a timedelta is float seconds: exact to the microsecond within ~140 years.
_FIELD_TIMEDELTAS = st.timedeltas(
    min_value=-dt.timedelta(days=50_000), max_value=dt.timedelta(days=50_000)
)
_TEXT = st.text()
_FLOATS = st.floats(allow_nan=False)
_INTS = st.integers(min_value=-(2**63), max_value=2**63 - 1)
_JSON = st.recursive(
    st.none() | st.booleans() | _INTS | _FLOATS | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)

_Pair = tuple[object, st.SearchStrategy[Any]]

_BASE: list[_Pair] = [
    (int, _INTS),
    (float, _FLOATS),
    (str, _TEXT),
    (bool, st.booleans()),
    (dt.datetime, _DATETIMES),
    (dt.date, st.dates()),
    (dt.timedelta, _TIMEDELTAS),
    (type(None), st.none()),
    (Color, st.sampled_from(Color)),
    (
        BlobRef,
        st.builds(BlobRef, _TEXT.filter(bool), st.sampled_from(["", "csv"]), st.booleans()),
    ),
    (StructuredDatasetRef, st.builds(StructuredDatasetRef, _TEXT.filter(bool), _TEXT)),
    (
        Record,
        st.builds(
            Record,
            count=_INTS,
            when=_DATETIMES,
            day=st.dates(),
            span=_FIELD_TIMEDELTAS,
            color=st.sampled_from(Color),
            maybe=st.none() | _INTS,
            items=st.lists(_FLOATS),
            table=st.dictionaries(_TEXT, st.booleans()),
            inner=st.builds(Inner, _TEXT, _FLOATS),
        ),
    ),
    (Point, st.builds(Point, _INTS, _TEXT, st.lists(_TEXT), secret=_TEXT)),
    (dict, st.dictionaries(_TEXT, _JSON, max_size=4)),
]


def _extend(inner: st.SearchStrategy[_Pair]) -> st.SearchStrategy[_Pair]:
    def as_list(pair: _Pair) -> _Pair:
        return types.GenericAlias(list, (pair[0],)), st.lists(pair[1], max_size=4)

    def as_dict(pair: _Pair) -> _Pair:
        hint = types.GenericAlias(dict, (str, pair[0]))
        return hint, st.dictionaries(_TEXT, pair[1], max_size=4)

    def as_optional(pair: _Pair) -> _Pair:
        hint: Any = pair[0]  # a class, a generic alias or a union: each has `|`
        return hint | None, st.none() | pair[1]

    return inner.map(as_list) | inner.map(as_dict) | inner.map(as_optional)


_HINTS_AND_VALUES = st.recursive(st.sampled_from(_BASE), _extend, max_leaves=4)


@settings(max_examples=400)
@given(data=st.data(), sdk=st.sampled_from(SDKS))
def test_every_supported_type_reads_back_as_the_value_written(
    data: st.DataObject, sdk: SDK
) -> None:
    hint, values = data.draw(_HINTS_AND_VALUES, label="hint")
    value = data.draw(values, label="value")

    assert from_literal(to_literal(value, hint, sdk=sdk), hint, sdk=sdk) == value


@settings(max_examples=200)
@given(
    value=st.one_of(_INTS, _TEXT, st.booleans(), _FLOATS, st.none()),
    sdk=st.sampled_from(SDKS),
)
def test_a_union_of_primitives_reads_back_as_the_value_and_its_type(
    value: object, sdk: SDK
) -> None:
    hint = int | str | bool | float | None

    back = from_literal(to_literal(value, hint, sdk=sdk), hint, sdk=sdk)

    assert back == value
    assert type(back) is type(value)


@settings(max_examples=200)
@given(value=_DATETIMES)
def test_a_datetime_reads_back_as_the_same_instant_in_utc(value: dt.datetime) -> None:
    back = from_literal(to_literal(value), dt.datetime)

    assert back == value
    assert back.tzinfo is dt.UTC


def test_the_module_imports_only_the_layers_below_it() -> None:
    import ast  # noqa: PLC0415 - only this test reads source
    import inspect  # noqa: PLC0415 - only this test reads source

    import kozmo_io.literals  # noqa: PLC0415 - the module under test, by name

    tree = ast.parse(inspect.getsource(kozmo_io.literals))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kozmo_io"):
            imported |= {
                node.module if node.module != "kozmo_io" else f"kozmo_io.{alias.name}"
                for alias in node.names
            }
        elif isinstance(node, ast.Import):
            imported |= {a.name for a in node.names if a.name.startswith("kozmo_io")}

    assert imported == {"kozmo_io.core", "kozmo_io.errors", "kozmo_io.reference"}
