r"""``kozmo-io inspect [--inputs] [--json] [--max-bytes N] [store options] PREFIX``.

Shows what a task left under an output prefix (``outputs.pb``, ``error.pb``, ``deck.html``) or,
with ``--inputs``, the ``inputs.pb`` under an input prefix, read through the reference readers in
the engine's order. PREFIX is a local path (relative to the working directory), ``file://``,
``s3://``, ``gs://`` or ``abfs[s]://``; credentials come from the environment (``AWS_*``,
``GOOGLE_*``, ``AZURE_*``), never from the reference.

The ``--json`` document (schema ``kozmo-io.inspect/1``; fields are only ever added)::

    {
      "schema": "kozmo-io.inspect/1",
      "mode": "outputs" | "inputs",
      "prefix": "<the prefix, redacted>",
      "found": true | false,             # outputs.pb or error.pb (inputs: inputs.pb) exists
      "files": {"outputs.pb": {"path": "...", "exists": true}, "error.pb": {...},
                "deck.html": {...}},     # inputs: {"inputs.pb": {...}}
      "literals": {"<name>": <Literal in the proto3 JSON mapping>} | null,  # a repeated name: last
      "order": ["<name>", ...] | null,   # the names as stored (declared order, repeats kept)
      "context": [{"key": "...", "value": "..."}, ...] | null,        # inputs only
      "produced_artifacts": [<ProducedArtifact in proto3 JSON>, ...] | null,  # outputs only
      "error": {"code": "...", "message": "...", "kind": "UNKNOWN" | "USER" | "SYSTEM" | <number>,
                "recoverable": false, "worker": "...",
                "timestamp": "<RFC 3339>" | {"seconds": "<int>", "nanos": <int>} | null,
                "error_uri": "..."} | null,
      "notes": ["..."]                   # values shown raw: unknown enum values (as numbers),
    }                                    # timestamps or durations out of range (seconds, nanos)

Either generation's files are shown (see :mod:`kozmo_io.generations`): the literals in the order
they are stored, with the context of second-generation inputs and the artifacts second-generation
outputs produced. Every file that decodes is shown: an enum value this version does not know
appears as its number and a timestamp or duration outside its type's range as its raw numbers,
each with a note. Text from the files is printed with control and bidi characters escaped
(``\x1b``, ``\u202e``), and long names and messages are cut, saying how long they were.

Exit 0 when something was found and read, 1 when nothing is at the prefix, 2 for a bad reference
or option, a corrupt or oversized file, or a storage failure (one line on stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any, final

import attrs

from kozmo_io import core
from kozmo_io.cli._command import Command, UsageError, fail, positive
from kozmo_io.cli._literal_text import literal_json, literal_text, message_json, timestamp_text
from kozmo_io.cli._prefix import (
    add_store_options,
    display,
    local_reference,
    store_options,
    vet_prefix,
)
from kozmo_io.cli._terminal import cut, json_safe, one_line, printable
from kozmo_io.errors import (
    CorruptDataError,
    InvalidReferenceError,
    KozmoIOError,
    NotFoundError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.generations import as_literal_map
from kozmo_io.ioutils import (
    ReadOnlyOutputFilePaths,
    RemoteFileInputReader,
    RemoteFileOutputReader,
    SimpleInputFilePaths,
)
from kozmo_io.reference import DataReference, redact
from kozmo_io.storage import (
    DEFAULT_MAX_PAYLOAD_BYTES,
    BlobStore,
    open_store,
    read_message,
)

__all__ = (
    "COMMAND",
    "SCHEMA",
    "display",
    "error_lines",
    "local_reference",
    "printable",
    "run",
    "table",
)

SCHEMA = "kozmo-io.inspect/1"
"""The name and version of the ``--json`` document's schema."""

_HELP = """\
Show what a task left under an output prefix: whether outputs.pb, error.pb and deck.html exist,
the output literals in their declared order, the artifacts they produced, and the error (code,
kind, recoverable, worker, timestamp, message). With --inputs, show the inputs.pb under an input
prefix instead: the literals in declared order and the run's context.

PREFIX is a local path, file://..., s3://bucket/..., gs://bucket/... or
abfs[s]://container@account.dfs.core.windows.net/... Credentials come from the environment
(AWS_*, GOOGLE_*, AZURE_*); a reference carrying credentials is refused. With
--emulator, gs:// goes to the GCS emulator at --endpoint and no credentials are looked up or sent;
Azure references go to Azurite with its well-known account (at --endpoint if given).
"""

_EPILOG = f"""\
examples:
  kozmo-io inspect s3://bucket/metadata/run1/n0/0          outputs, error, deck
  kozmo-io inspect --inputs s3://bucket/metadata/run1/n0   inputs.pb
  kozmo-io inspect --json /data/run1/n0/0                  machine-readable ({SCHEMA})

exit status: 0 found and read, 1 nothing at the prefix, 2 bad reference or option, corrupt or
oversized file, storage failure.
"""

# How much of a name, code or worker (one line) and of a message (a stack trace) is printed.
_MAX_NAME = 200
_MAX_MESSAGE = 4000


def _arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``inspect``."""
    parser.add_argument(
        "prefix", metavar="PREFIX", help="the output prefix (--inputs: input prefix)"
    )
    parser.add_argument(
        "--inputs", action="store_true", help="show PREFIX/inputs.pb instead of the outputs"
    )
    parser.add_argument("--json", action="store_true", help=f"print a JSON document ({SCHEMA})")
    parser.add_argument(
        "--max-bytes",
        type=positive,
        default=None,
        metavar="N",
        help=f"refuse a file larger than N bytes (default {DEFAULT_MAX_PAYLOAD_BYTES}, 2 MiB)",
    )
    add_store_options(parser)


@final
@attrs.frozen
class _Findings:
    """What inspect found under a prefix."""

    mode: str
    prefix: DataReference
    files: dict[str, tuple[DataReference, bool]]
    named: core.Inputs | core.Outputs | None = None  # as stored: order, context, artifacts
    error: core.ContainerError | None = None

    @property
    def literals(self) -> core.LiteralMap | None:
        """The first-generation view: each name once (the last entry of a repeated name)."""
        return None if self.named is None else as_literal_map(self.named)

    @property
    def found(self) -> bool:
        return self.literals is not None or self.error is not None


async def _error(
    store: BlobStore, path: DataReference, max_bytes: int | None
) -> core.ContainerError | None:
    """The error document at ``path`` as stored (fields the reader would refuse still show)."""
    try:
        document = await read_message(store, path, core.ErrorDocument, max_bytes=max_bytes)
    except NotFoundError:
        return None
    if not document.HasField("error"):  # what the reader reports for it (ErrorFileBadFormat)
        return ExecutionError.from_error_document(document, path=redact(path)).to_container_error()
    return document.error


async def _outputs(store: BlobStore, prefix: DataReference, max_bytes: int | None) -> _Findings:
    paths = ReadOnlyOutputFilePaths(prefix)
    reader = RemoteFileOutputReader(store, paths, max_payload_bytes=max_bytes)
    error = await _error(store, paths.get_error_path(), max_bytes)  # first, as the engine asks
    named = None
    if await reader.exists():
        outputs, _ = await reader.read_outputs()  # no literal reads as "No outputs produced"
        named = outputs if outputs is not None else core.Outputs()
    files = {
        "outputs.pb": (paths.get_output_path(), named is not None),
        "error.pb": (paths.get_error_path(), error is not None),
        "deck.html": (paths.get_deck_path(), await reader.deck_exists()),
    }
    return _Findings("outputs", prefix, files, named, error)


async def _inputs(store: BlobStore, prefix: DataReference, max_bytes: int | None) -> _Findings:
    paths = SimpleInputFilePaths(prefix)
    reader = RemoteFileInputReader(store, paths, max_payload_bytes=max_bytes)
    try:
        inputs: core.Inputs | None = await reader.get_inputs()
    except NotFoundError:
        inputs = None
    files = {"inputs.pb": (paths.get_input_path(), inputs is not None)}
    return _Findings("inputs", prefix, files, inputs)


def _kind(error: core.ContainerError, notes: list[str]) -> str | int:
    try:
        return ErrorKind(error.origin).name
    except ValueError:
        notes.append(f"error.kind: {error.origin} is not a known ErrorKind; shown as a number")
        return error.origin


def _recoverable(error: core.ContainerError, notes: list[str]) -> bool:
    if error.kind not in core.ContainerError.Kind.values():
        notes.append(
            f"error.recoverable: {error.kind} is not a known recoverability; read as not "
            "recoverable"
        )
    return error.kind == core.ContainerError.RECOVERABLE


def _timestamp_json(error: core.ContainerError, notes: list[str]) -> object:
    if not error.HasField("timestamp"):
        return None
    stamp = error.timestamp
    try:
        return stamp.ToJsonString()
    except ValueError:  # outside years 1 to 9999, or nanos out of range
        notes.append(
            f"error.timestamp: seconds={stamp.seconds} nanos={stamp.nanos} is not a valid "
            "Timestamp; shown as raw numbers"
        )
        return {"seconds": str(stamp.seconds), "nanos": stamp.nanos}


def _error_json(error: core.ContainerError, notes: list[str]) -> dict[str, Any]:
    return {
        "code": error.code,
        "message": error.message,
        "kind": _kind(error, notes),
        "recoverable": _recoverable(error, notes),
        "worker": error.worker,
        "timestamp": _timestamp_json(error, notes),
        "error_uri": "",  # an error document has none; the field mirrors ExecutionError's
    }


def _artifacts_json(outputs: core.Outputs, notes: list[str]) -> list[Any]:
    return [
        message_json(artifact, f"produced_artifacts[{index}]", notes)
        for index, artifact in enumerate(outputs.produced_artifacts)
    ]


def _json(findings: _Findings) -> str:
    notes: list[str] = []
    named = findings.named
    document = {
        "schema": SCHEMA,
        "mode": findings.mode,
        "prefix": display(findings.prefix),
        "found": findings.found,
        "files": {
            name: {"path": display(path), "exists": exists}
            for name, (path, exists) in findings.files.items()
        },
        "literals": None if findings.literals is None else literal_json(findings.literals, notes),
        "order": None if named is None else [literal.name for literal in named.literals],
        "context": [{"key": pair.key, "value": pair.value} for pair in named.context]
        if isinstance(named, core.Inputs)
        else None,
        "produced_artifacts": _artifacts_json(named, notes)
        if isinstance(named, core.Outputs)
        else None,
        "error": None if findings.error is None else _error_json(findings.error, notes),
        "notes": notes,
    }
    return json_safe(json.dumps(document, indent=2, ensure_ascii=False))


def table(rows: list[tuple[str, str]], indent: str = "  ", separator: str = "  ") -> list[str]:
    """Align ``(label, value)`` rows; a multi-line value continues under its first line.

    Labels are kept on one line and cut at 200 characters; controls in labels and values are
    escaped.

    Args:
        rows: The rows.
        indent: Put before every line.
        separator: Put between the label column and the value.

    Returns:
        The lines.
    """
    labels = [cut(one_line(label), _MAX_NAME) for label, _ in rows]
    width = max(map(len, labels), default=0)
    lines = []
    for label, (_, value) in zip(labels, rows, strict=True):
        first, *rest = printable(value).split("\n")
        lines.append(f"{indent}{label:<{width}}{separator}{first}".rstrip())
        lines.extend(f"{indent}{'':<{width}}{separator}{line}".rstrip() for line in rest)
    return lines


def _error_rows(error: core.ContainerError, error_uri: str) -> list[tuple[str, str]]:
    known = core.ExecutionError.ErrorKind.DESCRIPTOR.values_by_number.get(error.origin)
    kind = f"{error.origin} (unknown ErrorKind)" if known is None else known.name
    if error.kind == core.ContainerError.RECOVERABLE:
        recoverable = "yes"
    elif error.kind == core.ContainerError.NON_RECOVERABLE:
        recoverable = "no"
    else:
        recoverable = f"no ({error.kind}: unknown recoverability)"
    rows = [
        ("code", cut(one_line(error.code), _MAX_NAME)),
        ("kind", kind),
        ("recoverable", recoverable),
        ("worker", cut(one_line(error.worker), _MAX_NAME)),
        ("timestamp", timestamp_text(error.timestamp) if error.HasField("timestamp") else ""),
        ("message", cut(error.message, _MAX_MESSAGE)),
        ("error_uri", cut(one_line(redact(error_uri)), _MAX_NAME)),
    ]
    return [(label, value) for label, value in rows if value]


def error_lines(error: ExecutionError) -> list[str]:
    """Return the fields of an error as aligned lines (the empty ones left out, text escaped)."""
    return table(_error_rows(error.to_container_error(), error.error_uri))


def _artifact_text(artifact: core.ProducedArtifact) -> str:
    text = f"artifact {one_line(artifact.name)}"
    if artifact.version:
        text += f" version {one_line(artifact.version)}"
    if artifact.info.description:
        text += f": {one_line(artifact.info.description)}"
    return cut(text, _MAX_MESSAGE)


def _text(findings: _Findings) -> str:
    lines = [f"{findings.mode} under {display(findings.prefix)}"]
    named = findings.named
    rows = []
    for name, (path, exists) in findings.files.items():
        state = "found" if exists else "missing"
        if exists and name in {"outputs.pb", "inputs.pb"} and named is not None:
            count = len(named.literals)
            state += f", {count} literal{'s' if count != 1 else ''}"
        rows.append((name, f"{state:<20}{display(path)}"))
    lines.extend(table(rows))
    if named is not None and named.literals:
        lines.append("literals")
        rows = [(literal.name, literal_text(literal.value)) for literal in named.literals]
        lines.extend(table(rows, separator=" = "))
    if isinstance(named, core.Inputs) and named.context:
        lines.append("context")
        rows = [(pair.key, cut(pair.value, _MAX_MESSAGE)) for pair in named.context]
        lines.extend(table(rows, separator=" = "))
    if isinstance(named, core.Outputs) and named.produced_artifacts:
        lines.append("produced artifacts")
        rows = [
            (artifact.output, _artifact_text(artifact)) for artifact in named.produced_artifacts
        ]
        lines.extend(table(rows, separator=" = "))
    if findings.error is not None:
        lines.append("error")
        lines.extend(table(_error_rows(findings.error, "")))
    return "\n".join(lines)


def _too_large(exc: PayloadTooLargeError) -> str:
    return (
        f"{exc.path} is too large: {exc.size} bytes, over the limit of {exc.limit} bytes "
        "(raise it with --max-bytes)"
    )


# What a failure is called on the error line, by kind (the first match wins).
_FAILURES = (
    (InvalidReferenceError, "bad reference"),
    (CorruptDataError, "corrupt file"),
    (StorageError, "storage error"),
)


def _failure(exc: KozmoIOError) -> str:
    if isinstance(exc, PayloadTooLargeError):
        return _too_large(exc)
    name = next((name for kind, name in _FAILURES if isinstance(exc, kind)), None)
    return str(exc) if name is None else f"{name}: {exc}"


def _nothing(findings: _Findings, given: str) -> str:
    wanted = " or ".join(name for name in findings.files if name != "deck.html")
    text = f"nothing at {display(findings.prefix)}: no {wanted}"
    if given.rstrip("/").endswith(".pb"):
        text += " (PREFIX is the folder holding the file, not the file itself)"
    return text


def run(args: argparse.Namespace) -> int:
    """Run ``kozmo-io inspect``.

    Args:
        args: The parsed arguments (``prefix``, ``inputs``, ``json``, ``max_bytes``, ``endpoint``,
            ``allow_http``, ``region``, ``emulator``).

    Returns:
        0 found and read, 1 nothing at the prefix, 2 bad reference, corrupt or oversized file,
        storage failure.
    """
    try:
        prefix = vet_prefix(args.prefix)
        store = open_store(prefix, **store_options(args, prefix))
        inspect = _inputs if args.inputs else _outputs
        findings = asyncio.run(inspect(store, prefix, args.max_bytes))
    except UsageError as exc:  # a bad argument: no traceback to show, even under --debug
        return fail("inspect", str(exc))
    except KozmoIOError as exc:
        if getattr(args, "debug", False):
            raise
        return fail("inspect", _failure(exc))
    sys.stdout.write((_json(findings) if args.json else _text(findings)) + "\n")
    if not findings.found:
        sys.stderr.write(f"kozmo-io inspect: {_nothing(findings, args.prefix)}\n")
        return 1
    return 0


COMMAND = Command(
    "inspect",
    summary="show the outputs, error and deck (or inputs) a task left under a prefix",
    description=_HELP,
    arguments=_arguments,
    handler=run,
    epilog=_EPILOG,
)
"""The ``inspect`` subcommand."""
