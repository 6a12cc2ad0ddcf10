"""Read many tasks' outputs with bounded concurrency: :func:`read_outputs_many`.

A list-returning layer over :func:`~kozmo_io.ioutils.stream_reads`; to handle each task as it
completes, in memory that does not grow with the number of tasks, use the stream (or
:func:`~kozmo_io.ioutils.stream_outputs` over prefixes) directly.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from kozmo_io import core
from kozmo_io.execution_error import ExecutionError
from kozmo_io.ioutils.stream_outputs import DEFAULT_CONCURRENCY, stream_reads
from kozmo_io.protocols import OutputReader

__all__ = ("read_outputs_many",)


async def read_outputs_many(
    readers: Sequence[OutputReader], /, *, concurrency: int = DEFAULT_CONCURRENCY
) -> list[tuple[core.LiteralMap | None, ExecutionError | None]]:
    """Call ``read()`` on every reader, at most ``concurrency`` at a time.

    Args:
        readers: The readers, e.g. one :class:`~kozmo_io.ioutils.RemoteFileOutputReader` per task.
        concurrency: The largest number of reads in flight (a positive integer).

    Returns:
        The result of each reader's ``read()``, in the order of ``readers``.

    Raises:
        InvalidArgumentError: ``concurrency`` is not a positive integer (a ``ValueError``).
        KozmoIOError: The first ``read()`` that raised; the reads still running are cancelled and
            awaited first, and no partial result is returned. (A task's own failure is not raised:
            it is the ``ExecutionError`` in that reader's result.)
    """
    results: list[tuple[core.LiteralMap | None, ExecutionError | None]] = [(None, None)] * len(
        readers
    )
    stream = stream_reads(readers, concurrency=concurrency)
    async with contextlib.aclosing(stream) as outcomes:
        async for outcome in outcomes:
            if outcome.failure is not None:
                raise outcome.failure
            results[outcome.index] = (outcome.outputs, outcome.error)
    return results
