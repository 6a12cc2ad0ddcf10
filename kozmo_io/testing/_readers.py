"""Behavioural rules of InputReader and OutputReader, scenario by scenario.

A reader that is also an :class:`~kozmo_io.protocols.OrderedInputReader` or
:class:`~kozmo_io.protocols.OrderedOutputReader` is held to the richer method too, on a
second-generation file (declared order, context, produced artifacts).

Each scenario starts from a fresh store holding exactly the files it names; the factory builds the
reader over that store and the kit's paths. "fresh" means a second reader from the factory that is
asked without the engine's preceding question (``read()`` without ``exists()``, ``read_error()``
without ``is_error()``), which catches readers that only work in one call order.
"""

from __future__ import annotations

from kozmo_io import core
from kozmo_io.errors import CorruptDataError, NotFoundError
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.protocols import OrderedInputReader, OrderedOutputReader
from kozmo_io.testing._data import (
    CORRUPT,
    DECK,
    NO_OUTPUTS,
    SYSTEM_ERROR,
    USER_ERROR,
    Stage,
    expect_bool,
    expect_error,
    literals,
    ordered_inputs,
    ordered_outputs,
    stage_outputs,
)
from kozmo_io.testing._kit import Kit, Raised, Returned, describe, fresh_store
from kozmo_io.testing._path_getters import check_input_paths_of, input_paths

__all__ = ("check_input_reader_of", "check_output_reader_of")


def _expect_raise(
    kit: Kit, outcome: Returned | Raised | None, member: str, situation: str, kind: type[Exception]
) -> None:
    """Record a problem unless ``outcome`` raised ``kind``."""
    if outcome is None or (isinstance(outcome, Raised) and isinstance(outcome.exc, kind)):
        return
    kit.problem(member, situation, f"{kind.__name__} raised", describe(outcome))


def _same_map(found: object, expected: core.LiteralMap) -> bool:
    # isinstance first: the object under test may return anything, with any __eq__.
    return isinstance(found, core.LiteralMap) and found == expected


# --- InputReader -----------------------------------------------------------------------------


async def _input_reader(kit: Kit, name: str, data: bytes | None, situation: str) -> object | None:
    """Build a reader over a fresh store whose inputs.pb holds ``data`` (missing when None)."""
    store = fresh_store()
    paths = input_paths(f"memory://kozmo-kit/{name}/inputs")
    if data is not None:
        await store.put(paths.get_input_path(), data)
    return await kit.build(store, paths, situation=situation)


async def check_input_reader_of(kit: Kit) -> None:
    """Run every InputReader rule (the InputFilePaths rules included)."""
    await check_input_paths_of(kit)
    expected = literals()

    situation = "with inputs.pb holding 3 literals"
    reader = await _input_reader(kit, "inputs", expected.SerializeToString(), situation)
    if reader is not None:
        for attempt in ("", " (second call)"):
            answer = kit.returned(
                await kit.call(reader, "get", situation + attempt),
                "get",
                situation + attempt,
                describe(expected),
            )
            if answer is not None and not _same_map(answer.value, expected):
                kit.problem("get", situation + attempt, describe(expected), describe(answer))

    situation = "with an empty inputs.pb"
    reader = await _input_reader(kit, "empty-inputs", b"", situation)
    if reader is not None:
        answer = kit.returned(
            await kit.call(reader, "get", situation), "get", situation, "an empty LiteralMap"
        )
        if answer is not None and not _same_map(answer.value, core.LiteralMap()):
            found = describe(answer)
            kit.problem("get", situation, "an empty LiteralMap (None means no inputs)", found)

    situation = "with inputs.pb missing"
    reader = await _input_reader(kit, "missing-inputs", None, situation)
    if reader is not None:
        outcome = await kit.call(reader, "get", situation)
        _expect_raise(kit, outcome, "get", situation, NotFoundError)

    situation = "with inputs.pb holding bytes that do not decode"
    reader = await _input_reader(kit, "corrupt-inputs", CORRUPT, situation)
    if reader is not None:
        outcome = await kit.call(reader, "get", situation)
        _expect_raise(kit, outcome, "get", situation, CorruptDataError)

    await _ordered_input_scenario(kit)


def _same_entries(found: object, expected: core.LiteralMap) -> bool:
    """A map with the expected entries (a second-generation file's context rides along unseen)."""
    return isinstance(found, core.LiteralMap) and dict(found.literals) == dict(expected.literals)


async def _ordered_input_scenario(kit: Kit) -> None:
    ordered = ordered_inputs()
    situation = "with a second-generation inputs.pb (declared order and a context)"
    reader = await _input_reader(kit, "ordered-inputs", ordered.SerializeToString(), situation)
    if reader is None:
        return
    answer = kit.returned(await kit.call(reader, "get", situation), "get", situation, "the map")
    if answer is not None and not _same_entries(answer.value, literals()):
        kit.problem("get", situation, describe(literals()), describe(answer))
    if not isinstance(reader, OrderedInputReader):
        return
    wanted = describe(ordered)
    answer = kit.returned(
        await kit.call(reader, "get_inputs", situation), "get_inputs", situation, wanted
    )
    if answer is not None and not (
        isinstance(answer.value, core.Inputs) and answer.value == ordered
    ):
        kit.problem("get_inputs", situation, wanted, describe(answer))


# --- OutputReader ----------------------------------------------------------------------------


async def _reader(kit: Kit, stage: Stage, situation: str) -> object | None:
    return await kit.build(stage.store, stage.paths, situation=situation)


async def _expect_answer(kit: Kit, reader: object, member: str, situation: str, want: bool) -> None:  # noqa: FBT001 - the expected answer
    outcome = kit.returned(await kit.call(reader, member, situation), member, situation, repr(want))
    if outcome is not None:
        expect_bool(kit, member, situation, outcome.value, want)


def _read_result(
    kit: Kit, outcome: Returned | Raised | None, situation: str, expected: str
) -> tuple[object, object] | None:
    """The ``(outputs, error)`` pair of a ``read()``; None (problem recorded) for anything else."""
    answer = kit.returned(outcome, "read", situation, expected)
    if answer is None:
        return None
    value = answer.value
    if not isinstance(value, tuple) or len(value) != 2:  # noqa: PLR2004 - (outputs, error)
        kit.problem("read", situation, expected, describe(value))
        return None
    return value[0], value[1]


async def _read_outputs(kit: Kit, reader: object, situation: str) -> None:
    expected = literals()
    wanted = describe((expected, None))
    pair = _read_result(kit, await kit.call(reader, "read", situation), situation, wanted)
    if pair is not None and not (_same_map(pair[0], expected) and pair[1] is None):
        kit.problem("read", situation, wanted, describe(pair))


async def _read_no_outputs(kit: Kit, reader: object, situation: str) -> None:
    wanted = f"(None, {describe(NO_OUTPUTS)})"
    pair = _read_result(kit, await kit.call(reader, "read", situation), situation, wanted)
    if pair is None:
        return
    outputs, error = pair
    if outputs is not None or not isinstance(error, ExecutionError):
        kit.problem("read", situation, wanted, describe(pair))
        return
    expect_error(kit, "read", situation, error, NO_OUTPUTS)


async def _read_error(kit: Kit, reader: object, situation: str, expected: ExecutionError) -> None:
    outcome = kit.returned(
        await kit.call(reader, "read_error", situation),
        "read_error",
        situation,
        describe(expected),
    )
    if outcome is not None:
        expect_error(kit, "read_error", situation, outcome.value, expected)


async def _outputs_scenarios(kit: Kit) -> None:
    stage = await stage_outputs("outputs", outputs=literals().SerializeToString())
    situation = "with outputs.pb holding 3 literals"
    reader = await _reader(kit, stage, situation)
    if reader is not None:
        is_file = kit.returned(
            kit.call_sync(reader, "is_file", situation), "is_file", situation, "a bool"
        )
        if is_file is not None and not isinstance(is_file.value, bool):
            kit.problem("is_file", situation, "a bool", describe(is_file.value))
        await _expect_answer(kit, reader, "is_error", situation, want=False)
        await _expect_answer(kit, reader, "exists", situation, want=True)
        await _read_outputs(kit, reader, situation + " after exists()")
        await _expect_answer(kit, reader, "deck_exists", situation, want=False)
    fresh = situation + " (fresh reader, no exists() first)"
    reader = await _reader(kit, stage, fresh)
    if reader is not None:
        await _read_outputs(kit, reader, fresh)

    stage = await stage_outputs("empty-outputs", outputs=b"")
    situation = "with outputs.pb holding an empty LiteralMap"
    reader = await _reader(kit, stage, situation)
    if reader is not None:
        await _expect_answer(kit, reader, "is_error", situation, want=False)
        await _expect_answer(kit, reader, "exists", situation, want=True)
        await _read_no_outputs(kit, reader, situation + " after exists()")
    fresh = situation + " (fresh reader, no exists() first)"
    reader = await _reader(kit, stage, fresh)
    if reader is not None:
        await _read_no_outputs(kit, reader, fresh)

    stage = await stage_outputs("missing-outputs")
    situation = "with no file under the output prefix"
    reader = await _reader(kit, stage, situation)
    if reader is not None:
        await _expect_answer(kit, reader, "is_error", situation, want=False)
        await _expect_answer(kit, reader, "exists", situation, want=False)
        outcome = await kit.call(reader, "read", situation + " after exists()")
        _expect_raise(kit, outcome, "read", situation + " after exists()", NotFoundError)
        await _expect_answer(kit, reader, "deck_exists", situation, want=False)

    stage = await stage_outputs("deck", outputs=literals().SerializeToString(), deck=DECK)
    situation = "with outputs.pb and a deck file at get_deck_path()"
    reader = await _reader(kit, stage, situation)
    if reader is not None:
        await _expect_answer(kit, reader, "deck_exists", situation, want=True)

    stage = await stage_outputs("corrupt-outputs", outputs=CORRUPT)
    situation = "with outputs.pb holding bytes that do not decode"
    reader = await _reader(kit, stage, situation)
    if reader is not None:
        outcome = await kit.call(reader, "read", situation)
        _expect_raise(kit, outcome, "read", situation, CorruptDataError)

    await _ordered_outputs_scenario(kit)


async def _ordered_outputs_scenario(kit: Kit) -> None:
    ordered = ordered_outputs()
    stage = await stage_outputs("ordered-outputs", outputs=ordered.SerializeToString())
    situation = "with a second-generation outputs.pb (declared order and an artifact)"
    reader = await _reader(kit, stage, situation)
    if not isinstance(reader, OrderedOutputReader):
        return
    await _expect_answer(kit, reader, "exists", situation, want=True)
    wanted = describe((ordered, None))
    answer = kit.returned(
        await kit.call(reader, "read_outputs", situation), "read_outputs", situation, wanted
    )
    value = None if answer is None else answer.value
    if answer is not None and not (
        isinstance(value, tuple)
        and len(value) == 2  # noqa: PLR2004 - (outputs, error)
        and isinstance(value[0], core.Outputs)
        and value[0] == ordered
        and value[1] is None
    ):
        kit.problem("read_outputs", situation, wanted, describe(answer))


async def _error_scenarios(kit: Kit) -> None:
    documents = (
        ("system-error", SYSTEM_ERROR, "a recoverable SYSTEM error with timestamp and worker"),
        ("user-error", USER_ERROR, "a non-recoverable USER error"),
    )
    for name, error, what in documents:
        stage = await stage_outputs(name, error=error.to_error_document().SerializeToString())
        situation = f"with error.pb holding {what}"
        reader = await _reader(kit, stage, situation)
        if reader is not None:
            await _expect_answer(kit, reader, "is_error", situation, want=True)
            after = situation + " after is_error()"
            await _read_error(kit, reader, after, error)
        fresh = situation + " (fresh reader, no is_error() first)"
        reader = await _reader(kit, stage, fresh)
        if reader is not None:
            await _read_error(kit, reader, fresh, error)

    stage = await stage_outputs("bad-format-error", error=core.ErrorDocument().SerializeToString())
    situation = "with error.pb holding an ErrorDocument without an error"
    reader = await _reader(kit, stage, situation)
    if reader is not None:
        await _expect_answer(kit, reader, "is_error", situation, want=True)
        bad_format = ExecutionError(
            code="ErrorFileBadFormat", kind=ErrorKind.SYSTEM, is_recoverable=True
        )
        await _read_error(kit, reader, situation + " after is_error()", bad_format)

    stage = await stage_outputs("corrupt-error", error=CORRUPT)
    situation = "with error.pb holding bytes that do not decode"
    reader = await _reader(kit, stage, situation)
    if reader is not None:
        await kit.call(reader, "is_error", situation)
        outcome = await kit.call(reader, "read_error", situation + " after is_error()")
        _expect_raise(kit, outcome, "read_error", situation + " after is_error()", CorruptDataError)


async def check_output_reader_of(kit: Kit) -> None:
    """Run every OutputReader rule."""
    await _outputs_scenarios(kit)
    await _error_scenarios(kit)
