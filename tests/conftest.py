"""Shared fixtures: real S3, GCS and Azure servers and one parametrized BlobStore per backend.

Fixtures:

* ``s3_server`` (session): a moto S3 server in its own process on 127.0.0.1 and an ephemeral
  port, stopped at the end of the session. It is an :class:`S3Server`: ``endpoint``, ``region``,
  static credentials, ``options()`` (the keyword arguments for
  :class:`~kozmo_io.storage.S3BlobStore` or :func:`~kozmo_io.storage.open_store`) and
  ``create_bucket()``.
* ``s3_bucket``: a new, empty bucket on that server (one per test, so tests never see each other's
  objects).
* ``gcs_server`` (session): the GCS emulator fake-gcs-server on 127.0.0.1 (a :class:`GCSServer`:
  ``endpoint``, ``options()``, ``create_bucket()``, ``upload()``); ``gcs_bucket``: a fresh bucket
  on it per test.
* ``azure_server`` (session): the Azure Storage emulator Azurite on 127.0.0.1 (an
  :class:`AzureServer`: ``endpoint``, ``options()``, ``create_container()``); ``azure_container``:
  a fresh container on it per test.
* ``store_case`` (parametrized ``memory``, ``local``, ``s3``, ``azure``; the ``s3`` and ``azure``
  cases carry the marker of that name): a :class:`StoreCase` with ``kind``, ``root`` and
  ``make(**options)``, which opens a store of that kind, taking the store's keyword options (e.g.
  ``max_payload_bytes=0``). Memory: a new empty in-process store per call; local: always the
  directory ``<tmp_path>/root``; s3 and azure: always the test's fresh bucket or container. GCS is
  not among them: its emulator has no XML API upload, the request obstore makes to write
  (``tests/test_storage_gcs.py`` pins its answer and runs everything else on it). A test that never
  writes through the store takes the ``@on_every_store`` decorator, which adds the ``gcs`` case
  (marker ``gcs``); ``tests/test_storage_cloud.py`` runs what the three clouds share on each.
* ``store``: ``store_case.make()``, the store with default options.
* ``store_root``: the reference prefix of objects in ``store``, without a trailing ``/``:
  ``memory://bucket``, ``""`` for the local store (references such as ``/a/b``, i.e.
  ``<tmp_path>/root/a/b``), ``s3://<bucket>`` or ``az://<container>``. Build references as
  ``f"{store_root}/a/b"``.
* ``place``: ``await place(reference, data)`` puts an object a test then reads, through the store,
  or on GCS through the emulator's upload API; a test that writes only this way takes
  ``@on_every_store``.

* ``documented_install`` (session): a :class:`DocumentedInstall`, a fresh virtual environment
  holding exactly the README's install (the wheel built from this repository through its sdist,
  with the static and flyteidl extras); ``run()`` runs its Python outside the repository.

The classes these fixtures give (:class:`S3Server`, :class:`GCSServer`, :class:`AzureServer`,
:class:`StoreCase`, :class:`DocumentedInstall`) and the ``on_every_store`` decorator are in
``_support.py``, which tests import. Run ``pytest -m "not s3 and not gcs and not azure"`` to skip
everything that needs a server.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from _emulators import AzureServer, GCSServer, run_azurite, run_fake_gcs_server
from _support import DocumentedInstall, S3Server, StoreCase
from hypothesis import settings

from kozmo_io.reference import DataReference
from kozmo_io.storage import (
    AzureBlobStore,
    BlobStore,
    GCSBlobStore,
    LocalBlobStore,
    MemoryBlobStore,
    S3BlobStore,
)

# A store opened without credentials must never fall back to a cloud metadata service
# (169.254.169.254): these placeholders are found first, and the lookup is switched off.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "kozmo-test-placeholder")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "kozmo-test-placeholder")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

# Property tests judge behaviour, never time: on a shared, loaded machine an example can take far
# longer than Hypothesis's default 200 ms deadline, which would fail a correct test.
settings.register_profile("kozmo", deadline=None)
settings.load_profile("kozmo")

# Runs in the child: serve until stdin closes, which also happens when the test process dies
# without running its finalizers, so no server outlives the session.
_SERVER_SCRIPT = """
import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"""


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """Run moto's S3 server in a child process for the whole session."""
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with log.open("wb") as sink:
        # A separate process keeps moto's threads, imports and request log out of the test process;
        # the request log goes to a file so it can never fill a pipe and stall the server.
        process = subprocess.Popen(  # noqa: S603 - this interpreter with a fixed script
            [sys.executable, "-c", _SERVER_SCRIPT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=sink,
        )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        port = process.stdout.readline().strip()
        if not port.isdigit():
            msg = f"moto server did not start:\n{log.read_text(encoding='utf-8', errors='replace')}"
            raise RuntimeError(msg)
        yield S3Server(endpoint=f"http://127.0.0.1:{int(port)}")
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


_bucket_numbers = itertools.count()


@pytest.fixture
def s3_bucket(s3_server: S3Server) -> str:
    """Create a fresh, empty bucket for one test."""
    return s3_server.create_bucket(f"kozmo-test-{next(_bucket_numbers)}")


@pytest.fixture(scope="session")
def gcs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GCSServer]:
    """Run the GCS emulator for the whole session."""
    with run_fake_gcs_server(tmp_path_factory.mktemp("fake-gcs-server") / "server.log") as server:
        yield server


@pytest.fixture
def gcs_bucket(gcs_server: GCSServer) -> str:
    """Create a fresh, empty bucket on the GCS emulator for one test."""
    return gcs_server.create_bucket(f"kozmo-test-{next(_bucket_numbers)}")


@pytest.fixture(scope="session")
def azure_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AzureServer]:
    """Run the Azure Storage emulator for the whole session."""
    with run_azurite(tmp_path_factory.mktemp("azurite") / "server.log") as server:
        yield server


@pytest.fixture
def azure_container(azure_server: AzureServer) -> str:
    """Create a fresh, empty container on the Azure Storage emulator for one test."""
    return azure_server.create_container(f"kozmo-test-{next(_bucket_numbers)}")


_WRITABLE_STORES = [
    "memory",
    "local",
    pytest.param("s3", marks=pytest.mark.s3),
    pytest.param("azure", marks=pytest.mark.azure),
]


@pytest.fixture(params=_WRITABLE_STORES)
def store_case(request: pytest.FixtureRequest, tmp_path: Path) -> StoreCase:
    """Describe a fresh store of each kind."""
    kind: str = request.param
    if kind == "memory":
        return StoreCase(kind, "memory://bucket", MemoryBlobStore)
    if kind == "local":
        root = tmp_path / "root"
        return StoreCase(kind, "", lambda **options: LocalBlobStore(root, **options))
    if kind == "azure":
        azure: AzureServer = request.getfixturevalue("azure_server")
        container: str = request.getfixturevalue("azure_container")
        return StoreCase(
            kind,
            f"az://{container}",
            lambda **options: AzureBlobStore(container, **azure.options(**options)),
        )
    if kind == "gcs":
        gcs: GCSServer = request.getfixturevalue("gcs_server")
        gcs_bucket: str = request.getfixturevalue("gcs_bucket")
        return StoreCase(
            kind,
            f"gs://{gcs_bucket}",
            lambda **options: GCSBlobStore(gcs_bucket, **gcs.options(**options)),
        )
    server: S3Server = request.getfixturevalue("s3_server")
    bucket: str = request.getfixturevalue("s3_bucket")
    return StoreCase(
        kind, f"s3://{bucket}", lambda **options: S3BlobStore(bucket, **server.options(**options))
    )


@pytest.fixture
def store(store_case: StoreCase) -> BlobStore:
    """Open the case's store with default options."""
    return store_case.make()


@pytest.fixture
def store_root(store_case: StoreCase) -> str:
    """Return the reference prefix of the case's objects."""
    return store_case.root


@pytest.fixture
def place(
    request: pytest.FixtureRequest, store_case: StoreCase, store: BlobStore
) -> Callable[..., Coroutine[Any, Any, None]]:
    """Return ``place(reference, data, into=store)``, which puts an object a test then reads.

    It writes through ``into`` (the case's ``store`` unless given; a memory store made apart holds
    its own objects), except on GCS, whose emulator takes no XML API upload: there the object goes
    in through the emulator's JSON upload API, where every store of the case sees it.
    """

    async def put(reference: str, data: bytes, into: BlobStore = store) -> None:
        if store_case.kind != "gcs":
            await into.put(reference, data)
            return
        gcs: GCSServer = request.getfixturevalue("gcs_server")
        _, bucket, key = DataReference(reference).split()  # the key as the store reads it
        gcs.upload(bucket, key, data)

    return put


_REPOSITORY = Path(__file__).resolve().parent.parent
# The README's Install section: `pip install .`, then the static and flyteidl extras (`pip` builds a
# wheel from the clone and installs it, which is what is done here, through the sdist).
_DOCUMENTED_EXTRAS = "static,flyteidl"


@pytest.fixture(scope="session")
def documented_install(tmp_path_factory: pytest.TempPathFactory) -> DocumentedInstall:
    """Build the sdist and wheel, and install the wheel with the documented extras in a new venv."""
    root = tmp_path_factory.mktemp("documented-install")
    uv = [sys.executable, "-m", "uv"]
    dist = root / "dist"
    for command in (
        [*uv, "build", "--quiet", "--out-dir", str(dist), str(_REPOSITORY)],
        [*uv, "venv", "--quiet", "--python", sys.executable, str(root / "venv")],
    ):
        subprocess.run(command, check=True, capture_output=True, timeout=600)  # noqa: S603
    [wheel] = dist.glob("*.whl")
    [sdist] = dist.glob("*.tar.gz")
    python = root / "venv" / "bin" / "python"
    requirement = f"kozmo-io[{_DOCUMENTED_EXTRAS}] @ {wheel.as_uri()}"
    install = [*uv, "pip", "install", "--quiet", "--python", str(python), requirement]
    subprocess.run(install, check=True, capture_output=True, timeout=600)  # noqa: S603
    return DocumentedInstall(python=python, wheel=wheel, sdist=sdist)
