"""What the kit stores for its scenarios, and how it compares what comes back."""

from __future__ import annotations

import datetime as dt
from typing import Final, final

import attrs

from kozmo_io import core
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.protocols import OutputFilePaths
from kozmo_io.storage import CountingStore
from kozmo_io.testing._kit import Kit, describe, fresh_store
from kozmo_io.testing._path_getters import output_paths

__all__ = (
    "CORRUPT",
    "DECK",
    "ERROR_FIELDS",
    "NO_OUTPUTS",
    "SYSTEM_ERROR",
    "Stage",
    "USER_ERROR",
    "expect_bool",
    "expect_error",
    "literals",
    "stage_outputs",
)


def ordered_inputs() -> core.Inputs:
    """Return the kit's literals as second-generation inputs: out of name order, with a context."""
    named = literals().literals
    return core.Inputs(
        literals=[core.NamedLiteral(name=name, value=named[name]) for name in sorted(named)[::-1]],
        context=[core.KeyValuePair(key="team", value="kit"), core.KeyValuePair(key="attempt")],
    )


def ordered_outputs() -> core.Outputs:
    """Return the kit's literals as second-generation outputs: out of name order, an artifact."""
    return core.Outputs(
        literals=ordered_inputs().literals,
        produced_artifacts=[core.ProducedArtifact(output="answer", name="kit-answer", version="1")],
    )


def literals() -> core.LiteralMap:
    """Return the kit's outputs (and inputs): three literals of different types."""
    return core.LiteralMap(
        literals={
            "answer": core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=42))),
            "greeting": core.Literal(
                scalar=core.Scalar(primitive=core.Primitive(string_value="hello"))
            ),
            "ratio": core.Literal(scalar=core.Scalar(primitive=core.Primitive(float_value=0.5))),
        }
    )


SYSTEM_ERROR: Final = ExecutionError(
    code="OOMKilled",
    message="kozmo-kit: the worker ran out of memory",
    kind=ErrorKind.SYSTEM,
    is_recoverable=True,
    timestamp=dt.datetime(2024, 11, 5, 12, 30, 1, 123456, tzinfo=dt.UTC),
    worker="kozmo-kit-worker-3",
)
"""A recoverable SYSTEM error with a timestamp and a worker."""

USER_ERROR: Final = ExecutionError(
    code="ValueError",
    message="kozmo-kit: the task raised ValueError",
    kind=ErrorKind.USER,
    is_recoverable=False,
)
"""A non-recoverable USER error without timestamp or worker."""

NO_OUTPUTS: Final = ExecutionError(
    code="No outputs produced", kind=ErrorKind.UNKNOWN, is_recoverable=True
)
"""What reading an outputs.pb without literals gives (its message names the path)."""

ERROR_FIELDS: Final = ("code", "message", "kind", "is_recoverable", "timestamp", "worker")
"""The fields of an error that survive error.pb (``error_uri`` does not)."""

CORRUPT: Final = b"\x0a\x05abc"
"""Bytes that decode as no message: a field claims 5 bytes, 3 follow."""

DECK: Final = b"<html><body>kozmo-kit deck</body></html>"


@final
@attrs.frozen
class Stage:
    """A fresh store with a task's files under ``memory://kozmo-kit/<name>/outputs``."""

    store: CountingStore
    paths: OutputFilePaths


async def stage_outputs(
    name: str,
    *,
    outputs: bytes | None = None,
    error: bytes | None = None,
    deck: bytes | None = None,
) -> Stage:
    """Write the given files to a fresh store at the kit's output paths for scenario ``name``."""
    store = fresh_store()
    paths = output_paths(f"memory://kozmo-kit/{name}/outputs", f"memory://kozmo-kit/{name}/raw")
    files = (
        (paths.get_output_path(), outputs),
        (paths.get_error_path(), error),
        (paths.get_deck_path(), deck),
    )
    for path, data in files:
        if data is not None:
            await store.put(path, data)
    store.reset()
    return Stage(store, paths)


def _shown(field: str, value: object) -> str:
    if isinstance(value, ErrorKind):
        return f"{field} {value.name}"
    if isinstance(value, dt.datetime):
        return f"{field} {value.isoformat()}"
    return f"{field} {value!r}"


def expect_error(
    kit: Kit, member: str, situation: str, found: object, expected: ExecutionError
) -> None:
    """Record a problem per field of ``found`` that differs from ``expected``.

    Every field of :data:`ERROR_FIELDS` is compared, except an empty expected ``message``: the
    reader then makes one up (naming a path).
    """
    if not isinstance(found, ExecutionError):
        kit.problem(member, situation, describe(expected), describe(found))
        return
    fields = ERROR_FIELDS if expected.message else tuple(f for f in ERROR_FIELDS if f != "message")
    for field in fields:
        want, got = getattr(expected, field), getattr(found, field)
        if want != got:
            kit.problem(member, situation, _shown(field, want), _shown(field, got))


def expect_bool(kit: Kit, member: str, situation: str, found: object, expected: bool) -> None:  # noqa: FBT001 - the expected answer
    """Record a problem unless ``found`` is the bool ``expected``."""
    if found is not expected:
        kit.problem(member, situation, repr(expected), describe(found))
