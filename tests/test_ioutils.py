"""The reference implementations copy alone: each ioutils module works as a lone file."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import kozmo_io.ioutils

PACKAGE = Path(kozmo_io.ioutils.__file__).parent
MODULES = sorted(path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__")

# Run in a fresh interpreter beside a lone copy of one module, imported as ``copied``: a paths
# object written here (no ioutils class), a memory store, and a helper to run a coroutine.
_PRELUDE = """
import asyncio
import sys

from kozmo_io import core
from kozmo_io.reference import DataReference
from kozmo_io.storage import MemoryBlobStore, read_message, write_message

import copied

ROOT = "memory://copy/task"
RAW = "memory://copy/raw"


class Paths:
    def get_input_prefix_path(self): return DataReference(ROOT)
    def get_input_path(self): return DataReference(ROOT + "/inputs.pb")
    def get_output_prefix_path(self): return DataReference(ROOT)
    def get_output_path(self): return DataReference(ROOT + "/outputs.pb")
    def get_error_path(self): return DataReference(ROOT + "/error.pb")
    def get_deck_path(self): return DataReference(ROOT + "/deck.html")
    def get_raw_output_prefix(self): return DataReference(RAW)
    def get_previous_checkpoints_prefix(self): return None
    def get_checkpoint_prefix(self): return DataReference(RAW + "/_kozmocheckpoints")


class Reader:
    def __init__(self, outputs): self.outputs = outputs
    def is_file(self): return False
    async def is_error(self): return False
    async def read_error(self): raise AssertionError("no error")
    async def exists(self): return True
    async def read(self): return self.outputs, None
    async def deck_exists(self): return False


def literal_map(value):
    literal = core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))
    return core.LiteralMap(literals={"v": literal})


store = MemoryBlobStore()
run = asyncio.run
"""

# What each copied module is made to do; every one ends with an assertion on its result.
SMOKES: dict[str, str] = {
    "buffered_output_writer": """
        writer = copied.BufferedOutputWriter(Paths())
        reader = Reader(literal_map(1))
        run(writer.put(reader))
        assert writer.get_reader() is reader
        assert writer.get_output_path() == ROOT + "/outputs.pb"
    """,
    "cached_input_reader": """
        class Inputs:
            calls = 0
            def get_input_prefix_path(self): return DataReference(ROOT)
            def get_input_path(self): return DataReference(ROOT + "/inputs.pb")
            async def get(self):
                Inputs.calls += 1
                return literal_map(2)
        cached = copied.CachedInputReader(Inputs())
        assert run(cached.get()) == literal_map(2)
        assert run(cached.get()) == literal_map(2)
        assert Inputs.calls == 1
    """,
    "earliest_error_reader": """
        import datetime as dt
        from kozmo_io.execution_error import ExecutionError
        for index, seconds in enumerate((30, 10, 20)):
            when = dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
            error = ExecutionError(code=f"E{index}", timestamp=when)
            run(write_message(store, f"{ROOT}/error-{index}.pb", error.to_error_document()))
        reader = copied.EarliestErrorReader(store, ROOT + "/error.pb")
        assert run(reader.is_error()) is True
        assert run(reader.read_error()).code == "E1"
    """,
    "file_names": """
        assert copied.get_task_template_path("s3://b/x") == "s3://b/x/task.pb"
        assert copied.construct_checkpoint_path("s3://b/raw") == "s3://b/raw/_kozmocheckpoints"
        assert copied.get_index_lookup_path("s3://b/x") == "s3://b/x/indexlookup.pb"
    """,
    "in_memory_output_reader": """
        reader = copied.InMemoryOutputReader(literal_map(3))
        assert run(reader.read()) == (literal_map(3), None)
    """,
    "input_file_paths": """
        assert copied.SimpleInputFilePaths("s3://b/in").get_input_path() == "s3://b/in/inputs.pb"
    """,
    "output_file_paths": """
        paths = copied.CheckpointRemoteFilePaths("s3://b/out", Paths())
        assert paths.get_error_path() == "s3://b/out/error.pb"
        assert paths.get_checkpoint_prefix() == RAW + "/_kozmocheckpoints"
        assert copied.ReadOnlyOutputFilePaths("s3://b/out").get_deck_path() == "s3://b/out/deck.html"
    """,
    "raw_output_paths": """
        paths = copied.PrecomputedRawOutputPaths("s3://b/raw")
        assert paths.get_raw_output_prefix() == "s3://b/raw"
        unique = copied.deterministic_unique_raw_output_path("s3://b/raw", "s3://b/meta")
        assert unique.get_raw_output_prefix().startswith("s3://b/raw/")
    """,
    "remote_file_input_reader": """
        run(write_message(store, ROOT + "/inputs.pb", literal_map(4)))
        reader = copied.RemoteFileInputReader(store, Paths())
        assert run(reader.get()) == literal_map(4)
    """,
    "remote_file_input_writer": """
        run(copied.RemoteFileInputWriter(store, Paths()).put(literal_map(5)))
        assert run(read_message(store, ROOT + "/inputs.pb", core.LiteralMap)) == literal_map(5)
    """,
    "remote_file_output_reader": """
        run(write_message(store, ROOT + "/outputs.pb", literal_map(6)))
        reader = copied.RemoteFileOutputReader(store, Paths())
        assert run(reader.is_error()) is False
        assert run(reader.read()) == (literal_map(6), None)
    """,
    "remote_file_output_writer": """
        run(copied.RemoteFileOutputWriter(store, Paths()).put(Reader(literal_map(7))))
        assert run(read_message(store, ROOT + "/outputs.pb", core.LiteralMap)) == literal_map(7)
    """,
    "shard_selector": """
        selector = copied.constant_shard_selector(["a", "b"])
        assert selector.get_shard_prefix(b"key") in {"a", "b"}
    """,
    "stream_outputs": """
        run(write_message(store, ROOT + "/outputs.pb", literal_map(8)))
        async def collect():
            return [outcome async for outcome in copied.stream_outputs(store, [ROOT])]
        (outcome,) = run(collect())
        assert outcome.kind is copied.OutcomeKind.OUTPUTS
        assert outcome.outputs == literal_map(8)
        assert run(copied.read_outputs_many([Reader(literal_map(9))])) == [(literal_map(9), None)]
    """,
    "task_folders": """
        run(write_message(store, ROOT + "/error.pb", core.ErrorDocument()))
        async def collect():
            return [folder async for folder in copied.list_task_folders(store, "memory://copy")]
        (folder,) = run(collect())
        assert folder.prefix == ROOT
        assert folder.has_error
    """,
    "task_reader": """
        class Template:
            async def read(self): return literal_map(10)
        reader = copied.LazyUploadingTaskReader(Template(), ROOT + "/task.pb", store)
        assert run(reader.path()) == ROOT + "/task.pb"
        assert run(read_message(store, ROOT + "/task.pb", core.LiteralMap)) == literal_map(10)
    """,
    "unique_id": """
        assert copied.fixed_length_unique_id("short", 10) == "short"
        assert copied.fixed_length_unique_id("a" * 50, 10) == "fyu3uxjy"
    """,
}


def test_every_module_has_a_smoke() -> None:
    assert sorted(SMOKES) == MODULES


@pytest.mark.parametrize("module", MODULES)
def test_module_copied_alone_imports_and_runs(module: str, tmp_path: Path) -> None:
    shutil.copyfile(PACKAGE / f"{module}.py", tmp_path / "copied.py")
    code = "\n".join(
        [
            _PRELUDE,
            textwrap.dedent(SMOKES[module]),
            "loaded = sorted(name for name in sys.modules if name.startswith('kozmo_io.ioutils'))",
            "assert loaded == [], loaded",
            "print('copied alone')",
        ]
    )
    (tmp_path / "smoke.py").write_text(code, encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - this interpreter on a script written above
        [sys.executable, str(tmp_path / "smoke.py")],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "copied alone"


def _imports(module: str) -> list[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.append(base)
            found.extend(f"{base}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_no_other_ioutils_module_and_nothing_private(module: str) -> None:
    imports = _imports(module)
    assert [name for name in imports if name.startswith(".")] == []
    assert [name for name in imports if name.startswith("kozmo_io.ioutils")] == []
    private = [
        name
        for name in imports
        if name.startswith("kozmo_io") and any(part.startswith("_") for part in name.split("."))
    ]
    assert private == []


def test_the_package_docstring_states_the_rule() -> None:
    doc = kozmo_io.ioutils.__doc__ or ""
    assert "never another ioutils module" in " ".join(doc.split())
