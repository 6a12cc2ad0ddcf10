"""Behavioural rules of OutputWriter: what ``put`` leaves in the store, scenario by scenario.

The writer is handed a :class:`~kozmo_io.testing.ScriptedOutputReader` (or one that fails) and the
kit then reads the store the way the engine does: ``outputs.pb`` as a LiteralMap, ``error.pb`` as
an ErrorDocument.
"""

from __future__ import annotations

from typing import TypeVar

from google.protobuf.message import DecodeError, Message

from kozmo_io import core
from kozmo_io.errors import NotFoundError, NothingToWriteError, StorageError
from kozmo_io.execution_error import ExecutionError
from kozmo_io.reference import redact
from kozmo_io.storage import BlobStore
from kozmo_io.testing._data import (
    SYSTEM_ERROR,
    USER_ERROR,
    Stage,
    expect_error,
    literals,
    stage_outputs,
)
from kozmo_io.testing._fakes import ScriptedOutputReader
from kozmo_io.testing._kit import Kit, Raised, Returned, describe
from kozmo_io.testing._path_getters import check_output_paths_of

__all__ = ("check_output_writer_of",)

M = TypeVar("M", bound=Message)


async def _stored(store: BlobStore, path: str) -> bytes | None:
    try:
        return await store.get(path, max_bytes=None)
    except NotFoundError:
        return None


async def _listing(store: BlobStore, name: str) -> list[str]:
    page = await store.list(f"memory://kozmo-kit/{name}/", max_items=100)
    return [str(item) for item in page.items]


def _decoded(data: bytes, message_type: type[M]) -> M | None:
    message = message_type()
    try:
        message.ParseFromString(data)
    except DecodeError:
        return None
    return message


async def _put(
    kit: Kit, name: str, reader: ScriptedOutputReader, situation: str
) -> tuple[Stage, Returned | Raised | None] | None:
    """Build a writer over an empty store and put ``reader``; None when no writer was built."""
    stage = await stage_outputs(name)
    writer = await kit.build(stage.store, stage.paths, situation=situation)
    if writer is None:
        return None
    return stage, await kit.call(writer, "put", situation, reader)


async def _expect_outputs(
    kit: Kit, stage: Stage, name: str, situation: str, expected: core.LiteralMap
) -> None:
    path = stage.paths.get_output_path()
    wanted = f"outputs.pb at {redact(path)!r} holding {describe(expected)}"
    data = await _stored(stage.store, path)
    if data is None:
        found = f"no object there (the store holds {await _listing(stage.store, name)})"
        kit.problem("put", situation, wanted, found)
        return
    outputs = _decoded(data, core.LiteralMap)
    if outputs != expected:
        found = "bytes that do not decode" if outputs is None else describe(outputs)
        kit.problem("put", situation, wanted, f"outputs.pb holding {found}")


async def _expect_error_document(
    kit: Kit, stage: Stage, name: str, situation: str, expected: ExecutionError
) -> None:
    path = stage.paths.get_error_path()
    wanted = f"error.pb at {redact(path)!r} holding {describe(expected)}"
    data = await _stored(stage.store, path)
    document = None if data is None else _decoded(data, core.ErrorDocument)
    if document is None or not document.HasField("error"):
        if data is None:
            found = f"no object there (the store holds {await _listing(stage.store, name)})"
        else:
            found = "error.pb holding no ErrorDocument with an error"
        kit.problem("put", situation, wanted, found)
        return
    error = ExecutionError.from_error_document(document)
    expect_error(kit, "put", situation + ", read back from error.pb", error, expected)


async def _expect_absent(kit: Kit, stage: Stage, situation: str, path: str, why: str) -> None:
    if await _stored(stage.store, path) is not None:
        kit.problem("put", situation, f"no object at {redact(path)!r} ({why})", "one was written")


async def _expect_nothing_written(kit: Kit, stage: Stage, name: str, situation: str) -> None:
    written = await _listing(stage.store, name)
    if written:
        kit.problem("put", situation, "nothing written", f"{written}")


async def _put_outputs(kit: Kit) -> None:
    cases = (
        ("put-outputs", literals(), "given a reader holding 3 literals"),
        ("put-empty-outputs", core.LiteralMap(), "given a reader holding an empty LiteralMap"),
    )
    for name, outputs, situation in cases:
        done = await _put(kit, name, ScriptedOutputReader(outputs), situation)
        if done is None:
            continue
        stage, outcome = done
        if kit.returned(outcome, "put", situation, "None (outputs.pb written)") is None:
            continue
        await _expect_outputs(kit, stage, name, situation, outputs)
        error_path = stage.paths.get_error_path()
        await _expect_absent(kit, stage, situation, error_path, "the reader holds no error")


async def _put_errors(kit: Kit) -> None:
    cases = (
        ("put-system-error", None, SYSTEM_ERROR, "a recoverable SYSTEM error"),
        ("put-user-error", None, USER_ERROR, "a non-recoverable USER error"),
        ("put-error-and-outputs", literals(), SYSTEM_ERROR, "outputs and an error"),
    )
    for name, outputs, error, what in cases:
        situation = f"given a reader holding {what}"
        done = await _put(kit, name, ScriptedOutputReader(outputs, error), situation)
        if done is None:
            continue
        stage, outcome = done
        if kit.returned(outcome, "put", situation, "None (error.pb written)") is None:
            continue
        await _expect_error_document(kit, stage, name, situation, error)
        why = "the error wins" if outputs is not None else "the reader holds no outputs"
        await _expect_absent(kit, stage, situation, stage.paths.get_output_path(), why)


async def _put_nothing(kit: Kit) -> None:
    situation = "given a reader holding neither outputs nor an error"
    done = await _put(kit, "put-nothing", ScriptedOutputReader(), situation)
    if done is None:
        return
    stage, outcome = done
    if outcome is not None and not (
        isinstance(outcome, Raised) and isinstance(outcome.exc, NothingToWriteError)
    ):
        kit.problem("put", situation, "NothingToWriteError raised", describe(outcome))
    await _expect_nothing_written(kit, stage, "put-nothing", situation)


async def _put_failing_reader(kit: Kit) -> None:
    situation = "given a reader whose every method raises StorageError"
    failure = StorageError("kozmo-kit: the reader's store is down")
    done = await _put(kit, "put-failing", ScriptedOutputReader(raises=failure), situation)
    if done is None:
        return
    stage, outcome = done
    if outcome is not None and not (isinstance(outcome, Raised) and outcome.exc is failure):
        wanted = f"the reader's exception to propagate unchanged ({describe(Raised(failure))})"
        kit.problem("put", situation, wanted, describe(outcome))
    await _expect_nothing_written(kit, stage, "put-failing", situation)


async def check_output_writer_of(kit: Kit) -> None:
    """Run every OutputWriter rule (the OutputFilePaths rules included)."""
    await check_output_paths_of(kit)
    await _put_outputs(kit)
    await _put_errors(kit)
    await _put_nothing(kit)
    await _put_failing_reader(kit)
