"""The machinery every behavioural check shares: build, call, collect problems, report."""

from __future__ import annotations

import asyncio
import functools
import inspect
import reprlib
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Final, ParamSpec, TypeVar, final

import attrs

from kozmo_io import core
from kozmo_io.conformance import ConformanceReport, Problem, check
from kozmo_io.errors import ConformanceError
from kozmo_io.execution_error import ExecutionError
from kozmo_io.reference import redact
from kozmo_io.storage import CountingStore, MemoryBlobStore

__all__ = (
    "DEFAULT_TIMEOUT",
    "Kit",
    "RULE",
    "Raised",
    "Returned",
    "describe",
    "fresh_store",
    "in_new_loop",
    "run_sync",
)

T = TypeVar("T")

RULE: Final = "behaviour"
"""The ``rule`` of every problem the behavioural checks find."""

DEFAULT_TIMEOUT: Final = 10.0
"""Seconds one call of the object under test may take before it counts as hanging."""

# Runtime problems that make a member uncallable the way the protocol says: behavioural checks of
# that member would only repeat them.
_UNCALLABLE_RULES: Final = frozenset({"missing", "none", "not-callable", "async"})


@final
@attrs.frozen
class Returned:
    """A call that returned ``value``."""

    value: object


@final
@attrs.frozen
class Raised:
    """A call that raised ``exc``."""

    exc: Exception


_short = reprlib.Repr()
_short.maxother = 80


def fresh_store() -> CountingStore:
    """Return a new, empty in-memory store that counts its requests."""
    return CountingStore(MemoryBlobStore())


def describe(value: object) -> str:  # noqa: PLR0911 - one short rendering per kind of value
    """Render a value the object under test produced (or the kit expects), briefly.

    Args:
        value: Anything.

    Returns:
        A short, credential-free rendering.
    """
    if isinstance(value, Raised):
        return f"raised {type(value.exc).__name__}: {redact(str(value.exc))}"
    if isinstance(value, Returned):
        return describe(value.value)
    if isinstance(value, core.LiteralMap):
        if not value.literals:
            return "an empty LiteralMap"
        return f"a LiteralMap with {sorted(value.literals)}"
    if isinstance(value, core.Inputs | core.Outputs):
        names = [named.name for named in value.literals]
        extra = (
            f"context {[(pair.key, pair.value) for pair in value.context]}"
            if isinstance(value, core.Inputs)
            else f"{len(value.produced_artifacts)} produced artifact(s)"
        )
        return f"{type(value).__name__} with {names} in that order and {extra}"
    if isinstance(value, ExecutionError):
        fields = (
            f"code={value.code!r}, kind={value.kind.name}, is_recoverable={value.is_recoverable}"
        )
        return f"ExecutionError({fields})"
    if isinstance(value, tuple):
        return f"({', '.join(map(describe, value))})"
    if isinstance(value, list):
        return f"list [{', '.join(map(describe, value))}]"
    if isinstance(value, str):
        return f"{type(value).__name__} {redact(value)!r}"
    return " ".join(_short.repr(value).split())  # one line, whatever the repr


def run_sync(coroutine: Coroutine[Any, Any, T], async_name: str) -> T:
    """Run ``coroutine`` in a new event loop; refuse inside a running loop.

    Args:
        coroutine: The check to run.
        async_name: The async variant to name in the error.

    Returns:
        What the coroutine returns.

    Raises:
        RuntimeError: An event loop is already running in this thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    coroutine.close()
    msg = f"an event loop is already running: use `await {async_name}(...)` instead"
    raise RuntimeError(msg)


P = ParamSpec("P")


def in_new_loop(async_check: Callable[P, Coroutine[Any, Any, T]], /) -> Callable[P, T]:
    """Make the synchronous form of an ``acheck_*`` function: the same call, in a new event loop.

    Args:
        async_check: The asynchronous check (its name starts with ``a``).

    Returns:
        ``check_*``, typed as ``async_check`` is; it raises :class:`RuntimeError` when called
        while an event loop runs in its thread.
    """
    async_name = async_check.__name__

    @functools.wraps(async_check)
    def check(*args: P.args, **kwargs: P.kwargs) -> T:
        return run_sync(async_check(*args, **kwargs), async_name)

    check.__name__ = check.__qualname__ = async_name.removeprefix("a")
    check.__doc__ = (
        f"Run :func:`{async_name}` in a new event loop.\n\n"
        "Raises:\n"
        "    RuntimeError: Called while an event loop runs in this thread (await the async"
        " variant).\n"
    )
    return check


def _check_timeout(timeout: object) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        msg = f"call_timeout must be a positive number of seconds, got {timeout!r}"
        raise ValueError(msg)
    return float(timeout)


@attrs.define
class Kit:
    """Collects the problems of one behavioural check of a factory's objects against a protocol.

    The runtime conformance check runs on the first object the factory builds; members it finds
    uncallable are not exercised (the runtime problem already says why). Members it cannot judge
    ("cannot tell") are exercised; the reasons stay in the report, and fail it under ``strict``.
    """

    factory: Callable[..., object] = attrs.field(validator=attrs.validators.is_callable())
    protocol: type
    timeout: float = attrs.field(converter=_check_timeout)
    strict: bool = attrs.field(default=False, kw_only=True)
    problems: list[Problem] = attrs.field(factory=list)
    runtime: ConformanceReport | None = None
    qualname: str = ""
    _skipped: frozenset[str] = frozenset()

    def problem(
        self, member: str, situation: str, expected: str, found: str, *, who: str = ""
    ) -> None:
        """Record one behavioural problem.

        Args:
            member: The member called (``""`` for the factory).
            situation: What the store held or what was done, e.g. ``"with outputs.pb missing"``.
            expected: What the contract asks for.
            found: What the object did.
            who: Who did it, when neither a member nor the factory (e.g. a whole check).
        """
        who = who or (f"{self.qualname}.{member}()" if member else "the factory")
        message = f"{who} {situation}: expected {expected}, found {found}"
        target = self.runtime.target if self.runtime is not None else self._factory_name()
        self.problems.append(Problem(target, member, RULE, expected, found, message))

    def _factory_name(self) -> str:
        factory = self.factory
        name = getattr(factory, "__qualname__", type(factory).__qualname__)
        return f"{getattr(factory, '__module__', '?')}:{name} (factory)"

    async def _await(self, awaitable: Awaitable[object]) -> Returned | Raised | None:
        """Await with the timeout; None (with the hang recorded by the caller) when it expired."""
        scope = asyncio.timeout(self.timeout)
        try:
            async with scope:
                return Returned(await awaitable)
        except Exception as exc:  # noqa: BLE001 - whatever the object raises is judged by the caller
            if isinstance(exc, TimeoutError) and scope.expired():
                return None
            return Raised(exc)

    async def build(self, *args: object, situation: str) -> object | None:
        """Call the factory (awaiting what it returns if awaitable); None when it failed.

        The first object built is put through the runtime conformance check.
        """
        try:
            outcome: Returned | Raised | None = Returned(self.factory(*args))
        except Exception as exc:  # noqa: BLE001 - a failing factory is a finding, not a crash
            outcome = Raised(exc)
        if isinstance(outcome, Returned) and inspect.isawaitable(outcome.value):
            outcome = await self._await(outcome.value)
        if outcome is None:
            self.problem("", situation, "an object", f"none within {self.timeout:g} s")
            return None
        if isinstance(outcome, Raised):
            self.problem("", situation, "an object", describe(outcome))
            return None
        built = outcome.value
        if self.runtime is None:
            self.runtime = check(built, self.protocol)
            self.qualname = type(built).__qualname__
            self._skipped = frozenset(
                p.member for p in self.runtime.problems if p.rule in _UNCALLABLE_RULES
            )
        return built

    async def call(
        self, obj: object, member: str, situation: str, *args: object, **kwargs: object
    ) -> Returned | Raised | None:
        """Call and await an ``async`` member; None when the call could not be made as required.

        A hang (longer than the timeout) and a result that is not awaitable are recorded here.
        """
        if member in self._skipped:
            return None
        try:
            pending = getattr(obj, member)(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - whatever the object raises is judged by the caller
            return Raised(exc)
        if not inspect.isawaitable(pending):
            self.problem(member, situation, "an awaitable (async def)", describe(pending))
            return None
        outcome = await self._await(pending)
        if outcome is None:
            self.problem(member, situation, "an answer", f"none within {self.timeout:g} s")
        return outcome

    def call_sync(self, obj: object, member: str, situation: str) -> Returned | Raised | None:
        """Call a plain member; None when the call could not be made as required.

        A coroutine returned where a value is due is closed (so it warns nowhere) and recorded.
        """
        if member in self._skipped:
            return None
        try:
            value = getattr(obj, member)()
        except Exception as exc:  # noqa: BLE001 - whatever the object raises is judged by the caller
            return Raised(exc)
        if inspect.isawaitable(value):
            if inspect.iscoroutine(value):
                value.close()
            self.problem(member, situation, "a plain value (def, not async def)", "an awaitable")
            return None
        return Returned(value)

    def returned(
        self, outcome: Returned | Raised | None, member: str, situation: str, expected: str
    ) -> Returned | None:
        """Return ``outcome`` if it is a returned value; record a raised one as a problem."""
        if isinstance(outcome, Raised):
            self.problem(member, situation, expected, describe(outcome))
            return None
        return outcome

    def report(self) -> ConformanceReport:
        """Combine the runtime report with the behavioural problems.

        Returns:
            The report (checks ``runtime`` and ``behaviour``): verdict "conforms", or "cannot tell"
            with the runtime check's reasons.

        Raises:
            ConformanceError: There is at least one problem, or (``strict``) a reason the runtime
                check cannot tell (``.report`` holds the report).
        """
        if self.runtime is None:
            protocol = f"{self.protocol.__module__}:{self.protocol.__qualname__}"
            runtime = ConformanceReport(self._factory_name(), protocol)
        else:
            runtime = self.runtime
        report = attrs.evolve(
            runtime,
            problems=runtime.problems + tuple(self.problems),
            checks=(*runtime.checks, RULE),
        )
        if self.strict:
            report = report.strict()
        if report.problems:
            raise ConformanceError(str(report), problems=report.problems, report=report)
        return report
