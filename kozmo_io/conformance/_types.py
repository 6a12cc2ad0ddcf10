"""Assignability of resolved annotations, with three answers, and their display.

It covers the forms protocol members use: classes (with ``issubclass``, so a ``str`` subclass
such as ``DataReference`` is assignable to itself but ``str`` is not assignable to it), ``None``,
``Any``, unions (``X | None``, ``Union``), ``Literal``, ``tuple[...]``, ``Callable[[...], R]``
and other generic aliases (by origin, then arguments: covariantly, invariantly for mutable
containers). A
form it cannot judge (an unbound type variable, ``Self``, a protocol ``issubclass`` refuses, a
forward reference) gives ``None``, "cannot tell": the runtime layer neither passes nor fails what
it cannot see.
"""

from __future__ import annotations

import collections.abc
import types
import typing
from typing import Any

import typing_extensions

__all__ = ("assignable", "is_assignable", "type_repr")

_NONE_TYPE = type(None)
_TOP: tuple[object, ...] = (Any, object)
_BOTTOM: tuple[object, ...] = (typing.NoReturn, typing_extensions.Never)
_CALLABLE: object = collections.abc.Callable
# PEP 484's numeric tower: an int is acceptable where a float or complex is expected.
_PROMOTIONS: dict[type, tuple[type, ...]] = {int: (float, complex), float: (complex,)}
# Containers a callee may write to: their arguments must match both ways (mypy: invariant).
_INVARIANT: tuple[type, ...] = (
    list,
    dict,
    set,
    collections.abc.MutableSequence,
    collections.abc.MutableMapping,
    collections.abc.MutableSet,
)


def _normalise(tp: object) -> object:
    """Map ``None`` to ``NoneType`` and strip ``Annotated``, ``NewType`` and type alias wrappers."""
    while True:
        if tp is None:
            return _NONE_TYPE
        if typing_extensions.get_origin(tp) is typing_extensions.Annotated:
            tp = typing_extensions.get_args(tp)[0]
        elif isinstance(tp, typing.NewType):
            tp = tp.__supertype__
        elif isinstance(tp, typing_extensions.TypeAliasType):
            tp = tp.__value__
        else:
            return tp


def _union_members(tp: object) -> tuple[object, ...] | None:
    origin = typing_extensions.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return typing_extensions.get_args(tp)
    return None


def _equal(found: object, expected: object) -> bool:
    """Tell whether two annotations are equal (``X | None`` evaluated twice is two objects)."""
    try:
        return bool(found == expected)
    except Exception:  # noqa: BLE001 - an annotation object with a strange __eq__: not equal
        return False


def _all(answers: typing.Iterable[bool | None]) -> bool | None:
    """Three-valued AND: False if any is False, else None if any is None, else True."""
    result: bool | None = True
    for answer in answers:
        if answer is False:
            return False
        if answer is None:
            result = None
    return result


def _any(answers: typing.Iterable[bool | None]) -> bool | None:
    """Three-valued OR: True if any is True, else None if any is None, else False."""
    result: bool | None = False
    for answer in answers:
        if answer is True:
            return True
        if answer is None:
            result = None
    return result


def _type_var(found: object, expected: object) -> bool | None:
    """Judge a type variable returned by the implementation by its bound or constraints."""
    constraints = getattr(found, "__constraints__", ())
    if constraints:
        return _all(assignable(c, expected) for c in constraints)
    bound = getattr(found, "__bound__", None)
    if bound is not None and assignable(bound, expected) is True:
        return True
    return None  # whatever the caller binds it to: unknown here


def _tuple_assignable(
    found_args: tuple[object, ...], expected_args: tuple[object, ...]
) -> bool | None:
    if not found_args:  # a bare tuple: its items are unknown
        return None
    if len(expected_args) == 2 and expected_args[1] is Ellipsis:  # noqa: PLR2004 - tuple[X, ...]
        items = found_args[:1] if found_args[-1] is Ellipsis else found_args
        return _all(assignable(item, expected_args[0]) for item in items)
    if found_args[-1] is Ellipsis or len(found_args) != len(expected_args):
        return False
    return _all(assignable(f, e) for f, e in zip(found_args, expected_args, strict=True))


def _callable_assignable(
    found_args: tuple[object, ...], expected_args: tuple[object, ...]
) -> bool | None:
    """``Callable[[A...], R]`` to ``Callable[[B...], S]``: parameters contravariant, return not."""
    if not found_args or not expected_args:
        return True
    found_params, found_return = found_args[0], found_args[-1]
    expected_params, expected_return = expected_args[0], expected_args[-1]
    returns = assignable(found_return, expected_return)
    if found_params is Ellipsis or expected_params is Ellipsis:
        return returns
    if not isinstance(found_params, list | tuple) or not isinstance(expected_params, list | tuple):
        return _all((returns, None))  # a ParamSpec or Concatenate: not judged here
    if len(found_params) != len(expected_params):
        return False
    params = (assignable(e, f) for f, e in zip(found_params, expected_params, strict=True))
    return _all((returns, *params))


def _literal_assignable(found: object, expected: object) -> bool | None:
    """Judge ``Literal`` forms."""
    if typing_extensions.get_origin(expected) is typing_extensions.Literal:
        found_literal = typing_extensions.get_origin(found) is typing_extensions.Literal
        return found_literal and set(typing_extensions.get_args(found)) <= set(
            typing_extensions.get_args(expected)
        )
    return _all(assignable(type(v), expected) for v in typing_extensions.get_args(found))


def _class_assignable(found: type, expected: type) -> bool | None:
    """``issubclass`` with the numeric promotions; ``None`` when ``issubclass`` refuses the pair."""
    if any(issubclass(found, k) and expected in v for k, v in _PROMOTIONS.items()):
        return True
    try:
        return issubclass(found, expected)
    except TypeError:  # a protocol that is not runtime-checkable, or has data members
        return None


def _generic_assignable(found: object, expected: object) -> bool | None:  # noqa: PLR0911 - one answer per form
    """Judge classes and generic aliases: origin by ``issubclass``, then the arguments."""
    found_origin = typing_extensions.get_origin(found) or found
    expected_origin = typing_extensions.get_origin(expected) or expected
    if not isinstance(found_origin, type) or not isinstance(expected_origin, type):
        return None
    verdict = _class_assignable(found_origin, expected_origin)
    if not verdict:
        return verdict
    found_args = typing_extensions.get_args(found)
    expected_args = typing_extensions.get_args(expected)
    if not expected_args:
        return True
    if expected_origin is _CALLABLE:
        return _callable_assignable(found_args, expected_args) if found_args else None
    if issubclass(expected_origin, tuple):
        return _tuple_assignable(found_args, expected_args)
    if len(found_args) != len(expected_args):
        return None  # a subclass re-parameterised: the mapping of arguments is not known here
    pairs = zip(found_args, expected_args, strict=True)
    if issubclass(expected_origin, _INVARIANT):
        return _all(_all((assignable(f, e), assignable(e, f))) for f, e in pairs)
    return _all(assignable(f, e) for f, e in pairs)


def assignable(found: object, expected: object) -> bool | None:  # noqa: C901, PLR0911 - one answer per form of type
    """Tell whether a value of type ``found`` may be used where ``expected`` is declared.

    Args:
        found: A resolved annotation (the implementation's return, or the protocol's parameter).
        expected: The resolved annotation it must fit.

    Returns:
        True when it certainly fits, False when it certainly does not, None when this module
        cannot tell (a type variable without a fitting bound, ``Self``, a forward reference).
    """
    if found is expected or expected in _TOP or found is Any or _equal(found, expected):
        return True
    if isinstance(found, type) and isinstance(expected, type):  # plain classes: the common case
        verdict = _class_assignable(found, expected)
        if verdict is not None:
            return verdict
    found, expected = _normalise(found), _normalise(expected)
    if expected in _TOP or found is Any or found in _BOTTOM or found is expected:
        return True
    if isinstance(expected, typing.TypeVar | typing.ParamSpecArgs | typing.ParamSpecKwargs):
        return True  # a free parameter of a generic protocol (or *args: P.args): any type binds it
    if isinstance(found, typing.TypeVar):
        return _type_var(found, expected)
    if found in (typing_extensions.Self, typing.Self) or expected in (
        typing_extensions.Self,
        typing.Self,
    ):
        return None
    members = _union_members(found)
    if members is not None:
        return _all(assignable(m, expected) for m in members)
    members = _union_members(expected)
    if members is not None:
        return _any(assignable(found, m) for m in members)
    if typing_extensions.get_origin(found) is typing_extensions.Literal or (
        typing_extensions.get_origin(expected) is typing_extensions.Literal
    ):
        return _literal_assignable(found, expected)
    return _generic_assignable(found, expected)


def is_assignable(found: object, expected: object) -> bool:
    """Tell whether ``found`` certainly fits ``expected`` (:func:`assignable` is True).

    Args:
        found: A resolved annotation.
        expected: The resolved annotation it must fit.

    Returns:
        True only when it certainly fits.
    """
    return assignable(found, expected) is True


def _plain_repr(tp: object) -> str:
    origin = typing_extensions.get_origin(tp)
    args = typing_extensions.get_args(tp)
    if origin is typing_extensions.Literal:
        return f"Literal[{', '.join(repr(a) for a in args)}]"
    if origin is not None and args:
        return f"{type_repr(origin)}[{', '.join(type_repr(a) for a in args)}]"
    if isinstance(tp, type):
        return tp.__qualname__
    return repr(tp).replace("typing_extensions.", "").replace("typing.", "")


def type_repr(tp: object) -> str:
    """Render a resolved annotation the way it is written in source (``LiteralMap | None``).

    Args:
        tp: The annotation.

    Returns:
        Its short textual form.
    """
    if tp is None or tp is _NONE_TYPE:
        return "None"
    if tp is Ellipsis:
        return "..."
    if isinstance(tp, list):  # the parameter list of Callable[[...], R]
        return "[" + ", ".join(type_repr(t) for t in tp) + "]"
    members = _union_members(tp)
    if members is not None:
        return " | ".join(type_repr(m) for m in members)
    return _plain_repr(tp)
