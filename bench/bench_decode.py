"""Benchmark 4: decode cost and peak memory of reading a 2 MiB outputs.pb through the reader.

The payload is a LiteralMap of exactly 2 MiB (the default read limit): a collection of 20,000 short
strings, 20,000 integers and one padding string. Time: ``RemoteFileOutputReader.read()`` on the
memory store (fresh reader each time: one GET, a copy, the decode) against bare
``LiteralMap.FromString`` on the same bytes. Memory: the peak of Python allocations during the read,
traced with ``tracemalloc`` (the bytes objects kozmo_io and obstore hand to Python; not the protobuf
(upb) arena nor obstore's Rust buffers, which tracemalloc cannot see), as a multiple of the payload.
For the whole process, how far the resident set of a fresh child process peaks above its start
during one read from the local store (Linux ``VmHWM``, reset first) is reported too, against the
same child reading the file and calling ``FromString``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import re
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

from _benchlib import (
    Figure,
    Record,
    format_bytes,
    format_seconds,
    make_outputs,
    median,
    parser,
    time_async,
    time_sync,
)

from kozmo_io import core
from kozmo_io.ioutils import ReadOnlyOutputFilePaths, RemoteFileOutputReader
from kozmo_io.storage import DEFAULT_MAX_PAYLOAD_BYTES, BlobStore, LocalBlobStore, MemoryBlobStore

PAYLOAD_BYTES = DEFAULT_MAX_PAYLOAD_BYTES
ROWS = 20_000


def make_payload(size: int) -> bytes:
    """Serialize a LiteralMap of many small literals, padded to exactly ``size`` bytes."""
    outputs = core.LiteralMap()
    names = outputs.literals["names"].collection.literals
    counts = outputs.literals["counts"].collection.literals
    for row in range(ROWS):
        names.add().scalar.primitive.string_value = f"sample-{row:06d}"
        counts.add().scalar.primitive.integer = row * 7919
    padding = outputs.literals["padding"].scalar.primitive
    padding.string_value = ""
    fill = size - outputs.ByteSize()
    assert fill > 0, "the rows alone exceed the payload size"
    for _ in range(4):  # the length prefix grows with the string: settle in a few steps
        padding.string_value = "p" * fill
        fill += size - outputs.ByteSize()
    data = outputs.SerializeToString()
    assert len(data) == size, len(data)
    return data


async def read_once(store: BlobStore, paths: ReadOnlyOutputFilePaths) -> core.LiteralMap:
    """Read the outputs with a fresh reader."""
    outputs, error = await RemoteFileOutputReader(store, paths).read()
    assert outputs is not None, error
    return outputs


async def traced_peak(store: BlobStore, paths: ReadOnlyOutputFilePaths) -> int:
    """Return the peak of traced Python allocations during one read, above what was held before."""
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        outputs = await read_once(store, paths)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(outputs.literals) == 3
    return peak - before


def _status_kib(field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    assert match is not None, field
    return int(match.group(1))


def _reset_peak_rss() -> int:
    """Reset the peak resident set to the current one and return it (KiB)."""
    Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    return _status_kib("VmRSS")


def _read_bare(file: Path) -> core.LiteralMap:
    return core.LiteralMap.FromString(file.read_bytes())


async def _rss_child(directory: str, how: str) -> int:
    store = LocalBlobStore(directory)
    paths = ReadOnlyOutputFilePaths("/payload")
    # Warm up first (event loop, obstore's runtime and threads, imports): only the read is measured.
    warm = ReadOnlyOutputFilePaths("/warm")
    await store.put(warm.get_output_path(), make_outputs(64 * 1024).SerializeToString())
    await read_once(store, warm)
    gc.collect()
    before = _reset_peak_rss()
    if how == "reader":
        outputs = await read_once(store, paths)
    else:
        outputs = _read_bare(Path(directory, "payload", "outputs.pb"))
    peak = _status_kib("VmHWM")
    assert len(outputs.literals) == 3
    return (peak - before) * 1024


def rss_child(directory: str, how: str) -> None:
    """In a fresh process: print how far the resident set peaks above its start during one read.

    Linux only: the peak (``VmHWM``) is reset by writing ``5`` to ``/proc/self/clear_refs`` first.
    """
    print(json.dumps({"growth": asyncio.run(_rss_child(directory, how))}))


def rss_growth(directory: str, how: str) -> int:
    """Run :func:`rss_child` in a fresh interpreter and return its figure."""
    completed = subprocess.run(  # noqa: S603 - this script with fixed arguments
        [sys.executable, __file__, "--rss-child", directory, how],
        capture_output=True,
        text=True,
        check=True,
    )
    growth: int = json.loads(completed.stdout)["growth"]
    return growth


async def main(options: argparse.Namespace) -> None:
    """Time the read against FromString, then measure its memory."""
    repeats = 10 if options.quick else 100
    record = Record("Decode: a 2 MiB outputs.pb", quick=options.quick)
    data = make_payload(PAYLOAD_BYTES)
    record.note(
        f"payload {len(data)} bytes: {ROWS} strings + {ROWS} integers + padding; "
        f"median of {repeats} after a warm-up"
    )
    store = MemoryBlobStore()
    paths = ReadOnlyOutputFilePaths("memory://bench/decode")
    await store.put(paths.get_output_path(), data)

    bare = time_sync(lambda: core.LiteralMap.FromString(data), repeats=repeats)
    ours = await time_async(lambda: read_once(store, paths), repeats=repeats)
    ratio = median(ours) / median(bare)
    record.add(
        Figure(
            name="reader.read() on the memory store, median",
            value=format_seconds(median(ours)),
            baseline=f"{format_seconds(median(bare))} (LiteralMap.FromString)",
            ratio=ratio,
            target="<= 1.2x",
            met=ratio <= 1.2,
        )
    )

    fetch = await time_async(lambda: store.get(paths.get_output_path()), repeats=repeats)
    record.add(
        Figure(
            name="of which store.get() alone (memory store), median",
            value=format_seconds(median(fetch)),
            baseline=f"{format_seconds(median(bare))} (LiteralMap.FromString)",
            ratio=median(fetch) / median(bare),
        )
    )
    record.note(
        "read() is one store.get() (obstore's call and the copy of its buffer into the bytes "
        "object upb decodes) followed by the decode; the get() row measures the first part alone"
    )

    peak = await traced_peak(store, paths)
    record.add(
        Figure(
            name="peak traced Python allocations during read()",
            value=format_bytes(peak),
            baseline=f"{format_bytes(len(data))} (the payload)",
            ratio=peak / len(data),
            target="<= 3x the payload",
            met=peak <= 3 * len(data),
        )
    )

    with tempfile.TemporaryDirectory() as directory:
        local = LocalBlobStore(directory)
        local_paths = ReadOnlyOutputFilePaths("/payload")
        await local.put(local_paths.get_output_path(), data)
        local_times = await time_async(lambda: read_once(local, local_paths), repeats=repeats)
        record.add(
            Figure(
                name="reader.read() on the local store, median",
                value=format_seconds(median(local_times)),
                baseline=f"{format_seconds(median(bare))} (LiteralMap.FromString)",
                ratio=median(local_times) / median(bare),
            )
        )
        ours_rss = rss_growth(directory, "reader")
        bare_rss = rss_growth(directory, "bare")
        record.add(
            Figure(
                name="peak RSS above start, fresh process, one read (local store)",
                value=format_bytes(ours_rss),
                baseline=f"{format_bytes(bare_rss)} (read_bytes + FromString)",
                ratio=ours_rss / bare_rss if bare_rss else None,
            )
        )
    record.write(options.json)


if __name__ == "__main__":
    arguments = parser("Reading a 2 MiB outputs.pb through the reader vs bare FromString.")
    arguments.add_argument("--rss-child", nargs=2, metavar=("DIR", "HOW"), help=argparse.SUPPRESS)
    options = arguments.parse_args()
    if options.rss_child:
        rss_child(*options.rss_child)
    else:
        asyncio.run(main(options))
