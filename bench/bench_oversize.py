"""Benchmark 5: refusing a 50 MiB outputs.pb with the default 2 MiB limit, in requests and bytes.

The S3 store talks to the server through a byte-counting TCP relay on 127.0.0.1 (the fault proxy of
the reliability tests, with no faults), so the bytes are those that reached the client's socket:
request and response, headers included. ``exists()`` and ``read()`` are each run on a fresh reader
and must raise PayloadTooLargeError; requests are counted with CountingStore. Baselines from the
same run, through the same relay: a HEAD of the object (the Go reader's first step) and a plain
obstore GET downloading it whole (a read without a limit). For reference, a bounded ranged GET of
the first 32 KiB, whose response also tells the object's size.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from functools import partial
from urllib.parse import urlsplit

import obstore
from _benchlib import (
    REPO_ROOT,
    Figure,
    Record,
    add_s3_arguments,
    format_bytes,
    format_seconds,
    median,
    parser,
    raw_s3_store,
    require_s3,
    s3_store,
)

from kozmo_io.errors import PayloadTooLargeError
from kozmo_io.ioutils import ReadOnlyOutputFilePaths, RemoteFileOutputReader
from kozmo_io.storage import DEFAULT_MAX_PAYLOAD_BYTES, CountingStore

sys.path.insert(0, str(REPO_ROOT / "tests"))
from reliability._proxy import FaultProxy

OBJECT_BYTES = 50 * 1024 * 1024
SETTLE_SECONDS = 0.5  # lets the relay finish pushing what it had read before the client hung up
TARGET_BYTES = 64 * 1024
PROBE_BYTES = 32 * 1024


async def through_proxy(
    proxy: FaultProxy, action: Callable[[], Awaitable[object]]
) -> tuple[int, float]:
    """Run ``action``; return the bytes relayed both ways and the seconds it took."""
    await asyncio.sleep(SETTLE_SECONDS)
    proxy.reset_counts()
    start = time.perf_counter()
    await action()
    elapsed = time.perf_counter() - start
    await asyncio.sleep(SETTLE_SECONDS)
    counts = proxy.counts()
    return counts.bytes_to_client + counts.bytes_to_server, elapsed


async def refuse(reader: RemoteFileOutputReader, method: str) -> None:
    """Call ``reader.<method>()``, which must refuse the object with the default limit."""
    try:
        await getattr(reader, method)()
    except PayloadTooLargeError as exc:
        limit = exc.limit
    else:
        msg = f"{method}() accepted the oversized outputs.pb"
        raise AssertionError(msg)
    assert limit == DEFAULT_MAX_PAYLOAD_BYTES, limit


async def measure_reader(
    record: Record, proxy: FaultProxy, paths: ReadOnlyOutputFilePaths, size: int, trials: int
) -> None:
    """Refuse the object ``trials`` times with ``exists()`` and with ``read()``, fresh readers."""
    bucket = paths.get_output_path().split()[1]
    counting = CountingStore(s3_store(proxy.endpoint, bucket))
    for method in ("exists", "read"):
        requests: list[int] = []
        transfers: list[int] = []
        times: list[float] = []
        for _ in range(trials):
            counting.reset()
            reader = RemoteFileOutputReader(counting, paths)
            transferred, elapsed = await through_proxy(proxy, partial(refuse, reader, method))
            requests.append(counting.total)
            transfers.append(transferred)
            times.append(elapsed)
        record.add(
            Figure(
                name=f"{method}() storage requests (most in a trial)",
                value=str(max(requests)),
                target="1",
                met=max(requests) == 1,
            )
        )
        record.add(
            Figure(
                name=f"{method}() bytes transferred, median (max) of {trials} trials",
                value=f"{format_bytes(median(transfers))} ({format_bytes(max(transfers))})",
                baseline=f"{format_bytes(size)} (the object)",
                ratio=median(transfers) / size,
                target=f"< {format_bytes(TARGET_BYTES)}",
                met=max(transfers) < TARGET_BYTES,
            )
        )
        record.add(Figure(name=f"{method}() time, median", value=format_seconds(median(times))))


async def measure_baselines(
    record: Record, proxy: FaultProxy, paths: ReadOnlyOutputFilePaths, size: int
) -> None:
    """Measure a HEAD, a 32 KiB ranged GET and a whole download of the object with obstore."""
    _, bucket, key = paths.get_output_path().split()
    raw = raw_s3_store(proxy.endpoint, bucket)

    async def head() -> None:
        await obstore.head_async(raw, key)

    async def probe() -> None:
        result = await obstore.get_async(raw, key, options={"range": (0, PROBE_BYTES)})
        assert result.meta["size"] == size
        assert len(await result.bytes_async()) == PROBE_BYTES

    async def download() -> None:
        result = await obstore.get_async(raw, key)
        assert len(await result.bytes_async()) == size

    head_bytes, _ = await through_proxy(proxy, head)
    probe_bytes, _ = await through_proxy(proxy, probe)
    full_bytes, full_seconds = await through_proxy(proxy, download)
    record.add(Figure(name="baseline: HEAD (the Go reader's check)", value=f"{head_bytes} B"))
    record.add(
        Figure(
            name=f"reference: ranged GET of the first {format_bytes(PROBE_BYTES)} (tells the size)",
            value=f"{probe_bytes} B ({format_bytes(probe_bytes)})",
        )
    )
    record.add(
        Figure(
            name="baseline: unbounded GET (download whole)",
            value=f"{format_bytes(full_bytes)} in {format_seconds(full_seconds)}",
        )
    )


async def main() -> None:
    """Write the large object, then refuse it through the relay."""
    arguments = parser("A 50 MiB outputs.pb against a 2 MiB limit: requests and bytes transferred.")
    add_s3_arguments(arguments)
    options = arguments.parse_args()
    endpoint = require_s3(options)
    bucket: str = options.s3_bucket
    size = 8 * 1024 * 1024 if options.quick else OBJECT_BYTES
    trials = 3 if options.quick else 10
    record = Record(
        f"Oversize: a {format_bytes(size)} outputs.pb, limit 2 MiB", quick=options.quick
    )
    paths = ReadOnlyOutputFilePaths(f"s3://{bucket}/oversize")
    await s3_store(endpoint, bucket).put(paths.get_output_path(), b"\0" * size)
    port = urlsplit(endpoint).port
    assert port is not None, endpoint
    with FaultProxy(port) as proxy:
        await measure_reader(record, proxy, paths, size, trials)
        await measure_baselines(record, proxy, paths, size)
    record.note(
        "a network store opens a limited read with a ranged GET of the first 60 KiB; its response "
        "names the object's size, so the 50 MiB object is refused after that one request (the "
        "relay counts the request, the headers and those 60 KiB). An object within the limit but "
        "over 60 KiB costs a second, conditional request for the rest"
    )
    record.write(options.json)


if __name__ == "__main__":
    asyncio.run(main())
