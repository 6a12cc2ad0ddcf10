"""``kozmo-io scan [--json] [--fail-on-error] [--concurrency N] [--max-bytes N] [...] PREFIX``.

Finds every task under a run prefix by listing it one page at a time
(:func:`~kozmo_io.ioutils.list_task_folders`), reads each task's outcome with the streaming reader
(:func:`~kozmo_io.ioutils.stream_outputs`, one GET per task) and prints a summary: counts by
outcome, failures grouped by outcome and code with one example each, the largest outputs and the
slowest reads. Memory does not grow with the number of tasks. On a terminal a progress bar runs on
stderr while it works.

The ``--json`` document (schema ``kozmo-io.scan/1``; fields are only ever added)::

    {
      "schema": "kozmo-io.scan/1",
      "prefix": "<the run prefix, redacted>",
      "complete": true | false,          # false: the listing failed part way ("listing_error")
      "listing_error": "<message>" | null,
      "tasks": 3000,                     # task folders found and read
      "counts": {"outputs": 2990, "task_error": 4, "missing": 2, "too_large": 1,
                 "corrupt": 2, "storage_failure": 1},
      "requests": {"list": 4, "get": 2996},
      "seconds": 1.84,                   # wall time of the whole scan
      "bytes_read": 9187328,             # bytes of the files read
      "failures": [                      # one per (outcome, code), largest count first
        {"outcome": "task_error", "code": "ValueError", "count": 3,
         "example": {"prefix": "...", "message": "... (cut after 1,000 characters)"}}
      ],
      "largest": [{"prefix": "...", "bytes": 3072}],      # outputs, largest first
      "slowest": [{"prefix": "...", "seconds": 0.012}]    # any outcome, slowest first
    }

``code`` is the task error's code, or the failure's class name (``NotFoundError``,
``PayloadTooLargeError``, ``CorruptDataError``, ``StorageError``). Exit 0 when the scan completed
(with ``--fail-on-error``: and every task has outputs), 1 when no task was found or, with
``--fail-on-error``, some task has no outputs, 2 for a bad reference or option, a store that cannot
be opened, or a listing that failed part way (the summary of what was read is still printed).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import heapq
import json
import sys
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol, final

import attrs

from kozmo_io.cli._command import Command, UsageError, fail, positive
from kozmo_io.cli._prefix import add_store_options, display, store_options, vet_prefix
from kozmo_io.cli._terminal import cut, json_safe, one_line
from kozmo_io.errors import KozmoIOError, StorageError
from kozmo_io.ioutils import (
    OutcomeKind,
    OutputOutcome,
    TaskFolder,
    list_task_folders,
    stream_outputs,
)
from kozmo_io.ioutils.stream_outputs import DEFAULT_CONCURRENCY
from kozmo_io.reference import DataReference
from kozmo_io.storage import DEFAULT_MAX_PAYLOAD_BYTES, BlobStore, CountingStore, open_store

__all__ = ("COMMAND", "Progress", "SCHEMA", "ScanSummary", "run", "scan")

SCHEMA = "kozmo-io.scan/1"
"""The name and version of the ``--json`` document's schema."""

_TOP = 5
_MAX_GROUPS = 200  # distinct (outcome, code) pairs kept; the rest are counted under "(other)"
_MESSAGE_CHARS = 160
_KEPT_CHARS = 1000

_HELP = """\
Find every task under a run prefix (by listing it, one page at a time), read each task's outcome
(outputs, task error, missing, too large, corrupt, storage failure) with bounded concurrency, and
summarize: counts by outcome, failures grouped by code with one example each, the largest outputs
and the slowest reads. A folder holding outputs.pb, error.pb or deck.html is a task; so is a
folder holding inputs.pb with no such folder beneath it (a task that left nothing).

PREFIX is a local path, file://..., s3://bucket/..., gs://bucket/... or
abfs[s]://container@account.dfs.core.windows.net/... Credentials come from the environment
(AWS_*, GOOGLE_*, AZURE_*); a reference carrying credentials is refused. With
--emulator, gs:// goes to the GCS emulator at --endpoint and no credentials are looked up or sent;
Azure references go to Azurite with its well-known account (at --endpoint if given).
"""

_EPILOG = f"""\
examples:
  kozmo-io scan s3://bucket/metadata/run1                  summary of every task of run1
  kozmo-io scan --json --fail-on-error /data/run1          machine-readable ({SCHEMA})

exit status: 0 scanned (--fail-on-error: and every task has outputs); 1 no task found, or
(--fail-on-error) a task without outputs; 2 bad reference or option, listing failed part way.
"""

_LABELS = {
    OutcomeKind.OUTPUTS: "outputs",
    OutcomeKind.TASK_ERROR: "task error",
    OutcomeKind.MISSING: "missing",
    OutcomeKind.TOO_LARGE: "too large",
    OutcomeKind.CORRUPT: "corrupt",
    OutcomeKind.STORAGE_FAILURE: "storage failure",
}


@final
@attrs.define
class _Group:
    count: int
    prefix: str
    message: str


@final
@attrs.define
class ScanSummary:
    """What a scan found, in memory bounded by the number of distinct failure codes.

    Args:
        prefix: The run prefix.
        top: How many largest outputs and slowest reads are kept.
    """

    prefix: DataReference
    top: int = _TOP
    counts: collections.Counter[OutcomeKind] = attrs.field(factory=collections.Counter)
    groups: dict[tuple[OutcomeKind, str], _Group] = attrs.field(factory=dict)
    largest: list[tuple[int, int, str]] = attrs.field(factory=list)  # min-heaps
    slowest: list[tuple[float, int, str]] = attrs.field(factory=list)
    bytes_read: int = 0
    seconds: float = 0.0
    list_requests: int = 0
    get_requests: int = 0
    listing_error: str | None = None

    @property
    def tasks(self) -> int:
        """Tasks read."""
        return sum(self.counts.values())

    @property
    def complete(self) -> bool:
        """Whether the whole listing was read."""
        return self.listing_error is None

    @property
    def failed(self) -> int:
        """Tasks without outputs."""
        return self.tasks - self.counts[OutcomeKind.OUTPUTS]

    def add(self, outcome: OutputOutcome) -> None:
        """Count one outcome."""
        self.counts[outcome.kind] += 1
        prefix = outcome.prefix or ""  # shown through display() only when printed
        if outcome.kind is OutcomeKind.OUTPUTS:
            self.bytes_read += outcome.size
            _keep(self.largest, (outcome.size, outcome.index, prefix), self.top)
        else:
            if outcome.kind is OutcomeKind.TASK_ERROR:
                self.bytes_read += outcome.size
            key = (outcome.kind, outcome.code)
            if key not in self.groups and len(self.groups) >= _MAX_GROUPS:
                key = (outcome.kind, "(other)")
            group = self.groups.get(key)
            if group is None:
                # cut as kept: 200 groups of 2 MiB messages would not be bounded memory
                self.groups[key] = _Group(1, prefix, cut(outcome.message, _KEPT_CHARS))
            else:
                group.count += 1
        _keep(self.slowest, (outcome.seconds, outcome.index, prefix), self.top)

    def failures(self) -> list[tuple[OutcomeKind, str, _Group]]:
        """The failure groups, largest first."""
        ordered = sorted(self.groups.items(), key=lambda item: (-item[1].count, item[0][1]))
        return [(kind, code, group) for (kind, code), group in ordered]

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document (schema :data:`SCHEMA`)."""
        return {
            "schema": SCHEMA,
            "prefix": display(self.prefix),
            "complete": self.complete,
            "listing_error": self.listing_error,
            "tasks": self.tasks,
            "counts": {kind.value: self.counts[kind] for kind in OutcomeKind},
            "requests": {"list": self.list_requests, "get": self.get_requests},
            "seconds": round(self.seconds, 6),
            "bytes_read": self.bytes_read,
            "failures": [
                {
                    "outcome": kind.value,
                    "code": code,
                    "count": group.count,
                    "example": {"prefix": display(group.prefix), "message": group.message},
                }
                for kind, code, group in self.failures()
            ],
            "largest": [
                {"prefix": display(prefix), "bytes": size}
                for size, _, prefix in sorted(self.largest, key=lambda e: (-e[0], e[1]))
            ],
            "slowest": [
                {"prefix": display(prefix), "seconds": round(seconds, 6)}
                for seconds, _, prefix in sorted(self.slowest, key=lambda e: (-e[0], e[1]))
            ],
        }

    def to_text(self) -> str:
        """The readable summary, every string from a file escaped."""
        head = (
            f"scan of {one_line(display(self.prefix))}: {_many(self.tasks, 'task')} in "
            f"{self.seconds:.2f} s ({_many(self.list_requests, 'LIST page')}, "
            f"{_many(self.get_requests, 'GET')}, {_size(self.bytes_read)} read)"
        )
        lines = [head]
        width = max(len(label) for label in _LABELS.values())
        lines.extend(f"  {_LABELS[kind]:<{width}}  {self.counts[kind]:>9,}" for kind in OutcomeKind)
        failures = self.failures()
        if failures:
            lines.append("failures by code (one example each)")
            rows = [
                (_LABELS[kind], one_line(cut(code, 40)), f"{group.count:,}", group)
                for kind, code, group in failures
            ]
            label_width = max(len(row[0]) for row in rows)
            code_width = max(len(row[1]) for row in rows)
            count_width = max(len(row[2]) for row in rows)
            for label, code, count, group in rows:
                lines.append(
                    f"  {label:<{label_width}}  {code:<{code_width}}  {count:>{count_width}}  "
                    f"{one_line(display(group.prefix))}"
                )
                lines.append(
                    f"  {'':<{label_width}}  {one_line(cut(group.message, _MESSAGE_CHARS))}"
                )
        if self.largest:
            lines.append("largest outputs")
            for size, _, prefix in sorted(self.largest, key=lambda e: (-e[0], e[1])):
                lines.append(f"  {_size(size):>10}  {one_line(display(prefix))}")
        if self.slowest:
            lines.append("slowest reads")
            for seconds, _, prefix in sorted(self.slowest, key=lambda e: (-e[0], e[1])):
                lines.append(f"  {seconds * 1000:>7.1f} ms  {one_line(display(prefix))}")
        if self.listing_error is not None:
            lines.append(f"incomplete: the listing failed: {one_line(self.listing_error)}")
        return "\n".join(lines)


def _keep(heap: list[Any], entry: tuple[Any, ...], top: int) -> None:
    """Keep the ``top`` largest entries of a min-heap."""
    if len(heap) < top:
        heapq.heappush(heap, entry)
    elif top and entry[0] > heap[0][0]:
        heapq.heapreplace(heap, entry)


def _many(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _size(count: int) -> str:
    if count < 1024:  # noqa: PLR2004 - one KiB
        return f"{count} B"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KiB"
    return f"{count / 1024 / 1024:.2f} MiB"


class Progress(Protocol):
    """What a scan reports as it works (e.g. to a progress bar)."""

    def found(self, tasks: int, *, listing_done: bool) -> None:
        """``tasks`` task folders found so far; ``listing_done`` once the listing is complete."""

    def read(self, tasks: int) -> None:
        """``tasks`` tasks read so far."""


async def scan(  # noqa: PLR0913 - keyword-only settings
    store: BlobStore,
    prefix: str,
    /,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    max_bytes: int | None = None,
    top: int = _TOP,
    page_size: int = 1000,
    progress: Progress | None = None,
) -> ScanSummary:
    """Find and read every task under ``prefix``; return the summary.

    A listing that fails part way ends the discovery: the tasks found before it are still read,
    and the summary says it is incomplete.

    Args:
        store: The store holding the run.
        prefix: The run prefix.
        concurrency: Tasks read at once.
        max_bytes: Read limit per file (``None``: the store's).
        top: How many largest outputs and slowest reads to keep.
        page_size: Objects per LIST request.
        progress: Told how many tasks were found and read.

    Returns:
        The summary.

    Raises:
        InvalidReferenceError: ``prefix`` is malformed or not in ``store``.
        InvalidArgumentError: A bad ``concurrency``, ``max_bytes`` or ``page_size``.
    """
    counting = CountingStore(store)
    summary = ScanSummary(DataReference(prefix), top=top)
    found = 0

    async def folders() -> AsyncIterator[TaskFolder]:
        nonlocal found
        try:
            async for folder in list_task_folders(counting, prefix, page_size=page_size):
                found += 1
                if progress is not None:
                    progress.found(found, listing_done=False)
                yield folder
        except StorageError as exc:
            summary.listing_error = str(exc)
        if progress is not None:
            progress.found(found, listing_done=True)

    start = time.perf_counter()
    stream = stream_outputs(
        counting, folders(), concurrency=concurrency, max_payload_bytes=max_bytes
    )
    async with contextlib.aclosing(stream) as outcomes:
        async for outcome in outcomes:
            summary.add(outcome)
            if progress is not None:
                progress.read(summary.tasks)
    summary.seconds = time.perf_counter() - start
    summary.list_requests = counting.counts["list"]
    summary.get_requests = counting.counts["get"]
    return summary


@final
class _Bar:
    """A rich progress bar on stderr: total unknown while listing, then known."""

    def __init__(self) -> None:
        from rich.console import Console  # noqa: PLC0415 - only on a terminal
        from rich.progress import (  # noqa: PLC0415 - only on a terminal
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as RichProgress  # noqa: PLC0415

        self._progress = RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task = self._progress.add_task("listing and reading", total=None)

    def __enter__(self) -> _Bar:
        self._progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._progress.stop()

    def found(self, tasks: int, *, listing_done: bool) -> None:
        description = "reading" if listing_done else "listing and reading"
        self._progress.update(self._task, total=tasks, description=description)

    def read(self, tasks: int) -> None:
        self._progress.update(self._task, completed=tasks)


def _arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``scan``."""
    parser.add_argument("prefix", metavar="PREFIX", help="the run prefix")
    parser.add_argument("--json", action="store_true", help=f"print a JSON document ({SCHEMA})")
    parser.add_argument(
        "--fail-on-error",
        action="store_true",
        help="exit 1 when any task has no outputs (task error, missing, too large, corrupt, "
        "storage failure)",
    )
    parser.add_argument(
        "--concurrency",
        type=positive,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"read N tasks at once (default {DEFAULT_CONCURRENCY})",
    )
    parser.add_argument(
        "--max-bytes",
        type=positive,
        default=None,
        metavar="N",
        help=f"a file larger than N bytes is 'too large' (default {DEFAULT_MAX_PAYLOAD_BYTES}, "
        "2 MiB)",
    )
    parser.add_argument(
        "--top",
        type=positive,
        default=_TOP,
        metavar="N",
        help=f"list the N largest outputs and slowest reads (default {_TOP})",
    )
    add_store_options(parser)


def _interactive() -> bool:
    isatty: Callable[[], bool] | None = getattr(sys.stderr, "isatty", None)
    return bool(isatty is not None and isatty())


def run(args: argparse.Namespace) -> int:
    """Run ``kozmo-io scan``.

    Args:
        args: The parsed arguments (``prefix``, ``json``, ``fail_on_error``, ``concurrency``,
            ``max_bytes``, ``top``, ``endpoint``, ``allow_http``, ``region``, ``emulator``).

    Returns:
        0 scanned (and, with ``--fail-on-error``, every task has outputs); 1 no task found, or a
        task without outputs under ``--fail-on-error``; 2 a bad reference or option, or a listing
        that failed part way.
    """
    try:
        prefix = vet_prefix(args.prefix)
        store = open_store(prefix, **store_options(args, prefix))
        options = {"concurrency": args.concurrency, "max_bytes": args.max_bytes, "top": args.top}
        if _interactive():
            with _Bar() as bar:
                summary = asyncio.run(scan(store, prefix, progress=bar, **options))
        else:
            summary = asyncio.run(scan(store, prefix, **options))
    except UsageError as exc:
        return fail("scan", str(exc))
    except KozmoIOError as exc:
        if getattr(args, "debug", False):
            raise
        return fail("scan", str(exc))
    if args.json:
        sys.stdout.write(json_safe(json.dumps(summary.to_json(), indent=2, ensure_ascii=False)))
        sys.stdout.write("\n")
    else:
        sys.stdout.write(summary.to_text() + "\n")
    if not summary.complete:
        sys.stderr.write(
            f"kozmo-io scan: the listing failed after {summary.tasks:,} tasks: "
            f"{one_line(summary.listing_error or '')}\n"
        )
        return 2
    if summary.tasks == 0:
        sys.stderr.write(f"kozmo-io scan: no task found under {one_line(display(prefix))}\n")
        return 1
    if args.fail_on_error and summary.failed:
        sys.stderr.write(
            f"kozmo-io scan: {summary.failed:,} of {summary.tasks:,} tasks have no outputs\n"
        )
        return 1
    return 0


COMMAND = Command(
    "scan",
    summary="summarize the outcome of every task under a run prefix",
    description=_HELP,
    arguments=_arguments,
    handler=run,
    epilog=_EPILOG,
)
"""The ``scan`` subcommand."""
