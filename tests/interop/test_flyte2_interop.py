"""The second-generation Python SDK (``flyte``) and kozmo_io read each other's task files.

Each case runs one real task execution: kozmo_io writes the task's ``inputs.pb`` (second
generation: declared order and a context) into a local directory, the SDK's container entrypoint
``a0`` (from the virtualenv of scripts/interop-venv-flyte2, which pins its own protobuf and
``flyteidl2``) runs the task from ``flyte_tasks.py`` against it, and kozmo_io's readers read what
it wrote. The executions run once per session, side by side, in the ``runs`` fixture.
"""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any, final

import attrs
import pytest
from _sdk import clean_env, python_value, run_all, sdk_venv
from _support import run as _run
from google.protobuf import json_format, message

from kozmo_io import core
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils import (
    CheckpointRemoteFilePaths,
    InMemoryOutputReader,
    PrecomputedRawOutputPaths,
    ReadOnlyOutputFilePaths,
    RemoteFileInputReader,
    RemoteFileInputWriter,
    RemoteFileOutputReader,
    RemoteFileOutputWriter,
    SimpleInputFilePaths,
)
from kozmo_io.storage import open_store

pytestmark = [pytest.mark.interop, pytest.mark.slow]

_TASKS = Path(__file__).with_name("flyte_tasks.py")


# flyteidl2's own messages, to decode the files the SDK wrote as the SDK does.
_FLYTE2_OUTPUTS = importlib.import_module("flyteidl2.task.common_pb2").Outputs
_FLYTE2_INPUTS = importlib.import_module("flyteidl2.task.common_pb2").Inputs
_FLYTE2_ERROR_DOCUMENT = importlib.import_module("flyteidl2.core.execution_pb2").ErrorDocument


def _integer(value: int) -> core.Literal:
    return core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))


def _string(value: str) -> core.Literal:
    return core.Literal(scalar=core.Scalar(primitive=core.Primitive(string_value=value)))


# Out of alphabetical order on purpose: the files keep the order they are given.
_CONTEXT = (("team", "ml"), ("run", "r7"), ("alpha", "first"))
# Task name -> inputs in declared order; each case runs the task of its name once.
_CASES: dict[str, list[tuple[str, core.Literal]]] = {
    "mixed": [("zeta", _integer(3)), ("alpha", _string("hi"))],
    "void": [("zeta", _integer(1))],
    "fails_user": [("zeta", _integer(2))],
    "fails_system": [("zeta", _integer(4))],
    "fails_for_good": [("zeta", _integer(5))],
    "context": [("zeta", _integer(6))],
    "artifact": [("zeta", _integer(7)), ("alpha", _string("report"))],
}
_FAILING = ("fails_user", "fails_system", "fails_for_good")


def _inputs(task: str) -> core.Inputs:
    return core.Inputs(
        literals=[core.NamedLiteral(name=name, value=value) for name, value in _CASES[task]],
        context=[core.KeyValuePair(key=key, value=value) for key, value in _CONTEXT],
    )


@final
@attrs.frozen
class _Run:
    """One finished ``a0``: where it read and wrote, and what it said."""

    input_prefix: str
    output_prefix: str
    returncode: int
    log: str


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Mapping[str, _Run]:
    """Write every case's inputs with kozmo_io, run ``a0`` on each concurrently, wait for all."""
    venv = sdk_venv("interop-venv-flyte2")
    root = tmp_path_factory.mktemp("interop-flyte2")
    tasks = root / "tasks"
    tasks.mkdir()
    shutil.copy(_TASKS, tasks)
    env = clean_env(venv, root, tasks)
    commands = {}
    for task in _CASES:
        case = root / task
        paths = SimpleInputFilePaths(str(case / "inputs"))
        _run(RemoteFileInputWriter(open_store(paths.get_input_path()), paths).put(_inputs(task)))
        (case / "outputs").mkdir()  # a0 writes into an existing prefix, as on a blob store
        command = [
            str(venv / "bin" / "a0"),
            "--inputs",
            str(paths.get_input_path()),
            "--outputs-path",
            str(case / "outputs"),
            "--raw-data-path",
            str(case / "raw"),
            "--run-base-dir",
            str(root / "base"),
            "--version",
            "v1",
            "--org",
            "kozmo",
            "--project",
            "interop",
            "--domain",
            "development",
            "--run-name",
            f"run-{task}",
            "--name",
            "a0",
            "--resolver",
            "flyte._internal.resolvers.default.DefaultTaskResolver",
            "mod",
            "flyte_tasks",
            "instance",
            task,
        ]
        commands[task] = (command, env, case / "a0.log")
    return {
        task: _Run(str(root / task / "inputs"), str(root / task / "outputs"), returncode, log)
        for task, (returncode, log) in run_all(commands, cwd=tasks).items()
    }


def _finished(runs: Mapping[str, _Run], task: str) -> _Run:
    run = runs[task]
    assert run.returncode == 0, run.log
    return run


def _reader(run: _Run) -> RemoteFileOutputReader:
    return RemoteFileOutputReader(
        open_store(run.output_prefix), ReadOnlyOutputFilePaths(run.output_prefix)
    )


async def _engine_read(reader: RemoteFileOutputReader) -> tuple[core.Outputs | None, Any]:
    """The engine's order: is_error, then exists, then read_outputs."""
    assert not await reader.is_error()
    assert await reader.exists()
    return await reader.read_outputs()


def _outputs(runs: Mapping[str, _Run], task: str) -> core.Outputs:
    outputs, error = _run(_engine_read(_reader(_finished(runs, task))))
    assert error is None, error
    assert outputs is not None
    return outputs


def _file(run: _Run) -> tuple[str, bytes]:
    for name in ("error.pb", "outputs.pb"):
        path = Path(run.output_prefix) / name
        if path.exists():
            return name, path.read_bytes()
    raise AssertionError(run.log)


# --- a0 runs tasks on inputs kozmo_io wrote ----------------------------------------------------


@pytest.mark.parametrize("task", sorted(_CASES))
def test_a0_runs_the_task_on_inputs_kozmo_io_wrote(runs: Mapping[str, _Run], task: str) -> None:
    run = _finished(runs, task)
    assert "Flyte runtime completed" in run.log


def test_the_task_sees_the_context_kozmo_io_wrote(runs: Mapping[str, _Run]) -> None:
    outputs = _outputs(runs, "context")
    [seen] = outputs.literals
    assert seen.name == "o0"
    assert python_value(seen.value) == {**dict(_CONTEXT), "zeta": "6"}


def test_the_inputs_kozmo_io_wrote_decode_as_flyteidl2_inputs(runs: Mapping[str, _Run]) -> None:
    run = _finished(runs, "artifact")
    data = (Path(run.input_prefix) / "inputs.pb").read_bytes()
    theirs = _FLYTE2_INPUTS.FromString(data)
    assert [named.name for named in theirs.literals] == ["zeta", "alpha"]
    assert [(pair.key, pair.value) for pair in theirs.context] == list(_CONTEXT)


# --- kozmo_io reads what a0 wrote ----------------------------------------------------------------


def test_outputs_of_several_types_read_in_declared_order(runs: Mapping[str, _Run]) -> None:
    outputs = _outputs(runs, "mixed")

    assert [(named.name, python_value(named.value)) for named in outputs.literals] == [
        ("zeta", 6),
        ("alpha", 0.75),
        ("mid", "HI"),
        ("beta", True),
        ("items", [0, 1, 2]),
        ("table", {"k0": 0, "k1": 1, "k2": 2}),
        ("maybe", None),
    ]
    assert list(outputs.produced_artifacts) == []


def test_the_map_view_of_the_same_file_has_every_output(runs: Mapping[str, _Run]) -> None:
    as_map, error = _run(_reader(_finished(runs, "mixed")).read())
    assert error is None
    assert as_map is not None
    assert {name: python_value(value) for name, value in as_map.literals.items()} == {
        "zeta": 6,
        "alpha": 0.75,
        "mid": "HI",
        "beta": True,
        "items": [0, 1, 2],
        "table": {"k0": 0, "k1": 1, "k2": 2},
        "maybe": None,
    }


def test_no_outputs_read_as_no_outputs_produced(runs: Mapping[str, _Run]) -> None:
    reader = _reader(_finished(runs, "void"))
    assert not _run(reader.is_error())
    assert _run(reader.exists())
    for outputs, error in (_run(reader.read()), _run(reader.read_outputs())):
        assert outputs is None
        assert error is not None
        assert error.code == "No outputs produced"
        assert error.is_recoverable is True


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        ("fails_user", (ErrorKind.USER, "ValueError", "bad input 2", True)),
        ("fails_system", (ErrorKind.SYSTEM, "NodeLost", "lost the node at 4", True)),
        ("fails_for_good", (ErrorKind.USER, "NonRecoverableError", "never retry 5", False)),
    ],
)
def test_errors_read_with_their_origin_and_recoverability(
    runs: Mapping[str, _Run], task: str, expected: tuple[ErrorKind, str, str, bool]
) -> None:
    kind, code, text, recoverable = expected
    reader = _reader(_finished(runs, task))
    assert _run(reader.is_error())
    error = _run(reader.read_error())
    assert (error.kind, error.code, error.is_recoverable) == (kind, code, recoverable)
    assert text in error.message
    assert not _run(reader.exists())


def test_produced_artifacts_read_with_their_output(runs: Mapping[str, _Run]) -> None:
    outputs = _outputs(runs, "artifact")

    assert [named.name for named in outputs.literals] == ["o0", "o1"]
    assert python_value(outputs.literals[0].value) == 7
    assert outputs.literals[1].value.scalar.blob.uri.endswith("/report.txt")
    [produced] = outputs.produced_artifacts
    assert (produced.output, produced.name, produced.version) == ("o1", "kozmo-report", "v1")
    assert produced.info.description == "written by the interop test"
    assert dict(produced.info.user_metadata) == {"zeta": "7"}
    assert produced.type.WhichOneof("type") == "blob"


# --- both generations, byte for byte -----------------------------------------------------------


def _dict(value: message.Message) -> dict[str, Any]:
    return json_format.MessageToDict(value, preserving_proto_field_name=True)


@pytest.mark.parametrize("task", sorted(_CASES))
def test_flyteidl2_and_kozmo_decode_the_file_a0_wrote_alike(
    runs: Mapping[str, _Run], task: str
) -> None:
    name, data = _file(_finished(runs, task))
    theirs: message.Message
    ours: message.Message
    if name == "error.pb":
        theirs, ours = _FLYTE2_ERROR_DOCUMENT.FromString(data), core.ErrorDocument.FromString(data)
    else:
        theirs, ours = _FLYTE2_OUTPUTS.FromString(data), core.Outputs.FromString(data)

    assert _dict(ours) == _dict(theirs)
    assert ours.SerializeToString(deterministic=True) == theirs.SerializeToString(
        deterministic=True
    )


@pytest.mark.parametrize("task", sorted(set(_CASES) - set(_FAILING)))
def test_the_map_view_reads_the_file_a0_wrote_exactly_as_before(
    runs: Mapping[str, _Run], task: str
) -> None:
    name, data = _file(_finished(runs, task))
    assert name == "outputs.pb"
    before = core.LiteralMap.FromString(data)  # what a first-generation reader always decoded
    as_map, error = _run(_reader(_finished(runs, task)).read())
    if before.literals:
        assert (as_map, error) == (before, None)
    else:
        assert as_map is None
        assert error is not None


@pytest.mark.parametrize("task", sorted(_CASES))
def test_the_file_a0_wrote_copies_through_kozmo_io_byte_for_byte(
    runs: Mapping[str, _Run], task: str, tmp_path: Path
) -> None:
    run = _finished(runs, task)
    name, data = _file(run)
    reader = _reader(run)
    target = CheckpointRemoteFilePaths(
        str(tmp_path / "copy"), PrecomputedRawOutputPaths(str(tmp_path / "raw")), None
    )
    writer = RemoteFileOutputWriter(open_store(str(tmp_path)), target)
    if name == "error.pb":
        _run(writer.put(InMemoryOutputReader(error=_run(reader.read_error()))))
        written = Path(target.get_error_path())
    elif task == "void":  # no literal: the reader reports "No outputs produced", not outputs
        outputs = core.Outputs.FromString(data)
        _run(writer.put(InMemoryOutputReader(outputs=outputs)))
        written = Path(target.get_output_path())
    else:
        _run(writer.put(reader))
        written = Path(target.get_output_path())
    assert written.read_bytes() == data


@pytest.mark.parametrize("task", sorted(_CASES))
def test_the_inputs_kozmo_io_wrote_copy_through_kozmo_io_byte_for_byte(
    runs: Mapping[str, _Run], task: str, tmp_path: Path
) -> None:
    run = _finished(runs, task)
    source = SimpleInputFilePaths(run.input_prefix)
    data = Path(source.get_input_path()).read_bytes()
    reader = RemoteFileInputReader(open_store(run.input_prefix), source)
    inputs = _run(reader.get_inputs())
    assert inputs == _inputs(task)
    assert reader.decoded_from(inputs) == data
    # kozmo_io wrote these inputs in protobuf's deterministic order: they copy byte for byte
    # with the bytes they were read from handed on, and without.
    for name, decoded_from in (("kept", reader.decoded_from(inputs)), ("encoded", None)):
        target = SimpleInputFilePaths(str(tmp_path / name))
        writer = RemoteFileInputWriter(open_store(str(tmp_path)), target)
        _run(writer.put(inputs, decoded_from=decoded_from))
        assert Path(target.get_input_path()).read_bytes() == data


def test_no_error_is_lost_in_the_execution_error_value(runs: Mapping[str, _Run]) -> None:
    for task in _FAILING:
        _, data = _file(_finished(runs, task))
        document = core.ErrorDocument.FromString(data)
        value = ExecutionError.from_error_document(document)
        assert value.to_error_document() == document
