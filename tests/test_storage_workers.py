"""The worker threads that run the stores' requests: results, errors, cancellation, providers."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kozmo_io.storage import _workers
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
    script = tmp_path / "at_exit.py"
    script.write_text(_ATEXIT_SCRIPT, encoding="utf-8")
    completed = subprocess.run(  # noqa: S603 - this interpreter with a script written here
        [sys.executable, str(script), str(tmp_path / "root")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (completed.returncode, completed.stderr) == (0, "")
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
    script = tmp_path / "exit.py"
    script.write_text(_EXIT_SCRIPT, encoding="utf-8")
    marker = tmp_path / "marker"
    completed = subprocess.run(  # noqa: S603 - this interpreter with a script written here
        [sys.executable, str(script), str(marker)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (completed.returncode, completed.stderr) == (0, "")
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
    script = tmp_path / "fork.py"
    script.write_text(_FORK_SCRIPT, encoding="utf-8")
    completed = subprocess.run(  # noqa: S603 - this interpreter with a script written here
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (completed.returncode, completed.stderr) == (0, "")
    lines = completed.stdout.splitlines()
    assert len(lines) == 3, lines
    assert lines[0].startswith("kozmo-io-store_")
    assert lines[1].startswith("child kozmo-io-store_")
    assert lines[2].startswith("parent kozmo-io-store_")
