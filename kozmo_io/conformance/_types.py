"""A small, lenient assignability check for resolved return annotations, and their display.

It covers the forms protocol return types use: classes (with ``issubclass``, so a ``str`` subclass
such as ``DataReference`` is assignable to itself but ``str`` is not assignable to it), ``None``,
``Any``, unions (``X | None``, ``Union``), ``Literal``, ``tuple[...]`` and other generic aliases (by
origin, then arguments covariantly). A form it does not understand (type variables, ``Self``,
callables' parameters, protocols that ``issubclass`` refuses) counts as assignable: the runtime
layer must not fail a class mypy would accept; the static layer is the precise one.
"""

from __future__ import annotations

import collections.abc
import types
import typing
from typing import Any

import typing_extensions

__all__ = ("is_assignable", "type_repr")

_NONE_TYPE = type(None)
_TOP: tuple[object, ...] = (Any, object)
_BOTTOM: tuple[object, ...] = (typing.NoReturn, typing_extensions.Never)
# PEP 484's numeric tower: an int is acceptable where a float or complex is expected.
_CALLABLE: object = collections.abc.Callable
_PROMOTIONS: dict[type, tuple[type, ...]] = {int: (float, complex), float: (complex,)}


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


def _is_opaque(tp: object) -> bool:
    """Tell whether ``tp`` is a form this module does not judge (treated as assignable)."""
    return isinstance(
        tp, typing.TypeVar | typing.ParamSpec | typing_extensions.TypeVarTuple
    ) or tp in (typing_extensions.Self, typing.Self)


def _tuple_assignable(found_args: tuple[object, ...], expected_args: tuple[object, ...]) -> bool:
    if not found_args:  # a bare tuple: its items are unknown
        return True
    if len(expected_args) == 2 and expected_args[1] is Ellipsis:  # noqa: PLR2004 - tuple[X, ...]
        items = found_args[:1] if found_args[-1] is Ellipsis else found_args
        return all(is_assignable(item, expected_args[0]) for item in items)
    if found_args[-1] is Ellipsis or len(found_args) != len(expected_args):
        return False
    return all(is_assignable(f, e) for f, e in zip(found_args, expected_args, strict=True))


def _literal_assignable(found: object, expected: object) -> bool | None:
    """Judge ``Literal`` forms; ``None`` when neither side is a ``Literal``."""
    found_literal = typing_extensions.get_origin(found) is typing_extensions.Literal
    expected_literal = typing_extensions.get_origin(expected) is typing_extensions.Literal
    if expected_literal:
        return found_literal and set(typing_extensions.get_args(found)) <= set(
            typing_extensions.get_args(expected)
        )
    if found_literal:
        return all(is_assignable(type(v), expected) for v in typing_extensions.get_args(found))
    return None


def _class_assignable(found: type, expected: type) -> bool | None:
    """``issubclass`` with the numeric promotions; ``None`` when ``issubclass`` refuses the pair."""
    if any(issubclass(found, k) and expected in v for k, v in _PROMOTIONS.items()):
        return True
    try:
        return issubclass(found, expected)
    except TypeError:  # a protocol that is not runtime-checkable, or has data members
        return None


def _trivially_assignable(found: object, expected: object) -> bool:
    return (
        expected in _TOP
        or found is Any
        or found in _BOTTOM
        or _is_opaque(found)
        or _is_opaque(expected)
    )


def _generic_assignable(found: object, expected: object) -> bool:
    """Judge classes and generic aliases: origin by ``issubclass``, then arguments covariantly."""
    found_origin = typing_extensions.get_origin(found) or found
    expected_origin = typing_extensions.get_origin(expected) or expected
    if not isinstance(found_origin, type) or not isinstance(expected_origin, type):
        return True
    verdict = _class_assignable(found_origin, expected_origin)
    if not verdict:
        return verdict is None
    found_args = typing_extensions.get_args(found)
    expected_args = typing_extensions.get_args(expected)
    if not expected_args or expected_origin is _CALLABLE:
        return True
    if issubclass(expected_origin, tuple):
        return _tuple_assignable(found_args, expected_args)
    return len(found_args) != len(expected_args) or all(
        is_assignable(f, e) for f, e in zip(found_args, expected_args, strict=True)
    )


def is_assignable(found: object, expected: object) -> bool:
    """Tell whether a value of type ``found`` may be returned where ``expected`` is declared.

    Args:
        found: The implementation's resolved return annotation.
        expected: The protocol's resolved return annotation.

    Returns:
        False only when the annotations certainly disagree.
    """
    found, expected = _normalise(found), _normalise(expected)
    if _trivially_assignable(found, expected):
        return True
    members = _union_members(found)
    if members is not None:
        return all(is_assignable(m, expected) for m in members)
    members = _union_members(expected)
    if members is not None:
        return any(is_assignable(found, m) for m in members)
    literal = _literal_assignable(found, expected)
    return _generic_assignable(found, expected) if literal is None else literal


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
