# mypy: disable-error-code="import-not-found"
"""The Python values the interop tasks expect and return, and their checks, for both SDKs' tasks.

Imported only by the interop virtualenvs' Python: ``flytekit_literal_tasks.py`` and
``flyte2_literal_tasks.py`` declare their tasks with these types and compare what they receive
with these values; the tests hold the same values in kozmo_io's terms.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping


class Color(enum.Enum):
    """A str-valued enum whose names and values differ, so the SDKs' two forms differ."""

    RED = "red"
    GREEN = "green"


@dataclasses.dataclass
class Inner:
    label: str
    weight: float


@dataclasses.dataclass
class Record:
    count: int
    ratio: float
    name: str
    flag: bool
    when: dt.datetime
    day: dt.date
    span: dt.timedelta
    color: Color
    maybe: int | None
    missing: str | None
    items: list[float]
    table: dict[str, int]
    inner: Inner


INT = -(2**62) + 7
FLOAT = 2.5e-3
STR = "héllo, wörld ✓"
BOOL = True
DATETIME = dt.datetime(2024, 5, 1, 12, 30, 45, 123456, tzinfo=dt.UTC)
DATE = dt.date(2024, 2, 29)
TIMEDELTA = dt.timedelta(days=2, seconds=5, microseconds=7)
LIST = [3, 1, 2]
DICT = {"a": 1.5, "b": -2.0}
OPTIONAL_SOME = 7
UNION = "seven"
NESTED: list[list[int | None]] = [[1, None], [], [None]]
ENUM = Color.GREEN
UNTYPED = {"a": [1, 2.5, "x"], "b": {"c": None, "d": True}}
RECORD = Record(
    count=3,
    ratio=0.25,
    name="r",
    flag=False,
    when=dt.datetime(2023, 1, 2, 3, 4, 5, 600000, tzinfo=dt.UTC),
    day=dt.date(1999, 12, 31),
    span=dt.timedelta(seconds=90, microseconds=500000),
    color=Color.RED,
    maybe=5,
    missing=None,
    items=[0.5, 1.5],
    table={"x": 1, "y": 2},
    inner=Inner(label="in", weight=2.0),
)
FILE_TEXT = "a file written for the interop test\n"
DIR_FILES = {"a.txt": "first\n", "b.txt": "second\n"}
DATASET_URI = "s3://interop-bucket/datasets/frame"
DATASET_FORMAT = "parquet"

# The inputs every echo task checks (the files, folder and dataset are checked per SDK), by name
# and in declaration order; without a_none they are also the first outputs, in that order.
EXPECTED: dict[str, object] = {
    "a_int": INT,
    "a_float": FLOAT,
    "a_str": STR,
    "a_bool": BOOL,
    "a_datetime": DATETIME,
    "a_date": DATE,
    "a_timedelta": TIMEDELTA,
    "a_none": None,
    "a_list": LIST,
    "a_dict": DICT,
    "a_optional_some": OPTIONAL_SOME,
    "a_optional_none": None,
    "a_union": UNION,
    "a_nested": NESTED,
    "a_enum": ENUM,
    "a_dataclass": RECORD,
    "a_attrs": RECORD,
    "a_untyped": UNTYPED,
}
OUTPUTS = tuple(name for name in EXPECTED if name != "a_none")


def check(name: str, got: object, expected: object) -> None:
    """Fail the task when ``got`` is not ``expected``."""
    if got != expected:
        msg = f"{name}: got {got!r}, expected {expected!r}"
        raise AssertionError(msg)


def check_inputs(got: Mapping[str, object]) -> tuple[object, ...]:
    """Check the inputs of :data:`EXPECTED` in ``got``; return them as the first outputs."""
    for name, value in EXPECTED.items():
        check(name, got[name], value)
    check("a_union type", type(got["a_union"]), str)
    return tuple(got[name] for name in OUTPUTS)


def made() -> tuple[object, ...]:
    """The first outputs of a make task: the values of :data:`EXPECTED`."""
    return tuple(EXPECTED[name] for name in OUTPUTS)
