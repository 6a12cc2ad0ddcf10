"""kozmo_io.literals and the real SDKs read each other's values, in both directions.

For each SDK (flytekit 1.16.31 through ``pyflyte-execute``; the Flyte 2 SDK 2.12.1 through its
container entrypoint ``a0``) two tasks run once per session (``sdk_values.py``,
``flytekit_literal_tasks.py``, ``flyte2_literal_tasks.py``):

- ``echo``: kozmo_io encodes one input of every supported kind; the SDK's task decodes them,
  checks each against the value it expects (files and directories by content) and returns them,
  so the SDK encodes them again; kozmo_io decodes those outputs to the values it sent.
- ``make``: the SDK's task returns the same values, built by the SDK itself; kozmo_io decodes
  them to the expected Python values.

The Flyte 2 SDK reads an ``Inputs`` message and writes an ``Outputs`` message (second-generation
task files): kozmo_io.generations turns the literal map into the one and the other into a map.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Final, final
from urllib.parse import urlsplit

import attrs
import pytest
import sdk_values as v
from _sdk import clean_env, run_all, sdk_venv
from _support import run as _run

from kozmo_io import core
from kozmo_io.generations import as_inputs, as_literal_map
from kozmo_io.literals import (
    SDK,
    BlobRef,
    StructuredDatasetRef,
    from_literal,
    from_literal_map,
    to_literal,
    to_literal_map,
)
from kozmo_io.storage import open_store, read_message, write_message

pytestmark = [pytest.mark.interop, pytest.mark.slow]

_HERE: Final = Path(__file__).parent


# sdk_values.py's Record (a dataclass), as an attrs class: the SDKs read it into their dataclass.
@attrs.frozen
class InnerAttrs:
    label: str
    weight: float


@attrs.frozen
class RecordAttrs:
    count: int
    ratio: float
    name: str
    flag: bool
    when: dt.datetime
    day: dt.date
    span: dt.timedelta
    color: v.Color
    maybe: int | None
    missing: str | None
    items: list[float]
    table: dict[str, int]
    inner: InnerAttrs


_FIELDS: Final = {
    field.name: getattr(v.RECORD, field.name) for field in dataclasses.fields(v.Record)
}
_RECORD_ATTRS: Final = RecordAttrs(**{**_FIELDS, "inner": InnerAttrs(**vars(v.RECORD.inner))})
_DATASET: Final = StructuredDatasetRef(v.DATASET_URI, v.DATASET_FORMAT)

# Input name -> (type hint, value); the tasks return them in this order as o0, o1, ...
# Files and directories are filled in per run (they live in its directory).
_CASES: Final[dict[str, tuple[object, object]]] = {
    "a_int": (int, v.INT),
    "a_float": (float, v.FLOAT),
    "a_str": (str, v.STR),
    "a_bool": (bool, v.BOOL),
    "a_datetime": (dt.datetime, v.DATETIME),
    "a_date": (dt.date, v.DATE),
    "a_timedelta": (dt.timedelta, v.TIMEDELTA),
    "a_none": (None, None),
    "a_list": (list[int], v.LIST),
    "a_dict": (dict[str, float], v.DICT),
    "a_optional_some": (int | None, v.OPTIONAL_SOME),
    "a_optional_none": (str | None, None),
    "a_union": (int | str, v.UNION),
    "a_nested": (list[list[int | None]], v.NESTED),
    "a_enum": (v.Color, v.ENUM),
    "a_dataclass": (v.Record, v.RECORD),
    "a_attrs": (RecordAttrs, _RECORD_ATTRS),
    "a_untyped": (dict, v.UNTYPED),
    "a_file": (BlobRef, None),
    "a_file_txt": (BlobRef, None),
    "a_dir": (BlobRef, None),
    "a_dataset": (StructuredDatasetRef, _DATASET),
    "a_optional_file": (BlobRef | None, None),
}
# Every input but a_none comes back: the SDKs write no output of type None (a None they return
# travels as a union, as in a_optional_none).
_OUTPUTS: Final = [name for name in _CASES if name != "a_none"]
_REFS: Final = ("a_file", "a_file_txt", "a_dir", "a_optional_file")
_TASKS: Final = ("echo", "make")
_SDKS: Final[tuple[SDK, ...]] = ("flytekit", "flyte")


@final
@attrs.frozen
class _Run:
    """One finished task execution: what it was given, where it wrote and what it said."""

    sdk: SDK
    inputs: Mapping[str, object]
    output_prefix: Path
    returncode: int
    log: str


def _inputs(case: Path) -> dict[str, object]:
    """Every input value, with the files and directory written under ``case``."""
    data = case / "data"
    (data / "dir").mkdir(parents=True)
    (data / "file.txt").write_text(v.FILE_TEXT, encoding="utf-8")
    for name, text in v.DIR_FILES.items():
        (data / "dir" / name).write_text(text, encoding="utf-8")
    values = {name: value for name, (_, value) in _CASES.items()}
    values["a_file"] = BlobRef(str(data / "file.txt"))
    values["a_file_txt"] = BlobRef(str(data / "file.txt"), "txt")
    values["a_dir"] = BlobRef(str(data / "dir"), multipart=True)
    values["a_optional_file"] = BlobRef(str(data / "file.txt"))
    return values


def _command(sdk: SDK, venv: Path, task: str, case: Path) -> list[str]:
    inputs, outputs, raw = str(case / "inputs.pb"), str(case / "outputs"), str(case / "raw")
    if sdk == "flytekit":
        return [
            *(str(venv / "bin" / "pyflyte-execute"), "--inputs", inputs),
            *("--output-prefix", outputs, "--raw-output-data-prefix", raw),
            *("--resolver", "flytekit.core.python_auto_container.default_task_resolver"),
            *("--", "task-module", "flytekit_literal_tasks", "task-name", task),
        ]
    return [
        *(str(venv / "bin" / "a0"), "--inputs", inputs, "--outputs-path", outputs),
        *("--version", "interop", "--run-base-dir", str(case / "base"), "--raw-data-path", raw),
        *("--name", "a0", "--run-name", "interop", "--project", "p", "--domain", "d"),
        *("--org", "o", "--resolver", "flyte._internal.resolvers.default.DefaultTaskResolver"),
        *("mod", "flyte2_literal_tasks", "instance", task),
    ]


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Mapping[tuple[SDK, str], _Run]:
    """Run both tasks under both SDKs once, concurrently, and wait for all of them."""
    venvs: dict[SDK, Path] = {
        "flytekit": sdk_venv("interop-venv"),
        "flyte": sdk_venv("interop-venv-flyte2"),
    }
    root = tmp_path_factory.mktemp("literals-interop")
    tasks = root / "tasks"
    tasks.mkdir()
    for module in ("sdk_values.py", "flytekit_literal_tasks.py", "flyte2_literal_tasks.py"):
        shutil.copy(_HERE / module, tasks)
    commands = {}
    given: dict[tuple[SDK, str], dict[str, object]] = {}
    for sdk in _SDKS:
        for task in _TASKS:
            case = root / f"{sdk}-{task}"
            (case / "outputs").mkdir(parents=True)
            inputs = given[sdk, task] = _inputs(case) if task == "echo" else {}
            hints = {name: hint for name, (hint, _) in _CASES.items() if name in inputs}
            literal_map = to_literal_map(inputs, hints, sdk=sdk)
            inputs_pb = str(case / "inputs.pb")
            message = literal_map if sdk == "flytekit" else as_inputs(literal_map)
            _run(write_message(open_store(inputs_pb), inputs_pb, message))
            env = clean_env(venvs[sdk], case, tasks)
            commands[sdk, task] = (_command(sdk, venvs[sdk], task, case), env, case / "task.log")
    return {
        (sdk, task): _Run(
            sdk, given[sdk, task], root / f"{sdk}-{task}" / "outputs", returncode, log
        )
        for (sdk, task), (returncode, log) in run_all(commands, cwd=tasks).items()
    }


def _outputs(run: _Run) -> core.LiteralMap:
    assert run.returncode == 0, run.log
    assert not (run.output_prefix / "error.pb").exists(), run.log
    path = str(run.output_prefix / "outputs.pb")
    if run.sdk == "flytekit":
        return _run(read_message(open_store(path), path, core.LiteralMap))
    return as_literal_map(_run(read_message(open_store(path), path, core.Outputs)))


def _output(runs: Mapping[tuple[SDK, str], _Run], sdk: SDK, task: str, name: str) -> core.Literal:
    literals = _outputs(runs[sdk, task]).literals
    assert len(literals) == len(_OUTPUTS)
    return literals[f"o{_OUTPUTS.index(name)}"]


def _local(uri: str) -> Path:
    parts = urlsplit(uri)
    assert parts.scheme in ("", "file"), uri
    return Path(parts.path)


def _content(ref: BlobRef) -> object:
    """A file's text, or a directory's files and their text."""
    path = _local(ref.uri)
    if ref.multipart:
        return {child.name: child.read_text(encoding="utf-8") for child in path.iterdir()}
    return path.read_text(encoding="utf-8")


def _expected_ref(name: str) -> tuple[str, bool, object]:
    """(format, multipart, content) of the reference an input or output holds."""
    if name == "a_dir":
        return "", True, v.DIR_FILES
    return ("txt" if name == "a_file_txt" else ""), False, v.FILE_TEXT


def _check(name: str, value: object, expected: object) -> None:
    hint, _ = _CASES[name]
    if name in _REFS:
        assert isinstance(value, BlobRef), value
        assert (value.format, value.multipart, _content(value)) == _expected_ref(name)
        return
    assert value == expected
    assert type(value) is type(expected)
    if hint is dt.datetime:
        assert isinstance(value, dt.datetime)
        assert value.tzinfo is dt.UTC


@pytest.mark.parametrize("name", _OUTPUTS)
@pytest.mark.parametrize("sdk", _SDKS)
def test_sdk_task_reads_what_kozmo_writes_and_kozmo_reads_it_back(
    runs: Mapping[tuple[SDK, str], _Run], sdk: SDK, name: str
) -> None:
    hint, _ = _CASES[name]
    run = runs[sdk, "echo"]

    value = from_literal(_output(runs, sdk, "echo", name), hint, sdk=sdk)

    _check(name, value, run.inputs[name])


@pytest.mark.parametrize("name", _OUTPUTS)
@pytest.mark.parametrize("sdk", _SDKS)
def test_values_the_sdk_writes_read_as_the_expected_python_values(
    runs: Mapping[tuple[SDK, str], _Run], sdk: SDK, name: str
) -> None:
    hint, expected = _CASES[name]

    value = from_literal(_output(runs, sdk, "make", name), hint, sdk=sdk)

    _check(name, value, expected)


@pytest.mark.parametrize("sdk", _SDKS)
def test_each_sdks_outputs_read_under_the_other_sdks_conventions(
    runs: Mapping[tuple[SDK, str], _Run], sdk: SDK
) -> None:
    other: SDK = "flyte" if sdk == "flytekit" else "flytekit"
    hints = {f"o{index}": _CASES[name][0] for index, name in enumerate(_OUTPUTS)}

    values = from_literal_map(_outputs(runs[sdk, "make"]), hints, sdk=other)

    for index, name in enumerate(_OUTPUTS):
        _check(name, values[f"o{index}"], _CASES[name][1])


def test_the_sdks_write_an_enum_by_value_and_by_name(
    runs: Mapping[tuple[SDK, str], _Run],
) -> None:
    written = {
        sdk: _output(runs, sdk, "make", "a_enum").scalar.primitive.string_value for sdk in _SDKS
    }

    assert written == {"flytekit": "green", "flyte": "GREEN"}


@pytest.mark.parametrize("sdk", _SDKS)
def test_the_sdk_writes_optional_values_as_unions_tagged_as_kozmo_tags_them(
    runs: Mapping[tuple[SDK, str], _Run], sdk: SDK
) -> None:
    ours = to_literal_map(
        {name: runs[sdk, "echo"].inputs[name] for name in ("a_optional_some", "a_optional_file")},
        {name: _CASES[name][0] for name in ("a_optional_some", "a_optional_file")},
        sdk=sdk,
    )
    for name in ("a_optional_some", "a_optional_none", "a_union", "a_optional_file"):
        theirs = _output(runs, sdk, "make", name).scalar.union
        assert theirs.type.structure.tag != ""
        if name in ours.literals:
            assert theirs.type == ours.literals[name].scalar.union.type


@pytest.mark.parametrize("name", [name for name in _OUTPUTS if name not in _REFS])
@pytest.mark.parametrize("sdk", _SDKS)
def test_kozmo_writes_the_very_literal_the_sdk_writes(
    runs: Mapping[tuple[SDK, str], _Run], sdk: SDK, name: str
) -> None:
    hint, value = _CASES[name]

    ours = to_literal(value, hint, sdk=sdk)

    assert ours == _output(runs, sdk, "make", name)


@pytest.mark.parametrize("name", _OUTPUTS)
@pytest.mark.parametrize("sdk", _SDKS)
def test_what_the_sdk_writes_reencodes_unchanged(
    runs: Mapping[tuple[SDK, str], _Run], sdk: SDK, name: str
) -> None:
    hint, _ = _CASES[name]
    theirs = _output(runs, sdk, "make", name)

    again = to_literal(from_literal(theirs, hint, sdk=sdk), hint, sdk=sdk)

    assert again.SerializeToString(deterministic=True) == theirs.SerializeToString(
        deterministic=True
    )
