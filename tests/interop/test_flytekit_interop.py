"""flytekit writes outputs.pb and error.pb exactly as kozmo_io reads them.

Each case runs one real task execution: kozmo_io writes the task's inputs.pb into a local
directory, flytekit's ``pyflyte-execute`` (from the interop virtualenv, see scripts/interop-venv)
runs the task from ``flytekit_tasks.py`` against it, and kozmo_io's readers read what it wrote.
The executions run once per session, side by side, in the ``runs`` fixture.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import final

import attrs
import msgpack
import pytest
from _sdk import clean_env, python_value, run_all, sdk_venv
from _support import run as _run
from flyteidl.core import errors_pb2, literals_pb2

from kozmo_io import core
from kozmo_io.compat.flyteidl import from_flyteidl, to_flyteidl
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils import ReadOnlyOutputFilePaths, RemoteFileOutputReader, SimpleInputFilePaths
from kozmo_io.storage import BlobStore, open_store, write_message

pytestmark = [pytest.mark.interop, pytest.mark.slow]

_TASKS = Path(__file__).with_name("flytekit_tasks.py")


def _integer(value: int) -> core.Literal:
    return core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))


def _string(value: str) -> core.Literal:
    return core.Literal(scalar=core.Scalar(primitive=core.Primitive(string_value=value)))


# Task name -> inputs; each case runs the task of its name once.
_CASES: dict[str, dict[str, core.Literal]] = {
    "primitives": {"a": _integer(3), "b": _string("hi")},
    "void": {"a": _integer(1)},
    "fails": {"a": _integer(2)},
    "fails_recoverably": {"a": _integer(3)},
    "listing": {"n": _integer(3)},
    "mapping": {"n": _integer(2)},
    "file": {"text": _string("written by flytekit\n")},
    "dataclass": {"n": _integer(2)},
    "optional": {"n": _integer(5)},
}


@final
@attrs.frozen
class _Run:
    """One finished ``pyflyte-execute``: where it wrote and what it said."""

    output_prefix: str
    raw_output_prefix: str
    returncode: int
    log: str


@final
@attrs.frozen
class _Result:
    """Everything kozmo_io's reader reports about one run's output prefix."""

    is_error: bool
    exists: bool
    outputs: core.LiteralMap | None
    error: ExecutionError | None


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Mapping[str, _Run]:
    """Execute every case once, concurrently, and wait for all of them."""
    venv = sdk_venv("interop-venv")
    root = tmp_path_factory.mktemp("interop")
    tasks = root / "tasks"
    tasks.mkdir()
    shutil.copy(_TASKS, tasks)
    env = clean_env(venv, root, tasks)
    commands = {}
    for task, inputs in _CASES.items():
        case = root / task
        paths = SimpleInputFilePaths(str(case / "inputs"))
        _run(_write(open_store(paths.get_input_path()), paths, inputs))
        command = [
            str(venv / "bin" / "pyflyte-execute"),
            "--inputs",
            str(paths.get_input_path()),
            "--output-prefix",
            str(case / "outputs"),
            "--raw-output-data-prefix",
            str(case / "raw"),
            "--resolver",
            "flytekit.core.python_auto_container.default_task_resolver",
            "--",
            "task-module",
            "flytekit_tasks",
            "task-name",
            task,
        ]
        commands[task] = (command, env, case / "pyflyte-execute.log")
    return {
        task: _Run(str(root / task / "outputs"), str(root / task / "raw"), returncode, log)
        for task, (returncode, log) in run_all(commands, cwd=tasks).items()
    }


async def _write(
    store: BlobStore, paths: SimpleInputFilePaths, inputs: dict[str, core.Literal]
) -> None:
    await write_message(store, paths.get_input_path(), core.LiteralMap(literals=inputs))


async def _read(output_prefix: str) -> _Result:
    # The engine's order: is_error, then exists, then read (or read_error).
    paths = ReadOnlyOutputFilePaths(output_prefix)
    reader = RemoteFileOutputReader(open_store(output_prefix), paths)
    if await reader.is_error():
        task_error = await reader.read_error()
        return _Result(is_error=True, exists=await reader.exists(), outputs=None, error=task_error)
    if not await reader.exists():
        return _Result(is_error=False, exists=False, outputs=None, error=None)
    outputs, no_outputs = await reader.read()
    return _Result(is_error=False, exists=True, outputs=outputs, error=no_outputs)


def _result(runs: Mapping[str, _Run], task: str) -> _Result:
    run = runs[task]
    assert run.returncode == 0, run.log
    return _run(_read(run.output_prefix))


def _outputs(result: _Result) -> dict[str, object]:
    assert result.error is None, result.error
    assert result.outputs is not None
    return {name: python_value(value) for name, value in result.outputs.literals.items()}


def test_primitive_outputs_read_back_as_the_values_returned(runs: Mapping[str, _Run]) -> None:
    result = _result(runs, "primitives")

    assert (result.is_error, result.exists) == (False, True)
    assert _outputs(result) == {"o0": 6, "o1": 0.75, "o2": "HI", "o3": True}


def test_void_task_writes_an_empty_map_that_reads_as_no_outputs(
    runs: Mapping[str, _Run],
) -> None:
    result = _result(runs, "void")

    assert (result.is_error, result.exists, result.outputs) == (False, True, None)
    assert result.error is not None
    assert result.error.code == "No outputs produced"
    assert result.error.is_recoverable is True


@pytest.mark.parametrize(
    ("task", "code", "text", "recoverable"),
    [
        ("fails", "USER:RuntimeError", "ValueError: bad input 2", False),
        ("fails_recoverably", "USER:Recoverable", "try again 3", True),
    ],
)
def test_failing_task_error_reads_as_user_error_with_its_recoverability(
    runs: Mapping[str, _Run], task: str, code: str, text: str, *, recoverable: bool
) -> None:
    before = dt.datetime.now(dt.UTC)

    result = _result(runs, task)

    assert (result.is_error, result.exists) == (True, False)
    error = result.error
    assert error is not None
    assert error.kind is ErrorKind.USER
    assert error.is_recoverable is recoverable
    assert error.code == code
    assert text in error.message
    assert f"in {task}" in error.message  # the traceback names the task function
    assert error.timestamp is not None
    assert before - dt.timedelta(minutes=10) < error.timestamp <= before
    assert error.worker == ""


def test_list_output_reads_back_as_a_literal_collection(runs: Mapping[str, _Run]) -> None:
    result = _result(runs, "listing")

    assert result.outputs is not None
    assert result.outputs.literals["o0"].WhichOneof("value") == "collection"
    assert _outputs(result) == {"o0": [0, 1, 2]}


def test_dict_output_reads_back_as_a_literal_map(runs: Mapping[str, _Run]) -> None:
    result = _result(runs, "mapping")

    assert result.outputs is not None
    assert result.outputs.literals["o0"].WhichOneof("value") == "map"
    assert _outputs(result) == {"o0": {"k0": 0, "k1": 1}}


def test_file_output_is_a_blob_under_the_raw_output_prefix(runs: Mapping[str, _Run]) -> None:
    result = _result(runs, "file")

    assert result.error is None
    assert result.outputs is not None
    blob = result.outputs.literals["o0"].scalar.blob
    assert blob.metadata.type.dimensionality == core.BlobType.SINGLE
    assert blob.uri.startswith(runs["file"].raw_output_prefix + "/")
    assert blob.uri.endswith("/out.txt")
    content = _run(open_store(blob.uri).get(blob.uri))
    assert content == b"written by flytekit\n"


def test_dataclass_output_is_msgpack_binary_of_the_returned_fields(
    runs: Mapping[str, _Run],
) -> None:
    result = _result(runs, "dataclass")

    assert result.error is None
    assert result.outputs is not None
    binary = result.outputs.literals["o0"].scalar.binary
    assert binary.tag == "msgpack"
    assert msgpack.unpackb(binary.value) == {"x": 2, "label": "p2", "weights": [0.5, 0.5]}


def test_optional_outputs_are_unions_of_the_value_or_none(runs: Mapping[str, _Run]) -> None:
    result = _result(runs, "optional")

    assert result.outputs is not None
    some, none = (result.outputs.literals[name].scalar.union for name in ("o0", "o1"))
    assert some.type.simple == core.SimpleType.INTEGER
    assert none.type.simple == core.SimpleType.NONE
    assert none.value.scalar.WhichOneof("value") == "none_type"
    assert _outputs(result) == {"o0": 5, "o1": None}


@pytest.mark.parametrize("task", sorted(_CASES))
def test_flyteidl_and_kozmo_decode_the_file_flytekit_wrote_alike(
    runs: Mapping[str, _Run], task: str
) -> None:
    failed = task.startswith("fails")
    data = (Path(runs[task].output_prefix) / ("error.pb" if failed else "outputs.pb")).read_bytes()
    theirs: literals_pb2.LiteralMap | errors_pb2.ErrorDocument
    ours: core.LiteralMap | core.ErrorDocument
    if failed:
        theirs, ours = (
            errors_pb2.ErrorDocument.FromString(data),
            core.ErrorDocument.FromString(data),
        )
    else:
        theirs, ours = literals_pb2.LiteralMap.FromString(data), core.LiteralMap.FromString(data)

    assert from_flyteidl(theirs) == ours
    assert to_flyteidl(ours) == theirs
    assert ours.SerializeToString(deterministic=True) == theirs.SerializeToString(
        deterministic=True
    )
