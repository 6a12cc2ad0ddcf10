# mypy: disable-error-code="import-not-found, untyped-decorator, misc"
"""Tasks the interop tests run with the flyte SDK's container entrypoint ``a0``, one per case.

Imported only by the flyte virtualenv's Python (mypy here sees flyte as missing, hence the
disabled codes above); the test copies this file into a temporary directory on ``PYTHONPATH``.
Inputs and outputs are declared out of alphabetical order on purpose: the files keep that order.
"""

from __future__ import annotations

import pathlib
import tempfile
from typing import NamedTuple

import flyte
import flyte.artifacts
import flyte.errors
from flyte.io import File

env = flyte.TaskEnvironment(name="kozmo-interop")


class Mixed(NamedTuple):
    zeta: int
    alpha: float
    mid: str
    beta: bool
    items: list[int]
    table: dict[str, int]
    maybe: int | None


@env.task
async def mixed(zeta: int, alpha: str) -> Mixed:
    return Mixed(
        zeta=zeta * 2,
        alpha=zeta / 4,
        mid=alpha.upper(),
        beta=zeta > 0,
        items=list(range(zeta)),
        table={f"k{i}": i for i in range(zeta)},
        maybe=None,
    )


@env.task
async def void(zeta: int) -> None:
    assert zeta >= 0


@env.task
async def fails_user(zeta: int) -> int:
    msg = f"bad input {zeta}"
    raise ValueError(msg)


@env.task
async def fails_system(zeta: int) -> int:
    code, msg = "NodeLost", f"lost the node at {zeta}"
    raise flyte.errors.RuntimeSystemError(code, msg)


@env.task
async def fails_for_good(zeta: int) -> int:
    msg = f"never retry {zeta}"
    raise flyte.errors.NonRecoverableError(msg)


@env.task
async def context(zeta: int) -> dict[str, str]:
    return {**flyte.ctx().custom_context, "zeta": str(zeta)}


@env.task
async def artifact(zeta: int, alpha: str) -> tuple[int, File]:
    local = pathlib.Path(tempfile.mkdtemp()) / "report.txt"
    local.write_text(f"{alpha} {zeta}\n", encoding="utf-8")
    report = await File.from_local(str(local))
    metadata = flyte.artifacts.Metadata(
        name="kozmo-report",
        version="v1",
        description="written by the interop test",
        attrs={"zeta": str(zeta)},
    )
    return zeta, flyte.artifacts.new(report, metadata)
