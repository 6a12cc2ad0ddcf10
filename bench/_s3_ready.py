"""Wait until the benchmark S3 server accepts a write to its bucket (used by ``scripts/bench``).

Reads ``KOZMO_BENCH_S3_ENDPOINT`` and ``KOZMO_BENCH_S3_BUCKET``; exits 0 once a small object could
be written and read back, 1 when ``--timeout`` seconds pass first.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time

from _benchlib import s3_store

from kozmo_io.errors import KozmoIOError

_PAUSE_SECONDS = 0.25


async def ready(endpoint: str, bucket: str, seconds: float) -> bool:
    """Try a write and a read until they succeed or ``seconds`` pass."""
    store = s3_store(endpoint, bucket, retry_config={"max_retries": 0})
    probe = f"s3://{bucket}/.ready"
    deadline = time.monotonic() + seconds
    while True:
        try:
            await store.put(probe, b"ready")
            if await store.get(probe) == b"ready":
                await store.delete(probe)
                return True
        except KozmoIOError as exc:
            if time.monotonic() > deadline:
                print(f"S3 server not ready after {seconds} s: {exc}", file=sys.stderr)
                return False
        await asyncio.sleep(_PAUSE_SECONDS)


def main() -> None:
    """Exit 0 when the server is ready, 1 otherwise."""
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("--timeout", type=float, default=60.0)
    options = arguments.parse_args()
    endpoint = os.environ["KOZMO_BENCH_S3_ENDPOINT"]
    bucket = os.environ.get("KOZMO_BENCH_S3_BUCKET", "kozmo-bench")
    sys.exit(0 if asyncio.run(ready(endpoint, bucket, options.timeout)) else 1)


if __name__ == "__main__":
    main()
