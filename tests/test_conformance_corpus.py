"""The runtime check on a corpus of third-party-style implementations (tests/conformance_corpus.py).

Each case's expected verdict is checked twice: against ``check()`` and ``conforms()``, and against
what actually happens when every member is called (and awaited, where the protocol's is async)
through the protocol: a case that conforms must work, one that does not conform must fail.
"""

from __future__ import annotations

import asyncio
import inspect

import conformance_corpus as corpus
import pytest

from kozmo_io.conformance import Verdict, check, conforms
from kozmo_io.conformance._runtime import protocol_member_names
from kozmo_io.core import LiteralMap
from kozmo_io.reference import DataReference
from kozmo_io.testing import ScriptedOutputReader

# What each member must give when used through the protocol.
RESULTS: dict[str, tuple[type, ...]] = {
    "get": (LiteralMap, type(None)),
    "put": (type(None),),
    "get_previous_checkpoints_prefix": (DataReference, type(None)),
}
ASYNC = frozenset({"get", "put"})


async def use(protocol: type, target: object) -> str | None:
    """Call every member of ``protocol`` on ``target`` as a caller would; say what went wrong."""
    try:
        obj = target() if isinstance(target, type) else target
    except Exception as exc:  # noqa: BLE001 - any failure to build is the finding
        return f"cannot be built: {exc!r}"
    for name in protocol_member_names(protocol):
        args = (ScriptedOutputReader(LiteralMap()),) if name == "put" else ()
        try:
            result = getattr(obj, name)(*args)
            if name in ASYNC:
                if not inspect.isawaitable(result):
                    return f"{name}() gave {result!r}, not an awaitable"
                result = await result
            elif inspect.isawaitable(result):
                if inspect.iscoroutine(result):
                    result.close()
                return f"{name}() gave an awaitable"
        except Exception as exc:  # noqa: BLE001 - any failure of the call is the finding
            return f"{name}() raised {exc!r}"
        if not isinstance(result, RESULTS.get(name, (DataReference,))):
            return f"{name}() gave {result!r}"
    return None


CASES = sorted(corpus.EXPECTED)


@pytest.mark.parametrize("name", CASES)
def test_corpus_case_gets_its_verdict(name: str) -> None:
    protocol, target, expected = corpus.EXPECTED[name]
    report = check(target, protocol)
    assert report.verdict == expected, str(report)
    if report.verdict is Verdict.CANNOT_TELL:
        assert report.cannot_tell
        assert not report.problems
    assert all(reason.member for reason in report.cannot_tell)


@pytest.mark.parametrize("name", CASES)
def test_corpus_verdict_matches_what_happens_when_used(name: str) -> None:
    protocol, target, expected = corpus.EXPECTED[name]
    failure = asyncio.run(use(protocol, target))
    if expected == Verdict.CONFORMS:
        assert failure is None
    elif expected == Verdict.DOES_NOT_CONFORM:
        assert failure is not None


@pytest.mark.parametrize("name", CASES)
def test_corpus_conforms_agrees_with_check(name: str) -> None:
    protocol, target, expected = corpus.EXPECTED[name]
    conforms.cache_clear()
    assert conforms(target, protocol) is (expected == Verdict.CONFORMS)
    assert conforms(target, protocol) is (expected == Verdict.CONFORMS)  # the cached verdict


@pytest.mark.parametrize("name", CASES)
def test_corpus_strict_never_says_cannot_tell(name: str) -> None:
    protocol, target, expected = corpus.EXPECTED[name]
    report = check(target, protocol, strict=True)
    assert report.verdict is not Verdict.CANNOT_TELL
    assert report.ok is (expected == Verdict.CONFORMS)


def test_corpus_covers_each_verdict_for_each_protocol() -> None:
    seen = {(protocol.__name__, verdict) for protocol, _, verdict in corpus.EXPECTED.values()}
    for verdict in Verdict:
        assert ("InputReader", verdict.value) in seen
    assert ("OutputWriter", "conforms") in seen
    assert ("OutputWriter", "does not conform") in seen
