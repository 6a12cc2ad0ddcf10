"""Runtime conformance: judge a class or an instance against a protocol by introspection.

Unlike ``isinstance`` on a runtime-checkable protocol (which only looks for names), every member is
checked for presence, ``None``, callability, whether calling it gives a coroutine (``async def``,
or a ``def`` annotated to return one), call compatibility of the signature, the types of the
parameters the protocol passes and the return type. Decorators are seen through only when their
wrapper forwards ``*args, **kwargs``; overloads are judged one by one. Where introspection cannot
see enough (an annotation that does not evaluate, a type variable, a member set in ``__init__`` or
served by ``__getattr__``) the verdict is "cannot tell", with the reason. Every problem is reported
at once.
"""

from __future__ import annotations

import collections.abc
import dis
import functools
import inspect
import reprlib
import sys
import types
import typing
from collections.abc import Callable, Iterable, Mapping

import attrs
import typing_extensions

from kozmo_io.conformance._report import ConformanceReport, Problem
from kozmo_io.conformance._signature import bind_parameters, drop_self, format_signature
from kozmo_io.conformance._types import assignable, type_repr
from kozmo_io.errors import ConformanceError

__all__ = (
    "CacheInfo",
    "Conforms",
    "as_protocol",
    "assert_conforms",
    "check",
    "conforms",
    "display_name",
    "protocol_member_names",
)


class _Unset:
    """Marks an annotation that is absent."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<unset>"


_UNSET = _Unset()
_P = inspect.Parameter
_EMPTY = inspect.Parameter.empty
_CALLABLE: object = collections.abc.Callable
_PROTOCOL_BASES = (
    object,
    typing.Generic,
    typing.Protocol,
    typing_extensions.Protocol,
)  # a tuple: a protocol is never hashed
_METHOD_TYPES = (types.FunctionType, staticmethod, classmethod, functools.partialmethod)
# Methods that may set instance attributes: a member stored there is dynamic, not missing.
_SETTERS = ("__init__", "__new__", "__post_init__", "__attrs_post_init__", "__setstate__")

# Why a check cannot tell (the ``rule`` of a reason in ``ConformanceReport.cannot_tell``).
UNRESOLVED = "unresolved-annotation"
UNDECIDABLE = "undecidable-type"
DYNAMIC = "dynamic-member"

# What calling a member gives, as far as its definition says.
_ASYNC = "async"  # a coroutine: async def, or a def annotated to return Coroutine[...]
_AWAITABLE = "awaitable"  # a def annotated to return another Awaitable
_ASYNC_GEN = "async generator"
_SYNC = "sync"  # a def annotated to return something that is not awaitable
_UNANNOTATED = "unannotated"  # a def without a return annotation: anything, a coroutine included
_ANY = "any"  # a def annotated to return Any
_UNRESOLVED_KIND = "unresolved"  # a def whose return annotation does not evaluate


@attrs.frozen
class _Resolved:
    """A resolved annotation, or the reason it could not be resolved."""

    value: object = _UNSET
    error: str | None = None


_NOT_ANNOTATED = _Resolved()
_COMPILED: dict[str, types.CodeType] = {}


def _resolve(annotation: object, globalns: Mapping[str, object] | None) -> _Resolved:
    """Evaluate one annotation (a string under ``from __future__ import annotations``).

    Like ``typing.get_type_hints`` for a function, names resolve in the module's namespace; the
    compiled expression is cached by its text, so a repeat costs one ``eval``.
    """
    if annotation is _EMPTY or annotation is _UNSET:
        return _NOT_ANNOTATED
    if not isinstance(annotation, str):
        return _Resolved(annotation)
    code = _COMPILED.get(annotation)
    try:
        if code is None:
            code = _COMPILED[annotation] = compile(annotation, "<annotation>", "eval")
        namespace = globalns if isinstance(globalns, dict) else dict(globalns or {})
        # Resolving an annotation is evaluating it, as typing.get_type_hints does.
        value = eval(code, namespace)  # noqa: S307
    except Exception as exc:  # noqa: BLE001 - any failure to evaluate user annotations means "unresolved"
        return _Resolved(error=f"{type(exc).__name__}: {exc}")
    return _Resolved(value)


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


def _call_of(obj: object) -> object:
    """Return the ``__call__`` a callable object's class defines (first along its MRO)."""
    return next((vars(c)["__call__"] for c in type(obj).__mro__ if "__call__" in vars(c)), None)


def _signature(func: object, *, follow_wrapped: bool = True) -> inspect.Signature | None:
    if isinstance(func, types.FunctionType) and not follow_wrapped:
        return _function_signature(func)
    try:
        return inspect.signature(func, follow_wrapped=follow_wrapped)  # type: ignore[arg-type]  # any callable
    except (TypeError, ValueError):
        return None


def _function_signature(func: types.FunctionType) -> inspect.Signature:
    """Read a plain function's signature from its code object (what ``inspect`` does, faster)."""
    code = func.__code__
    names = code.co_varnames
    positional, keyword_only = code.co_argcount, code.co_kwonlyargcount
    defaults = func.__defaults__ or ()
    keyword_defaults = func.__kwdefaults__ or {}
    annotations = func.__annotations__
    first_default = positional - len(defaults)
    params = []
    for index, name in enumerate(names[:positional]):
        kind = _P.POSITIONAL_ONLY if index < code.co_posonlyargcount else _P.POSITIONAL_OR_KEYWORD
        default = defaults[index - first_default] if index >= first_default else _EMPTY
        params.append(_P(name, kind, default=default, annotation=annotations.get(name, _EMPTY)))
    rest = positional + keyword_only
    if code.co_flags & inspect.CO_VARARGS:
        name = names[rest]
        params.append(_P(name, _P.VAR_POSITIONAL, annotation=annotations.get(name, _EMPTY)))
        rest += 1
    for name in names[positional : positional + keyword_only]:
        default = keyword_defaults.get(name, _EMPTY)
        params.append(
            _P(name, _P.KEYWORD_ONLY, default=default, annotation=annotations.get(name, _EMPTY))
        )
    if code.co_flags & inspect.CO_VARKEYWORDS:
        name = names[rest]
        params.append(_P(name, _P.VAR_KEYWORD, annotation=annotations.get(name, _EMPTY)))
    return_annotation = annotations.get("return", _EMPTY)
    return inspect.Signature(params, return_annotation=return_annotation)


def _has_type_vars(tp: object) -> bool:
    return isinstance(tp, typing.TypeVar) or bool(getattr(tp, "__parameters__", ()))


def _kind_of_return(returns: _Resolved) -> tuple[str, _Resolved]:
    """Classify a plain ``def`` by its return annotation; for awaitables, the awaited type."""
    if returns.error is not None:
        return _UNRESOLVED_KIND, returns
    value = returns.value
    if value is _UNSET:
        return _UNANNOTATED, returns
    if value is typing.Any:
        return _ANY, returns
    origin = typing_extensions.get_origin(value) or value
    if isinstance(origin, type):
        args = typing_extensions.get_args(value)
        if issubclass(origin, collections.abc.Coroutine):
            return _ASYNC, _Resolved(args[2] if len(args) == 3 else typing.Any)  # noqa: PLR2004 - Coroutine[Y, S, R]
        if issubclass(origin, collections.abc.Awaitable):
            return _AWAITABLE, _Resolved(args[0] if args else typing.Any)
    return _SYNC, returns


@attrs.frozen
class _Shape:
    """What calling a member gives, as far as its definition tells."""

    func: object  # what is shown (a function, or a declared type's text)
    signature: inspect.Signature | None  # as called through an instance; None: not inspectable
    kind: str
    returns: _Resolved  # of the awaited value for coroutines and awaitables
    globalns: Mapping[str, object] | None  # where parameter annotations evaluate
    no_self: bool = False  # stored on the class, but without a parameter to receive self
    overloads: tuple[_Shape, ...] = ()
    written: inspect.Signature | None = None  # as defined (self included), for display

    def shown(self, name: str) -> str:
        """Render the member as found (``async def name(...) -> R``)."""
        if isinstance(self.func, str):
            return self.func
        sig = self.written or self.signature
        if sig is None:
            return repr(self.func)
        return format_signature(name, sig, is_async=self.kind in (_ASYNC, _ASYNC_GEN))


def _bound(
    sig: inspect.Signature | None, *, binds_self: bool
) -> tuple[inspect.Signature | None, bool]:
    if sig is None or not binds_self:
        return sig, False
    bound = drop_self(sig)
    return (sig, True) if bound is None else (bound, False)


def _forwards(sig: inspect.Signature) -> bool:
    """Tell whether a wrapper takes only ``*args, **kwargs`` (so it passes every call on)."""
    return all(p.kind in (_P.VAR_POSITIONAL, _P.VAR_KEYWORD) for p in sig.parameters.values())


def _returns_the_call(code: types.CodeType) -> bool:
    """Tell whether ``code`` returns the result of a ``f(*args, **kwargs)`` call, unchanged."""
    previous = None
    returns = False
    for ins in dis.get_instructions(code):
        if ins.opname == "RETURN_VALUE":
            if previous != "CALL_FUNCTION_EX":
                return False
            returns = True
        if ins.opname not in ("CACHE", "EXTENDED_ARG"):
            previous = ins.opname
    return returns


def _function_shape(
    func: types.FunctionType, *, binds_self: bool, overloaded: bool = True
) -> _Shape:
    globalns = func.__globals__
    wrapped = func.__dict__.get("__wrapped__")
    annotations = func.__annotations__
    if wrapped is not None and annotations is getattr(wrapped, "__annotations__", None):
        annotations = {}  # functools.wraps copied them: they describe the wrapped function
    returns = _resolve(annotations.get("return", _UNSET), globalns)
    flags = func.__code__.co_flags
    if flags & inspect.CO_ASYNC_GENERATOR:
        kind = _ASYNC_GEN
    elif flags & inspect.CO_COROUTINE or inspect.iscoroutinefunction(func):
        kind = _ASYNC
    else:
        kind, returns = _kind_of_return(returns)
    sig = _signature(func, follow_wrapped=False)
    if wrapped is not None and sig is not None and _forwards(sig):
        # A decorator's wrapper that passes every call on to the wrapped function.
        inner = _shape(wrapped, binds_self=binds_self)
        concrete = returns.error is None and returns.value is not _UNSET
        if concrete and not _has_type_vars(returns.value):
            return attrs.evolve(inner, func=func, kind=kind, returns=returns, globalns=globalns)
        if kind == _ASYNC:  # an async wrapper gives a coroutine of what it awaits
            return attrs.evolve(inner, func=func, kind=_ASYNC)
        if kind == _UNANNOTATED and _returns_the_call(func.__code__):
            return attrs.evolve(inner, func=func)  # it returns what the wrapped function returns
        return attrs.evolve(inner, func=func, kind=kind, returns=returns)
    bound, no_self = _bound(sig, binds_self=binds_self)
    overloads = tuple(
        _function_shape(overload, binds_self=binds_self, overloaded=False)
        for overload in (typing.get_overloads(func) if overloaded else ())
        if isinstance(overload, types.FunctionType)
    )
    return _Shape(
        func, bound, kind, returns, globalns, no_self=no_self, overloads=overloads, written=sig
    )


@functools.cache
def _partialmethod_shape(raw: functools.partialmethod[object]) -> _Shape:
    inner = _shape(raw.func, binds_self=False)
    sig, no_self = _bound(_signature(raw.__get__(None, object)), binds_self=True)
    return attrs.evolve(inner, func=raw, signature=sig, no_self=no_self, overloads=())


def _shape(obj: object, *, binds_self: bool) -> _Shape:  # noqa: PLR0911 - one answer per kind of callable
    """Describe calling ``obj`` (stored on a class when ``binds_self``, else called as it is)."""
    if isinstance(obj, types.MethodType):
        return _shape(obj.__func__, binds_self=True)
    if isinstance(obj, staticmethod):
        return _shape(obj.__func__, binds_self=False)
    if isinstance(obj, classmethod):
        return _shape(obj.__func__, binds_self=True)
    if isinstance(obj, types.FunctionType):
        return _function_shape(obj, binds_self=binds_self)
    if isinstance(obj, functools.partialmethod):
        return _partialmethod_shape(obj)
    if isinstance(obj, functools.partial):
        inner = _shape(obj.func, binds_self=False)
        sig, no_self = _bound(_signature(obj), binds_self=binds_self)
        return attrs.evolve(inner, func=obj, signature=sig, no_self=no_self, overloads=())
    call = _call_of(obj)
    if not isinstance(obj, type) and isinstance(call, types.FunctionType):
        inner = _shape(call, binds_self=True)  # a callable object: its class's __call__
        return attrs.evolve(inner, func=obj)
    sig, no_self = _bound(_signature(obj), binds_self=binds_self)
    kind = _ASYNC if inspect.iscoroutinefunction(obj) else _UNANNOTATED
    return _Shape(obj, sig, kind, _NOT_ANNOTATED, None, no_self=no_self)


def _callable_shape(declared: object, text: str) -> _Shape | None:
    """Describe a member declared as ``Callable[[A, B], R]``; None for a bare ``Callable``."""
    args = typing_extensions.get_args(declared)
    if not args:
        return None
    params, returns = args[0], args[-1]
    if isinstance(params, list | tuple):
        parameters = [
            _P(f"__p{index}", _P.POSITIONAL_ONLY, annotation=annotation)
            for index, annotation in enumerate(params)
        ]
    else:  # ``...``, a ParamSpec or Concatenate: any call binds
        parameters = [
            _P("args", _P.VAR_POSITIONAL, annotation=typing.Any),
            _P("kwargs", _P.VAR_KEYWORD, annotation=typing.Any),
        ]
    kind, awaited = _kind_of_return(_Resolved(returns))
    return _Shape(text, inspect.Signature(parameters), kind, awaited, None)


_STUB_CODES: frozenset[bytes] = frozenset()


def _stub_bodies() -> frozenset[bytes]:
    def ellipsis() -> None: ...

    def documented() -> None:
        """A docstring only."""

    async def async_ellipsis() -> None: ...

    async def async_documented() -> None:
        """A docstring only."""

    stubs: Iterable[Callable[[], object]] = (ellipsis, documented, async_ellipsis, async_documented)
    return frozenset(stub.__code__.co_code for stub in stubs)


def _is_stub(func: object) -> bool:
    """Tell whether a protocol's method is an empty stub (``...``, a docstring, ``pass``)."""
    code = getattr(func, "__code__", None)
    if not isinstance(code, types.CodeType):
        return False
    global _STUB_CODES  # noqa: PLW0603 - built once, on first use
    if not _STUB_CODES:
        _STUB_CODES = _stub_bodies()
    if code.co_code in _STUB_CODES:
        return all(const is None or isinstance(const, str) for const in code.co_consts)
    return code.co_names == ("NotImplementedError",)


def _dynamic_reason(cls: type, name: str) -> str | None:
    """Say how instances of ``cls`` may get ``name`` although the class does not define it."""
    for base in cls.__mro__[:-1]:
        if "__getattr__" in vars(base):
            return f"{base.__qualname__} serves attributes through __getattr__"
    for base in cls.__mro__[:-1]:
        for setter in _SETTERS:
            code = getattr(vars(base).get(setter), "__code__", None)
            if isinstance(code, types.CodeType) and _stores(code, name):
                return f"set on instances by {base.__qualname__}.{setter}"
    return None


def _stores(code: types.CodeType, name: str) -> bool:
    """Tell whether ``code`` sets attribute ``name`` (``self.name = ...`` or ``setattr``)."""
    if name not in code.co_names and name not in code.co_consts:
        return False
    return any(
        (ins.opname == "STORE_ATTR" and ins.argval == name)
        or (ins.opname == "LOAD_CONST" and ins.argval == name)
        for ins in dis.get_instructions(code)
    )


@attrs.frozen
class _Member:
    """What a protocol asks of one member."""

    name: str
    owner: str  # qualname of the protocol class that declares it
    is_method: bool
    is_async: bool
    signature: inspect.Signature | None  # as bound to an instance (no self)
    display: str
    returns: _Resolved  # the resolved return (or attribute) annotation (awaited, for async)
    globalns: Mapping[str, object] | None  # where its parameter annotations evaluate

    @property
    def qualname(self) -> str:
        """``Protocol.member``, naming the protocol that declares it."""
        return f"{self.owner}.{self.name}"


def _declared_annotation(cls: type, name: str) -> _Resolved | None:
    """Find ``name`` among the class annotations along ``cls``'s MRO; None when it is undeclared."""
    for base in cls.__mro__:
        annotations = vars(base).get("__annotations__", {})
        if name in annotations:
            module = sys.modules.get(base.__module__)
            return _resolve(annotations[name], vars(module) if module is not None else None)
    return None


def _fget_returns(raw: property | functools.cached_property[object]) -> _Resolved:
    fget = raw.fget if isinstance(raw, property) else raw.func
    if not isinstance(fget, types.FunctionType):
        return _NOT_ANNOTATED
    return _resolve(fget.__annotations__.get("return", _UNSET), fget.__globals__)


def _protocol_member(protocol: type, name: str) -> _Member:
    owner = next(
        base
        for base in protocol.__mro__
        if name in vars(base) or name in vars(base).get("__annotations__", {})
    )
    raw = vars(owner).get(name, _UNSET)
    if not isinstance(raw, types.FunctionType | staticmethod | classmethod):
        declared = _declared_annotation(owner, name) or _NOT_ANNOTATED
        if isinstance(raw, property):
            declared = _fget_returns(raw)
        shown = type_repr(declared.value) if declared.value is not _UNSET else "object"
        return _Member(
            name,
            owner.__qualname__,
            is_method=False,
            is_async=False,
            signature=None,
            display=f"attribute {name}: {shown}",
            returns=declared,
            globalns=None,
        )
    shape = _shape(raw, binds_self=not isinstance(raw, staticmethod))
    is_async = shape.kind == _ASYNC
    return _Member(
        name,
        owner.__qualname__,
        is_method=True,
        is_async=is_async,
        signature=shape.signature,
        display=shape.shown(name),
        returns=shape.returns,
        globalns=shape.globalns,
    )


# id(protocol) -> (protocol, its members). Keyed by id: hashing a protocol class runs its
# metaclass's __hash__ in Python.
_MEMBERS: dict[int, tuple[type, tuple[_Member, ...]]] = {}


def _protocol_members(protocol: type) -> tuple[_Member, ...]:
    """Every member of ``protocol`` (inherited ones included), base protocols' members first."""
    known = _MEMBERS.get(id(protocol))
    if known is not None and known[0] is protocol:
        return known[1]
    members = _build_members(protocol)
    _MEMBERS[id(protocol)] = (protocol, members)
    return members


def _build_members(protocol: type) -> tuple[_Member, ...]:
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
    known = _MEMBERS.get(id(protocol))
    if known is not None and known[0] is protocol:
        return known[0]
    origin = typing_extensions.get_origin(protocol) or protocol
    if not isinstance(origin, type) or not typing_extensions.is_protocol(origin):
        msg = f"expected a Protocol class, got {protocol!r}"
        raise TypeError(msg)
    return origin


@attrs.define
class _Findings:
    """The problems, reasons for "cannot tell" and notes of one member (or overload)."""

    problems: list[tuple[str, str, str, str]] = attrs.field(factory=list)  # rule found msg expected
    unknowns: list[tuple[str, str]] = attrs.field(factory=list)  # rule, message
    notes: list[str] = attrs.field(factory=list)

    def problem(self, rule: str, found: str, message: str, expected: str = "") -> None:
        """Record a problem; ``message`` continues "<Class>.<member> ..."."""
        self.problems.append((rule, found, message, expected))

    def unknown(self, rule: str, message: str) -> None:
        """Record why the verdict cannot be reached; ``message`` continues "<member>: ..."."""
        self.unknowns.append((rule, message))


def _judge_kind(member: _Member, shape: _Shape, found: _Findings) -> None:
    """Whether calling the member gives what the protocol's caller expects (a coroutine or not)."""
    kind = shape.kind
    if kind == _ASYNC_GEN:
        message = f"is an async generator, but {member.qualname} is not"
    elif member.is_async:
        if kind in (_ASYNC, _AWAITABLE):
            return
        if kind == _UNANNOTATED:
            reason = "a def without a return annotation: whether it returns a coroutine is unknown"
            found.unknown(UNDECIDABLE, reason)
            return
        if kind == _ANY:
            found.unknown(UNDECIDABLE, "a def returning Any: whether it is a coroutine is unknown")
            return
        if kind == _UNRESOLVED_KIND:
            found.unknown(
                UNRESOLVED, f"its return annotation did not resolve ({shape.returns.error})"
            )
            return
        message = f"is a plain def, but {member.qualname} is async def"
    elif kind == _ASYNC:
        message = f"is async def, but {member.qualname} is a plain def (callers get a coroutine)"
    elif kind == _AWAITABLE:
        message = f"returns an awaitable, but {member.qualname} is a plain def"
    else:
        return
    found.problem("async", shape.shown(member.name), message)


def _judge_parameters(
    member: _Member, shape: _Shape, pairs: list[tuple[_P, _P]], found: _Findings
) -> None:
    """Each parameter the protocol passes must accept the protocol's type (contravariance)."""
    for want, got in pairs:
        wanted = _resolve(want.annotation, member.globalns)
        taken = _resolve(got.annotation, shape.globalns)
        if taken.error is not None or wanted.error is not None:
            error = taken.error or wanted.error
            found.unknown(
                UNRESOLVED, f"the annotation of parameter {got.name!r} did not resolve ({error})"
            )
            continue
        if wanted.value is _UNSET or taken.value is _UNSET:
            continue  # unannotated on either side: any value
        answer = assignable(wanted.value, taken.value)
        if answer is None:
            found.unknown(
                UNDECIDABLE,
                f"whether parameter {got.name!r}: {type_repr(taken.value)} accepts "
                f"{type_repr(wanted.value)} is unknown",
            )
        elif not answer:
            expected, got_text = type_repr(wanted.value), type_repr(taken.value)
            message = (
                f"parameter {got.name!r} takes {got_text}, but {member.qualname} passes {expected}"
            )
            found.problem(
                "parameter", f"{got.name}: {got_text}", message, f"{want.name}: {expected}"
            )


def _judge_return(member: _Member, shape: _Shape, found: _Findings) -> None:
    if member.returns.value is _UNSET or member.returns.error is not None:
        return
    returns = shape.returns
    if returns.error is not None:
        if shape.kind != _UNRESOLVED_KIND or not member.is_async:  # else already said
            found.unknown(UNRESOLVED, f"its return annotation did not resolve ({returns.error})")
        return
    if returns.value is _UNSET:
        if (
            shape.kind != _ASYNC_GEN
            and member.returns.value not in (None, type(None), object, typing.Any)
            and (
                shape.kind != _UNANNOTATED or not member.is_async  # else already said
            )
        ):
            expected = type_repr(member.returns.value)
            found.unknown(
                UNDECIDABLE, f"it has no return annotation: whether it gives {expected} is unknown"
            )
        return
    answer = assignable(returns.value, member.returns.value)
    if answer is True:
        return
    expected, got = type_repr(member.returns.value), type_repr(returns.value)
    if answer is None:
        found.unknown(UNDECIDABLE, f"whether its return type {got} fits {expected} is unknown")
    elif not answer:
        message = f"returns {got}, not assignable to {expected} ({member.qualname})"
        found.problem("return", got, message, expected)


def _judge_one(member: _Member, shape: _Shape) -> _Findings:
    found = _Findings()
    _judge_kind(member, shape, found)
    if shape.no_self:
        reasons = ["it has no parameter to receive self"]
        pairs: list[tuple[_P, _P]] = []
    elif shape.signature is None:
        found.unknown(UNDECIDABLE, "its signature cannot be inspected")
        reasons, pairs = [], []
    elif member.signature is None:
        reasons, pairs = [], []
    else:
        reasons, pairs = bind_parameters(member.signature, shape.signature)
    if reasons:
        message = f"does not accept every call {member.qualname} allows: {'; '.join(reasons)}"
        found.problem("signature", shape.shown(member.name), message)
    _judge_parameters(member, shape, pairs, found)
    _judge_return(member, shape, found)
    return found


def _judge_shape(member: _Member, shape: _Shape) -> _Findings:
    """Judge a member's shape; with overloads, the member fits when one overload fits."""
    if not shape.overloads:
        return _judge_one(member, shape)
    runtime = _judge_one(member, attrs.evolve(shape, overloads=(), returns=_NOT_ANNOTATED))
    if runtime.problems:  # the implementation itself must take every call
        return runtime
    verdicts = [_judge_one(member, overload) for overload in shape.overloads]
    fitting = next((v for v in verdicts if not v.problems and not v.unknowns), None)
    if fitting is not None:
        return fitting
    undecided = next((v for v in verdicts if not v.problems), None)
    if undecided is not None:
        return undecided
    first = verdicts[0]
    first.problems = [
        (rule, shown, f"{message} (and so do its other {len(verdicts) - 1} overloads)", expected)
        if len(verdicts) > 1
        else (rule, shown, message, expected)
        for rule, shown, message, expected in first.problems
    ]
    return first


@attrs.define
class _Checker:
    """Collects the problems, reasons and notes of one target against one protocol."""

    target: object
    cls: type
    is_class: bool
    target_name: str
    problems: list[Problem] = attrs.field(factory=list)
    unknowns: list[Problem] = attrs.field(factory=list)
    notes: list[Problem] = attrs.field(factory=list)

    def problem(
        self, member: _Member, rule: str, found: str, message: str, expected: str = ""
    ) -> None:
        """Record a problem; ``message`` continues "<Class>.<member> ..."."""
        text = f"{self.cls.__qualname__}.{member.name} {message}"
        expected = expected or member.display
        self.problems.append(Problem(self.target_name, member.name, rule, expected, found, text))

    def unknown(self, member: _Member, rule: str, text: str) -> None:
        """Record why the verdict cannot be reached for a member."""
        message = f"{self.cls.__qualname__}.{member.name}: {text}"
        self.unknowns.append(
            Problem(self.target_name, member.name, rule, member.display, "", message)
        )

    def note(self, member: _Member, text: str) -> None:
        """Record a remark that does not change the verdict."""
        message = f"{member.name}: {text}"
        self.notes.append(Problem(self.target_name, member.name, "note", "", "", message))

    def commit(self, member: _Member, found: _Findings) -> None:
        """Record what judging one member found."""
        for rule, shown, message, expected in found.problems:
            self.problem(member, rule, shown, message, expected)
        for rule, text in found.unknowns:
            self.unknown(member, rule, text)
        for text in found.notes:
            self.note(member, text)

    def check_member(self, member: _Member) -> None:
        """Run every rule on one member."""
        if member.returns.error is not None:
            why = f"{member.owner}'s annotation did not resolve ({member.returns.error})"
            self.unknown(member, UNRESOLVED, why)
        found = self._class_lookup(member.name)
        own = not self.is_class and member.name in getattr(self.target, "__dict__", ())
        if found is not None and not own:
            raw, owner = found
            if self._inherits_nothing(member, raw, owner):
                return
            if self.is_class or isinstance(raw, _METHOD_TYPES) or raw is None:
                self._check_raw(member, raw)
                return
        if self.is_class:
            self._check_undefined(member)
        else:
            self._check_instance_value(member)

    def _class_lookup(self, name: str) -> tuple[object, type] | None:
        """Find ``name`` as instances see it, without running descriptors.

        This walks the class's MRO only: ``getattr_static`` would also find the metaclass's
        attributes (``type.__call__``), which instances do not have.
        """
        for base in self.cls.__mro__:
            namespace = base.__dict__
            if name in namespace:
                return namespace[name], base
        return None

    def _inherits_nothing(self, member: _Member, raw: object, owner: type) -> bool:
        """Report a member that is abstract, or only the empty stub of a protocol it subclasses."""
        if member.name in getattr(self.cls, "__abstractmethods__", ()):
            why = "is abstract (the class cannot be instantiated)"
        elif (
            owner.__dict__.get("_is_protocol")
            and owner is not self.cls
            and _is_stub(getattr(raw, "__func__", raw))
        ):
            why = f"is missing: only {owner.__qualname__}'s empty stub is inherited"
        else:
            return False
        self.problem(member, "missing", "nothing", why)
        return True

    def _check_undefined(self, member: _Member) -> None:
        """The class does not define the member: declared, dynamic, or missing."""
        declared = _declared_annotation(self.cls, member.name)
        if declared is not None:
            if member.is_method:
                self._judge_declared(member, declared, "attribute declared as")
            return
        reason = _dynamic_reason(self.cls, member.name)
        if reason is not None:
            self.unknown(member, DYNAMIC, f"{reason}; check an instance")
        else:
            self.problem(member, "missing", "nothing", f"is missing ({member.owner} declares it)")

    def _check_none(self, member: _Member, what: str = "") -> None:
        if member.is_method:
            self.problem(
                member, "none", "None", f"is None{what}, but {member.qualname} is a method"
            )
        elif member.returns.value is not _UNSET and assignable(None, member.returns.value) is False:
            self.problem(member, "none", "None", f"is None, but {member.qualname} is not optional")

    def _check_raw(self, member: _Member, raw: object) -> None:
        """Judge what the class holds for the member (descriptors not run)."""
        if raw is None:
            self._check_none(member)
        elif not member.is_method:
            return
        elif isinstance(raw, _METHOD_TYPES):
            self.commit(member, _judge_shape(member, _shape(raw, binds_self=True)))
        elif isinstance(raw, property | functools.cached_property):
            self._judge_declared(member, _fget_returns(raw), "property returning")
        elif inspect.isdatadescriptor(raw):  # a slot, or a descriptor of a library
            declared = _declared_annotation(self.cls, member.name) or _NOT_ANNOTATED
            self._judge_declared(member, declared, f"{type(raw).__name__} declared as")
        elif hasattr(type(raw), "__get__"):
            what = f"a {type(raw).__name__} descriptor"
            self.unknown(
                member, DYNAMIC, f"{what}: what instances get is unknown; check an instance"
            )
        else:  # an object stored on the class is not bound to the instance
            self._check_value(member, raw)

    def _check_instance_value(self, member: _Member) -> None:
        """Judge the value an instance gives for the member."""
        try:
            value = getattr(self.target, member.name)
        except AttributeError:
            self.problem(member, "missing", "nothing", f"is missing ({member.owner} declares it)")
            return
        except Exception as exc:  # noqa: BLE001 - a failing property or __getattr__ is a finding
            found = f"raised {type(exc).__name__}: {exc}"
            self.problem(member, "missing", found, f"cannot be read ({found})")
            return
        if value is None:
            self._check_none(member)
        elif member.is_method:
            self._check_value(member, value)

    def _check_value(self, member: _Member, value: object) -> None:
        if not callable(value):
            found = f"{type(value).__name__} attribute {reprlib.repr(value)}"
            message = f"is not callable ({found}), but {member.qualname} is a method"
            self.problem(member, "not-callable", found, message)
            return
        self.commit(member, _judge_shape(member, _shape(value, binds_self=False)))

    def _judge_declared(self, member: _Member, declared: _Resolved, what: str) -> None:
        """Judge a member known only by its declared type (an annotation, a property)."""
        if declared.error is not None:
            self.unknown(member, UNRESOLVED, f"its annotation did not resolve ({declared.error})")
            return
        value = declared.value
        if value is _UNSET:
            self.unknown(member, DYNAMIC, "an attribute of unknown type; check an instance")
            return
        text = f"{what} {type_repr(value)}"
        if value is typing.Any:
            self.unknown(member, UNDECIDABLE, f"{text}: what it holds is unknown")
            return
        if assignable(None, value) is True:
            message = f"may be None ({text}), but {member.qualname} is a method"
            self.problem(member, "none", text, message)
            return
        origin = typing_extensions.get_origin(value) or value
        if origin is _CALLABLE:
            shape = _callable_shape(value, text)
            if shape is None:
                self.unknown(member, UNDECIDABLE, f"{text}: its parameters and return are unknown")
            else:
                self.commit(member, _judge_shape(member, shape))
            return
        if not isinstance(origin, type):
            self.unknown(
                member, UNDECIDABLE, f"{text}: whether it is a fitting callable is unknown"
            )
            return
        call = next((vars(c)["__call__"] for c in origin.__mro__ if "__call__" in vars(c)), None)
        if call is None:
            message = f"is not a method ({text}), but {member.qualname} is"
            self.problem(member, "not-callable", text, message)
        elif isinstance(call, types.FunctionType):
            shape = attrs.evolve(_shape(call, binds_self=True), func=text)
            self.commit(member, _judge_shape(member, shape))
        else:
            self.unknown(
                member, UNDECIDABLE, f"{text}: whether it is a fitting callable is unknown"
            )


def check(target: object, protocol: type, *, strict: bool = False) -> ConformanceReport:
    """Check a class or an instance against a protocol, member by member.

    Args:
        target: A class, or an instance (whose own attributes are then judged too).
        protocol: Any ``typing.Protocol`` class (runtime-checkable or not), e.g. one of
            :mod:`kozmo_io.protocols`.
        strict: Count every reason for "cannot tell" as a problem.

    Returns:
        The report: its verdict, every problem, every reason it cannot tell.

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
    report = ConformanceReport(
        name,
        display_name(proto),
        tuple(checker.problems),
        tuple(checker.notes),
        cannot_tell=tuple(checker.unknowns),
    )
    return report.strict() if strict else report


def assert_conforms(target: object, protocol: type, *, strict: bool = False) -> None:
    """Raise when a class or an instance does not conform to a protocol.

    Args:
        target: A class or an instance.
        protocol: Any ``typing.Protocol`` class.
        strict: Raise on "cannot tell" too.

    Raises:
        ConformanceError: It does not conform (``.report`` holds the report).
        TypeError: ``protocol`` is not a Protocol class.
    """
    report = check(target, protocol, strict=strict)
    if report.problems:
        raise ConformanceError(str(report), problems=report.problems, report=report)


_ASK_INSTANCE = "instance"  # the class's members are dynamic: every instance is checked
# id(protocol) -> (protocol, {class of an instance: verdict}, member names, {class: verdict}).
# Keyed by id: hashing a protocol class runs its metaclass's __hash__ in Python, which would cost
# more than the rest of the lookup.
_Entry = tuple[type, dict[type, object], frozenset[str], dict[type, object]]
_VERDICTS: dict[int, _Entry] = {}
_DEEP_CHECKS = [0]  # a cell, so the hot path reads no global counter


@typing.final
@attrs.frozen
class CacheInfo:
    """What :func:`conforms` has cached.

    Attributes:
        deep_checks: How many full checks ran (one per new (class, protocol) pair, plus one per
            call on an instance whose own attributes shadow the protocol's members).
        size: How many verdicts are cached.
    """

    deep_checks: int
    size: int


class Conforms(typing.Protocol):
    """The type of :func:`conforms`: the function, with ``functools``-style cache controls."""

    def __call__(self, obj: object, protocol: type) -> bool:
        """Tell quickly whether ``obj`` conforms to ``protocol``."""
        ...

    def cache_clear(self) -> None:
        """Forget every cached verdict and reset the count of deep checks."""
        ...

    def cache_info(self) -> CacheInfo:
        """Return how many deep checks ran and how many verdicts are cached."""
        ...


def _cache_info() -> CacheInfo:
    return CacheInfo(_DEEP_CHECKS[0], sum(len(entry[3]) for entry in _VERDICTS.values()))


def _cache_clear() -> None:
    _VERDICTS.clear()
    _DEEP_CHECKS[0] = 0


def _with_cache_controls(function: Callable[[object, type], bool]) -> Conforms:
    """Attach ``cache_clear`` and ``cache_info`` to ``function``, which stays the object called.

    The names are ``functools.lru_cache``'s. Attributes on the function itself cost the hot path
    nothing, where a wrapping object would put a Python-level ``__call__`` before every call.
    """
    vars(function).update(cache_clear=_cache_clear, cache_info=_cache_info)
    return typing.cast("Conforms", function)


def _held_by_instances(cls: type, names: Iterable[str]) -> bool:
    """Tell whether instances hold some member themselves (a slot, or declared, not set)."""
    for name in names:
        raw = next((vars(base)[name] for base in cls.__mro__ if name in vars(base)), None)
        if raw is None or isinstance(raw, types.MemberDescriptorType):
            return True
    return False


def _class_verdict(cls: type, protocol: type) -> object:
    report = check(cls, protocol)
    _DEEP_CHECKS[0] += 1
    if report.ok:
        return True
    if not report.problems and all(r.rule == DYNAMIC for r in report.cannot_tell):
        return _ASK_INSTANCE  # only instances show their dynamic members
    return False


@_with_cache_controls
def conforms(obj: object, protocol: type) -> bool:
    """Tell quickly whether an object conforms to a protocol (:func:`check`'s fast path).

    True only for the verdict "conforms". The verdict of a class is computed once per (class,
    protocol) and cached, so a repeat call costs about two dict lookups. An instance is judged on
    its own when it has attributes named like the protocol's members (set in ``__init__``,
    replaced later) or its class serves them dynamically. Classes are assumed not to be patched
    afterwards: after patching one, call ``conforms.cache_clear()``, which forgets every verdict
    (and resets the count of deep checks). ``conforms.cache_info()`` tells how many deep checks
    ran and how many verdicts are cached, as ``functools.lru_cache`` does.

    Args:
        obj: An instance or a class.
        protocol: Any ``typing.Protocol`` class.

    Returns:
        True when the runtime check's verdict is "conforms".

    Raises:
        TypeError: ``protocol`` is not a Protocol class.
    """
    entry = _VERDICTS.get(id(protocol))
    if entry is not None and entry[0] is protocol:
        verdict = entry[1].get(type(obj))  # only instances' classes are keys here
        if verdict is True or verdict is False:
            try:
                own = obj.__dict__
            except AttributeError:  # slots only, none of them a member (else it is _ASK_INSTANCE)
                return verdict
            if not own or entry[2].isdisjoint(own):
                return verdict
    return _conforms_slowly(obj, protocol)


def _conforms_slowly(obj: object, protocol: type) -> bool:
    """:func:`conforms` for a class, a first sight, or an instance that must be checked itself."""
    entry = _VERDICTS.get(id(protocol))
    if entry is None or entry[0] is not protocol:
        names = frozenset(protocol_member_names(as_protocol(protocol)))
        entry = _VERDICTS[id(protocol)] = (protocol, {}, names, {})
    if isinstance(obj, type):
        verdict = entry[3].get(obj)
        if verdict is None:
            verdict = entry[3][obj] = _class_verdict(obj, protocol)
        return verdict is True
    cls = type(obj)
    verdict = entry[1].get(cls)
    if verdict is None:
        verdict = entry[3].get(cls)
        if verdict is None:
            verdict = entry[3][cls] = _class_verdict(cls, protocol)
        if verdict is True and _held_by_instances(cls, entry[2]):
            verdict = _ASK_INSTANCE
        entry[1][cls] = verdict
    if verdict is not _ASK_INSTANCE:
        own = getattr(obj, "__dict__", None)
        if not own or entry[2].isdisjoint(own):
            return verdict is True
    _DEEP_CHECKS[0] += 1
    return check(obj, protocol).ok
