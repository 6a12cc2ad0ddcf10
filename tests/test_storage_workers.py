"""The stores' worker threads: results, errors, cancellation, providers, map_in_workers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from kozmo_io.errors import InvalidArgumentError
from kozmo_io.storage import _workers, map_in_workers
from kozmo_io.storage._workers import LoopProvider, run_in_worker


def test_a_job_returns_its_result_from_a_worker_thread() -> None:
    async def main() -> tuple[str, str]:
        return await run_in_worker(lambda: threading.current_thread().name), "done"

    name, done = asyncio.run(main())
    assert name.startswith("kozmo-io-store")
    assert done == "done"


def test_a_job_raises_its_error_in_the_awaiting_task() -> None:
    def fail() -> None:
        msg = "backend down"
        raise ConnectionResetError(msg)

    async def main() -> None:
        await run_in_worker(fail)

    with pytest.raises(ConnectionResetError, match="backend down"):
        asyncio.run(main())


def test_a_job_raising_stop_iteration_raises_runtime_error_and_spoils_no_other_answer() -> None:
    release = threading.Event()

    def stop() -> None:
        release.wait(30)
        raise StopIteration

    def answer(number: int) -> int:
        release.wait(30)
        return number

    async def main() -> list[int | BaseException | None]:
        gathered = asyncio.gather(
            run_in_worker(stop),
            *(run_in_worker(answer, number) for number in range(8)),
            return_exceptions=True,
        )
        await asyncio.sleep(0)
        release.set()
        async with asyncio.timeout(30):  # an answer left unsettled would wait for ever
            return await gathered

    failed, *answers = asyncio.run(main())
    assert isinstance(failed, RuntimeError)
    assert "StopIteration" in str(failed)
    assert isinstance(failed.__cause__, StopIteration)
    assert answers == list(range(8))


def test_a_cancelled_job_runs_to_its_end_after_its_loop_closed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    started = threading.Event()
    release = threading.Event()
    finished = threading.Event()

    def blocking() -> str:
        started.set()
        release.wait(30)
        finished.set()
        return "late answer"

    async def main() -> None:
        task = asyncio.ensure_future(run_in_worker(blocking))
        assert await asyncio.to_thread(started.wait, 30)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    with caplog.at_level(logging.DEBUG):
        asyncio.run(main())  # the loop is closed when this returns
        release.set()
        assert finished.wait(30)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_many_jobs_run_at_once() -> None:
    barrier = threading.Barrier(64, timeout=30)

    async def main() -> list[int]:
        return await asyncio.gather(*(run_in_worker(barrier.wait) for _ in range(64)))

    assert sorted(asyncio.run(main())) == list(range(64))


def test_answers_that_arrive_together_are_settled_in_one_wake_up() -> None:
    # 32 jobs finish while the loop is blocked: their answers wait for it, and it is woken once
    # (then settles them all), not once per answer.
    release = threading.Event()
    wake_ups = 0

    def job(number: int) -> int:
        release.wait(30)
        return number

    async def main() -> list[int]:
        nonlocal wake_ups
        loop = asyncio.get_running_loop()
        original = loop.call_soon_threadsafe

        def counted(*args: object, **kwargs: object) -> asyncio.Handle:
            nonlocal wake_ups
            wake_ups += 1
            return original(*args, **kwargs)  # type: ignore[arg-type]

        loop.call_soon_threadsafe = counted  # type: ignore[method-assign]
        jobs = [asyncio.ensure_future(run_in_worker(job, number)) for number in range(32)]
        await asyncio.sleep(0)  # every job is submitted
        release.set()
        # Block the loop until every answer has arrived.
        answers = _workers._pool.inbox(loop)._answers
        deadline = time.monotonic() + 30
        while len(answers) < 32 and time.monotonic() < deadline:
            time.sleep(0.01)  # noqa: ASYNC251 - the loop must not run meanwhile
        assert len(answers) == 32
        return await asyncio.gather(*jobs)

    assert asyncio.run(main()) == list(range(32))
    assert wake_ups == 1


def test_jobs_of_loops_in_two_threads_reach_their_own_loop() -> None:
    async def main(tag: str) -> list[str]:
        async def one(number: int) -> str:
            return await run_in_worker(lambda: f"{tag}{number}")

        return await asyncio.gather(*(one(number) for number in range(200)))

    results: dict[str, list[str]] = {}

    def thread(tag: str) -> None:
        results[tag] = asyncio.run(main(tag))

    threads = [threading.Thread(target=thread, args=(tag,)) for tag in ("a", "b")]
    for each in threads:
        each.start()
    for each in threads:
        each.join(60)
    assert results == {tag: [f"{tag}{number}" for number in range(200)] for tag in ("a", "b")}


def test_loops_one_after_another_each_get_their_answers_and_leave_nothing_behind() -> None:
    async def main(number: int) -> int:
        return await run_in_worker(lambda: number)

    assert [asyncio.run(main(number)) for number in range(50)] == list(range(50))
    # The inboxes of closed loops are dropped when a new one is made: only the last one's is left.
    left = [
        inbox
        for inbox in _workers._pool.inboxes.values()
        if (loop := inbox.loop()) is None or loop.is_closed()
    ]
    assert len(left) <= 1


def test_a_withdrawn_job_never_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_workers, "_pool", _workers._Pool())
    monkeypatch.setattr(_workers, "MAX_WORKERS", 1)
    started = threading.Event()
    release = threading.Event()
    ran: list[str] = []

    def blocking() -> None:
        started.set()
        release.wait(30)
        ran.append("first")

    async def main() -> None:
        first = asyncio.ensure_future(run_in_worker(blocking))
        assert await asyncio.to_thread(started.wait, 30)
        second = asyncio.ensure_future(run_in_worker(ran.append, "second"))  # queued: one worker
        await asyncio.sleep(0)
        second.cancel()
        with pytest.raises(asyncio.CancelledError):
            await second
        release.set()
        await first
        await run_in_worker(ran.append, "third")

    try:
        asyncio.run(main())
    finally:
        release.set()
        _workers._pool.stop()
    assert ran == ["first", "third"]


def test_a_synchronous_provider_passes_through_and_keeps_its_config() -> None:
    class Provider:
        config = {"region": "eu-west-1"}  # noqa: RUF012 - obstore reads this attribute

        def __call__(self) -> dict[str, str]:
            return {"access_key_id": "a"}

    wrapped = LoopProvider(Provider())
    assert wrapped.config == {"region": "eu-west-1"}
    assert wrapped() == {"access_key_id": "a"}


def test_an_asynchronous_provider_runs_on_the_requesting_loop() -> None:
    loops: list[asyncio.AbstractEventLoop] = []

    async def provider() -> dict[str, str]:
        loops.append(asyncio.get_running_loop())
        return {"access_key_id": "a"}

    wrapped = LoopProvider(provider)

    async def main() -> tuple[object, asyncio.AbstractEventLoop]:
        return await run_in_worker(wrapped), asyncio.get_running_loop()

    credentials, loop = asyncio.run(main())
    assert credentials == {"access_key_id": "a"}
    assert loops == [loop]


def test_an_asynchronous_provider_outside_a_request_is_refused() -> None:
    async def provider() -> dict[str, str]:
        return {}

    with pytest.raises(RuntimeError, match="event loop"):
        LoopProvider(provider)()


def _run_script(script: Path, text: str, *arguments: str) -> str:
    """Run ``text`` as ``script`` in a fresh interpreter; it must exit 0 with nothing on stderr.

    Returns:
        What it printed.
    """
    script.write_text(text, encoding="utf-8")
    completed = subprocess.run(  # noqa: S603 - this interpreter with a script written here
        [sys.executable, str(script), *arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (completed.returncode, completed.stderr) == (0, "")
    return completed.stdout


_ATEXIT_SCRIPT = """
import asyncio, atexit, sys
from kozmo_io.storage import LocalBlobStore

store = LocalBlobStore(sys.argv[1])

async def save():
    await store.put("/late/outputs.pb", b"written at exit")
    assert await store.get("/late/outputs.pb") == b"written at exit"

atexit.register(lambda: asyncio.run(save()))
asyncio.run(store.put("/early/outputs.pb", b"written first"))
"""


def test_a_store_still_works_in_an_atexit_handler(tmp_path: Path) -> None:
    _run_script(tmp_path / "at_exit.py", _ATEXIT_SCRIPT, str(tmp_path / "root"))
    assert (tmp_path / "root" / "late" / "outputs.pb").read_bytes() == b"written at exit"


_EXIT_SCRIPT = """
import asyncio, sys, time
from pathlib import Path
from kozmo_io.storage._workers import run_in_worker

def slow_write():
    time.sleep(0.5)
    Path(sys.argv[1]).write_text("finished")

async def main():
    task = asyncio.ensure_future(run_in_worker(slow_write))
    await asyncio.sleep(0.1)  # it is running
    task.cancel()

asyncio.run(main())
"""


def test_the_process_waits_for_a_running_request_and_exits_cleanly(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    _run_script(tmp_path / "exit.py", _EXIT_SCRIPT, str(marker))
    assert marker.read_text(encoding="utf-8") == "finished"


_FORK_SCRIPT = """
import asyncio, os, sys, threading
from kozmo_io.storage._workers import run_in_worker

def name():
    return threading.current_thread().name

print(asyncio.run(run_in_worker(name)), flush=True)
child = os.fork()
if child == 0:
    print(asyncio.run(run_in_worker(lambda: "child " + name())), flush=True)
    os._exit(0)
_, status = os.waitpid(child, 0)
print(asyncio.run(run_in_worker(lambda: "parent " + name())), flush=True)
sys.exit(os.waitstatus_to_exitcode(status))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
def test_a_forked_child_runs_requests_in_threads_of_its_own(tmp_path: Path) -> None:
    stdout = _run_script(tmp_path / "fork.py", _FORK_SCRIPT)
    lines = stdout.splitlines()
    assert len(lines) == 3, lines
    assert lines[0].startswith("kozmo-io-store_")
    assert lines[1].startswith("child kozmo-io-store_")
    assert lines[2].startswith("parent kozmo-io-store_")


# --- map_in_workers ---------------------------------------------------------------------------


class _Gauge:
    """Counts the calls of a blocking function: started, running now, most at once."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.lock = threading.Lock()
        self.started = 0
        self.running = 0
        self.peak = 0
        self.threads: set[str] = set()

    def __call__(self, item: int) -> int:
        with self.lock:
            self.started += 1
            self.running += 1
            self.peak = max(self.peak, self.running)
            self.threads.add(threading.current_thread().name)
        try:
            time.sleep(self.delay * (1 + item % 3))
            return item * 10
        finally:
            with self.lock:
                self.running -= 1

    def settled(self) -> bool:
        """Wait (up to 10 s) until no call runs: calls running when a map stops run to their end."""
        deadline = time.monotonic() + 10
        while self.running and time.monotonic() < deadline:
            time.sleep(0.005)
        return self.running == 0


def _all(function: Callable[[int], int], items: object, concurrency: int) -> list[int]:
    async def collect() -> list[int]:
        return [result async for result in map_in_workers(function, items, concurrency=concurrency)]  # type: ignore[arg-type]

    return asyncio.run(collect())


def test_every_item_is_mapped_in_the_worker_threads_at_the_concurrency_given() -> None:
    gauge = _Gauge(delay=0.002)
    results = _all(gauge, range(200), 7)
    assert sorted(results) == [item * 10 for item in range(200)]
    assert gauge.started == 200
    assert gauge.peak == 7
    assert all(name.startswith("kozmo-io-store_") for name in gauge.threads)


def test_results_come_in_completion_order() -> None:
    def wait(item: int) -> int:
        time.sleep(0.05 * item)
        return item

    assert _all(wait, [4, 0, 2], 3) == [0, 2, 4]


def test_an_async_iterable_is_mapped_and_an_empty_one_gives_nothing() -> None:
    async def items(count: int) -> AsyncIterator[int]:
        for item in range(count):
            await asyncio.sleep(0)
            yield item

    assert sorted(_all(_Gauge(), items(50), 4)) == [item * 10 for item in range(50)]
    assert _all(_Gauge(), items(0), 4) == []
    assert _all(_Gauge(), [], 4) == []


def test_results_are_yielded_while_a_slow_async_source_waits_for_its_next_item() -> None:
    async def main() -> list[int]:
        first_seen = asyncio.Event()

        async def pages() -> AsyncIterator[int]:
            yield 1
            await first_seen.wait()  # the next page comes only once the first result is out
            yield 2

        arrived: list[int] = []
        async with asyncio.timeout(30):  # a map that waited for the source would hang here
            async for result in map_in_workers(lambda item: item, pages(), concurrency=2):
                arrived.append(result)
                first_seen.set()
        return arrived

    assert asyncio.run(main()) == [1, 2]


def test_a_call_that_raises_stops_the_map_and_starts_no_more_calls() -> None:
    gauge = _Gauge(delay=0.01)

    def fail_on_five(item: int) -> int:
        if item == 5:
            msg = "bad item"
            raise ValueError(msg)
        return gauge(item)

    with pytest.raises(ValueError, match="bad item"):
        _all(fail_on_five, range(1000), 4)
    assert gauge.settled()
    started = gauge.started
    time.sleep(0.1)
    assert gauge.started == started < 100


def test_a_call_raising_stop_iteration_is_a_runtime_error() -> None:
    def stop(item: int) -> int:
        raise StopIteration(item)

    with pytest.raises(RuntimeError, match="StopIteration"):
        _all(stop, [1], 1)


def test_an_exception_from_the_items_is_raised() -> None:
    def items() -> Iterator[int]:
        yield 1
        msg = "broken source"
        raise OSError(msg)

    async def broken_async() -> AsyncIterator[int]:
        yield 1
        msg = "broken listing"
        raise OSError(msg)

    with pytest.raises(OSError, match="broken source"):
        _all(_Gauge(), items(), 2)
    with pytest.raises(OSError, match="broken listing"):
        _all(_Gauge(), broken_async(), 2)


def test_a_slow_consumer_bounds_the_items_taken() -> None:
    gauge = _Gauge()
    taken = 0

    def items() -> Iterator[int]:
        nonlocal taken
        for item in range(10_000):
            taken += 1
            yield item

    async def consume_slowly() -> int:
        seen = 0
        async with contextlib.aclosing(map_in_workers(gauge, items(), concurrency=4)) as results:
            async for _ in results:
                seen += 1
                await asyncio.sleep(0.01)
                if seen == 20:
                    return taken
        raise AssertionError

    taken_then = asyncio.run(consume_slowly())
    # consumed, two batches of up to 4 + 4 answers, 4 calls running, 8 items ready for them
    assert taken_then <= 20 + 2 * (4 + 4) + 4 + 8
    assert gauge.settled()


@pytest.mark.parametrize("how", ["close", "cancel"])
def test_stopping_the_consumer_starts_no_more_calls_and_lets_running_ones_finish(how: str) -> None:
    gauge = _Gauge(delay=0.02)

    async def consume() -> None:
        async with contextlib.aclosing(
            map_in_workers(gauge, range(1000), concurrency=8)
        ) as results:
            async for _ in results:
                if how == "close":
                    return

    async def main() -> None:
        task = asyncio.ensure_future(consume())
        if how == "cancel":
            await asyncio.sleep(0.05)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        else:
            await task
        assert gauge.running > 0  # calls running when the consumer left finish in their threads

    asyncio.run(main())
    assert gauge.settled()
    started = gauge.started
    time.sleep(0.1)
    assert gauge.started == started < 100


def test_a_long_map_leaves_threads_for_other_requests() -> None:
    size = _workers.MAX_WORKERS

    def endless() -> Iterator[int]:
        item = 0
        while True:
            yield item
            item += 1

    def slow(item: int) -> int:
        time.sleep(0.05)  # slow enough that the loop keeps every member's next item ready
        return item

    async def main() -> int:
        # Every thread of the pool is a member of the map, whose items never run out, and the map
        # is consumed all along: only a member handing its thread back lets the request run.
        other: asyncio.Future[str] | None = None
        results = map_in_workers(slow, endless(), concurrency=size)
        async with asyncio.timeout(60), contextlib.aclosing(results):
            async for result in results:
                if other is None and result >= 2 * size:
                    other = asyncio.ensure_future(run_in_worker(lambda: "answered"))
                if other is not None and other.done():
                    assert other.result() == "answered"
                    return result
        raise AssertionError

    # A member hands its thread back after 16 items: the request runs by about the 17th round of
    # items, not whenever the map happens to run short of them.
    assert asyncio.run(main()) < 24 * size


@pytest.mark.parametrize("concurrency", [0, -1, True, 1.5])
def test_a_bad_concurrency_is_refused(concurrency: int) -> None:
    with pytest.raises(InvalidArgumentError, match="concurrency"):
        _all(_Gauge(), range(3), concurrency)


def test_a_map_inside_an_atexit_handler_runs_on_the_calling_thread(tmp_path: Path) -> None:
    stdout = _run_script(tmp_path / "map_at_exit.py", _MAP_AT_EXIT_SCRIPT)
    assert stdout.split() == ["before", "[0,1,4,9]", "at-exit", "[0,1,4,9]"]


_MAP_AT_EXIT_SCRIPT = """
import asyncio, atexit, threading
from kozmo_io.storage import map_in_workers

def square(item):
    return item * item, threading.current_thread().name

async def squares():
    return sorted([r async for r in map_in_workers(square, range(4), concurrency=2)])

def show(label):
    found = asyncio.run(squares())
    on_caller = all(name == threading.current_thread().name for _, name in found)
    print(label if on_caller == (label == "at-exit") else "wrong-thread")
    print(str([value for value, _ in found]).replace(" ", ""))

atexit.register(show, "at-exit")
show("before")
"""


def test_the_process_waits_for_calls_running_when_a_map_stops_and_exits_cleanly(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "marker"
    _run_script(tmp_path / "map_exit.py", _MAP_EXIT_SCRIPT, str(marker))
    assert marker.read_text(encoding="utf-8") == "finished"


_MAP_EXIT_SCRIPT = """
import asyncio, sys, time
from pathlib import Path
from kozmo_io.storage import map_in_workers

def work(item):
    if item == 0:
        return item
    time.sleep(0.5)
    Path(sys.argv[1]).write_text("finished")
    return item

async def main():
    async for _ in map_in_workers(work, range(2), concurrency=2):
        return  # leaves with the second call running

asyncio.run(main())
"""
