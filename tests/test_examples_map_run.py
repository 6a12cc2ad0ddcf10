"""examples.map_run: the plan's sets, and the files a generated run holds."""

from __future__ import annotations

import asyncio

import pytest

from kozmo_io import core
from kozmo_io.errors import NotFoundError
from kozmo_io.examples import MapRunPlan, plan_map_run, write_map_run
from kozmo_io.ioutils import ReadOnlyOutputFilePaths, RemoteFileOutputReader
from kozmo_io.storage import DEFAULT_MAX_PAYLOAD_BYTES, MemoryBlobStore


@pytest.mark.parametrize("tasks", [1, 2, 250, 3000])
def test_the_plan_puts_each_sub_task_in_at_most_one_set(tasks: int) -> None:
    plan = plan_map_run(tasks)
    sets = [plan.failing, plan.missing, plan.corrupt, plan.oversized]
    assert sum(map(len, sets)) == len(frozenset().union(*sets))
    assert all(0 <= index < tasks for index in frozenset().union(*sets))
    assert plan.succeeding == tasks - sum(map(len, sets))
    assert plan.oversized


def test_a_plan_of_a_few_thousand_has_every_kind() -> None:
    plan = plan_map_run(3000)
    assert (len(plan.failing), len(plan.missing), len(plan.corrupt), len(plan.oversized)) == (
        31,
        15,
        8,
        2,
    )
    assert plan.succeeding == 2944


def test_the_generated_run_holds_what_the_plan_says() -> None:
    store = MemoryBlobStore()
    plan = MapRunPlan(6, frozenset({1}), frozenset({2}), frozenset({3}), frozenset({4}))
    asyncio.run(write_map_run(store, "memory://b/run", plan))

    def read(index: int) -> tuple[core.LiteralMap | None, object]:
        paths = ReadOnlyOutputFilePaths(f"memory://b/run/n0/{index}/0")
        reader = RemoteFileOutputReader(store, paths)

        async def go() -> tuple[core.LiteralMap | None, object]:
            if await reader.is_error():
                return None, await reader.read_error()
            return await reader.read()

        return asyncio.run(go())

    for index in (0, 5):
        outputs, _ = read(index)
        assert outputs is not None
        assert outputs.literals["words"].scalar.primitive.integer == 3 + index % 7
    _, error = read(1)
    assert getattr(error, "code", None) == "ValueError"
    with pytest.raises(NotFoundError):
        read(2)
    assert asyncio.run(store.head("memory://b/run/n0/2/inputs.pb")).exists
    with pytest.raises(ValueError, match="does not decode"):
        read(3)
    size = asyncio.run(store.head("memory://b/run/n0/4/0/outputs.pb")).size
    assert size > DEFAULT_MAX_PAYLOAD_BYTES
