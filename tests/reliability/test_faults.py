"""Reading and writing task results while the store or the network fails.

Two sources of faults: :class:`FaultyStore` around each store kind (errors, timeouts, truncated
reads), and, for S3, :class:`FaultProxy` between the client and the S3 server (dropped, delayed and
truncated connections) with short client timeouts and few retries. In both, every read either shows
what was written or raises a declared error, nothing outlives its deadline, and every write that
reported success reads back intact from a fault-free store afterwards.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlsplit

import attrs
import pytest
from _support import AzureServer, S3Server

from kozmo_io.errors import CorruptDataError, NotFoundError, StorageError
from kozmo_io.storage import AzureBlobStore, BlobStore, CountingStore, S3BlobStore
from kozmo_io.testing import Faults, FaultyStore
from reliability._proxy import FaultProxy, ProxyFaults
from reliability._tally import TALLY
from reliability._workload import Observation, Task, make_tasks, observe, write_task

T = TypeVar("T")

OPERATION_SECONDS = 10.0  # far above any injected stall: reaching it means something hung
WRITE_ATTEMPTS = 4
READ_PASSES = 3


@attrs.define
class Findings:
    """What the reads under faults ended in."""

    declared_errors: int = 0
    detected_truncations: int = 0
    undetected_truncations: int = 0
    violations: list[str] = attrs.Factory(list)


async def bounded(call: Callable[[], Awaitable[T]]) -> T:
    """Await ``call()``; raise AssertionError when it outlives OPERATION_SECONDS."""
    try:
        async with asyncio.timeout(OPERATION_SECONDS):
            return await call()
    except TimeoutError as exc:
        msg = f"an operation hung for more than {OPERATION_SECONDS} s"
        raise AssertionError(msg) from exc


async def write_with_retries(
    store: BlobStore, tasks: list[Task], *, concurrency: int
) -> dict[str, Task]:
    """Write every task, retrying failed writes; return the tasks whose write reported success."""
    written: dict[str, Task] = {}
    limit = asyncio.Semaphore(concurrency)

    async def write(task: Task) -> None:
        async with limit:
            for _ in range(WRITE_ATTEMPTS):
                try:
                    await bounded(lambda: write_task(store, task))
                except StorageError:
                    continue
                written[task.prefix] = task
                return

    await asyncio.gather(*map(write, tasks))
    return written


def acceptable(task: Task, written: dict[str, Task]) -> tuple[Observation, ...]:
    """What a read may show: the result once written; also nothing while no write succeeded."""
    if task.prefix in written:
        return (task.expected(),)
    # Every attempt reported failure, yet one may have landed (a failure after the write).
    return (task.expected(), Observation("missing"))


async def read_all(
    store: BlobStore,
    tasks: list[Task],
    written: dict[str, Task],
    *,
    truncations: Callable[[], int],
    concurrency: int,
) -> Findings:
    """Read every task READ_PASSES times; classify each outcome."""
    findings = Findings()
    limit = asyncio.Semaphore(concurrency)

    async def read(task: Task) -> None:
        async with limit:
            before = truncations()
            try:
                seen = await bounded(lambda: observe(store, task.prefix))
            except (StorageError, NotFoundError):
                findings.declared_errors += 1
                return
            except CorruptDataError as exc:
                if truncations() > before:
                    findings.detected_truncations += 1
                else:
                    findings.violations.append(
                        f"{task.prefix}: corrupt without a truncation: {exc}"
                    )
                return
            if seen in acceptable(task, written):
                return
            if truncations() > before:
                findings.undetected_truncations += 1
            else:
                findings.violations.append(f"{task.prefix}: read {seen!r}")

    for _ in range(READ_PASSES):
        await asyncio.gather(*map(read, tasks))
    return findings


async def count_losses(clean: BlobStore, tasks: list[Task], written: dict[str, Task]) -> int:
    """Read every task from a fault-free store; count written tasks that are not intact."""
    losses = 0
    for task in tasks:
        seen = await bounded(lambda task=task: observe(clean, task.prefix))  # type: ignore[misc]
        if seen not in acceptable(task, written):
            losses += 1
    return losses


async def run_store_faults(inner: BlobStore, root: str, *, count: int) -> None:
    tasks = make_tasks(root, count, seed=11)
    faults = Faults(error_rate=0.1, timeout_rate=0.05, truncate_rate=0.1, timeout_seconds=0.01)
    writer = FaultyStore(inner, faults=faults, seed=12)
    written = await write_with_retries(writer, tasks, concurrency=8)
    reader = FaultyStore(inner, faults=faults, seed=13)
    findings = await read_all(
        reader, tasks, written, truncations=lambda: reader.counts.truncations, concurrency=8
    )
    losses = await count_losses(inner, tasks, written)

    TALLY.faults += writer.counts.injected + reader.counts.injected
    TALLY.operations += writer.counts.operations + reader.counts.operations
    TALLY.losses += losses
    TALLY.detected_truncations += findings.detected_truncations
    TALLY.undetected_truncations += findings.undetected_truncations
    assert findings.violations == []
    assert losses == 0
    assert writer.counts.errors > 0
    assert writer.counts.timeouts > 0
    assert reader.counts.truncations > 0
    assert findings.declared_errors > 0
    assert len(written) >= count - 2  # with 4 attempts, nearly every write gets through


def test_reads_under_store_faults_are_intact_or_declared_errors(
    store: BlobStore, store_root: str
) -> None:
    asyncio.run(run_store_faults(store, store_root, count=60))


RETRY = {
    "max_retries": 2,
    "retry_timeout": dt.timedelta(seconds=3),
    "backoff": {
        "init_backoff": dt.timedelta(milliseconds=10),
        "max_backoff": dt.timedelta(milliseconds=50),
        "base": 2,
    },
}
# A fresh connection per request (no idle pool), so every request meets the proxy's draw.
CLIENT = {"timeout": "1s", "connect_timeout": "1s", "pool_max_idle_per_host": "0"}


async def run_network_faults(
    store: CountingStore, clean: BlobStore, root: str, proxy: FaultProxy
) -> None:
    tasks = make_tasks(root, 30, seed=21)
    written = await write_with_retries(store, tasks, concurrency=8)
    findings = await read_all(store, tasks, written, truncations=lambda: 0, concurrency=8)
    losses = await count_losses(clean, tasks, written)

    counts = proxy.counts()
    TALLY.faults += counts.faults
    TALLY.operations += store.total
    TALLY.losses += losses
    assert findings.violations == []
    assert losses == 0
    assert counts.dropped > 0
    assert counts.delayed > 0
    assert counts.truncated > 0
    assert len(written) >= 25  # retries get most writes through


@pytest.mark.s3
def test_s3_through_a_faulty_network_is_intact_or_declared_errors(
    s3_server: S3Server, s3_bucket: str
) -> None:
    port = urlsplit(s3_server.endpoint).port
    assert port is not None
    faults = ProxyFaults(
        drop_rate=0.08, delay_rate=0.04, delay_seconds=1.5, truncate_rate=0.08, truncate_after=600
    )
    with FaultProxy(port, faults=faults, seed=22) as proxy:
        store = CountingStore(
            S3BlobStore(
                s3_bucket,
                **s3_server.options(
                    endpoint=proxy.endpoint, client_options=CLIENT, retry_config=RETRY
                ),
            )
        )
        clean = S3BlobStore(s3_bucket, **s3_server.options())
        asyncio.run(run_network_faults(store, clean, f"s3://{s3_bucket}", proxy))


@pytest.mark.azure
def test_azure_through_a_faulty_network_is_intact_or_declared_errors(
    azure_server: AzureServer, azure_container: str
) -> None:
    port = urlsplit(azure_server.endpoint).port
    assert port is not None
    faults = ProxyFaults(
        drop_rate=0.08, delay_rate=0.04, delay_seconds=1.5, truncate_rate=0.08, truncate_after=600
    )
    with FaultProxy(port, faults=faults, seed=23) as proxy:
        store = CountingStore(
            AzureBlobStore(
                azure_container,
                **azure_server.options(
                    endpoint=f"{proxy.endpoint}/{azure_server.account}",
                    client_options=CLIENT,
                    retry_config=RETRY,
                ),
            )
        )
        clean = AzureBlobStore(azure_container, **azure_server.options())
        asyncio.run(run_network_faults(store, clean, f"az://{azure_container}", proxy))
