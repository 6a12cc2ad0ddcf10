"""Benchmark 8: ``kozmo-io scan`` of a generated 10,000-sub-task run on S3, as a process.

The run is :func:`kozmo_io.examples.write_map_run` (word-count sub-tasks: ``inputs.pb`` in each
sub-task folder, ``outputs.pb`` or ``error.pb`` in its attempt folder; a few missing, corrupt and
oversized on purpose). Timed: the whole ``python -m kozmo_io scan --json`` process (start-up
included) and the scan itself as it reports; the requests it made (LIST pages and GETs, from its
JSON); its peak resident set (``ru_maxrss`` of the child). For scale, the same process at a tenth
of the run shows how the peak grows with the number of sub-tasks.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time

from _benchlib import (
    S3_CREDENTIALS,
    Figure,
    Record,
    add_s3_arguments,
    format_bytes,
    format_seconds,
    median,
    parser,
    require_s3,
    s3_store,
)

from kozmo_io.examples import plan_map_run, write_map_run


def scan_process(endpoint: str, run: str) -> tuple[float, dict[str, object], int]:
    """Run ``kozmo-io scan --json`` on ``run``; return (wall seconds, its JSON, peak RSS bytes)."""
    environment = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": S3_CREDENTIALS["access_key_id"],
        "AWS_SECRET_ACCESS_KEY": S3_CREDENTIALS["secret_access_key"],
    }
    arguments = [
        sys.executable,
        "-m",
        "kozmo_io",
        "scan",
        "--json",
        "--endpoint",
        endpoint,
        "--allow-http",
        "--region",
        "us-east-1",
        run,
    ]
    read_end, write_end = os.pipe()
    start = time.perf_counter()
    pid = os.posix_spawn(
        sys.executable,
        arguments,
        environment,
        file_actions=[
            (os.POSIX_SPAWN_DUP2, write_end, 1),
            (os.POSIX_SPAWN_CLOSE, read_end),
        ],
    )
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 1 << 16):
        chunks.append(chunk)
    os.close(read_end)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in {0, 1}:
        msg = f"kozmo-io scan exited {code}"
        raise RuntimeError(msg)
    document: dict[str, object] = json.loads(b"".join(chunks))
    return wall, document, usage.ru_maxrss * 1024


async def write_run(endpoint: str, bucket: str, run: str, tasks: int) -> dict[str, int]:
    """Write the generated run (unless an earlier run on this server did); return the counts."""
    plan = plan_map_run(tasks)
    store = s3_store(endpoint, bucket)
    if not (await store.head(f"{run}/n0/{tasks - 1}/inputs.pb")).exists:
        await write_map_run(store, run, plan, concurrency=64)
    return {
        "outputs": plan.succeeding,
        "task_error": len(plan.failing),
        "missing": len(plan.missing),
        "too_large": len(plan.oversized),
        "corrupt": len(plan.corrupt),
        "storage_failure": 0,
    }


def main() -> None:
    """Write the runs, then scan each as a process."""
    arguments = parser("kozmo-io scan of a generated map run on S3, as a process.")
    add_s3_arguments(arguments)
    options = arguments.parse_args()
    endpoint = require_s3(options)
    bucket: str = options.s3_bucket
    tasks = 1000 if options.quick else 10000
    repeats = 1 if options.quick else 3
    record = Record(f"kozmo-io scan: a run of {tasks:,} sub-tasks", quick=options.quick)
    small = tasks // 10
    runs = {count: f"s3://{bucket}/scan-bench/run-{count}" for count in (small, tasks)}
    expected = {
        count: asyncio.run(write_run(endpoint, bucket, run, count)) for count, run in runs.items()
    }
    results = {}
    for count, run in runs.items():
        passes = [scan_process(endpoint, run) for _ in range(repeats)]
        for _, document, _ in passes:
            assert document["counts"] == expected[count], (document["counts"], expected[count])
        results[count] = passes
    passes = results[tasks]
    walls = [wall for wall, _, _ in passes]
    scans = [float(document["seconds"]) for _, document, _ in passes]  # type: ignore[arg-type]
    document = passes[0][1]
    requests = document["requests"]
    assert isinstance(requests, dict)
    record.note(
        f"python -m kozmo_io scan --json on the local S3 server, default settings (64 reads at "
        f"once, 1,000 keys per LIST page); the run holds {tasks:,} sub-task folders with inputs.pb "
        f"and their attempt folders ({expected[tasks]}); median of {repeats} processes"
    )
    record.add(Figure(name="process wall time, median", value=format_seconds(median(walls))))
    record.add(Figure(name="scan time as reported, median", value=format_seconds(median(scans))))
    record.add(Figure(name="tasks per second (scan)", value=f"{tasks / median(scans):,.0f}"))
    record.add(Figure(name="LIST pages", value=f"{requests['list']:,}"))
    record.add(Figure(name="GETs", value=f"{requests['get']:,}"))
    peak = median([rss for _, _, rss in passes])
    small_peak = median([rss for _, _, rss in results[small]])
    record.add(Figure(name="peak RSS of the process, median", value=format_bytes(peak)))
    record.add(
        Figure(
            name=f"peak RSS at {small:,} sub-tasks (for scale)",
            value=format_bytes(small_peak),
            baseline="",
        )
    )
    growth = (peak - small_peak) / (tasks - small)
    record.add(
        Figure(
            name=f"peak RSS growth from {small:,} to {tasks:,} sub-tasks, per extra sub-task",
            value=f"{growth / 1024:.3f} KiB",
        )
    )
    record.write(options.json)


if __name__ == "__main__":
    main()
