"""Benchmark 1: the engine's sequence is_error -> exists -> read, in storage requests and time.

The engine asks a finished task's reader ``is_error()``; on a failed task it then calls
``read_error()``, on a successful one ``exists()`` and ``read()``. The baseline is the Go reader's
sequence made of the same bare store calls in the same run: HEAD error.pb, HEAD outputs.pb, GET
outputs.pb (3 requests) on success; HEAD error.pb, GET error.pb (2) on failure. Requests are counted
with :class:`~kozmo_io.storage.CountingStore` on the memory, local and S3 stores; times are medians
per sequence.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from functools import partial

from _benchlib import (
    Figure,
    Record,
    add_s3_arguments,
    format_seconds,
    make_outputs,
    median,
    parser,
    s3_store,
    time_async,
)

from kozmo_io import core
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils import ReadOnlyOutputFilePaths, RemoteFileOutputReader
from kozmo_io.storage import DEFAULT_MAX_PAYLOAD_BYTES as LIMIT
from kozmo_io.storage import BlobStore, CountingStore, LocalBlobStore, MemoryBlobStore

OUTPUT_BYTES = 3 * 1024


async def kozmo_sequence(store: BlobStore, paths: ReadOnlyOutputFilePaths) -> object:
    """Run the engine's sequence through a fresh RemoteFileOutputReader."""
    reader = RemoteFileOutputReader(store, paths)
    if await reader.is_error():
        return await reader.read_error()
    assert await reader.exists()
    outputs, error = await reader.read()
    assert outputs is not None, error
    return outputs


async def go_sequence(store: BlobStore, paths: ReadOnlyOutputFilePaths) -> object:
    """Run the Go reader's sequence (HEAD, HEAD, GET on success; HEAD, GET on failure)."""
    error_meta = await store.head(paths.get_error_path())
    assert error_meta.size <= LIMIT
    if error_meta.exists:
        document = core.ErrorDocument.FromString(await store.get(paths.get_error_path()))
        return ExecutionError.from_error_document(document)
    output_meta = await store.head(paths.get_output_path())
    assert output_meta.exists
    assert output_meta.size <= LIMIT
    return core.LiteralMap.FromString(await store.get(paths.get_output_path()))


Sequence = Callable[[BlobStore, ReadOnlyOutputFilePaths], Awaitable[object]]


async def count(store: BlobStore, sequence: Sequence, paths: ReadOnlyOutputFilePaths) -> int:
    """Return the storage requests one run of ``sequence`` makes."""
    counting = CountingStore(store)
    await sequence(counting, paths)
    return counting.total


async def measure(record: Record, kind: str, store: BlobStore, root: str, repeats: int) -> None:
    """Write a successful and a failed task under ``root``; count and time both sequences."""
    succeeded = ReadOnlyOutputFilePaths(f"{root}/succeeded")
    failed = ReadOnlyOutputFilePaths(f"{root}/failed")
    await store.put(succeeded.get_output_path(), make_outputs(OUTPUT_BYTES).SerializeToString())
    error = ExecutionError(
        code="ValueError", message="bad input", kind=ErrorKind.USER, is_recoverable=False
    )
    await store.put(failed.get_error_path(), error.to_error_document().SerializeToString())

    for outcome, paths, go_requests in (("success", succeeded, 3), ("failure", failed, 2)):
        ours = await count(store, kozmo_sequence, paths)
        theirs = await count(store, go_sequence, paths)
        assert theirs == go_requests, theirs
        target, met = ("<= 2", ours <= 2) if outcome == "success" else ("", None)
        record.add(
            Figure(
                name=f"requests on {outcome} ({kind})",
                value=str(ours),
                baseline=f"{theirs} (Go sequence)",
                ratio=ours / theirs,
                target=target,
                met=met,
            )
        )
        ours_times = await time_async(partial(kozmo_sequence, store, paths), repeats=repeats)
        theirs_times = await time_async(partial(go_sequence, store, paths), repeats=repeats)
        record.add(
            Figure(
                name=f"time on {outcome} ({kind}), median",
                value=format_seconds(median(ours_times)),
                baseline=f"{format_seconds(median(theirs_times))} (Go sequence)",
                ratio=median(ours_times) / median(theirs_times),
            )
        )


async def main() -> None:
    """Run the benchmark on every store at hand."""
    arguments = parser("Storage requests and time of the engine sequence, vs the Go sequence.")
    add_s3_arguments(arguments)
    options = arguments.parse_args()
    repeats = 20 if options.quick else 300
    record = Record("Engine sequence: is_error -> exists -> read", quick=options.quick)
    record.note(
        f"outputs.pb {OUTPUT_BYTES} bytes; {repeats} timed sequences per case, fresh reader each"
    )
    await measure(record, "memory", MemoryBlobStore(), "memory://bench/sequence", repeats)
    with tempfile.TemporaryDirectory() as directory:
        await measure(record, "local", LocalBlobStore(directory), "/sequence", repeats)
    if options.s3_endpoint:
        store = s3_store(options.s3_endpoint, options.s3_bucket)
        await measure(record, "s3", store, f"s3://{options.s3_bucket}/sequence", repeats)
    else:
        record.note("s3: skipped (no --s3-endpoint)")
    record.write(options.json)


if __name__ == "__main__":
    asyncio.run(main())
