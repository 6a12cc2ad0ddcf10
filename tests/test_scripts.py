"""The set-up scripts, run as processes on a copy of the repository with only Python on PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

_REPO = Path(__file__).resolve().parent.parent
# What ./scripts/demo needs at run time, and nothing else (no test or lint tool).
_RUNTIME = {
    "attrs",
    "kozmo_io",
    "markdown_it_py",  # rich's
    "mdurl",  # rich's
    "msgpack",
    "obstore",
    "protobuf",
    "pygments",  # rich's
    "rich",
    "types_protobuf",
    "typing_extensions",
}


def _copy_of_the_repository(into: Path) -> Path:
    """Copy what a clone holds for the scripts (no virtual environment, no cache) into ``into``."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(_REPO / name, into / name)
    for name in ("kozmo_io", "scripts", "stubs"):
        shutil.copytree(_REPO / name, into / name, ignore=ignore)
    return into


def _only_python_on_path(bin_dir: Path) -> dict[str, str]:
    """Return an environment whose PATH has a Python 3.11+ (``python3``), system tools and no uv."""
    bin_dir.mkdir()
    # The interpreter this test environment was made from (a venv's own python would not do: the
    # script must make virtual environments from a plain installation).
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    base = Path(sys.base_prefix) / "bin" / f"python{version}"
    (bin_dir / "python3").symlink_to(base)
    path = os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"])
    assert shutil.which("uv", path=path) is None, "uv must not be reachable for this test"
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"VIRTUAL_ENV", "UV_PYTHON", "PYTHONPATH", "CONDA_PREFIX"}
    }
    env["PATH"] = path
    return env


def test_demo_sets_up_and_runs_with_only_python_on_path(tmp_path: Path) -> None:
    (tmp_path / "clone").mkdir()
    clone = _copy_of_the_repository(tmp_path / "clone")
    env = _only_python_on_path(tmp_path / "bin")

    done = subprocess.run(  # noqa: S603 - the repository's own script
        [str(clone / "scripts" / "demo"), "--root", str(tmp_path / "demo")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "every step behaved as expected" in done.stdout
    assert "installing it into .cache/uv" in done.stderr
    # uv was bootstrapped inside the clone, in a virtual environment of its own.
    assert (clone / ".cache" / "uv" / "pyvenv.cfg").is_file()
    assert (clone / ".cache" / "uv" / "bin" / "uv").is_file()
    site = next((clone / ".venv" / "lib").glob("python3.*/site-packages"))
    installed = {entry.name.split("-")[0].lower() for entry in site.glob("*.dist-info")}
    assert installed == _RUNTIME
