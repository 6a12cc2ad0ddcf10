"""A generated map-task run to look at: :func:`write_map_run`.

Lays out a run of ``tasks`` word-count sub-tasks the way the engine does (``<run>/n0/<index>`` holds
``inputs.pb``, the attempt folder ``<run>/n0/<index>/0`` what the task left) and runs the plugin of
:mod:`kozmo_io.examples.word_count` for each, through the reference reader and writer. Most
sub-tasks succeed; by design some do not: a few get an empty text and fail (``error.pb``), a few
never ran (``inputs.pb`` only), a few left an ``outputs.pb`` that does not decode, and a few one
over the 2 MiB read limit. ``kozmo-io demo --map N`` writes one and scans it.
"""

from __future__ import annotations

import asyncio
from typing import final

import attrs

from kozmo_io import core
from kozmo_io.examples.word_count import make_inputs, run_word_count
from kozmo_io.ioutils import (
    CheckpointRemoteFilePaths,
    PrecomputedRawOutputPaths,
    RemoteFileInputReader,
    RemoteFileOutputWriter,
    SimpleInputFilePaths,
)
from kozmo_io.reference import construct_reference
from kozmo_io.storage import DEFAULT_MAX_PAYLOAD_BYTES, BlobStore, write_message

__all__ = ("MapRunPlan", "plan_map_run", "write_map_run")

_WORDS = ("the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "and", "sleeps")


@final
@attrs.frozen
class MapRunPlan:
    """Which sub-tasks of a generated run end how (indexes into ``range(tasks)``).

    Args:
        tasks: The number of sub-tasks.
        failing: Sub-tasks given an empty text: the plugin writes ``error.pb`` (``ValueError``).
        missing: Sub-tasks that never ran: ``inputs.pb`` only.
        corrupt: Sub-tasks whose ``outputs.pb`` does not decode.
        oversized: Sub-tasks whose ``outputs.pb`` is over the 2 MiB read limit.
    """

    tasks: int
    failing: frozenset[int]
    missing: frozenset[int]
    corrupt: frozenset[int]
    oversized: frozenset[int]

    @property
    def succeeding(self) -> int:
        """How many sub-tasks leave outputs."""
        return self.tasks - len(self.failing | self.missing | self.corrupt | self.oversized)


def plan_map_run(tasks: int) -> MapRunPlan:
    """Choose which sub-tasks of a run of ``tasks`` fail, and how (deterministic).

    About 1 in 97 fails, 1 in 211 never ran, 1 in 401 is corrupt and 2 are oversized (1 when
    ``tasks`` < 3); no sub-task is in two sets.

    Args:
        tasks: The number of sub-tasks (a positive integer).

    Returns:
        The plan.
    """
    failing = {index for index in range(tasks) if index % 97 == 13}  # noqa: PLR2004 - a pattern
    missing = {index for index in range(tasks) if index % 211 == 7} - failing  # noqa: PLR2004
    corrupt = {index for index in range(tasks) if index % 401 == 5} - failing - missing  # noqa: PLR2004
    oversized = {tasks // 3, 2 * tasks // 3} - failing - missing - corrupt
    return MapRunPlan(
        tasks, frozenset(failing), frozenset(missing), frozenset(corrupt), frozenset(oversized)
    )


def _oversized_outputs() -> bytes:
    padding = "x" * (DEFAULT_MAX_PAYLOAD_BYTES + 1024)
    literal = core.Literal(scalar=core.Scalar(primitive=core.Primitive(string_value=padding)))
    return core.LiteralMap(literals={"words": literal}).SerializeToString()


async def write_map_run(
    store: BlobStore, run_prefix: str, plan: MapRunPlan, /, *, concurrency: int = 32
) -> None:
    """Write the run ``plan`` describes under ``run_prefix``: inputs, then run every sub-task.

    Args:
        store: Where to write.
        run_prefix: The run's folder (e.g. ``/data/run1`` or ``s3://bucket/metadata/run1``).
        plan: Which sub-tasks end how (:func:`plan_map_run`).
        concurrency: Sub-tasks written at once.

    Raises:
        KozmoIOError: A write failed.
    """
    oversized = _oversized_outputs()
    pending = iter(range(plan.tasks))

    async def one(index: int) -> None:
        data_dir = construct_reference(run_prefix, "n0", str(index))
        output_prefix = construct_reference(data_dir, "0")
        text = "" if index in plan.failing else " ".join(_WORDS[: 3 + index % 7])
        inputs = SimpleInputFilePaths(data_dir)
        await write_message(store, inputs.get_input_path(), make_inputs(text))
        if index in plan.missing:
            return
        raw = PrecomputedRawOutputPaths(construct_reference(run_prefix, "raw", str(index)))
        writer = RemoteFileOutputWriter(store, CheckpointRemoteFilePaths(output_prefix, raw))
        await run_word_count(RemoteFileInputReader(store, inputs), writer, worker=f"pod-{index}")
        if index in plan.corrupt:
            await store.put(writer.get_output_path(), b"\xff\xfe not a LiteralMap")
        elif index in plan.oversized:
            await store.put(writer.get_output_path(), oversized)

    async def work() -> None:
        for index in pending:
            await one(index)

    await asyncio.gather(*(work() for _ in range(concurrency)))
