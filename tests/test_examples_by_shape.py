"""``python -m kozmo_io.examples.by_shape`` as a process, in a venv with the documented install."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from _support import DocumentedInstall

from kozmo_io import OutputReader, core
from kozmo_io.conformance import check
from kozmo_io.errors import KozmoIOError
from kozmo_io.examples.by_shape import Answer

pytestmark = pytest.mark.slow


def test_by_shape_checks_the_class_and_writes_its_outputs(
    documented_install: DocumentedInstall, tmp_path: Path
) -> None:
    done = documented_install.run("-m", "kozmo_io.examples.by_shape", "out", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    written = tmp_path / "out" / "n0" / "0" / "outputs.pb"
    assert done.stdout.splitlines() == [
        "__main__:Answer conforms to kozmo_io.protocols:OutputReader (runtime check)",
        str(written),
    ]
    outputs = core.LiteralMap.FromString(written.read_bytes())
    assert outputs.literals["answer"].scalar.primitive.integer == 42
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["outputs.pb"]


def test_by_shape_without_a_directory_prints_its_usage(
    documented_install: DocumentedInstall, tmp_path: Path
) -> None:
    done = documented_install.run("-m", "kozmo_io.examples.by_shape", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "usage: python -m kozmo_io.examples.by_shape DIR\n"


def test_answer_conforms_and_has_no_error_to_read() -> None:
    assert check(Answer, OutputReader).ok
    with pytest.raises(KozmoIOError, match="no error to read"):
        asyncio.run(Answer().read_error())
