"""Wait until the benchmark S3 server accepts a write to its bucket (used by ``scripts/bench``).

Reads ``KOZMO_BENCH_S3_ENDPOINT`` and ``KOZMO_BENCH_S3_BUCKET``; exits 0 once a small object could
be written, read back and deleted, 1 when ``--timeout`` seconds pass first. Plain HTTP (the server
runs without authentication), not obstore: a process whose first requests failed while the server
started has been seen to abort at exit when obstore's threads call back into a finalizing
interpreter.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.error
import urllib.request

_PAUSE_SECONDS = 0.25
_REQUEST_SECONDS = 5


def _request(url: str, method: str, data: bytes | None = None) -> bytes:
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - a loopback URL
    with urllib.request.urlopen(request, timeout=_REQUEST_SECONDS) as response:  # noqa: S310
        body: bytes = response.read()
        return body


def ready(endpoint: str, bucket: str, seconds: float) -> bool:
    """Try a write, a read and a delete until they succeed or ``seconds`` pass."""
    probe = f"{endpoint}/{bucket}/.ready"
    deadline = time.monotonic() + seconds
    while True:
        try:
            _request(probe, "PUT", b"ready")
            if _request(probe, "GET") == b"ready":
                _request(probe, "DELETE")
                return True
        except (OSError, urllib.error.URLError) as exc:
            if time.monotonic() > deadline:
                print(f"S3 server not ready after {seconds} s: {exc}", file=sys.stderr)
                return False
        time.sleep(_PAUSE_SECONDS)


def main() -> None:
    """Exit 0 when the server is ready, 1 otherwise."""
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("--timeout", type=float, default=60.0)
    options = arguments.parse_args()
    endpoint = os.environ["KOZMO_BENCH_S3_ENDPOINT"]
    bucket = os.environ.get("KOZMO_BENCH_S3_BUCKET", "kozmo-bench")
    sys.exit(0 if ready(endpoint, bucket, options.timeout) else 1)


if __name__ == "__main__":
    main()
