"""What every cloud store does alike, on its real server: moto (S3), Azurite and fake-gcs-server.

Each test runs once per server (markers ``s3``, ``azure``, ``gcs``): bounded transfers and the
engine's reads counted on the wire, bucket membership, listing pages, references carrying
credentials, missing buckets, and ``kozmo-io inspect`` run as a process with the store options
on its command line. Objects are put in place through the store, except on GCS, whose emulator
refuses the upload obstore makes: there they go in through the emulator's own upload API (see
``tests/test_storage_gcs.py``), and the tests that write through the store take only S3 and Azure.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, final

import attrs
import pytest
from _relay import ByteCountingProxy, settle
from _support import AzureServer, GCSServer, S3Server, run

from kozmo_io import core
from kozmo_io.errors import InvalidReferenceError, NotFoundError, PayloadTooLargeError, StorageError
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils import (
    EarliestErrorReader,
    ReadOnlyOutputFilePaths,
    RemoteFileOutputReader,
)
from kozmo_io.storage import (
    AzureBlobStore,
    BlobStore,
    CachedStore,
    CountingStore,
    GCSBlobStore,
    ListPage,
    S3BlobStore,
    open_store,
)
from kozmo_io.storage._obstore import PROBE_BYTES

MiB = 1024 * 1024


@final
@attrs.frozen
class Cloud:
    """One cloud server and the test's fresh bucket (or container) on it.

    Args:
        kind: ``s3``, ``azure`` or ``gcs``.
        bucket: The bucket or container.
        root: Reference prefix of its objects (``s3://<bucket>``, ``az://...``, ``gs://...``).
        port: The server's port on 127.0.0.1.
        store_class: The store class of the kind.
        connect: The store options that reach the server, given overrides and, optionally, the
            port of a relay in front of the server to send the requests through.
        seed: Puts an object (key, bytes) in the bucket.
        cli: The ``kozmo-io inspect`` store options that reach the server.
        cli_env: The environment variables those options need.
        provided: What a credential provider for the store returns: credentials the server takes
            (the GCS emulator checks no token).
    """

    kind: str
    bucket: str
    root: str
    port: int
    store_class: Callable[..., BlobStore]
    connect: Callable[..., dict[str, Any]]
    seed: Callable[[str, bytes], None]
    cli: tuple[str, ...]
    cli_env: dict[str, str]
    provided: dict[str, Any]

    @property
    def scheme(self) -> str:
        """The scheme of the references (``s3``, ``az``, ``gs``)."""
        return self.root.split("://", 1)[0]

    def options(self, **overrides: Any) -> dict[str, Any]:
        """The store options that reach the server directly (for :func:`open_store`)."""
        return self.connect(None, **overrides)

    def store(self, **overrides: Any) -> BlobStore:
        """Open a store on the bucket that talks to the server directly."""
        return self.store_class(self.bucket, **self.options(**overrides))

    def through(self, relay: ByteCountingProxy) -> BlobStore:
        """Open a store on the bucket whose requests go through ``relay``."""
        return self.store_class(self.bucket, **self.connect(relay.port))


def _port(endpoint: str) -> int:
    return int(endpoint.rsplit(":", 1)[1])


# kind: the server's fixture, the bucket's fixture, the store class, the references' scheme.
_KINDS: dict[str, tuple[str, str, Callable[..., BlobStore], str]] = {
    "s3": ("s3_server", "s3_bucket", S3BlobStore, "s3"),
    "azure": ("azure_server", "azure_container", AzureBlobStore, "az"),
    "gcs": ("gcs_server", "gcs_bucket", GCSBlobStore, "gs"),
}


def _command_line(
    server: S3Server | AzureServer | GCSServer,
) -> tuple[tuple[str, ...], dict[str, str]]:
    """The ``kozmo-io`` store options that reach ``server``, and the environment they need."""
    if isinstance(server, S3Server):
        credentials = {
            "AWS_ACCESS_KEY_ID": server.access_key_id,
            "AWS_SECRET_ACCESS_KEY": server.secret_access_key,
        }
        return (
            "--endpoint",
            server.endpoint,
            "--allow-http",
            "--region",
            server.region,
        ), credentials
    endpoint = server.blob_endpoint if isinstance(server, AzureServer) else server.endpoint
    return ("--endpoint", endpoint, "--emulator"), {}


def _cloud(request: pytest.FixtureRequest, kind: str) -> Cloud:
    """Describe the server of ``kind`` and the test's fresh bucket (or container) on it."""
    server_fixture, bucket_fixture, store_class, scheme = _KINDS[kind]
    server: S3Server | AzureServer | GCSServer = request.getfixturevalue(server_fixture)
    bucket: str = request.getfixturevalue(bucket_fixture)
    root = f"{scheme}://{bucket}"

    def connect(port: int | None, **overrides: Any) -> dict[str, Any]:
        if port is not None:  # Azure endpoints name the account
            account = f"/{server.account}" if isinstance(server, AzureServer) else ""
            overrides["endpoint"] = f"http://127.0.0.1:{port}{account}"
        return server.options(**overrides)

    def seed(key: str, data: bytes) -> None:
        if isinstance(server, GCSServer):  # its emulator takes no upload from obstore
            server.upload(bucket, key, data)
        else:
            store = store_class(bucket, **connect(None, max_payload_bytes=0))
            run(store.put(f"{root}/{key}", data))

    cli, cli_env = _command_line(server)
    provided: dict[str, Any] = {"token": "emulator-token", "expires_at": None}
    if isinstance(server, S3Server):
        provided = {**server.options()["credentials"], "token": None, "expires_at": None}
    elif isinstance(server, AzureServer):
        provided = {"access_key": server.key, "expires_at": None}
    return Cloud(
        kind,
        bucket,
        root,
        _port(server.endpoint),
        store_class,
        connect,
        seed,
        cli,
        cli_env,
        provided,
    )


_WRITABLE = [
    pytest.param("s3", marks=pytest.mark.s3),
    pytest.param("azure", marks=pytest.mark.azure),
]

writable_clouds = pytest.mark.parametrize("cloud", _WRITABLE, indirect=True)
"""Run a test that writes through the store on the servers that take obstore's uploads."""


@pytest.fixture(params=[*_WRITABLE, pytest.param("gcs", marks=pytest.mark.gcs)])
def cloud(request: pytest.FixtureRequest) -> Cloud:
    """Describe each cloud server with a fresh bucket."""
    return _cloud(request, request.param)


@pytest.fixture
def proxy(cloud: Cloud) -> Iterator[ByteCountingProxy]:
    relay = ByteCountingProxy(cloud.port)
    try:
        yield relay
    finally:
        relay.close()


# --- bounded transfers, counted on the wire ----------------------------------------------------


def test_oversized_get_transfers_far_less_than_the_object(
    cloud: Cloud, proxy: ByteCountingProxy
) -> None:
    size = 32 * MiB
    cloud.seed("big", b"\0" * size)
    with pytest.raises(PayloadTooLargeError) as caught:
        run(cloud.through(proxy).get(f"{cloud.root}/big", max_bytes=MiB))
    assert (caught.value.size, caught.value.limit) == (size, MiB)
    transferred = settle(proxy)
    assert proxy.requests == 1
    assert transferred < 64 * 1024, f"{transferred} bytes transferred for a refused object"


def test_get_within_the_limit_is_two_requests(cloud: Cloud, proxy: ByteCountingProxy) -> None:
    size = 3 * MiB
    cloud.seed("big", b"\1" * size)
    assert run(cloud.through(proxy).get(f"{cloud.root}/big", max_bytes=size)) == b"\1" * size
    assert settle(proxy) >= size
    assert proxy.requests == 2  # the first bytes and the size, then the rest


@pytest.mark.parametrize("size", [0, 1, PROBE_BYTES])
def test_get_of_a_small_object_is_one_request(
    cloud: Cloud, proxy: ByteCountingProxy, size: int
) -> None:
    cloud.seed("small", b"\2" * size)
    assert run(cloud.through(proxy).get(f"{cloud.root}/small")) == b"\2" * size
    assert proxy.requests == 1


@writable_clouds
def test_get_never_mixes_an_object_replaced_between_its_two_reads(cloud: Cloud) -> None:
    path = f"{cloud.root}/moving"
    old, new = b"o" * (3 * PROBE_BYTES), b"n" * (2 * PROBE_BYTES)
    cloud.seed("moving", old)

    def replace_before_the_second_read(number: int) -> None:
        if number == 2:
            cloud.seed("moving", new)

    relay = ByteCountingProxy(cloud.port, before_request=replace_before_the_second_read)
    try:
        assert run(cloud.through(relay).get(path)) == new
        assert relay.requests == 3  # old head, refused rest (412), the new object whole
    finally:
        relay.close()


# --- the engine's reads, counted on the wire ---------------------------------------------------


def _integer_outputs(value: int) -> core.LiteralMap:
    literal = core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))
    return core.LiteralMap(literals={"n": literal})


_TASK = "metadata/run1/n0/0"


def test_engine_reads_a_successful_task_in_two_http_requests(
    cloud: Cloud, proxy: ByteCountingProxy
) -> None:
    cloud.seed(f"{_TASK}/outputs.pb", _integer_outputs(7).SerializeToString())
    paths = ReadOnlyOutputFilePaths(f"{cloud.root}/{_TASK}")
    reader = RemoteFileOutputReader(cloud.through(proxy), paths)

    async def engine() -> tuple[core.LiteralMap | None, ExecutionError | None]:
        assert not await reader.is_error()
        assert await reader.exists()
        return await reader.read()

    assert run(engine()) == (_integer_outputs(7), None)
    assert proxy.requests == 2


def test_engine_reads_a_failed_task_in_one_http_request(
    cloud: Cloud, proxy: ByteCountingProxy
) -> None:
    error = ExecutionError(code="Boom", message="it broke", kind=ErrorKind.USER)
    cloud.seed(f"{_TASK}/error.pb", error.to_error_document().SerializeToString())
    paths = ReadOnlyOutputFilePaths(f"{cloud.root}/{_TASK}")
    reader = RemoteFileOutputReader(cloud.through(proxy), paths)

    async def engine() -> ExecutionError:
        assert await reader.is_error()
        return await reader.read_error()

    assert run(engine()).code == "Boom"
    assert proxy.requests == 1


def test_oversized_outputs_are_refused_in_one_small_request(
    cloud: Cloud, proxy: ByteCountingProxy
) -> None:
    cloud.seed(f"{_TASK}/outputs.pb", b"\0" * (8 * MiB))
    paths = ReadOnlyOutputFilePaths(f"{cloud.root}/{_TASK}")
    reader = RemoteFileOutputReader(cloud.through(proxy), paths)
    with pytest.raises(PayloadTooLargeError):
        run(reader.read())
    assert proxy.requests == 1
    assert settle(proxy) < 64 * 1024


def test_earliest_aggregation_lists_and_reads_each_error(
    cloud: Cloud, proxy: ByteCountingProxy
) -> None:
    for index, worker in enumerate(("w0", "w1", "w2")):
        when = dt.datetime.fromtimestamp({"w0": 30, "w1": 10, "w2": 20}[worker], tz=dt.UTC)
        error = ExecutionError(
            code=f"E{index}", message=worker, kind=ErrorKind.USER, timestamp=when, worker=worker
        )
        cloud.seed(f"{_TASK}/error-{worker}.pb", error.to_error_document().SerializeToString())
    cloud.seed(f"{_TASK}/outputs.pb", b"")
    relayed = cloud.through(proxy)
    paths = ReadOnlyOutputFilePaths(f"{cloud.root}/{_TASK}")
    reader = RemoteFileOutputReader(
        relayed, paths, error_reader=EarliestErrorReader(relayed, paths.get_error_path())
    )

    async def engine() -> ExecutionError:
        assert await reader.is_error()
        return await reader.read_error()

    earliest = run(engine())
    assert (earliest.code, earliest.worker) == ("E1", "w1")
    assert proxy.requests == 4  # one listing page, then the three error documents


# --- membership, listing, references -----------------------------------------------------------


def test_store_refuses_another_bucket(cloud: Cloud) -> None:
    store = cloud.store()
    others = {"s3": "gs", "azure": "s3", "gcs": "az"}
    for ref in (
        f"{cloud.scheme}://other-{cloud.bucket}/x",
        f"{others[cloud.kind]}://{cloud.bucket}/x",
        "/x",
        f"memory://{cloud.bucket}/x",
    ):
        with pytest.raises(InvalidReferenceError, match="not in this store"):
            run(store.head(ref))


def test_open_store_connects_to_the_bucket_of_the_reference(cloud: Cloud) -> None:
    cloud.seed("runs/1/outputs.pb", b"out")
    store = cloud.store()
    opened = open_store(f"{cloud.root}/runs/1/outputs.pb", **cloud.options())
    assert type(opened) is type(store)
    assert run(opened.get(f"{cloud.root}/runs/1/outputs.pb")) == b"out"


def test_listing_pages_with_a_cursor(cloud: Cloud) -> None:
    for key in ("a/1", "a/2", "b/1"):
        cloud.seed(key, b"")
    store = cloud.store()
    first = run(store.list(f"{cloud.root}/a", max_items=1))
    second = run(store.list(f"{cloud.root}/a", max_items=1, cursor=first.cursor))
    assert first.items == (f"{cloud.root}/a/1",)
    assert second == ListPage((f"{cloud.root}/a/2",), None)


def _with_userinfo(cloud: Cloud, key: str) -> str:
    scheme, rest = cloud.root.split("://", 1)
    return f"{scheme}://KEY:SECRET@{rest}/{key}"


def test_references_with_credentials_read_and_errors_redact_them(cloud: Cloud) -> None:
    cloud.seed("x", b"1")
    store = cloud.store()
    assert run(store.get(_with_userinfo(cloud, "x"))) == b"1"
    with pytest.raises(NotFoundError) as caught:
        run(store.get(_with_userinfo(cloud, "missing")))
    scheme, rest = cloud.root.split("://", 1)
    assert caught.value.path == f"{scheme}://***@{rest}/missing"
    assert "SECRET" not in str(caught.value)


@writable_clouds
def test_references_with_credentials_write_the_object_they_name(cloud: Cloud) -> None:
    store = cloud.store()
    run(store.put(_with_userinfo(cloud, "x"), b"1"))
    assert run(store.get(f"{cloud.root}/x")) == b"1"


def test_missing_bucket_reads_as_missing_objects_and_listing_fails(cloud: Cloud) -> None:
    ref = f"{cloud.scheme}://no-such-bucket/x"
    store = open_store(ref, **cloud.options())
    assert not run(store.head(ref)).exists
    with pytest.raises(NotFoundError):
        run(store.get(ref))
    with pytest.raises(StorageError):
        run(store.list(ref))


@writable_clouds
def test_writes_to_a_missing_bucket_fail(cloud: Cloud) -> None:
    ref = f"{cloud.scheme}://no-such-bucket/x"
    store = open_store(ref, **cloud.options())
    with pytest.raises(StorageError) as caught:
        run(store.put(ref, b"1"))
    assert type(caught.value) is StorageError
    assert caught.value.__cause__ is not None


# --- kozmo-io inspect and scan, as processes -----------------------------------------------


def _cli(
    cloud: Cloud, tmp_path: Path, command: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """Run ``kozmo-io COMMAND`` with the cloud's store options, no emulator in the environment."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"STORAGE_EMULATOR_HOST", "AZURE_STORAGE_USE_EMULATOR"}
    }
    return subprocess.run(  # noqa: S603 - this interpreter, the CLI, the test's arguments
        [sys.executable, "-m", "kozmo_io", command, *cloud.cli, *args],
        cwd=tmp_path,
        env={**env, **cloud.cli_env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_inspect_reads_a_task_with_the_store_options_on_its_command_line(
    cloud: Cloud, tmp_path: Path
) -> None:
    prefix = f"{cloud.root}/{_TASK}"
    error = ExecutionError(code="Boom", message="it broke", kind=ErrorKind.USER, worker="pod-7")
    cloud.seed(f"{_TASK}/outputs.pb", _integer_outputs(7).SerializeToString())
    cloud.seed(f"{_TASK}/error.pb", error.to_error_document().SerializeToString())
    done = _cli(cloud, tmp_path, "inspect", prefix)
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert lines[0] == f"outputs under {prefix}"
    assert "  n = 7" in lines
    assert "  worker       pod-7" in lines
    missing = _cli(cloud, tmp_path, "inspect", f"{cloud.root}/nothing/here")
    assert missing.returncode == 1
    assert missing.stderr.startswith(f"kozmo-io inspect: nothing at {cloud.root}/nothing/here")
    oversized = _cli(cloud, tmp_path, "inspect", "--max-bytes", "10", prefix)
    assert oversized.returncode == 2
    assert oversized.stderr == (
        f"kozmo-io inspect: error: {prefix}/error.pb is too large: 27 bytes, over the limit of"
        " 10 bytes (raise it with --max-bytes)\n"
    )


def test_scan_reads_a_run_with_the_store_options_on_its_command_line(
    cloud: Cloud, tmp_path: Path
) -> None:
    run_prefix = f"{cloud.root}/metadata/run1"
    error = ExecutionError(code="Boom", message="it broke", kind=ErrorKind.USER)
    for task in ("n0", "n1", "n2"):
        cloud.seed(f"metadata/run1/{task}/inputs.pb", _integer_outputs(1).SerializeToString())
    cloud.seed("metadata/run1/n0/0/outputs.pb", _integer_outputs(7).SerializeToString())
    cloud.seed("metadata/run1/n1/0/outputs.pb", _integer_outputs(8).SerializeToString())
    cloud.seed("metadata/run1/n2/0/error.pb", error.to_error_document().SerializeToString())
    done = _cli(cloud, tmp_path, "scan", "--json", "--fail-on-error", run_prefix)
    assert (done.returncode, done.stderr) == (1, "kozmo-io scan: 1 of 3 tasks have no outputs\n")
    document = json.loads(done.stdout)
    assert document["prefix"] == run_prefix
    assert document["tasks"] == 3
    assert document["counts"] == {
        "outputs": 2,
        "task_error": 1,
        "missing": 0,
        "too_large": 0,
        "corrupt": 0,
        "storage_failure": 0,
    }
    assert document["requests"] == {"list": 1, "get": 3}


def test_cached_store_never_answers_a_reference_the_cloud_store_refuses(cloud: Cloud) -> None:
    backend = CountingStore(cloud.store())
    cache = CachedStore(backend, max_bytes=MiB)
    cloud.seed("k", b"cached")
    assert run(cache.get(f"{cloud.root}/k")) == b"cached"
    backend.reset()
    assert run(cache.get(f"{cloud.root}/k")) == b"cached"
    assert backend.total == 0
    others = {"s3": "gs", "azure": "s3", "gcs": "az"}
    for other in (
        f"{cloud.scheme}://{cloud.bucket}-other/k",
        f"{others[cloud.kind]}://{cloud.bucket}/k",
        f"memory://{cloud.bucket}/k",
    ):
        with pytest.raises(InvalidReferenceError, match="is not in this store"):
            run(cache.get(other))
        with pytest.raises(InvalidReferenceError, match="is not in this store"):
            run(cache.head(other))
    assert backend.counts["get"] == backend.counts["head"] == 3
    spelling = {"s3": "s3a", "azure": "azure", "gcs": "gcs"}[cloud.kind]
    assert run(cache.get(f"{spelling}://{cloud.bucket}/k")) == b"cached"  # another it takes


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_credential_provider_is_called_for_requests(cloud: Cloud, kind: str) -> None:
    calls: list[str] = []
    credentials = cloud.provided

    def sync_provider() -> dict[str, Any]:
        calls.append("sync")
        return credentials

    async def async_provider() -> dict[str, Any]:
        calls.append("async")
        await asyncio.sleep(0)
        return credentials

    provider = async_provider if kind == "async" else sync_provider
    cloud.seed("provided/outputs.pb", b"payload")
    store = cloud.store(credentials=provider)
    assert run(store.get(f"{cloud.root}/provided/outputs.pb")) == b"payload"
    assert calls
    assert set(calls) == {kind}
