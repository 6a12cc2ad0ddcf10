"""Read many tasks' outputs with bounded concurrency: :func:`read_outputs_many`."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from kozmo_io import core
from kozmo_io.errors import InvalidArgumentError
from kozmo_io.execution_error import ExecutionError
from kozmo_io.protocols import OutputReader

__all__ = ("read_outputs_many",)


async def read_outputs_many(
    readers: Sequence[OutputReader], /, *, concurrency: int = 64
) -> list[tuple[core.LiteralMap | None, ExecutionError | None]]:
    """Call ``read()`` on every reader, at most ``concurrency`` at a time.

    ``concurrency`` workers take the readers in order, so no more than that many reads (and
    downloaded payloads) are in flight.

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
    if concurrency < 1:
        msg = f"concurrency must be a positive integer, got {concurrency!r}"
        raise InvalidArgumentError(msg)
    results: dict[int, tuple[core.LiteralMap | None, ExecutionError | None]] = {}
    pending = iter(enumerate(readers))

    async def work() -> None:
        # Workers share one iterator: taking the next reader never awaits, so none is read twice.
        for index, reader in pending:
            results[index] = await reader.read()

    workers = [asyncio.ensure_future(work()) for _ in range(min(concurrency, len(readers)))]
    try:
        await asyncio.gather(*workers)
    except BaseException:
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        raise
    return [results[index] for index in range(len(readers))]
