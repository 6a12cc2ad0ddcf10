"""What a plugin author gets from the documented install: the package, its typing, its metadata.

Every check runs in a fresh virtual environment holding exactly the README's install (the wheel
built from this repository through its sdist, with the static and flyteidl extras), from a
directory outside the repository, with ``mypy --strict`` and no configuration of ours.
"""

from __future__ import annotations

import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest
from _support import DocumentedInstall
from test_readme import programs

import kozmo_io

pytestmark = pytest.mark.slow


def _mypy(install: DocumentedInstall, tmp_path: Path, source: str) -> tuple[int, str]:
    """Run ``mypy --strict`` on ``source`` as a plugin file; return its exit code and report."""
    (tmp_path / "plugin.py").write_text(textwrap.dedent(source), encoding="utf-8")
    done = install.run(
        "-m",
        "mypy",
        "--strict",
        "--no-incremental",
        "--no-error-summary",
        "plugin.py",
        cwd=tmp_path,
    )
    assert "error: " in done.stdout or done.returncode == 0, done.stdout + done.stderr
    return done.returncode, done.stdout


def test_the_readme_plugin_passes_mypy_strict(
    documented_install: DocumentedInstall, tmp_path: Path
) -> None:
    assert _mypy(documented_install, tmp_path, programs()[0]) == (0, "")


def test_a_misspelt_message_field_fails_mypy_strict(
    documented_install: DocumentedInstall, tmp_path: Path
) -> None:
    plugin = programs()[0]
    assert plugin.count("inputs.literals:") == 1  # the plugin's one message field
    misspelt = plugin.replace("inputs.literals:", "inputs.literls:")
    code, report = _mypy(documented_install, tmp_path, misspelt)
    assert code == 1
    assert '"LiteralMap" has no attribute "literls"' in report
    assert report.rstrip().endswith("[attr-defined]")
    assert report.count("error:") == 1


def test_the_message_in_place_of_the_error_value_fails_mypy_strict(
    documented_install: DocumentedInstall, tmp_path: Path
) -> None:
    code, report = _mypy(
        documented_install,
        tmp_path,
        """
        from kozmo_io import core
        from kozmo_io.ioutils import InMemoryOutputReader

        InMemoryOutputReader(error=core.ExecutionError(code="Boom"))
        """,
    )
    assert code == 1
    assert 'incompatible type "kozmo_io.core.execution_pb2.ExecutionError"' in report
    assert report.rstrip().endswith("[arg-type]")


def test_the_flyteidl_conversions_are_typed(
    documented_install: DocumentedInstall, tmp_path: Path
) -> None:
    source = """
        from typing import assert_type

        from flyteidl.core import literals_pb2

        from kozmo_io import core
        from kozmo_io.compat.flyteidl import from_flyteidl, to_flyteidl

        theirs = to_flyteidl(core.LiteralMap())
        assert_type(theirs, literals_pb2.LiteralMap)
        assert_type(from_flyteidl(theirs), core.LiteralMap)
        theirs.literals["x"].scalar.primitive.integer = 1
        """
    assert _mypy(documented_install, tmp_path, source) == (0, "")
    code, report = _mypy(documented_install, tmp_path, source.replace(".integer", ".integr"))
    assert code == 1
    assert '"Primitive" has no attribute "integr"' in report


def test_the_wheel_ships_the_package_its_licence_and_the_flyteidl_stubs(
    documented_install: DocumentedInstall,
) -> None:
    with zipfile.ZipFile(documented_install.wheel) as wheel:
        names = set(wheel.namelist())
        assert wheel.read("flyteidl-stubs/py.typed") == b"partial\n"  # the rest: flyteidl itself
        metadata = wheel.read(f"kozmo_io-{kozmo_io.__version__}.dist-info/METADATA").decode()
        licence = wheel.read(f"kozmo_io-{kozmo_io.__version__}.dist-info/licenses/LICENSE")
    assert "kozmo_io/py.typed" in names
    assert "flyteidl-stubs/core/literals_pb2.pyi" in names
    assert not any(name.startswith(("tests/", "flyteidl/")) for name in names)
    assert f"Version: {kozmo_io.__version__}\n" in metadata
    assert "License-Expression: Apache-2.0\n" in metadata
    assert "Requires-Dist: types-protobuf" in metadata
    assert b"Apache License\n                           Version 2.0, January 2004" in licence


def test_the_sdist_carries_the_tests_and_what_they_need(
    documented_install: DocumentedInstall,
) -> None:
    with tarfile.open(documented_install.sdist) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for needed in (
        "LICENSE",
        "README.md",
        "mypy.ini",
        "tests/conftest.py",
        "tests/test_readme.py",
        "stubs/flyteidl/core/literals_pb2.pyi",
        "scripts/test",
    ):
        assert needed in names, needed


def test_the_installed_version_is_the_package_version(
    documented_install: DocumentedInstall, tmp_path: Path
) -> None:
    done = documented_install.run("-m", "kozmo_io", "--version", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, f"kozmo-io {kozmo_io.__version__}\n")
