"""Benchmark 2: read 2,000 tasks' outputs from S3 with ``read_outputs_many(..., concurrency=64)``.

Each output prefix holds a 3 KiB outputs.pb. Timed (median of passes, each from building the readers
to having every decoded LiteralMap) against two baselines measured in the same run on the same
objects: (a) flytekit's FileAccessProvider downloading and parsing them one after another (in its
own virtual environment, ``--flytekit-python``), (b) raw obstore: ``asyncio.gather`` of
``get_async`` over all objects, bytes only.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import obstore
from _benchlib import (
    BENCH_DIR,
    S3_CREDENTIALS,
    Figure,
    Record,
    add_s3_arguments,
    format_seconds,
    make_outputs,
    median,
    parser,
    raw_s3_store,
    require_s3,
    s3_store,
    time_async,
)
from obstore.store import S3Store

from kozmo_io.ioutils import ReadOnlyOutputFilePaths, RemoteFileOutputReader, read_outputs_many
from kozmo_io.storage import BlobStore

OUTPUT_BYTES = 3 * 1024
CONCURRENCY = 64


async def write_objects(store: BlobStore, uris: Sequence[str]) -> None:
    """Write a distinct 3 KiB outputs.pb at every reference, 64 at a time."""
    limit = asyncio.Semaphore(CONCURRENCY)

    async def write(uri: str) -> None:
        async with limit:
            await store.put(uri, make_outputs(OUTPUT_BYTES, tag=uri).SerializeToString())

    await asyncio.gather(*map(write, uris))


async def kozmo_pass(store: BlobStore, prefixes: list[str]) -> int:
    """Build a reader per prefix and read them all; return the number of literals read."""
    readers = [RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(p)) for p in prefixes]
    results = await read_outputs_many(readers, concurrency=CONCURRENCY)
    return sum(len(outputs.literals) for outputs, _ in results if outputs is not None)


async def raw_pass(store: S3Store, keys: list[str]) -> int:
    """Fetch every object with obstore, all at once; return the bytes read."""

    async def fetch(key: str) -> int:
        result = await obstore.get_async(store, key)
        return len(await result.bytes_async())

    return sum(await asyncio.gather(*map(fetch, keys)))


def flytekit_pass(
    python: str, endpoint: str, uris: Sequence[str], repeats: int
) -> dict[str, object]:
    """Run baseline (a) in the flytekit environment and return its JSON report."""
    with tempfile.TemporaryDirectory() as directory:
        listing = Path(directory) / "uris.txt"
        listing.write_text("\n".join(uris) + "\n", encoding="utf-8")
        completed = subprocess.run(  # noqa: S603 - a fixed script with arguments built here
            [
                python,
                str(BENCH_DIR / "_flytekit_baseline.py"),
                "--endpoint",
                endpoint,
                "--access-key-id",
                S3_CREDENTIALS["access_key_id"],
                "--secret-access-key",
                S3_CREDENTIALS["secret_access_key"],
                "--uris",
                str(listing),
                "--repeats",
                str(repeats),
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        msg = f"the flytekit baseline failed with exit code {completed.returncode}"
        raise RuntimeError(msg)
    # flytekit may log to stdout first; the report is the last line.
    report: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    return report


async def main() -> None:
    """Write the objects, then time the three ways of reading them."""
    arguments = parser("Bulk reads of outputs.pb from S3 vs flytekit and raw obstore.")
    add_s3_arguments(arguments)
    arguments.add_argument(
        "--flytekit-python",
        help="python of a virtual environment with flytekit, for baseline (a) (else skipped)",
    )
    options = arguments.parse_args()
    endpoint = require_s3(options)
    bucket: str = options.s3_bucket
    count = 200 if options.quick else 2000
    repeats = 2 if options.quick else 5
    flytekit_repeats = 1 if options.quick else 3

    record = Record(f"Bulk reads: {count} outputs.pb of {OUTPUT_BYTES} bytes", quick=options.quick)
    store = s3_store(endpoint, bucket)
    prefixes = [f"s3://{bucket}/bulk/{index:05d}" for index in range(count)]
    uris = [ReadOnlyOutputFilePaths(prefix).get_output_path() for prefix in prefixes]
    await write_objects(store, uris)
    expected = count * len(make_outputs(OUTPUT_BYTES).literals)

    ours = await time_async(lambda: kozmo_pass(store, prefixes), repeats=repeats)
    assert await kozmo_pass(store, prefixes) == expected
    record.note(
        f"read_outputs_many(concurrency={CONCURRENCY}); each pass builds {count} readers; "
        f"median of {repeats} passes after a warm-up"
    )
    record.add(
        Figure(name="kozmo_io read_outputs_many, median", value=format_seconds(median(ours)))
    )

    raw_store = raw_s3_store(endpoint, bucket)
    keys = [uri.split()[2] for uri in uris]
    raw = await time_async(lambda: raw_pass(raw_store, keys), repeats=repeats)
    record.add(
        Figure(
            name="vs (b) raw obstore gather (bytes only, unbounded)",
            value=format_seconds(median(ours)),
            baseline=format_seconds(median(raw)),
            ratio=median(ours) / median(raw),
            target="<= 1.5x",
            met=median(ours) / median(raw) <= 1.5,
        )
    )

    if options.flytekit_python:
        report = flytekit_pass(options.flytekit_python, endpoint, uris, flytekit_repeats)
        durations = report["durations"]
        assert isinstance(durations, list)
        assert report["literals"] == expected, report
        theirs = median(durations)
        record.note(
            f"(a) flytekit {report['flytekit']} FileAccessProvider.get_data + "
            f"load_proto_from_file, sequential; median of {flytekit_repeats} passes after a warm-up"
        )
        record.add(
            Figure(
                name="vs (a) flytekit FileAccessProvider, sequential",
                value=format_seconds(median(ours)),
                baseline=format_seconds(theirs),
                ratio=theirs / median(ours),
                target=">= 5x faster",
                met=theirs / median(ours) >= 5,
            )
        )
        record.note("the (a) ratio is a speed-up: flytekit's time / kozmo_io's time")
    else:
        record.note("(a) flytekit: not run (no --flytekit-python)")
    record.write(options.json)


if __name__ == "__main__":
    asyncio.run(main())
