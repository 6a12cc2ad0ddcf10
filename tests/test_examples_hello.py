"""``python -m kozmo_io.examples.hello`` as a process, in a venv holding the documented install."""

from __future__ import annotations

from pathlib import Path

import pytest
from _support import DocumentedInstall

pytestmark = pytest.mark.slow


def test_hello_greets_and_leaves_the_engine_files(
    documented_install: DocumentedInstall, tmp_path: Path
) -> None:
    done = documented_install.run("-m", "kozmo_io.examples.hello", "run", "ada", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "hello ada\n", "")
    files = sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*.pb"))
    assert files == ["run/metadata/run1/n0/0/outputs.pb", "run/metadata/run1/n0/inputs.pb"]


def test_hello_with_an_empty_name_writes_the_task_error(
    documented_install: DocumentedInstall, tmp_path: Path
) -> None:
    done = documented_install.run("-m", "kozmo_io.examples.hello", str(tmp_path), "", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "task failed: MissingName: 'name' is empty\n")
    assert (tmp_path / "metadata" / "run1" / "n0" / "0" / "error.pb").is_file()
    assert not (tmp_path / "metadata" / "run1" / "n0" / "0" / "outputs.pb").exists()


def test_hello_without_a_directory_prints_its_usage(
    documented_install: DocumentedInstall, tmp_path: Path
) -> None:
    done = documented_install.run("-m", "kozmo_io.examples.hello", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "usage: python -m kozmo_io.examples.hello DIR [NAME]\n"
