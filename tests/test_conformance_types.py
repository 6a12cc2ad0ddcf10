from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, Literal, NewType, NoReturn, Optional, Self, TypeVar, Union

import pytest

from kozmo_io.conformance._signature import drop_self, format_signature, signature_mismatches
from kozmo_io.conformance._types import assignable, is_assignable, type_repr
from kozmo_io.core import LiteralMap
from kozmo_io.execution_error import ExecutionError
from kozmo_io.reference import DataReference

T = TypeVar("T")
UserId = NewType("UserId", int)


class Base:
    pass


class Derived(Base):
    pass


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        (DataReference, DataReference),
        (DataReference, DataReference | None),
        (None, DataReference | None),
        (LiteralMap, LiteralMap | None),
        (LiteralMap | None, Optional[LiteralMap]),  # noqa: UP045 - the old spelling is the case
        (Derived, Base),
        (Union[Derived, None], Base | None),  # noqa: UP007 - the old spelling is the case
        (bool, int),
        (int, float),
        (int, complex),
        (Any, int),
        (int, Any),
        (int, object),
        (NoReturn, int),
        (UserId, int),
        (Annotated[int, "meta"], int),
        (Literal["a", "b"], str),
        (Literal["a"], Literal["a", "b"]),
        (tuple[LiteralMap, None], tuple[LiteralMap | None, ExecutionError | None]),
        (tuple[int, int], tuple[int, ...]),
        (tuple[int, ...], tuple[int, ...]),
        (list[Derived], Sequence[Base]),
        (list[int], Iterable[int]),
        (dict[str, int], dict[str, int]),
        (Callable[[object], bool], Callable[[str], int]),
        (Callable[..., str], Callable[[str], str]),
    ],
)
def test_assignable_pairs(found: object, expected: object) -> None:
    assert is_assignable(found, expected)


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        (dict, LiteralMap | None),
        (dict[str, Any], LiteralMap | None),
        (str, DataReference),
        (DataReference | None, DataReference),
        (None, LiteralMap),
        (Base, Derived),
        (float, int),
        (int | str, int),
        (Literal["c"], Literal["a", "b"]),
        (str, Literal["a"]),
        (Literal[1], str),
        (tuple[LiteralMap, str], tuple[LiteralMap | None, ExecutionError | None]),
        (tuple[int], tuple[int, int]),
        (tuple[int, ...], tuple[int, int]),
        (tuple[str, ...], tuple[int, ...]),
        (list[str], Sequence[int]),
        (list[int], dict[str, int]),
        (list[bool], list[int]),
        (Callable[[int], str], Callable[[str], str]),
        (Callable[[str], str], Callable[[str], int]),
        (Callable[[str], str], Callable[[str, str], str]),
    ],
)
def test_unassignable_pairs(found: object, expected: object) -> None:
    assert not is_assignable(found, expected)


B = TypeVar("B", bound=Base)
C = TypeVar("C", Derived, Base)


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        (T, int),
        (B, Derived),
        (tuple, tuple[int, str]),
        (Self, Base),
        (Callable[[int], T], Callable[[int], int]),
    ],
)
def test_pairs_the_runtime_cannot_judge(found: object, expected: object) -> None:
    assert assignable(found, expected) is None
    assert not is_assignable(found, expected)


@pytest.mark.parametrize(
    ("found", "expected"), [(B, Base), (C, Base), (T, object), (int, T), (bool, int)]
)
def test_type_variables_by_bound_or_constraints(found: object, expected: object) -> None:
    assert assignable(found, expected) is True


def test_constrained_type_variable_with_a_misfit_fails() -> None:
    assert assignable(C, Derived) is False
    assert assignable(TypeVar("S", str, bytes), int) is False


@pytest.mark.parametrize(
    ("annotation", "text"),
    [
        (None, "None"),
        (type(None), "None"),
        (LiteralMap | None, "LiteralMap | None"),
        (
            tuple[LiteralMap | None, ExecutionError | None],
            "tuple[LiteralMap | None, ExecutionError | None]",
        ),
        (tuple[int, ...], "tuple[int, ...]"),
        (Literal["a", 1], "Literal['a', 1]"),
        (Callable[[int], str], "Callable[[int], str]"),
        (Any, "Any"),
        (dict[str, list[int]], "dict[str, list[int]]"),
    ],
)
def test_type_repr_writes_annotations_as_in_source(annotation: object, text: str) -> None:
    assert type_repr(annotation) == text


def test_format_signature_shows_string_annotations_unquoted() -> None:
    async def get(self: object, key: str, /, *, limit: int = 3) -> LiteralMap | None: ...

    text = format_signature("get", inspect.signature(get), is_async=True)
    assert (
        text == "async def get(self: object, key: str, /, *, limit: int = 3) -> LiteralMap | None"
    )


def test_drop_self_keeps_star_args_and_refuses_no_parameters() -> None:
    def method(self: object, x: int) -> None: ...
    def star(*args: object) -> None: ...
    def bare() -> None: ...

    assert list(drop_self(inspect.signature(method)).parameters) == ["x"]  # type: ignore[union-attr]
    assert drop_self(inspect.signature(star)) == inspect.signature(star)
    assert drop_self(inspect.signature(bare)) is None


def _sig(func: Callable[..., object]) -> inspect.Signature:
    return inspect.signature(func)


def test_signature_mismatches_for_var_positional_and_var_keyword() -> None:
    def protocol(*args: int, **kwargs: int) -> None: ...
    def narrow(a: int) -> None: ...
    def wide(*items: int, **options: int) -> None: ...

    assert signature_mismatches(_sig(protocol), _sig(narrow)) == [
        "does not accept *args (any number of positional arguments)",
        "does not accept **kwargs (arbitrary keyword arguments)",
        "extra parameter 'a' has no default",
    ]
    assert signature_mismatches(_sig(protocol), _sig(wide)) == []


def test_signature_mismatches_for_keyword_only_and_position() -> None:
    def protocol(a: int, b: int, *, c: int) -> None: ...
    def swapped(b: int, a: int, *, c: int) -> None: ...
    def no_c(a: int, b: int) -> None: ...

    assert signature_mismatches(_sig(protocol), _sig(swapped)) == [
        "parameter 'a' is at a different position than in the protocol",
        "parameter 'b' is at a different position than in the protocol",
    ]
    assert signature_mismatches(_sig(protocol), _sig(no_c)) == [
        "does not accept keyword argument 'c'"
    ]
