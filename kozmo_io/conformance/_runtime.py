"""Runtime conformance: judge a class or an instance against a protocol by introspection.

Unlike ``isinstance`` on a runtime-checkable protocol (which only looks for names), every member is
checked for presence, ``None``, callability, ``async def`` versus ``def``, call compatibility of the
signature and, where both annotations resolve, assignability of the return type. Every problem is
reported at once.
"""

from __future__ import annotations

import collections.abc
import functools
import inspect
import reprlib
import sys
import types
import typing
from collections.abc import Callable

import attrs
import typing_extensions

from kozmo_io.conformance._report import ConformanceReport, Problem
from kozmo_io.conformance._signature import drop_self, format_signature, signature_mismatches
from kozmo_io.conformance._types import is_assignable, type_repr
from kozmo_io.errors import ConformanceError

__all__ = (
    "CacheInfo",
    "as_protocol",
    "assert_conforms",
    "check",
    "clear_conforms_cache",
    "conforms",
    "conforms_cache_info",
    "display_name",
    "protocol_member_names",
)


class _Unset:
    """Marks an annotation that is absent or did not resolve."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<unset>"


_UNSET = _Unset()
_CALLABLE: object = collections.abc.Callable
_PROTOCOL_BASES = frozenset({object, typing.Generic, typing.Protocol, typing_extensions.Protocol})


@attrs.frozen
class _Member:
    """What a protocol asks of one member."""

    name: str
    owner: str  # qualname of the protocol class that declares it
    is_method: bool
    is_async: bool
    signature: inspect.Signature | None  # as bound to an instance (no self)
    display: str
    returns: object  # the resolved return (or attribute) annotation, or _UNSET
    note: str | None  # why ``returns`` did not resolve

    @property
    def qualname(self) -> str:
        """``Protocol.member``, naming the protocol that declares it."""
        return f"{self.owner}.{self.name}"


@attrs.frozen
class _Resolved:
    """A resolved annotation, or the reason it could not be resolved."""

    value: object = _UNSET
    error: str | None = None


def display_name(obj: object) -> str:
    """Return ``module:QualName`` for a class (or a generic alias of one), as the CLI spells it.

    Args:
        obj: A class or a parameterised generic class.

    Returns:
        The display name.
    """
    origin = typing_extensions.get_origin(obj) or obj
    module = getattr(origin, "__module__", "?")
    qualname = getattr(origin, "__qualname__", repr(origin))
    return f"{module}:{qualname}"


def _resolve(
    annotation: object, globalns: dict[str, object], localns: dict[str, object]
) -> _Resolved:
    """Resolve one annotation (a string under ``from __future__ import annotations``)."""
    if not isinstance(annotation, str):
        return _Resolved(annotation)
    holder = types.SimpleNamespace(__annotations__={"value": annotation})
    try:
        return _Resolved(typing.get_type_hints(holder, globalns, localns)["value"])
    except Exception as exc:  # noqa: BLE001 - any failure to evaluate user annotations means "unresolved"
        return _Resolved(error=f"{type(exc).__name__}: {exc}")


def _call_of(obj: object) -> object:
    """Return the ``__call__`` a callable object's class defines (first along its MRO)."""
    return next((vars(c)["__call__"] for c in type(obj).__mro__ if "__call__" in vars(c)), None)


def _return_of(func: object, localns: dict[str, object]) -> _Resolved:
    """Resolve the return annotation of a callable in the namespace of its definition."""
    target = inspect.unwrap(func) if callable(func) else func
    if isinstance(target, types.MethodType):
        target = target.__func__
    if not inspect.isfunction(target):
        call = _call_of(target)
        if not inspect.isfunction(call):
            return _Resolved()
        target = call
    annotation = target.__annotations__.get("return", _UNSET)
    if annotation is _UNSET:
        return _Resolved()
    return _resolve(annotation, target.__globals__, localns)


def _declared_annotation(cls: type, name: str) -> _Resolved | None:
    """Find ``name`` among the class annotations along ``cls``'s MRO; None when it is undeclared."""
    for base in cls.__mro__:
        annotations = vars(base).get("__annotations__", {})
        if name in annotations:
            module = sys.modules.get(base.__module__)
            globalns = dict(vars(module)) if module is not None else {}
            return _resolve(annotations[name], globalns, dict(vars(base)))
    return None


def _is_async(func: object) -> bool:
    if inspect.iscoroutinefunction(func):
        return True
    if inspect.isfunction(func) or inspect.ismethod(func):
        return False
    return inspect.iscoroutinefunction(_call_of(func))


def _unwrap_method(raw: object) -> tuple[Callable[..., object], bool] | None:
    """Return ``(function, binds_self)`` for a method-like class attribute, else None."""
    if isinstance(raw, staticmethod):
        return raw.__func__, False
    if isinstance(raw, classmethod):
        return raw.__func__, True
    if isinstance(raw, types.FunctionType):
        return raw, True
    return None


def _protocol_member(protocol: type, name: str) -> _Member:
    owner = next(
        base
        for base in protocol.__mro__
        if name in vars(base) or name in vars(base).get("__annotations__", {})
    )
    localns = dict(vars(owner))
    raw = vars(owner).get(name, _UNSET)
    method = _unwrap_method(raw)
    if method is None:
        declared = _declared_annotation(owner, name) or _Resolved()
        if isinstance(raw, property):
            declared = _return_of(raw.fget, localns)
        shown = type_repr(declared.value) if declared.value is not _UNSET else "object"
        return _Member(
            name,
            owner.__qualname__,
            is_method=False,
            is_async=False,
            signature=None,
            display=f"attribute {name}: {shown}",
            returns=declared.value,
            note=declared.error,
        )
    func, binds_self = method
    is_async = _is_async(func)
    sig = inspect.signature(func)
    returns = _return_of(func, localns)
    return _Member(
        name,
        owner.__qualname__,
        is_method=True,
        is_async=is_async,
        signature=drop_self(sig) if binds_self else sig,
        display=format_signature(name, sig, is_async=is_async),
        returns=returns.value,
        note=returns.error,
    )


@functools.cache
def _protocol_members(protocol: type) -> tuple[_Member, ...]:
    """Every member of ``protocol`` (inherited ones included), base protocols' members first."""
    names = typing_extensions.get_protocol_members(protocol)
    order: list[str] = []
    for base in reversed(protocol.__mro__):
        if base in _PROTOCOL_BASES:
            continue
        for name in (*vars(base), *vars(base).get("__annotations__", {})):
            if name in names and name not in order:
                order.append(name)
    order.extend(sorted(names.difference(order)))
    return tuple(_protocol_member(protocol, name) for name in order)


def protocol_member_names(protocol: type) -> tuple[str, ...]:
    """Return the member names of a Protocol class, base protocols' members first."""
    return tuple(member.name for member in _protocol_members(protocol))


def as_protocol(protocol: object) -> type:
    """Return the Protocol class ``protocol`` names (the origin of a parameterised one)."""
    origin = typing_extensions.get_origin(protocol) or protocol
    if not isinstance(origin, type) or not typing_extensions.is_protocol(origin):
        msg = f"expected a Protocol class, got {protocol!r}"
        raise TypeError(msg)
    return origin


@attrs.define
class _Checker:
    """Collects the problems and notes of one target against one protocol."""

    target: object
    cls: type
    is_class: bool
    target_name: str
    problems: list[Problem] = attrs.field(factory=list)
    notes: list[Problem] = attrs.field(factory=list)

    def problem(
        self, member: _Member, rule: str, found: str, message: str, expected: str = ""
    ) -> None:
        """Record a problem; ``message`` continues "<Class>.<member> ..."."""
        text = f"{self.cls.__qualname__}.{member.name} {message}"
        expected = expected or member.display
        self.problems.append(Problem(self.target_name, member.name, rule, expected, found, text))

    def note(self, member: _Member, text: str) -> None:
        """Record something left unchecked, and why."""
        message = f"{member.name}: {text}"
        self.notes.append(Problem(self.target_name, member.name, "unresolved", "", "", message))

    def check_member(self, member: _Member) -> None:
        """Run every rule on one member; a missing member stops the rest (they are moot)."""
        if member.note is not None:
            self.note(member, f"{member.owner}'s annotation did not resolve ({member.note})")
        try:
            raw = self._lookup(member.name)
        except AttributeError:
            self._check_absent(member)
            return
        if raw is None:
            self._check_none(member)
        elif member.is_method:
            self._check_method(member, raw)

    def _lookup(self, name: str) -> object:
        """Find ``name`` as instances see it, without running descriptors.

        On a class this walks its MRO only: ``getattr_static`` would also find the metaclass's
        attributes (``type.__call__``), which instances do not have.
        """
        if not self.is_class:
            return inspect.getattr_static(self.target, name)
        for base in self.cls.__mro__:
            if name in vars(base):
                return vars(base)[name]
        raise AttributeError(name)

    def _check_none(self, member: _Member) -> None:
        if member.is_method:
            self.problem(member, "none", "None", f"is None, but {member.qualname} is a method")
        elif member.returns is not _UNSET and not is_assignable(None, member.returns):
            self.problem(member, "none", "None", f"is None, but {member.qualname} is not optional")

    def _check_method(self, member: _Member, raw: object) -> None:
        """Judge what ``getattr_static`` found for a method member."""
        own_value = not self.is_class and member.name in getattr(self.target, "__dict__", {})
        method = None if own_value else _unwrap_method(raw)
        if method is not None:
            self._check_callable(member, method[0], binds_self=method[1])
        elif not self.is_class:
            self._check_instance_value(member)
        elif inspect.isdatadescriptor(raw):
            self._check_declared(member, raw)
        elif hasattr(
            type(raw), "__get__"
        ):  # another method-like descriptor: bind it as Python does
            self._check_callable(member, getattr(self.cls, member.name), binds_self=True)
        else:  # a callable object stored on the class is not bound to the instance
            self._check_callable(member, raw, binds_self=False)

    def _check_absent(self, member: _Member) -> None:
        """The member is not on the class (or instance): it may be dynamic, declared, or missing."""
        if not self.is_class and self._check_instance_value(member):
            return
        declared = _declared_annotation(self.cls, member.name)
        if declared is None:
            self.problem(member, "missing", "nothing", f"is missing ({member.owner} declares it)")
        elif member.is_method:
            self._judge_declared(member, declared, "attribute declared as")

    def _check_instance_value(self, member: _Member) -> bool:
        """Judge the value an instance gives for the member; False when it has no such attribute."""
        try:
            value = getattr(self.target, member.name)
        except AttributeError:
            return False
        except Exception as exc:  # noqa: BLE001 - a failing property or __getattr__ is a finding
            found = f"raised {type(exc).__name__}: {exc}"
            self.problem(member, "missing", found, f"cannot be read ({found})")
            return True
        if value is None:
            self._check_none(member)
        elif member.is_method:
            self._check_callable(member, value, binds_self=False)
        return True

    def _check_declared(self, member: _Member, raw: object) -> None:
        """A data descriptor on a class (property, slot): only its declared type is known."""
        if isinstance(raw, property):
            returns = _return_of(raw.fget, dict(vars(self.cls)))
            self._judge_declared(member, returns, "property returning")
            return
        declared = _declared_annotation(self.cls, member.name) or _Resolved()
        self._judge_declared(member, declared, f"{type(raw).__name__} declared as")

    def _judge_declared(self, member: _Member, declared: _Resolved, what: str) -> None:
        value = declared.value
        if value is _UNSET:
            self.note(member, "an attribute of unknown type; check an instance to judge it")
        elif typing_extensions.get_origin(value) is _CALLABLE or value is _CALLABLE:
            self.note(member, f"an attribute of type {type_repr(value)}; not checked at runtime")
        else:
            found = f"{what} {type_repr(value)}"
            message = f"is not a method ({found}), but {member.qualname} is"
            self.problem(member, "not-callable", found, message)

    def _check_callable(self, member: _Member, func: object, *, binds_self: bool) -> None:
        if not callable(func):
            found = f"{type(func).__name__} attribute {reprlib.repr(func)}"
            message = f"is not callable ({found}), but {member.qualname} is a method"
            self.problem(member, "not-callable", found, message)
            return
        is_async = _is_async(func)
        try:
            sig: inspect.Signature | None = inspect.signature(func)
        except (TypeError, ValueError):
            sig = None
        shown = repr(func) if sig is None else format_signature(member.name, sig, is_async=is_async)
        self._check_async(member, func, shown, is_async=is_async)
        if sig is None:
            self.note(member, "its signature cannot be inspected; not checked")
        else:
            self._check_signature(member, sig, shown, binds_self=binds_self)
        self._check_return(member, func)

    def _check_async(self, member: _Member, func: object, shown: str, *, is_async: bool) -> None:
        if inspect.isasyncgenfunction(func):
            message = f"is an async generator, but {member.qualname} is not"
        elif member.is_async and not is_async:
            message = f"is a plain def, but {member.qualname} is async def"
        elif is_async and not member.is_async:
            message = (
                f"is async def, but {member.qualname} is a plain def (callers get a coroutine)"
            )
        else:
            return
        self.problem(member, "async", shown, message)

    def _check_signature(
        self, member: _Member, sig: inspect.Signature, shown: str, *, binds_self: bool
    ) -> None:
        bound = drop_self(sig) if binds_self else sig
        if bound is None:
            reasons = ["it has no parameter to receive self"]
        elif member.signature is None:
            return
        else:
            reasons = signature_mismatches(member.signature, bound)
        if reasons:
            message = f"does not accept every call {member.qualname} allows: {'; '.join(reasons)}"
            self.problem(member, "signature", shown, message)

    def _check_return(self, member: _Member, func: object) -> None:
        if member.returns is _UNSET:
            return
        found = _return_of(func, dict(vars(self.cls)))
        if found.error is not None:
            self.note(member, f"return annotation did not resolve ({found.error}); not checked")
        elif found.value is not _UNSET and not is_assignable(found.value, member.returns):
            expected, got = type_repr(member.returns), type_repr(found.value)
            message = f"returns {got}, not assignable to {expected} ({member.qualname})"
            self.problem(member, "return", got, message, expected=expected)


def check(target: object, protocol: type) -> ConformanceReport:
    """Check a class or an instance against a protocol, member by member.

    Args:
        target: A class, or an instance (whose own attributes are then judged too).
        protocol: Any ``typing.Protocol`` class (runtime-checkable or not), e.g. one of
            :mod:`kozmo_io.protocols`.

    Returns:
        The report listing every problem found.

    Raises:
        TypeError: ``protocol`` is not a Protocol class.
    """
    proto = as_protocol(protocol)
    is_class = isinstance(target, type)
    cls = target if isinstance(target, type) else type(target)
    name = display_name(cls) if is_class else f"{display_name(cls)} instance"
    checker = _Checker(target, cls, is_class, name)
    for member in _protocol_members(proto):
        checker.check_member(member)
    return ConformanceReport(
        name, display_name(proto), tuple(checker.problems), tuple(checker.notes)
    )


def assert_conforms(target: object, protocol: type) -> None:
    """Raise unless a class or an instance conforms to a protocol.

    Args:
        target: A class or an instance.
        protocol: Any ``typing.Protocol`` class.

    Raises:
        ConformanceError: It does not conform (``.report`` holds the report).
        TypeError: ``protocol`` is not a Protocol class.
    """
    report = check(target, protocol)
    if not report.ok:
        raise ConformanceError(str(report), problems=report.problems, report=report)


_VERDICTS: dict[tuple[type, object], bool] = {}
_DEEP_CHECKS = [0]  # a cell, so the hot path reads no global counter


@typing.final
@attrs.frozen
class CacheInfo:
    """What :func:`conforms` has cached.

    Attributes:
        deep_checks: How many full checks ran (one per new (class, protocol) pair).
        size: How many verdicts are cached.
    """

    deep_checks: int
    size: int


def conforms(obj: object, protocol: type) -> bool:
    """Tell quickly whether an object's class conforms to a protocol (:func:`check`'s fast path).

    The verdict is computed once per (class, protocol) and cached, so a repeat call costs about a
    dict lookup. It judges the class (``obj`` itself when it is a class, else ``type(obj)``), not
    attributes set on one instance, and assumes classes are not patched afterwards (see
    :func:`clear_conforms_cache`).

    Args:
        obj: An instance or a class.
        protocol: Any ``typing.Protocol`` class.

    Returns:
        True when the class passes every runtime rule.

    Raises:
        TypeError: ``protocol`` is not a Protocol class.
    """
    key = (obj if isinstance(obj, type) else type(obj), protocol)
    verdict = _VERDICTS.get(key)
    if verdict is None:
        verdict = check(key[0], protocol).ok
        _DEEP_CHECKS[0] += 1
        _VERDICTS[key] = verdict
    return verdict


def conforms_cache_info() -> CacheInfo:
    """Return how many deep checks :func:`conforms` ran and how many verdicts it holds."""
    return CacheInfo(_DEEP_CHECKS[0], len(_VERDICTS))


def clear_conforms_cache() -> None:
    """Forget every cached verdict (after patching a class, for example) and reset the counters."""
    _VERDICTS.clear()
    _DEEP_CHECKS[0] = 0
