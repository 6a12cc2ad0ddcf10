"""What the tests share besides fixtures: the servers and stores they describe, and `run`.

``conftest.py`` holds the fixtures only; a test imports the classes it annotates with, the
``on_every_store`` decorator and :func:`run` from here.

* :class:`S3Server`, :class:`GCSServer`, :class:`AzureServer`: what the ``s3_server``,
  ``gcs_server`` and ``azure_server`` fixtures give (the last two are defined beside the emulators
  they describe, in ``_emulators.py``).
* :class:`StoreCase`: what the ``store_case`` fixture gives; :data:`on_every_store` runs a test on
  every kind of store, GCS included.
* :class:`DocumentedInstall`: what the ``documented_install`` fixture gives.
* :func:`run_cli` runs ``kozmo-io`` in the test's process and captures what it printed.
* :func:`run` runs a coroutine (or what makes one) to completion in a fresh event loop;
  :func:`runner` makes such a function that also holds a deadline or counts what it runs.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import subprocess
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar, final

import attrs
import pytest
from _emulators import AzureServer, GCSServer

from kozmo_io import core
from kozmo_io.cli import main
from kozmo_io.storage import BlobStore

__all__ = (
    "AzureServer",
    "DocumentedInstall",
    "GCSServer",
    "Runner",
    "S3Server",
    "StoreCase",
    "length_delimited",
    "named_map_in_written_order",
    "on_every_store",
    "run",
    "run_cli",
    "runner",
    "varint",
)

T = TypeVar("T")


class Runner(Protocol):
    """Runs ``work`` to completion in a fresh event loop and returns its result.

    ``work`` is an awaitable (a coroutine) or a function without arguments that returns one; the
    function is called inside the loop, so whatever it builds belongs to that loop.
    """

    def __call__(self, work: Awaitable[T] | Callable[[], Awaitable[T]], /) -> T:
        """Run ``work`` and return its result (or raise what it raises)."""
        ...


def runner(*, deadline: float | None = None, count: Callable[[], object] | None = None) -> Runner:
    """Make a :class:`Runner`.

    Args:
        deadline: Seconds a run may take; past them the run is cancelled and fails with an
            ``AssertionError`` saying it hung. ``None``: no limit.
        count: Called once before each run (e.g. to add up the cases a fuzzing test tried).

    Returns:
        The runner.
    """

    async def bounded(work: Awaitable[T] | Callable[[], Awaitable[T]]) -> T:
        awaitable = work if inspect.isawaitable(work) else work()
        if deadline is None:
            return await awaitable
        limit = asyncio.timeout(deadline)
        try:
            async with limit:
                return await awaitable
        except TimeoutError as exc:
            if not limit.expired():
                raise
            msg = f"hung for more than {deadline} s"
            raise AssertionError(msg) from exc

    def run(work: Awaitable[T] | Callable[[], Awaitable[T]], /) -> T:
        if count is not None:
            count()
        return asyncio.run(bounded(work))

    return run


run: Runner = runner()
"""Run a coroutine (or a function making one) to completion in a fresh event loop, without limit."""


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``kozmo-io`` in this process with ``argv``; return its exit code, stdout and stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@final
@attrs.frozen
class S3Server:
    """A running moto S3 server.

    Args:
        endpoint: ``http://127.0.0.1:<port>``.
        region: The region to configure clients with.
        access_key_id: Static credential (moto accepts any).
        secret_access_key: Static credential (moto accepts any).
    """

    endpoint: str
    region: str = "us-east-1"
    access_key_id: str = "kozmo-test-key"
    secret_access_key: str = "kozmo-test-secret"  # noqa: S105 - a fake credential for the local server

    def options(self, **overrides: Any) -> dict[str, Any]:
        """Return the keyword options that connect an S3 store to this server.

        Args:
            **overrides: Options to add or replace (e.g. ``max_payload_bytes=0``).

        Returns:
            ``endpoint``, ``allow_http``, ``region``, ``credentials`` and ``overrides``.
        """
        return {
            "endpoint": self.endpoint,
            "allow_http": True,
            "region": self.region,
            "credentials": {
                "access_key_id": self.access_key_id,
                "secret_access_key": self.secret_access_key,
            },
            **overrides,
        }

    def cli_environment(self, monkeypatch: pytest.MonkeyPatch) -> list[str]:
        """Leave only this server's credentials in the environment, as a shell user would.

        Args:
            monkeypatch: Sets the variables for one test.

        Returns:
            The ``kozmo-io`` store options that reach this server.
        """
        for name in [name for name in os.environ if name.startswith("AWS_")]:
            monkeypatch.delenv(name)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", self.access_key_id)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", self.secret_access_key)
        return ["--endpoint", self.endpoint, "--allow-http", "--region", self.region]

    def create_bucket(self, name: str) -> str:
        """Create bucket ``name`` (moto needs no signature for this) and return its name."""
        # The URL is always http://127.0.0.1:<port>/<name>, the server this fixture started.
        request = urllib.request.Request(f"{self.endpoint}/{name}", method="PUT")  # noqa: S310
        # The server's first request imports its S3 backend: on a loaded machine that alone can
        # take tens of seconds, so the wait is generous (it is a readiness wait, not a test).
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            assert response.status == 200, response.status
        return name


@final
@attrs.frozen
class StoreCase:
    """One backend the behavioural storage tests run on.

    Args:
        kind: ``memory``, ``local``, ``s3``, ``azure`` or ``gcs``.
        root: Reference prefix of the objects (no trailing ``/``).
        make: Opens a store of this kind over the case's place, given store options.
    """

    kind: str
    root: str
    make: Callable[..., BlobStore]


on_every_store = pytest.mark.parametrize(
    "store_case",
    [
        "memory",
        "local",
        pytest.param("s3", marks=pytest.mark.s3),
        pytest.param("azure", marks=pytest.mark.azure),
        pytest.param("gcs", marks=pytest.mark.gcs),
    ],
    indirect=True,
)
"""Run a test that never writes through the store on every kind, GCS included (its emulator has
no XML API upload, the request obstore makes to write, so ``store_case`` leaves it out)."""


@final
@attrs.frozen
class DocumentedInstall:
    """A fresh virtual environment holding exactly what the README's Install section installs.

    Args:
        python: Its interpreter.
        wheel: The wheel built from this repository (through its sdist) and installed there.
        sdist: The sdist that wheel was built from.
    """

    python: Path
    wheel: Path
    sdist: Path

    def run(self, *args: str, cwd: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        """Run this environment's Python with ``args`` in ``cwd`` (never the repository)."""
        return subprocess.run(  # noqa: S603 - this environment's interpreter, the test's arguments
            [str(self.python), *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
            **kwargs,
        )


def varint(value: int) -> bytes:
    """``value`` as protobuf encodes an unsigned integer: seven bits a byte, low bits first."""
    out = bytearray()
    while value > 0x7F:  # the high bit says another byte follows
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def length_delimited(number: int, payload: bytes) -> bytes:
    """Field ``number`` holding ``payload``, as protobuf encodes a length-delimited field."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def named_map_in_written_order(name: str, *keys: str) -> bytes:
    """A ``NamedLiteral`` whose value is a map of integers with entries in the order of ``keys``.

    As an SDK may write it: protobuf re-encodes a map's entries in an order of its own, so only the
    bytes read bring this order back.
    """
    entries = b"".join(
        core.LiteralMap(
            literals={key: core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=i)))}
        ).SerializeToString()
        for i, key in enumerate(keys)
    )
    literal = length_delimited(core.Literal.DESCRIPTOR.fields_by_name["map"].number, entries)
    value = core.NamedLiteral.DESCRIPTOR.fields_by_name["value"].number
    return core.NamedLiteral(name=name).SerializeToString() + length_delimited(value, literal)
