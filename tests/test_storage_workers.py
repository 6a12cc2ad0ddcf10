"""The worker threads that run the stores' requests: results, errors, cancellation, providers."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest

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
