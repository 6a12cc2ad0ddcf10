"""The second-generation Python SDK (``flyte``) and kozmo_io read each other's task files.

The SDK runs in its own virtualenv (see scripts/interop-venv-flyte2), because it pins its own
protobuf and ``flyteidl2``; its container entrypoint ``a0`` runs one task from an ``inputs.pb`` to
an output prefix.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.interop, pytest.mark.slow]

_REPO = Path(__file__).resolve().parents[2]
_VENV_TIMEOUT = 900
_RUN_TIMEOUT = 300


@pytest.fixture(scope="session")
def flyte2_venv() -> Path:
    """The flyte virtualenv, made by scripts/interop-venv-flyte2 on the first run, then reused."""
    done = subprocess.run(  # noqa: S603 - the repository's own script, no shell
        [_REPO / "scripts" / "interop-venv-flyte2"],
        capture_output=True,
        text=True,
        timeout=_VENV_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def test_venv_holds_the_pinned_sdk_and_its_task_entrypoint(flyte2_venv: Path) -> None:
    version = subprocess.run(  # noqa: S603 - fixed command line, no shell
        [flyte2_venv / "bin" / "python", "-c", "import flyte; print(flyte.__version__)"],
        capture_output=True,
        text=True,
        timeout=_RUN_TIMEOUT,
        check=True,
    )
    usage = subprocess.run(  # noqa: S603 - fixed command line, no shell
        [flyte2_venv / "bin" / "a0", "--help"],
        capture_output=True,
        text=True,
        timeout=_RUN_TIMEOUT,
        check=True,
    )

    assert version.stdout.strip() == "2.12.1"
    assert "--inputs" in usage.stdout
    assert "--outputs-path" in usage.stdout
