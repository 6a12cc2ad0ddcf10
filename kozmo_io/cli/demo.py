"""``kozmo-io demo [--root DIR]``: one task execution, end to end, on the local store.

Two tasks of the example plugin (:mod:`kozmo_io.examples.word_count`) run under one execution: the
first succeeds, the second gets an empty text and fails. For each, the demo writes ``inputs.pb``,
runs the plugin with the reference reader and writer, and reads the result back the way the engine
does (``is_error``, then ``exists`` and ``read``), counting storage requests. Finally it runs the
runtime conformance check on the classes involved. Every value is verified: exit 0 when everything
behaved, 1 (with the reasons) otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shlex
import sys
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path

from kozmo_io import core
from kozmo_io.cli._command import Command, fail, positive
from kozmo_io.cli._literal_text import literal_lines
from kozmo_io.cli._prefix import display, local_reference
from kozmo_io.cli._terminal import printable
from kozmo_io.cli.inspect import error_lines, table
from kozmo_io.cli.scan import scan
from kozmo_io.conformance import check
from kozmo_io.errors import KozmoIOError
from kozmo_io.examples import (
    WordCount,
    WordCountOutcome,
    count_words,
    make_inputs,
    plan_map_run,
    run_word_count,
    write_map_run,
)
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils import (
    CheckpointRemoteFilePaths,
    OutcomeKind,
    ReadOnlyOutputFilePaths,
    RemoteFileInputReader,
    RemoteFileOutputReader,
    RemoteFileOutputWriter,
    SimpleInputFilePaths,
    base36_prefix_shard_selector,
    fixed_length_unique_id_for_parts,
    sharded_raw_output_path,
)
from kozmo_io.protocols import InputReader, OutputReader, OutputWriter
from kozmo_io.reference import DataReference, construct_reference
from kozmo_io.storage import CountingStore, LocalBlobStore, write_message

__all__ = ("COMMAND", "TEXT", "run")

TEXT = "the quick brown fox jumps over the lazy dog, and the dog sleeps"
"""The text the succeeding task counts."""

_UNIQUE_ID_LEN = 20
_HELP = """\
Play one task execution end to end on the embedded local store: write the inputs, run the example
word-count plugin (kozmo_io.examples) through the reference reader and writer, read its outputs
back the way the engine does; then run a second task that fails and read its error back; then check
the classes against the protocols. Every step is verified.

exit status: 0 everything behaved as expected, 1 something did not (the reasons go to stderr),
2 the files cannot be written.
"""


def _arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``demo``."""
    parser.add_argument(
        "--root",
        metavar="DIR",
        type=_directory,
        help="write the files under DIR and keep them (default: a temporary directory, removed)",
    )
    parser.add_argument(
        "--map",
        metavar="N",
        type=positive,
        default=None,
        help="then generate a map-task run of N word-count sub-tasks (a few failing on purpose) "
        "and scan it as 'kozmo-io scan' does",
    )


def _count(counts: Mapping[str, int]) -> str:
    """``2 requests (2 GET)``: the total, then the methods that were called."""
    total = sum(counts.values())
    used = ", ".join(f"{n} {method.upper()}" for method, n in counts.items() if n)
    return f"{total} request{'s' if total != 1 else ''} ({used})" if total else "no request"


def _under(first: str, rows: list[tuple[str, str]], separator: str) -> str:
    """``first``, then ``rows`` aligned on the lines below it (a multi-line table value)."""
    return "\n".join([first, *table(rows, separator=separator)])


def _yes(value: bool) -> str:  # noqa: FBT001 - a formatter
    return "yes" if value else "no"


class _Demo:
    """Plays the execution, collecting the report lines and every unmet expectation."""

    def __init__(self, root: Path) -> None:
        self.lines: list[str] = []
        self.problems: list[str] = []
        self.store = CountingStore(LocalBlobStore())
        self.base = local_reference(root)
        self.execution = f"demo-{uuid.uuid4().hex[:12]}"

    def expect(self, condition: bool, reason: str) -> None:  # noqa: FBT001 - reads as a sentence
        """Record ``reason`` as a problem unless ``condition`` holds."""
        if not condition:
            self.problems.append(reason)

    async def task(
        self, node: str, inputs: core.LiteralMap
    ) -> tuple[WordCountOutcome, RemoteFileOutputReader, list[tuple[str, str]]]:
        """Lay out task ``node`` as the engine does, write its inputs and run the plugin.

        Returns:
            What the plugin handed to the writer, a reader over the output prefix (on the counting
            store, counts reset) and the report rows so far.
        """
        data_dir = construct_reference(self.base, "metadata", self.execution, node)
        output_prefix = construct_reference(data_dir, "0")  # retry attempt 0
        unique_id = fixed_length_unique_id_for_parts((self.execution, node, "0"), _UNIQUE_ID_LEN)
        raw = sharded_raw_output_path(
            base36_prefix_shard_selector(), construct_reference(self.base, "raw"), unique_id
        )
        paths = CheckpointRemoteFilePaths(output_prefix, raw)
        reader = RemoteFileInputReader(self.store, SimpleInputFilePaths(data_dir))
        writer = RemoteFileOutputWriter(self.store, paths)
        await write_message(self.store.inner, reader.get_input_path(), inputs)
        self.store.reset()
        outcome = await run_word_count(reader, writer)
        ran = dict(self.store.counts)
        written = writer.get_error_path() if outcome.error else writer.get_output_path()
        self.expect(
            ran == {"delete": 0, "get": 1, "head": 0, "list": 0, "put": 1},
            f"{node}: the plugin should make 1 GET and 1 PUT, it made {_count(ran)}",
        )
        self.store.reset()
        rows = [
            ("inputs", _under(display(reader.get_input_path()), literal_lines(inputs), " = ")),
            ("raw output", display(paths.get_raw_output_prefix())),
            ("checkpoints", display(paths.get_checkpoint_prefix())),
            ("ran plugin", f"{_count(ran)}: read inputs.pb, wrote {written.rpartition('/')[2]}"),
            ("wrote", display(written)),
        ]
        back = RemoteFileOutputReader(self.store, ReadOnlyOutputFilePaths(output_prefix))
        return outcome, back, rows

    async def succeeding(self) -> DataReference:
        """Run task n0 on :data:`TEXT`, read its outputs back, verify them."""
        self.lines.append("\nn0: count the words of a sentence (succeeds)")
        expected = count_words(TEXT)
        outcome, back, rows = await self.task("n0", make_inputs(TEXT))
        self.expect(outcome.counts == expected, f"n0: the plugin computed {outcome.counts}")
        is_error = await back.is_error()
        exists = await back.exists()
        outputs, task_error = await back.read() if exists else (None, None)
        cost = dict(self.store.counts)
        steps = f"is_error: {_yes(is_error)}, exists: {_yes(exists)}, read: {_count(cost)}"
        rows.append(
            ("read back", _under(steps, literal_lines(outputs or core.LiteralMap()), " = "))
        )
        self.lines.extend(table(rows))
        self.expect(not is_error, "n0: is_error() should be False")
        self.expect(exists, "n0: exists() should be True")
        self.expect(task_error is None, f"n0: read() returned the task error {task_error}")
        self.expect(
            cost["get"] == sum(cost.values()) == 2,  # noqa: PLR2004 - the documented budget
            f"n0: reading back should cost 2 GETs, it cost {_count(cost)}",
        )
        if outputs is not None:
            found = WordCount.from_literal_map(outputs)
            self.expect(found == expected, f"n0: read back {found}, expected {expected}")
        return back.paths.get_output_prefix_path()

    async def failing(self) -> DataReference:
        """Run task n1 on an empty text, read its error back, verify it."""
        self.lines.append("\nn1: count the words of an empty text (fails)")
        outcome, back, rows = await self.task("n1", make_inputs(""))
        self.expect(outcome.error is not None, "n1: the plugin should have failed")
        is_error = await back.is_error()
        error = await back.read_error() if is_error else None
        cost = dict(self.store.counts)
        steps = f"is_error: {_yes(is_error)}, read_error: {_count(cost)}"
        rows.append(("read back", "\n".join([steps, *(error_lines(error) if error else [])])))
        self.lines.extend(table(rows))
        self.expect(is_error, "n1: is_error() should be True")
        self.expect(
            cost["get"] == sum(cost.values()) == 1,
            f"n1: reading the error back should cost 1 GET, it cost {_count(cost)}",
        )
        if error is not None:
            self._check_error(error, outcome.error)
        return back.paths.get_output_prefix_path()

    def _check_error(self, error: ExecutionError, written: ExecutionError | None) -> None:
        self.expect(error == written, f"n1: read back {error}, the plugin wrote {written}")
        self.expect(error.code == "ValueError", f"n1: code {error.code!r}, expected 'ValueError'")
        self.expect(error.kind is ErrorKind.USER, f"n1: kind {error.kind.name}, expected USER")
        self.expect(not error.is_recoverable, "n1: the error should not be recoverable")
        self.expect(error.timestamp is not None, "n1: the error should carry a timestamp")
        self.expect(bool(error.worker), "n1: the error should name its worker")

    def conformance(self) -> None:
        """Check the plugin's outcome class and the reference classes it ran with."""
        self.lines.append("\nconformance (runtime check)")
        pairs: tuple[tuple[type, type], ...] = (
            (WordCountOutcome, OutputReader),
            (RemoteFileInputReader, InputReader),
            (RemoteFileOutputWriter, OutputWriter),
            (RemoteFileOutputReader, OutputReader),
        )
        rows = []
        for cls, protocol in pairs:
            report = check(cls, protocol)
            problems = len(report.problems)
            verdict = "conforms" if report.ok else f"does NOT conform ({problems} problems)"
            rows.append((cls.__name__, f"{protocol.__name__:<13} {verdict}"))
            self.expect(report.ok, str(report))
        self.lines.extend(table(rows))

    async def map_run(self, tasks: int) -> DataReference:
        """Write a generated map run of ``tasks`` sub-tasks, scan it, verify the counts."""
        run_prefix = construct_reference(self.base, "metadata", f"{self.execution}-map")
        self.lines.append(f"\nmap run: {tasks:,} word-count sub-tasks, then kozmo-io scan")
        plan = plan_map_run(tasks)
        await write_map_run(self.store.inner, run_prefix, plan)
        summary = await scan(self.store.inner, run_prefix)
        self.lines.extend(f"  {line}" for line in summary.to_text().splitlines())
        expected = {
            OutcomeKind.OUTPUTS: plan.succeeding,
            OutcomeKind.TASK_ERROR: len(plan.failing),
            OutcomeKind.MISSING: len(plan.missing),
            OutcomeKind.TOO_LARGE: len(plan.oversized),
            OutcomeKind.CORRUPT: len(plan.corrupt),
        }
        found = {kind: summary.counts[kind] for kind in OutcomeKind if summary.counts[kind]}
        self.expect(
            found == {kind: count for kind, count in expected.items() if count},
            f"map run: scan counted {found}, the run holds {expected}",
        )
        self.expect(
            summary.get_requests == tasks - len(plan.missing),
            f"map run: scan made {summary.get_requests} GETs, expected one per sub-task that ran",
        )
        return run_prefix


async def _play(
    demo: _Demo, map_tasks: int | None
) -> tuple[DataReference, DataReference, DataReference | None]:
    succeeded = await demo.succeeding()
    failed = await demo.failing()
    demo.conformance()
    mapped = None if map_tasks is None else await demo.map_run(map_tasks)
    return succeeded, failed, mapped


def _directory(text: str) -> Path:
    """Parse ``--root``, refusing an empty value (it would silently mean the current directory)."""
    if not text.strip():
        msg = "an empty DIR would write into the current directory; name one, e.g. --root ./demo"
        raise argparse.ArgumentTypeError(msg)
    return Path(text)


def run(args: argparse.Namespace) -> int:
    """Run ``kozmo-io demo``.

    Args:
        args: The parsed arguments (``root``: a directory to keep the files in, or None).

    Returns:
        0 when every step behaved as expected, 1 otherwise, 2 when the files cannot be written.
    """
    keep = args.root is not None
    place = (
        contextlib.nullcontext(str(Path(args.root).resolve()))
        if keep
        else tempfile.TemporaryDirectory(prefix="kozmo-demo-")
    )
    with place as directory:
        demo = _Demo(Path(directory))
        try:
            succeeded, failed, mapped = asyncio.run(_play(demo, args.map))
        except KozmoIOError as exc:
            if getattr(args, "debug", False):
                raise
            return fail("demo", str(exc))
    where = directory if keep else f"{directory} (removed at exit; keep it with --root DIR)"
    lines = [
        "kozmo-io demo: one task execution, end to end, on the local store",
        *table([("root", where), ("execution", demo.execution)]),
        *demo.lines,
        "",
    ]
    if demo.problems:
        lines.append("FAILED: some steps did not behave as expected")
        sys.stdout.write("\n".join(printable(line) for line in lines) + "\n")
        sys.stderr.write("".join(f"kozmo-io demo: {printable(p)}\n" for p in demo.problems))
        return 1
    lines.append("every step behaved as expected")
    if keep:
        lines.append(f"look again: kozmo-io inspect {shlex.quote(display(succeeded))}")
        lines.append(f"            kozmo-io inspect {shlex.quote(display(failed))}")
        if mapped is not None:
            lines.append(f"            kozmo-io scan {shlex.quote(display(mapped))}")
    else:
        lines.append("keep the files with --root DIR, then look again with kozmo-io inspect PREFIX")
    sys.stdout.write("\n".join(printable(line) for line in lines) + "\n")
    return 0


COMMAND = Command(
    "demo",
    summary="play one task execution end to end on a local store",
    description=_HELP,
    arguments=_arguments,
    handler=run,
)
"""The ``demo`` subcommand."""
