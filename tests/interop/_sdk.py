"""Running tasks under a Python SDK installed in its own virtual environment, side by side.

Shared by the interop tests: :func:`sdk_venv` makes (once) and returns an SDK's virtual
environment, :func:`clean_env` the environment a task runs in, :func:`run_all` starts every
execution at once and waits for them all, and :func:`python_value` reads back what a task returned.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final, TypeVar

from kozmo_io import core

__all__ = ("clean_env", "python_value", "run_all", "sdk_venv")

K = TypeVar("K")

_REPO: Final = Path(__file__).resolve().parents[2]
_VENV_TIMEOUT: Final = 900
_RUN_TIMEOUT: Final = 300


def sdk_venv(script: str) -> Path:
    """Run ``scripts/<script>``, which makes an SDK's virtual environment once, and return it."""
    done = subprocess.run(  # noqa: S603 - the repository's own script, no shell
        [_REPO / "scripts" / script],
        capture_output=True,
        text=True,
        timeout=_VENV_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def clean_env(venv: Path, private: Path, tasks: Path) -> dict[str, str]:
    """A clean environment: no user config, no backend, home and temporary files in ``private``.

    Args:
        venv: The SDK's virtual environment (its ``bin`` goes first on ``PATH``).
        private: Where the task's home and temporary directories are made.
        tasks: The directory of the task modules (the ``PYTHONPATH``).

    Returns:
        The environment variables.
    """
    for name in ("home", "tmp"):
        (private / name).mkdir(exist_ok=True)
    return {
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', os.defpath)}",
        "HOME": str(private / "home"),
        "TMPDIR": str(private / "tmp"),
        "PYTHONPATH": str(tasks),
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def run_all(
    commands: Mapping[K, tuple[Sequence[str], Mapping[str, str], Path]], *, cwd: Path
) -> dict[K, tuple[int, str]]:
    """Start every command at once, each logging to its file, and wait for all of them.

    Args:
        commands: By key: the command line, its environment and its log file.
        cwd: Where they run.

    Returns:
        By key: the exit status and the log.
    """
    started: dict[K, tuple[subprocess.Popen[bytes], Path]] = {}
    finished: dict[K, tuple[int, str]] = {}
    try:
        for key, (command, env, log) in commands.items():
            with log.open("wb") as sink:
                started[key] = (
                    subprocess.Popen(  # noqa: S603 - fixed command line, no shell
                        command, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT
                    ),
                    log,
                )
        for key, (process, log) in started.items():
            returncode = process.wait(timeout=_RUN_TIMEOUT)
            finished[key] = (returncode, log.read_text(encoding="utf-8", errors="replace"))
    finally:
        for process, _ in started.values():
            if process.poll() is None:  # only after a failure: leave no execution behind
                process.kill()
                process.wait()
    return finished


def python_value(literal: core.Literal) -> object:
    """The Python value a literal stands for (of the types the interop tasks return)."""
    which = literal.WhichOneof("value")
    if which == "collection":
        return [python_value(item) for item in literal.collection.literals]
    if which == "map":
        return {key: python_value(value) for key, value in literal.map.literals.items()}
    assert which == "scalar", literal
    scalar = literal.scalar
    kind = scalar.WhichOneof("value")
    if kind == "primitive":
        return getattr(scalar.primitive, scalar.primitive.WhichOneof("value") or "integer")
    if kind == "union":
        return python_value(scalar.union.value)
    if kind == "none_type":
        return None
    raise AssertionError(literal)
