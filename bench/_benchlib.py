"""What the benchmark scripts share: arguments, timing, payloads, the S3 store and the JSON record.

Every benchmark prints absolute medians and a ratio against a baseline measured in the same run, and
with ``--json PATH`` also writes its figures for ``bench/_results.py`` (which builds
``bench/RESULTS.md``). The S3 server is whatever ``--s3-endpoint`` names (``scripts/bench`` starts
SeaweedFS on 127.0.0.1); its buckets accept any credentials.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, final

import attrs
from obstore.store import S3Store

from kozmo_io import core
from kozmo_io.storage import S3BlobStore

__all__ = (
    "BENCH_DIR",
    "REPO_ROOT",
    "S3_CREDENTIALS",
    "Figure",
    "Record",
    "add_s3_arguments",
    "format_bytes",
    "format_seconds",
    "make_outputs",
    "median",
    "parser",
    "raw_s3_store",
    "require_s3",
    "s3_store",
    "time_async",
    "time_sync",
)

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent


def parser(description: str) -> argparse.ArgumentParser:
    """Return the argument parser every benchmark starts from (``--quick``, ``--json``).

    Args:
        description: The benchmark's one-line description.

    Returns:
        The parser.
    """
    result = argparse.ArgumentParser(description=description)
    result.add_argument(
        "--quick", action="store_true", help="a smoke run: small sizes, few repeats"
    )
    result.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    return result


def add_s3_arguments(arguments: argparse.ArgumentParser) -> None:
    """Add ``--s3-endpoint`` and ``--s3-bucket`` (defaults from ``KOZMO_BENCH_S3_*``).

    Args:
        arguments: The parser to extend.
    """
    arguments.add_argument(
        "--s3-endpoint",
        default=os.environ.get("KOZMO_BENCH_S3_ENDPOINT"),
        help="endpoint of the S3 server (default: $KOZMO_BENCH_S3_ENDPOINT)",
    )
    arguments.add_argument(
        "--s3-bucket",
        default=os.environ.get("KOZMO_BENCH_S3_BUCKET", "kozmo-bench"),
        help="an existing bucket on it (default: $KOZMO_BENCH_S3_BUCKET or kozmo-bench)",
    )


S3_CREDENTIALS = {"access_key_id": "kozmo-bench", "secret_access_key": "kozmo-bench"}
"""Static credentials for the local server (SeaweedFS without an identity file accepts any)."""


def s3_store(endpoint: str, bucket: str, **options: Any) -> S3BlobStore:  # noqa: ANN401 - S3BlobStore options
    """Open the benchmark bucket on the local S3 server.

    Args:
        endpoint: ``http://127.0.0.1:<port>``.
        bucket: The bucket.
        **options: Further :class:`~kozmo_io.storage.S3BlobStore` options.

    Returns:
        The store.
    """
    return S3BlobStore(
        bucket,
        endpoint=endpoint,
        allow_http=True,
        region="us-east-1",
        credentials=S3_CREDENTIALS,
        **options,
    )


def raw_s3_store(endpoint: str, bucket: str) -> S3Store:
    """Open the benchmark bucket with obstore itself (for the raw baselines).

    Args:
        endpoint: ``http://127.0.0.1:<port>``.
        bucket: The bucket.

    Returns:
        The obstore store.
    """
    return S3Store(
        bucket,
        config={
            "endpoint": endpoint,
            "region": "us-east-1",
            "access_key_id": S3_CREDENTIALS["access_key_id"],
            "secret_access_key": S3_CREDENTIALS["secret_access_key"],
        },
        client_options={"allow_http": True},
    )


def require_s3(arguments: argparse.Namespace) -> str:
    """Return ``--s3-endpoint``, or exit with a message when there is none.

    Args:
        arguments: The parsed arguments.

    Returns:
        The endpoint.
    """
    endpoint: str | None = arguments.s3_endpoint
    if not endpoint:
        sys.exit("needs an S3 server: pass --s3-endpoint or run ./scripts/bench")
    return endpoint


def make_outputs(size: int, *, tag: str = "") -> core.LiteralMap:
    """Build a LiteralMap that serializes to exactly ``size`` bytes (at least 64).

    A typical task output: an integer, a float, a boolean, a short string and one string padded to
    the size.

    Args:
        size: The wanted serialized size in bytes.
        tag: Text that makes the map distinct (e.g. the prefix it is written to).

    Returns:
        The map.
    """
    outputs = core.LiteralMap()
    outputs.literals["count"].scalar.primitive.integer = 42
    outputs.literals["score"].scalar.primitive.float_value = 0.875
    outputs.literals["ok"].scalar.primitive.boolean = True
    outputs.literals["tag"].scalar.primitive.string_value = tag
    padding = outputs.literals["payload"].scalar.primitive
    padding.string_value = ""
    base = outputs.ByteSize()
    # Varint length prefixes grow with the string, so settle the padding length in a few steps.
    fill = max(0, size - base)
    for _ in range(4):
        padding.string_value = "x" * fill
        fill += size - outputs.ByteSize()
        fill = max(fill, 0)
    assert outputs.ByteSize() == size, (outputs.ByteSize(), size)
    return outputs


def median(values: Sequence[float]) -> float:
    """Return the median of ``values``."""
    return statistics.median(values)


def time_sync(function: Callable[[], object], *, repeats: int, warmup: int = 1) -> list[float]:
    """Time ``function`` ``repeats`` times after ``warmup`` untimed calls.

    Args:
        function: What to time.
        repeats: Timed calls.
        warmup: Untimed calls first.

    Returns:
        The durations in seconds.
    """
    for _ in range(warmup):
        function()
    durations = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        durations.append(time.perf_counter() - start)
    return durations


async def time_async(
    function: Callable[[], Awaitable[object]], *, repeats: int, warmup: int = 1
) -> list[float]:
    """Time the awaitable ``function()`` returns, ``repeats`` times after ``warmup`` untimed calls.

    Args:
        function: Returns what to await and time.
        repeats: Timed calls.
        warmup: Untimed calls first.

    Returns:
        The durations in seconds.
    """
    for _ in range(warmup):
        await function()
    durations = []
    for _ in range(repeats):
        start = time.perf_counter()
        await function()
        durations.append(time.perf_counter() - start)
    return durations


def format_seconds(seconds: float) -> str:
    """Render a duration with a unit that keeps three significant figures."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_bytes(count: float) -> str:
    """Render a byte count in B, KiB or MiB."""
    if count < 1024:
        return f"{count:.0f} B"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KiB"
    return f"{count / (1024 * 1024):.2f} MiB"


@final
@attrs.frozen
class Figure:
    """One reported figure.

    Args:
        name: What was measured.
        value: The figure, rendered.
        baseline: The baseline's figure, rendered ("" when the figure has none).
        ratio: value / baseline (``None`` when the figure has no baseline).
        target: The target, rendered ("" when there is none).
        met: Whether the target is met (``None`` when there is none).
    """

    name: str
    value: str
    baseline: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None


@final
class Record:
    """The figures of one benchmark run: printed as they come, then optionally written as JSON.

    Args:
        title: The benchmark's title.
        quick: Whether this is a ``--quick`` smoke run.
    """

    def __init__(self, title: str, *, quick: bool) -> None:
        """Start the record and print the title."""
        self.title = title
        self.quick = quick
        self.figures: list[Figure] = []
        self.notes: list[str] = []
        print(f"== {title}{' (quick)' if quick else ''}")

    def add(self, figure: Figure) -> None:
        """Record and print one figure."""
        self.figures.append(figure)
        line = f"  {figure.name}: {figure.value}"
        if figure.baseline:
            line += f"   baseline {figure.baseline}"
        if figure.ratio is not None:
            line += f"   ratio {figure.ratio:.3g}x"
        if figure.target:
            verdict = {True: "met", False: "MISSED", None: ""}[figure.met]
            line += f"   target {figure.target} {verdict}".rstrip()
        print(line, flush=True)

    def note(self, text: str) -> None:
        """Record and print a remark (what was measured, sizes, caveats)."""
        self.notes.append(text)
        print(f"  - {text}", flush=True)

    def write(self, path: Path | None) -> None:
        """Write the record as JSON to ``path`` (nothing when ``None``)."""
        if path is None:
            return
        document = {
            "title": self.title,
            "quick": self.quick,
            "figures": [attrs.asdict(figure) for figure in self.figures],
            "notes": self.notes,
        }
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
