"""The exception tree: builtin co-inheritance, messages, and pickling that keeps every field."""

from __future__ import annotations

import pickle

import pytest

from kozmo_io.conformance import check
from kozmo_io.errors import (
    ConformanceError,
    CorruptDataError,
    DuplicateNameError,
    InvalidArgumentError,
    InvalidReferenceError,
    KozmoIOError,
    LiteralConversionError,
    NotFoundError,
    NothingToWriteError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.protocols import InputFilePaths

REPORT = check(int, InputFilePaths)

# Each error as raised, its message, the builtin it also is, and the fields it carries.
CASES: list[tuple[KozmoIOError, str, type[Exception], dict[str, object]]] = [
    (
        NotFoundError("s3://b/k"),
        "not found: s3://b/k",
        FileNotFoundError,
        {"path": "s3://b/k"},
    ),
    (
        PayloadTooLargeError("s3://b/k", 10, 4),
        "s3://b/k is too large: 10 bytes, max allowed 4 bytes (raise max_payload_bytes to read it)",
        ValueError,
        {"path": "s3://b/k", "size": 10, "limit": 4},
    ),
    (CorruptDataError("bad bytes"), "bad bytes", ValueError, {}),
    (InvalidArgumentError("a limit of 0"), "a limit of 0", ValueError, {}),
    (InvalidReferenceError("escapes"), "escapes", ValueError, {}),
    (NothingToWriteError("empty"), "empty", ValueError, {}),
    (
        LiteralConversionError("xs[3]", "int", "not an int"),
        "xs[3] (int): not an int",
        TypeError,
        {"key": "xs[3]", "hint": "int", "reason": "not an int"},
    ),
    (
        LiteralConversionError("[0].when", "datetime", "naive"),
        "value[0].when (datetime): naive",
        TypeError,
        {"key": "[0].when", "hint": "datetime", "reason": "naive"},
    ),
    (
        LiteralConversionError("", "str", "bytes given"),
        "value (str): bytes given",
        TypeError,
        {"key": "", "hint": "str", "reason": "bytes given"},
    ),
    (
        DuplicateNameError(["a", "b"]),
        "literal names given more than once: 'a', 'b'; nothing was written",
        ValueError,
        {"names": ("a", "b"), "in_context": False},
    ),
    (
        DuplicateNameError(["k"], in_context=True),
        "context keys given more than once: 'k'; nothing was written",
        ValueError,
        {"names": ("k",), "in_context": True},
    ),
    (StorageError("put s3://b/k failed"), "put s3://b/k failed", OSError, {}),
    (
        ConformanceError(str(REPORT), problems=REPORT.problems, report=REPORT),
        str(REPORT),
        AssertionError,
        {"problems": REPORT.problems, "report": REPORT},
    ),
]


@pytest.mark.parametrize(("error", "message", "builtin", "fields"), CASES)
def test_each_error_is_a_kozmo_error_and_its_builtin_with_its_message_and_fields(
    error: KozmoIOError, message: str, builtin: type[Exception], fields: dict[str, object]
) -> None:
    assert isinstance(error, KozmoIOError)
    assert isinstance(error, builtin)
    assert str(error) == message
    assert {name: getattr(error, name) for name in fields} == fields


@pytest.mark.parametrize(("error", "message", "builtin", "fields"), CASES)
def test_each_error_pickles_with_its_type_message_and_fields(
    error: KozmoIOError, message: str, builtin: type[Exception], fields: dict[str, object]
) -> None:
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(again) is type(error)
    assert isinstance(again, builtin)
    assert str(again) == message
    assert {name: getattr(again, name) for name in fields} == fields


def test_not_found_renders_without_errno_formatting() -> None:
    error = NotFoundError("file:///tmp/x")
    assert "[Errno" not in str(error)
    assert error.errno is None


def test_storage_error_renders_its_message_not_a_tuple() -> None:
    error = StorageError("list failed")
    assert str(error) == "list failed"
    assert str(StorageError()) == ""


def test_conformance_error_defaults_to_no_problems_and_no_report() -> None:
    error = ConformanceError("does not conform")
    assert (error.problems, error.report) == ((), None)
