"""Static cases for the conformance API: the verdict, strict, and the static checker's name.

Checked by the ordinary ``mypy`` run (never executed). Every negative case carries a ``type:
ignore`` with the exact error code; ``warn_unused_ignores`` turns a case that stops failing into
an error.
"""

from __future__ import annotations

from typing import assert_type

from kozmo_io.conformance import (
    ConformanceReport,
    Problem,
    Verdict,
    assert_conforms,
    check,
    check_static,
    conforms,
)
from kozmo_io.protocols import InputReader


class Reader:
    pass


report = check(Reader, InputReader, strict=True)
assert_type(report, ConformanceReport)
assert_type(report.verdict, Verdict)
assert_type(report.cannot_tell, tuple[Problem, ...])
assert_type(report.strict(), ConformanceReport)
assert_type(conforms(Reader(), InputReader), bool)
assert_type(conforms(obj=Reader, protocol=InputReader), bool)
assert_type(conforms.cache_clear(), None)
assert_type(conforms.cache_info().deep_checks, int)
assert_type(conforms.cache_info().size, int)
assert_type(assert_conforms(Reader, InputReader, strict=False), None)
assert_type(check_static(Reader, InputReader, checker="pyright", strict=True), ConformanceReport)

undecided: bool = report.verdict is Verdict.CANNOT_TELL
text: str = report.verdict  # a Verdict is a str: "conforms", "does not conform", "cannot tell"
check(Reader, InputReader, True)  # type: ignore[call-arg]  # noqa: FBT003  # strict is keyword-only
conforms.cache_parameters()  # type: ignore[attr-defined]  # only cache_clear and cache_info
