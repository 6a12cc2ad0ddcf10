"""The README's plugin example runs as written, on a local directory and on the S3 server."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, cast

import pytest
from conftest import S3Server

from kozmo_io import ErrorKind, core
from kozmo_io.ioutils import ReadOnlyOutputFilePaths, RemoteFileOutputReader
from kozmo_io.storage import BlobStore, open_store, write_message

README = Path(__file__).parent.parent / "README.md"
Run = Callable[..., Coroutine[Any, Any, None]]


def _plugin() -> Run:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    source = next(block for block in blocks if "async def run(" in block)
    namespace: dict[str, Any] = {}
    exec(compile(source, str(README), "exec"), namespace)  # noqa: S102 - the README's own code
    return cast("Run", namespace["run"])


def _name(value: str) -> core.LiteralMap:
    text = core.Literal(scalar=core.Scalar(primitive=core.Primitive(string_value=value)))
    return core.LiteralMap(literals={"name": text})


async def _play(base: str, store: BlobStore, **options: object) -> None:
    run = _plugin()
    await write_message(store, f"{base}/ok/inputs.pb", _name("kozmo"))
    await run(f"{base}/ok", f"{base}/ok/0", f"{base}/raw/ok", **options)
    reader = RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(f"{base}/ok/0"))
    assert not await reader.is_error()
    assert await reader.exists()
    outputs, error = await reader.read()
    assert error is None
    assert outputs is not None
    assert outputs.literals["greeting"].scalar.primitive.string_value == "hello kozmo"

    await write_message(store, f"{base}/bad/inputs.pb", core.LiteralMap())
    await run(f"{base}/bad", f"{base}/bad/0", f"{base}/raw/bad", **options)
    reader = RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(f"{base}/bad/0"))
    assert await reader.is_error()
    failure = await reader.read_error()
    assert (failure.code, failure.kind, failure.is_recoverable) == (
        "MissingInput",
        ErrorKind.USER,
        False,
    )
    assert not await reader.exists()


def test_readme_plugin_runs_on_a_local_directory(tmp_path: Path) -> None:
    base = str(tmp_path / "metadata")
    asyncio.run(_play(base, open_store(base)))
    assert (tmp_path / "metadata" / "ok" / "0" / "outputs.pb").is_file()
    assert (tmp_path / "metadata" / "bad" / "0" / "error.pb").is_file()


@pytest.mark.s3
def test_readme_plugin_runs_on_s3(s3_server: S3Server, s3_bucket: str) -> None:
    base = f"s3://{s3_bucket}/metadata"
    options = s3_server.options()
    asyncio.run(_play(base, open_store(base, **options), **options))
