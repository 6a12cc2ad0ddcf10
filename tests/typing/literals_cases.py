"""Static cases for kozmo_io.literals: what mypy infers for decoded values.

Checked by the ordinary ``mypy`` run (never executed). A class (or a generic alias such as
``list[int]``) as the hint types the result; the members of a union type it partly. Negative
cases carry the exact ``type: ignore`` code, and ``warn_unused_ignores`` keeps them honest.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, assert_type

from kozmo_io import BlobRef, core, from_literal, from_literal_map, to_literal, to_literal_map

literal = core.Literal()

assert_type(from_literal(literal, int), int)
assert_type(from_literal(literal, str), str)
assert_type(from_literal(literal, dt.datetime), dt.datetime)
assert_type(from_literal(literal, BlobRef), BlobRef)
assert_type(from_literal(literal, list[int]), list[int])
assert_type(from_literal(literal, dict[str, float]), dict[str, float])
assert_type(from_literal(literal, int | None), int | Any)  # mypy: the union of the members
assert_type(from_literal(literal), Any)
assert_type(from_literal_map(core.LiteralMap(), {"a": int}), dict[str, Any])
assert_type(to_literal(1, int), core.Literal)
assert_type(to_literal_map({"a": 1}), core.LiteralMap)

wrong: str = from_literal(literal, int)  # type: ignore[assignment]
from_literal(literal, int, sdk="flyte3")  # type: ignore[call-overload]
to_literal(1, sdk="go")  # type: ignore[arg-type]
