"""read_outputs_many: results in order, bounded concurrency, the first failure raised."""

from __future__ import annotations

import asyncio
from typing import final

import pytest

from kozmo_io import core
from kozmo_io.errors import InvalidArgumentError, NotFoundError
from kozmo_io.execution_error import ExecutionError
from kozmo_io.ioutils.in_memory_output_reader import InMemoryOutputReader
from kozmo_io.ioutils.output_file_paths import ReadOnlyOutputFilePaths
from kozmo_io.ioutils.read_many import read_outputs_many
from kozmo_io.ioutils.remote_file_output_reader import RemoteFileOutputReader
from kozmo_io.protocols import OutputReader
from kozmo_io.storage import BlobStore, CountingStore, write_message


def _outputs(value: int) -> core.LiteralMap:
    literal = core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))
    return core.LiteralMap(literals={"v": literal})


@final
class _Gauge:
    """Counts reads in flight."""

    def __init__(self) -> None:
        self.current = 0
        self.peak = 0
        self.finished = 0
        self.cancelled = 0


@final
class _SlowReader:
    """An OutputReader whose read takes a moment, optionally failing."""

    def __init__(self, gauge: _Gauge, value: int, error: Exception | None = None) -> None:
        self.gauge = gauge
        self.value = value
        self.error = error

    def is_file(self) -> bool:
        return False

    async def is_error(self) -> bool:
        return False

    async def read_error(self) -> ExecutionError:
        return ExecutionError()

    async def exists(self) -> bool:
        return True

    async def deck_exists(self) -> bool:
        return False

    async def read(self) -> tuple[core.LiteralMap | None, ExecutionError | None]:
        self.gauge.current += 1
        self.gauge.peak = max(self.gauge.peak, self.gauge.current)
        try:
            await asyncio.sleep(0.001 * (self.value % 3))
            if self.error is not None:
                raise self.error
            self.gauge.finished += 1
            return _outputs(self.value), None
        except asyncio.CancelledError:
            self.gauge.cancelled += 1
            raise
        finally:
            self.gauge.current -= 1


def test_results_come_back_in_reader_order() -> None:
    gauge = _Gauge()
    readers: list[OutputReader] = [_SlowReader(gauge, value) for value in range(50)]
    results = asyncio.run(read_outputs_many(readers, concurrency=7))
    assert results == [(_outputs(value), None) for value in range(50)]


def test_concurrency_is_bounded() -> None:
    gauge = _Gauge()
    readers: list[OutputReader] = [_SlowReader(gauge, value) for value in range(40)]
    asyncio.run(read_outputs_many(readers, concurrency=4))
    assert gauge.peak == 4
    assert gauge.finished == 40


def test_task_errors_are_results_not_exceptions() -> None:
    failure = ExecutionError(code="red")
    readers: list[OutputReader] = [
        InMemoryOutputReader(_outputs(1)),
        InMemoryOutputReader(error=failure),
    ]
    assert asyncio.run(read_outputs_many(readers)) == [(_outputs(1), None), (None, failure)]


def test_first_failure_is_raised_and_the_rest_cancelled() -> None:
    gauge = _Gauge()
    missing = NotFoundError("s3://b/out-3/outputs.pb")
    readers: list[OutputReader] = [
        _SlowReader(gauge, value, missing if value == 3 else None) for value in range(30)
    ]
    with pytest.raises(NotFoundError) as info:
        asyncio.run(read_outputs_many(readers, concurrency=5))
    assert info.value is missing
    assert gauge.current == 0
    assert gauge.finished < 29
    assert gauge.cancelled >= 1


def test_no_readers_give_no_results() -> None:
    assert asyncio.run(read_outputs_many([])) == []


@pytest.mark.parametrize("concurrency", [0, -1])
def test_non_positive_concurrency_is_rejected(concurrency: int) -> None:
    with pytest.raises(InvalidArgumentError, match="concurrency"):
        asyncio.run(read_outputs_many([InMemoryOutputReader()], concurrency=concurrency))


def test_remote_readers_on_a_real_store_cost_one_request_each(
    store: BlobStore, store_root: str
) -> None:
    counting = CountingStore(store)
    readers: list[OutputReader] = []
    for index in range(12):
        paths = ReadOnlyOutputFilePaths(f"{store_root}/task-{index}")
        asyncio.run(write_message(store, paths.get_output_path(), _outputs(index)))
        readers.append(RemoteFileOutputReader(counting, paths))
    results = asyncio.run(read_outputs_many(readers, concurrency=4))
    assert results == [(_outputs(index), None) for index in range(12)]
    assert counting.total == 12
