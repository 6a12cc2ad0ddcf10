"""Benchmark 7: stream 2,000, 10,000 and 100,000 tasks' outputs from S3 with ``stream_outputs``.

Each output prefix holds a distinct 3 KiB outputs.pb. Timed: ``stream_outputs`` with its defaults
(64 reads at once) over a generator of the prefixes, consuming each outcome (its literal count)
and dropping it, against raw obstore at the same concurrency, measured in the same run on the same
objects, passes alternating: 64 workers each taking the next key, ``get_async`` +
``bytes_async`` + ``LiteralMap.FromString`` (obstore's asynchronous API: the target, at most
1.15x), and 64 threads doing the same with obstore's synchronous ``get`` + ``bytes`` (the API the
stream's worker threads use, without its bounded probe, length checks and outcome classification:
reported beside it).

Wall-clock ratios move with the machine's load (the S3 server shares its cores), so each pass also
records the CPU time of this process per object (``time.process_time``, every thread), and of the
S3 server's process when ``scripts/bench`` names it (``KOZMO_BENCH_S3_SERVER_PID``): figures the
other work on the machine disturbs far less. The load average is noted beside each size.

Memory, each size in a fresh process (so no size inherits another's heap): the peak of the
resident set above its level just before the pass (Linux ``VmHWM``, reset through
``/proc/self/clear_refs``) and the peak of traced Python allocations (``tracemalloc``, a separate
pass); per object, and the growth from the smallest to the largest size.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import json
import os
import re
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import obstore
from _benchlib import (
    Figure,
    Record,
    add_s3_arguments,
    format_bytes,
    format_seconds,
    make_outputs,
    median,
    parser,
    raw_s3_store,
    require_s3,
    s3_store,
)
from obstore.store import S3Store

from kozmo_io import core
from kozmo_io.ioutils import OutcomeKind, stream_outputs
from kozmo_io.storage import BlobStore

OUTPUT_BYTES = 3 * 1024
CONCURRENCY = 64  # stream_outputs' default, used by the baselines too
ROOT = "stream"
TARGET = 1.15


def prefixes(bucket: str, count: int) -> Iterator[str]:
    """The output prefixes of the first ``count`` tasks, generated (never held in a list)."""
    return (f"s3://{bucket}/{ROOT}/{index:06d}" for index in range(count))


def keys(count: int) -> Iterator[str]:
    """The outputs.pb keys of the first ``count`` tasks."""
    return (f"{ROOT}/{index:06d}/outputs.pb" for index in range(count))


async def write_objects(store: BlobStore, bucket: str, count: int) -> None:
    """Write a distinct 3 KiB outputs.pb under each of ``count`` prefixes, 64 at a time."""
    pending = prefixes(bucket, count)

    async def work() -> None:
        for prefix in pending:
            data = make_outputs(OUTPUT_BYTES, tag=prefix).SerializeToString()
            await store.put(f"{prefix}/outputs.pb", data)

    await asyncio.gather(*(work() for _ in range(CONCURRENCY)))


async def stream_pass(store: BlobStore, bucket: str, count: int) -> int:
    """Stream every task's outputs; return the number of literals read."""
    literals = 0
    async for outcome in stream_outputs(store, prefixes(bucket, count)):
        assert outcome.kind is OutcomeKind.OUTPUTS, outcome
        assert outcome.outputs is not None
        literals += len(outcome.outputs.literals)
    return literals


async def raw_async_pass(store: S3Store, count: int) -> int:
    """64 workers: obstore get_async + bytes_async + decode; return the literals read."""
    pending = keys(count)
    literals = 0

    async def work() -> None:
        nonlocal literals
        for key in pending:
            result = await obstore.get_async(store, key)
            data = bytes(await result.bytes_async())
            literals += len(core.LiteralMap.FromString(data).literals)

    await asyncio.gather(*(work() for _ in range(CONCURRENCY)))
    return literals


def raw_sync_pass(store: S3Store, count: int) -> int:
    """64 threads: obstore get + bytes + decode; return the literals read."""
    pending = keys(count)
    lock = threading.Lock()
    totals = [0] * CONCURRENCY

    def work(slot: int) -> None:
        while True:
            with lock:
                key = next(pending, None)
            if key is None:
                return
            data = bytes(obstore.get(store, key).bytes())
            totals[slot] += len(core.LiteralMap.FromString(data).literals)

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(totals)


def _status_kib(field: str) -> int:
    text = Path("/proc/self/status").read_text(encoding="ascii")
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    assert match is not None, field
    return int(match.group(1))


def _reset_peak_rss() -> int:
    """Reset the peak resident set to the current one and return it (KiB)."""
    Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    return _status_kib("VmRSS")


async def child_memory(endpoint: str, bucket: str, count: int) -> dict[str, int]:
    """In a fresh process: the RSS and traced peaks of one streaming pass over ``count`` tasks."""
    store = s3_store(endpoint, bucket)
    await stream_pass(store, bucket, 100)  # warm the connection pool and the imports
    gc.collect()
    before = _reset_peak_rss()
    assert await stream_pass(store, bucket, count) == count * 5
    rss_peak = (_status_kib("VmHWM") - before) * 1024
    gc.collect()
    tracemalloc.start()
    start, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    await stream_pass(store, bucket, count)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"rss_peak": rss_peak, "traced_peak": traced_peak - start}


def measure_memory(endpoint: str, bucket: str, count: int) -> dict[str, int]:
    """Run :func:`child_memory` in a fresh interpreter."""
    completed = subprocess.run(  # noqa: S603 - this interpreter running this script
        [
            sys.executable,
            __file__,
            "--s3-endpoint",
            endpoint,
            "--s3-bucket",
            bucket,
            "--memory-child",
            str(count),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        msg = f"the memory child failed with exit code {completed.returncode}"
        raise RuntimeError(msg)
    figures: dict[str, int] = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


def _server_seconds() -> float | None:
    """CPU seconds the S3 server's process has used, when ``KOZMO_BENCH_S3_SERVER_PID`` names it."""
    pid = os.environ.get("KOZMO_BENCH_S3_SERVER_PID")
    if not pid:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclasses.dataclass
class Passes:
    """The timed passes of one way of reading: wall, own CPU and server CPU seconds each."""

    wall: list[float] = dataclasses.field(default_factory=list)
    cpu: list[float] = dataclasses.field(default_factory=list)
    server: list[float] = dataclasses.field(default_factory=list)

    async def time(self, run: Callable[[], Awaitable[int]], expected: int) -> None:
        """Run one pass and record it."""
        server = _server_seconds()
        cpu = time.process_time()
        start = time.perf_counter()
        assert await run() == expected
        self.wall.append(time.perf_counter() - start)
        self.cpu.append(time.process_time() - cpu)
        after = _server_seconds()
        if server is not None and after is not None:
            self.server.append(after - server)


async def time_size(  # noqa: PLR0913 - the two stores, the size and how to time it
    store: BlobStore, raw: S3Store, bucket: str, count: int, repeats: int, *, warm: bool
) -> dict[str, Passes]:
    """Alternate the three ways of reading ``count`` objects; return their passes."""
    ways: dict[str, Callable[[], Awaitable[int]]] = {
        "stream": lambda: stream_pass(store, bucket, count),
        "raw async": lambda: raw_async_pass(raw, count),
        "raw sync": lambda: asyncio.to_thread(raw_sync_pass, raw, count),
    }
    expected = count * 5
    if warm:  # one untimed pass of each first
        for run in ways.values():
            assert await run() == expected
    passes = {name: Passes() for name in ways}
    for _ in range(repeats):
        for name, run in ways.items():
            await passes[name].time(run, expected)
    return passes


async def main() -> None:
    """Write the objects, time the reads at each size, then measure memory per size."""
    arguments = parser("Streaming reads of outputs.pb from S3 vs raw obstore; memory per size.")
    add_s3_arguments(arguments)
    arguments.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)  # internal
    options = arguments.parse_args()
    endpoint = require_s3(options)
    bucket: str = options.s3_bucket
    if options.memory_child:
        print(json.dumps(await child_memory(endpoint, bucket, options.memory_child)))
        return
    sizes = (200, 1000) if options.quick else (2000, 10000, 100000)
    repeats = {200: 2, 1000: 2, 2000: 7, 10000: 5, 100000: 3}

    record = Record(
        f"Streaming reads: outputs.pb of {OUTPUT_BYTES} bytes, "
        f"{', '.join(f'{size:,}' for size in sizes)} tasks",
        quick=options.quick,
    )
    store = s3_store(endpoint, bucket)
    last = f"s3://{bucket}/{ROOT}/{max(sizes) - 1:06d}/outputs.pb"
    if (await store.head(last)).size == OUTPUT_BYTES:
        record.note("the objects were there from an earlier run on this server: reused")
    else:
        await write_objects(store, bucket, max(sizes))
    raw = raw_s3_store(endpoint, bucket)
    record.note(
        f"stream_outputs with default settings (concurrency {CONCURRENCY}) over a generator of "
        "prefixes, each outcome consumed and dropped; baselines at the same concurrency: raw "
        "obstore asynchronous (64 workers, get_async + bytes_async + FromString) and synchronous "
        "(64 threads, get + bytes + FromString); passes alternate (stream, raw async, raw sync, "
        "stream, ...), after one untimed pass of each at the smallest size"
    )
    for count in sizes:
        passes = await time_size(
            store, raw, bucket, count, repeats[count], warm=count == min(sizes)
        )
        load = os.getloadavg()
        ours, raw_async, raw_sync = passes["stream"], passes["raw async"], passes["raw sync"]
        ratio = median(ours.wall) / median(raw_async.wall)
        record.add(
            Figure(
                name=f"{count:,} tasks: stream_outputs vs raw obstore async (get_async + decode), "
                "median",
                value=format_seconds(median(ours.wall)),
                baseline=format_seconds(median(raw_async.wall)),
                ratio=ratio,
                target=f"<= {TARGET}x",
                met=ratio <= TARGET,
            )
        )
        record.add(
            Figure(
                name=f"{count:,} tasks: stream_outputs vs raw obstore in 64 sync threads, median",
                value=format_seconds(median(ours.wall)),
                baseline=format_seconds(median(raw_sync.wall)),
                ratio=median(ours.wall) / median(raw_sync.wall),
            )
        )
        for name, baseline in (("sync threads", raw_sync), ("async", raw_async)):
            record.add(
                Figure(
                    name=f"{count:,} tasks: CPU per task of this process, stream_outputs vs "
                    f"raw {name}, median",
                    value=format_seconds(median(ours.cpu) / count),
                    baseline=format_seconds(median(baseline.cpu) / count),
                    ratio=median(ours.cpu) / median(baseline.cpu),
                )
            )
        if ours.server and raw_sync.server:
            record.add(
                Figure(
                    name=f"{count:,} tasks: CPU per task of the S3 server, stream_outputs vs "
                    "raw sync threads, median",
                    value=format_seconds(median(ours.server) / count),
                    baseline=format_seconds(median(raw_sync.server) / count),
                    ratio=median(ours.server) / median(raw_sync.server),
                )
            )
        record.note(
            f"{count:,} tasks: {len(ours.wall)} timed passes of each way; stream "
            f"{count / median(ours.wall):,.0f} tasks/s; load average after them "
            f"{load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f} (1, 5, 15 min)"
        )
    peaks = {count: measure_memory(endpoint, bucket, count) for count in sizes}
    smallest, largest = min(sizes), max(sizes)
    for count in sizes:
        figures = peaks[count]
        record.add(
            Figure(
                name=f"{count:,} tasks: peak RSS above start (per task)",
                value=f"{format_bytes(figures['rss_peak'])} "
                f"({figures['rss_peak'] / count / 1024:.3f} KiB)",
            )
        )
        record.add(
            Figure(
                name=f"{count:,} tasks: peak traced Python allocations (per task)",
                value=f"{format_bytes(figures['traced_peak'])} "
                f"({figures['traced_peak'] / count / 1024:.3f} KiB)",
            )
        )
    growth = peaks[largest]["rss_peak"] - peaks[smallest]["rss_peak"]
    extra = largest - smallest
    record.add(
        Figure(
            name=f"RSS peak growth from {smallest:,} to {largest:,} tasks, per extra task",
            value=f"{growth / extra / 1024:.3f} KiB",
            target="independent of the count",
            met=growth / extra < 0.1 * 1024,
        )
    )
    record.note(
        "memory: one pass per size in a fresh process after a 100-task warm-up; the growth figure "
        "is (peak at the largest size - peak at the smallest) / (extra tasks); target: under "
        "0.1 KiB per extra task (the former read_outputs_many held about 5.5 KiB per task)"
    )
    record.write(options.json)


if __name__ == "__main__":
    asyncio.run(main())
