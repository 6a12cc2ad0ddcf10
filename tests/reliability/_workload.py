"""Tasks the reliability tests write and read back, and the engine's way of reading them."""

from __future__ import annotations

import datetime as dt
import random
from typing import Literal, final

import attrs

from kozmo_io import core
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils import (
    CheckpointRemoteFilePaths,
    InMemoryOutputReader,
    PrecomputedRawOutputPaths,
    ReadOnlyOutputFilePaths,
    RemoteFileOutputReader,
    RemoteFileOutputWriter,
)
from kozmo_io.storage import BlobStore

__all__ = (
    "Observation",
    "Task",
    "make_outputs",
    "make_tasks",
    "observe",
    "output_paths",
    "write_task",
)

Kind = Literal["outputs", "error", "missing"]


@final
@attrs.frozen
class Observation:
    """What the engine's sequence saw under one output prefix.

    Args:
        kind: ``outputs``, ``error`` or ``missing`` (neither error.pb nor outputs.pb).
        outputs: The outputs read, for ``outputs``.
        error: The error read, for ``error``.
    """

    kind: Kind
    outputs: core.LiteralMap | None = None
    error: ExecutionError | None = None


@final
@attrs.frozen
class Task:
    """A task's output prefix and what it leaves there.

    Args:
        prefix: The output prefix.
        outputs: Its outputs, when it succeeds.
        error: Its error, when it fails.
    """

    prefix: str
    outputs: core.LiteralMap | None = None
    error: ExecutionError | None = None

    def expected(self) -> Observation:
        """What reading the prefix must show once the task's write succeeded."""
        if self.error is not None:
            return Observation("error", error=self.error)
        return Observation("outputs", outputs=self.outputs)


def make_outputs(tag: str, size: int) -> core.LiteralMap:
    """Build outputs of about ``size`` bytes whose every literal names ``tag``."""
    outputs = core.LiteralMap()
    outputs.literals["tag"].scalar.primitive.string_value = tag
    outputs.literals["size"].scalar.primitive.integer = size
    outputs.literals["payload"].scalar.primitive.string_value = (tag * (size // len(tag) + 1))[
        :size
    ]
    outputs.literals["flag"].scalar.primitive.boolean = True
    return outputs


def make_tasks(root: str, count: int, *, seed: int, size: int = 2048) -> list[Task]:
    """Build ``count`` tasks under ``root``: mostly successes, some failures."""
    chooser = random.Random(seed)  # noqa: S311 - a reproducible mix, not a secret
    tasks = []
    for index in range(count):
        prefix = f"{root}/task-{index:04d}"
        if chooser.random() < 0.3:
            error = ExecutionError(
                code=f"E{index}",
                message=f"task {index} failed",
                kind=ErrorKind.USER,
                is_recoverable=index % 2 == 0,
                timestamp=dt.datetime(2025, 1, 1, 0, 0, index % 60, tzinfo=dt.UTC),
                worker=f"worker-{index}",
            )
            tasks.append(Task(prefix, error=error))
        else:
            tasks.append(Task(prefix, outputs=make_outputs(f"task-{index}", size)))
    return tasks


def output_paths(prefix: str) -> CheckpointRemoteFilePaths:
    """The paths a task's writer writes under ``prefix`` (raw outputs in ``<prefix>/raw``)."""
    return CheckpointRemoteFilePaths(prefix, PrecomputedRawOutputPaths(f"{prefix}/raw"))


async def write_task(store: BlobStore, task: Task) -> None:
    """Persist the task's result with RemoteFileOutputWriter (one PUT)."""
    reader = InMemoryOutputReader(literals=task.outputs, error=task.error)
    await RemoteFileOutputWriter(store, output_paths(task.prefix)).put(reader)


async def observe(store: BlobStore, prefix: str) -> Observation:
    """Run the engine's sequence on a fresh reader: is_error, then read_error or exists and read."""
    reader = RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(prefix))
    if await reader.is_error():
        return Observation("error", error=await reader.read_error())
    if not await reader.exists():
        return Observation("missing")
    outputs, error = await reader.read()
    if outputs is None:
        return Observation("error", error=error)
    return Observation("outputs", outputs=outputs)
