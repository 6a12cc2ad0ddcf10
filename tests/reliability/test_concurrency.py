"""64 writers and 64 readers on one output prefix: whole outputs only, and the last write wins.

Every writer puts, twice, outputs whose every literal names the writer and round, through
RemoteFileOutputWriter; meanwhile readers run exists() and read() on fresh readers. A read must show
one writer's outputs whole (never a part, never a mix), only once that write started, and the
outputs never vanish once a write completed. Afterwards the prefix holds a write that no other write
started after, and a final write replaces it whole.
"""

from __future__ import annotations

import asyncio
import time
from typing import final

import attrs

from kozmo_io import core
from kozmo_io.ioutils import (
    InMemoryOutputReader,
    ReadOnlyOutputFilePaths,
    RemoteFileOutputReader,
    RemoteFileOutputWriter,
)
from kozmo_io.storage import BlobStore
from reliability._tally import TALLY
from reliability._workload import make_outputs, output_paths

WRITERS = 64
READERS = 64
ROUNDS = 2
SIZE = 128 * 1024
# A guard against a hang, not a speed target: Azurite, a single-threaded emulator, needs about 25 s
# for the race on an idle machine (moto about 3 s), and a loaded machine can double that.
OPERATION_SECONDS = 180.0


@final
@attrs.frozen
class Put:
    """One completed write and when it ran."""

    tag: str
    start: float
    end: float


def tag_of(writer: int, round_: int) -> str:
    """The text that fills writer ``writer``'s outputs in round ``round_``."""
    return f"w{writer:02d}r{round_}-"


def identify(outputs: core.LiteralMap) -> str | None:
    """Return the tag the outputs were written with, or ``None`` when they are partial or mixed."""
    tag = outputs.literals["tag"].scalar.primitive.string_value
    if not tag or outputs != make_outputs(tag, SIZE):
        return None
    return tag


@attrs.define
class Run:
    """What the writers did and what the readers found."""

    started: dict[str, float] = attrs.Factory(dict)
    puts: list[Put] = attrs.Factory(list)
    reads: int = 0
    violations: list[str] = attrs.Factory(list)


async def write(store: BlobStore, prefix: str, writer: int, run: Run) -> None:
    paths = output_paths(prefix)
    for round_ in range(ROUNDS):
        tag = tag_of(writer, round_)
        outputs = InMemoryOutputReader(literals=make_outputs(tag, SIZE))
        start = run.started[tag] = time.monotonic()
        await RemoteFileOutputWriter(store, paths).put(outputs)
        run.puts.append(Put(tag, start, time.monotonic()))


async def read(store: BlobStore, prefix: str, done: asyncio.Event, run: Run) -> None:
    paths = ReadOnlyOutputFilePaths(prefix)
    while not done.is_set():
        began = time.monotonic()
        completed_before = any(put.end < began for put in run.puts)
        reader = RemoteFileOutputReader(store, paths)
        run.reads += 1
        if not await reader.exists():
            if completed_before:
                run.violations.append("outputs.pb vanished after a write completed")
            continue
        outputs, error = await reader.read()
        tag = None if outputs is None else identify(outputs)
        if tag is None:
            run.violations.append(f"a partial or mixed outputs.pb: {error!r}")
        elif tag not in run.started:
            run.violations.append(f"{tag} was read before its write started")


async def final_tag(store: BlobStore, prefix: str) -> str | None:
    outputs, _ = await RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(prefix)).read()
    return None if outputs is None else identify(outputs)


async def race(store: BlobStore, prefix: str) -> Run:
    run = Run()
    done = asyncio.Event()
    readers = [asyncio.ensure_future(read(store, prefix, done, run)) for _ in range(READERS)]
    try:
        async with asyncio.timeout(OPERATION_SECONDS):
            await asyncio.gather(*(write(store, prefix, w, run) for w in range(WRITERS)))
    finally:
        done.set()
        await asyncio.gather(*readers)
    winner = await final_tag(store, prefix)
    assert winner is not None, "the outputs after the race are partial or mixed"
    won = next(put for put in run.puts if put.tag == winner)
    overwritten_later = [put.tag for put in run.puts if put.start > won.end]
    assert overwritten_later == [], f"{winner} won, yet these writes started after it ended"

    last = tag_of(99, 0)
    paths = output_paths(prefix)
    await RemoteFileOutputWriter(store, paths).put(
        InMemoryOutputReader(literals=make_outputs(last, SIZE))
    )
    assert await final_tag(store, prefix) == last
    return run


def test_concurrent_writers_and_readers_see_whole_outputs_and_last_write_wins(
    store: BlobStore, store_root: str
) -> None:
    run = asyncio.run(race(store, f"{store_root}/shared"))

    TALLY.operations += len(run.puts) + run.reads + 2
    assert run.violations == []
    assert len(run.puts) == WRITERS * ROUNDS
    assert run.reads >= READERS
