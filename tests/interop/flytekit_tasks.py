# mypy: disable-error-code="import-not-found, untyped-decorator"
"""Tasks the interop tests run with flytekit's ``pyflyte-execute``, one per case.

Imported only by the interop virtualenv's Python (mypy here sees flytekit as missing, hence the
disabled codes above); the test copies this file into a temporary directory on ``PYTHONPATH``.
"""

from __future__ import annotations

import dataclasses
import pathlib

from flytekit import current_context, task
from flytekit.exceptions.user import FlyteRecoverableException
from flytekit.types.file import FlyteFile


@dataclasses.dataclass
class Point:
    x: int
    label: str
    weights: list[float]


@task
def primitives(a: int, b: str) -> tuple[int, float, str, bool]:
    return a * 2, a / 4, b.upper(), a > 0


@task
def void(a: int) -> None:
    print(a)  # noqa: T201 - a task that does something but returns nothing


@task
def fails(a: int) -> int:
    msg = f"bad input {a}"
    raise ValueError(msg)


@task
def fails_recoverably(a: int) -> int:
    msg = f"try again {a}"
    raise FlyteRecoverableException(msg)


@task
def listing(n: int) -> list[int]:
    return list(range(n))


@task
def mapping(n: int) -> dict[str, int]:
    return {f"k{i}": i for i in range(n)}


@task
def file(text: str) -> FlyteFile:
    path = pathlib.Path(current_context().working_directory) / "out.txt"
    path.write_text(text, encoding="utf-8")
    return FlyteFile(str(path))


@task
def dataclass(n: int) -> Point:
    return Point(x=n, label=f"p{n}", weights=[0.5] * n)


@task
def optional(n: int) -> tuple[int | None, int | None]:
    return n, None
