"""Whether one signature accepts every call another allows, and how to show a signature."""

from __future__ import annotations

import inspect

from kozmo_io.conformance._types import type_repr

__all__ = ("bind_parameters", "drop_self", "format_signature", "signature_mismatches")

_P = inspect.Parameter
_POSITIONAL = (_P.POSITIONAL_ONLY, _P.POSITIONAL_OR_KEYWORD)
_KEYWORD = (_P.POSITIONAL_OR_KEYWORD, _P.KEYWORD_ONLY)


def drop_self(sig: inspect.Signature) -> inspect.Signature | None:
    """Return the signature a method has once bound to an instance.

    Args:
        sig: The signature of the function stored on the class.

    Returns:
        The signature without its first parameter (kept when that is ``*args``, which absorbs
        ``self``), or None when the function has no parameter to receive ``self``.
    """
    params = list(sig.parameters.values())
    if params and params[0].kind in _POSITIONAL:
        return sig.replace(parameters=params[1:])
    if params and params[0].kind is _P.VAR_POSITIONAL:
        return sig
    return None


def _needs_default(proto: inspect.Parameter, impl: inspect.Parameter) -> str | None:
    if proto.default is not _P.empty and impl.default is _P.empty:
        return (
            f"parameter {impl.name!r} needs a default (the protocol's {proto.name!r} is optional)"
        )
    return None


class _Impl:
    """The implementation's parameters, indexed, and which of them protocol calls use."""

    def __init__(self, sig: inspect.Signature) -> None:
        self.params = list(sig.parameters.values())
        self.positional = [p for p in self.params if p.kind in _POSITIONAL]
        self.by_name = {p.name: p for p in self.params if p.kind in _KEYWORD}
        self.var_positional = next((p for p in self.params if p.kind is _P.VAR_POSITIONAL), None)
        self.var_keyword = next((p for p in self.params if p.kind is _P.VAR_KEYWORD), None)
        self.used: set[str] = set()
        self.pairs: dict[str, tuple[inspect.Parameter, inspect.Parameter]] = {}

    def pair(self, want: inspect.Parameter, got: inspect.Parameter) -> None:
        """Remember that the protocol's ``want`` is received by ``got``."""
        self.pairs.setdefault(want.name, (want, got))

    def by_position(self, want: inspect.Parameter, index: int) -> str | None:
        """Check that the protocol's positional parameter ``want`` binds by position."""
        if index < len(self.positional):
            self.used.add(self.positional[index].name)
            self.pair(want, self.positional[index])
            return _needs_default(want, self.positional[index])
        got = self.by_name.get(want.name)
        if got is not None and got.kind is _P.KEYWORD_ONLY:
            self.used.add(got.name)
            return f"parameter {got.name!r} is keyword-only, but the protocol passes it by position"
        if self.var_positional is not None:
            self.pair(want, self.var_positional)
            return None
        return f"no parameter takes positional argument {index + 1} ({want.name!r})"

    def by_keyword(self, want: inspect.Parameter, index: int | None) -> str | None:
        """Check that ``want`` binds by keyword (``index``: its position, if also positional)."""
        got = self.by_name.get(want.name)
        if got is None:
            if self.var_keyword is None:
                return self._no_keyword(want, index)
            self.pair(want, self.var_keyword)
            return None
        self.used.add(got.name)
        self.pair(want, got)
        if index is None:
            return _needs_default(want, got)
        if got.kind is _P.POSITIONAL_OR_KEYWORD and got not in self.positional[index : index + 1]:
            return f"parameter {want.name!r} is at a different position than in the protocol"
        return None

    def _no_keyword(self, want: inspect.Parameter, index: int | None) -> str:
        if index is None:
            return f"does not accept keyword argument {want.name!r}"
        if index < len(self.positional) and self.positional[index].kind is _P.POSITIONAL_ONLY:
            return (
                f"parameter {self.positional[index].name!r} is positional-only, but the protocol "
                f"allows passing {want.name!r} by keyword"
            )
        return f"does not accept {want.name!r} by keyword"

    def unused_required(self) -> list[str]:
        """Name the parameters no protocol call fills that have no default."""
        return [
            f"extra parameter {p.name!r} has no default"
            for p in self.params
            if p.kind in (*_POSITIONAL, _P.KEYWORD_ONLY)
            and p.name not in self.used
            and p.default is _P.empty
        ]


def signature_mismatches(protocol: inspect.Signature, impl: inspect.Signature) -> list[str]:
    """List why ``impl`` does not accept every call ``protocol`` allows (both without ``self``).

    Args:
        protocol: The protocol member's bound signature.
        impl: The implementation's bound signature.

    Returns:
        One short reason per mismatch; empty when every call the protocol allows binds to ``impl``.
    """
    return bind_parameters(protocol, impl)[0]


def bind_parameters(
    protocol: inspect.Signature, impl: inspect.Signature
) -> tuple[list[str], list[tuple[inspect.Parameter, inspect.Parameter]]]:
    """Bind the protocol's parameters to the implementation's, as every allowed call would.

    Args:
        protocol: The protocol member's bound signature.
        impl: The implementation's bound signature.

    Returns:
        The reasons some call does not bind (as :func:`signature_mismatches`), and each protocol
        parameter paired with the implementation parameter that receives it (``*args`` or
        ``**kwargs`` when those absorb it), whose annotations the caller compares.
    """
    params = _Impl(impl)
    reasons: list[str | None] = []
    index = 0
    for want in protocol.parameters.values():
        if want.kind in _POSITIONAL:
            reasons.append(params.by_position(want, index))
            if want.kind is _P.POSITIONAL_OR_KEYWORD:
                reasons.append(params.by_keyword(want, index))
            index += 1
        elif want.kind is _P.KEYWORD_ONLY:
            reasons.append(params.by_keyword(want, None))
        elif want.kind is _P.VAR_POSITIONAL:
            if params.var_positional is None:
                reasons.append(f"does not accept *{want.name} (any number of positional arguments)")
            else:
                params.pair(want, params.var_positional)
        elif want.kind is _P.VAR_KEYWORD:
            if params.var_keyword is None:
                reasons.append(f"does not accept **{want.name} (arbitrary keyword arguments)")
            else:
                params.pair(want, params.var_keyword)
    mismatches = [r for r in reasons if r is not None] + params.unused_required()
    return mismatches, list(params.pairs.values())


class _Shown:
    """An annotation whose ``repr`` is its text (``inspect`` shows annotations by repr)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def format_signature(name: str, sig: inspect.Signature, *, is_async: bool) -> str:
    """Render ``[async ]def name(params) -> return`` with annotations as written (strings unquoted).

    Args:
        name: The member name.
        sig: The signature to show.
        is_async: Whether to prefix ``async``.

    Returns:
        The one-line form.
    """

    def shown(annotation: object) -> object:
        if annotation is inspect.Signature.empty:
            return annotation
        return _Shown(annotation if isinstance(annotation, str) else type_repr(annotation))

    params = [p.replace(annotation=shown(p.annotation)) for p in sig.parameters.values()]
    text = str(sig.replace(parameters=params, return_annotation=shown(sig.return_annotation)))
    return f"{'async ' if is_async else ''}def {name}{text}"
