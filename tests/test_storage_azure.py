"""Azure specifics against Azurite: bounded transfers, the engine's requests on the wire, container
membership, reference forms, emulator settings from options and from the environment."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from _relay import ByteCountingProxy, settle
from conftest import AzureServer

from kozmo_io import core
from kozmo_io.errors import (
    InvalidReferenceError,
    NotFoundError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils import (
    ErrorAggregationStrategy,
    ReadOnlyOutputFilePaths,
    RemoteFileOutputReader,
)
from kozmo_io.storage import AzureBlobStore, ListPage, open_store, write_message
from kozmo_io.storage._obstore import PROBE_BYTES

pytestmark = pytest.mark.azure

T = TypeVar("T")
MiB = 1024 * 1024


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def _port(server: AzureServer) -> int:
    return int(server.endpoint.rsplit(":", 1)[1])


def _relayed(server: AzureServer, container: str, relay: ByteCountingProxy) -> AzureBlobStore:
    """A store on ``container`` whose requests go through ``relay``."""
    endpoint = f"http://127.0.0.1:{relay.port}/{server.account}"
    return AzureBlobStore(container, **server.options(endpoint=endpoint))


@pytest.fixture
def proxy(azure_server: AzureServer) -> Iterator[ByteCountingProxy]:
    relay = ByteCountingProxy(_port(azure_server))
    try:
        yield relay
    finally:
        relay.close()


# --- bounded transfers -----------------------------------------------------------------------


def test_oversized_get_transfers_far_less_than_the_object_on_azure(
    azure_server: AzureServer, azure_container: str, proxy: ByteCountingProxy
) -> None:
    size = 32 * MiB
    path = f"az://{azure_container}/big"
    direct = AzureBlobStore(azure_container, **azure_server.options(max_payload_bytes=0))
    run(direct.put(path, b"\0" * size))
    relayed = _relayed(azure_server, azure_container, proxy)
    with pytest.raises(PayloadTooLargeError) as caught:
        run(relayed.get(path, max_bytes=MiB))
    assert (caught.value.size, caught.value.limit) == (size, MiB)
    transferred = settle(proxy)
    assert proxy.requests == 1
    assert transferred < 64 * 1024, f"{transferred} bytes transferred for a refused object"


def test_get_within_the_limit_is_two_requests_on_azure(
    azure_server: AzureServer, azure_container: str, proxy: ByteCountingProxy
) -> None:
    size = 3 * MiB
    path = f"az://{azure_container}/big"
    run(AzureBlobStore(azure_container, **azure_server.options()).put(path, b"\1" * size))
    relayed = _relayed(azure_server, azure_container, proxy)
    assert run(relayed.get(path, max_bytes=size)) == b"\1" * size
    assert settle(proxy) >= size
    assert proxy.requests == 2  # the first bytes and the size, then the rest


@pytest.mark.parametrize("size", [0, 1, PROBE_BYTES])
def test_get_of_a_small_object_is_one_request_on_azure(
    azure_server: AzureServer, azure_container: str, proxy: ByteCountingProxy, size: int
) -> None:
    path = f"az://{azure_container}/small"
    run(AzureBlobStore(azure_container, **azure_server.options()).put(path, b"\2" * size))
    relayed = _relayed(azure_server, azure_container, proxy)
    assert run(relayed.get(path)) == b"\2" * size
    assert proxy.requests == 1


def test_get_never_mixes_an_object_replaced_between_its_two_reads_on_azure(
    azure_server: AzureServer, azure_container: str
) -> None:
    path = f"az://{azure_container}/moving"
    old, new = b"o" * (3 * PROBE_BYTES), b"n" * (2 * PROBE_BYTES)
    direct = AzureBlobStore(azure_container, **azure_server.options())
    run(direct.put(path, old))

    def replace_before_the_second_read(number: int) -> None:
        if number == 2:
            asyncio.run(direct.put(path, new))

    relay = ByteCountingProxy(_port(azure_server), before_request=replace_before_the_second_read)
    try:
        assert run(_relayed(azure_server, azure_container, relay).get(path)) == new
        assert relay.requests == 3  # old head, refused rest (412), the new object whole
    finally:
        relay.close()


# --- the engine's reads, counted on the wire ---------------------------------------------------


def _integer_outputs(value: int) -> core.LiteralMap:
    literal = core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))
    return core.LiteralMap(literals={"n": literal})


def test_engine_reads_a_successful_task_in_two_http_requests_on_azure(
    azure_server: AzureServer, azure_container: str, proxy: ByteCountingProxy
) -> None:
    prefix = f"az://{azure_container}/metadata/run1/n0/0"
    direct = AzureBlobStore(azure_container, **azure_server.options())
    run(write_message(direct, f"{prefix}/outputs.pb", _integer_outputs(7)))
    reader = RemoteFileOutputReader(
        _relayed(azure_server, azure_container, proxy), ReadOnlyOutputFilePaths(prefix)
    )

    async def engine() -> tuple[core.LiteralMap | None, ExecutionError | None]:
        assert not await reader.is_error()
        assert await reader.exists()
        return await reader.read()

    assert run(engine()) == (_integer_outputs(7), None)
    assert proxy.requests == 2


def test_engine_reads_a_failed_task_in_one_http_request_on_azure(
    azure_server: AzureServer, azure_container: str, proxy: ByteCountingProxy
) -> None:
    prefix = f"az://{azure_container}/metadata/run1/n0/0"
    error = ExecutionError(code="Boom", message="it broke", kind=ErrorKind.USER)
    direct = AzureBlobStore(azure_container, **azure_server.options())
    run(write_message(direct, f"{prefix}/error.pb", error.to_error_document()))
    reader = RemoteFileOutputReader(
        _relayed(azure_server, azure_container, proxy), ReadOnlyOutputFilePaths(prefix)
    )

    async def engine() -> ExecutionError:
        assert await reader.is_error()
        return await reader.read_error()

    assert run(engine()).code == "Boom"
    assert proxy.requests == 1


def test_earliest_aggregation_lists_in_pages_and_reads_each_error_on_azure(
    azure_server: AzureServer, azure_container: str, proxy: ByteCountingProxy
) -> None:
    prefix = f"az://{azure_container}/metadata/run1/n0/0"
    direct = AzureBlobStore(azure_container, **azure_server.options())
    for index, worker in enumerate(("w0", "w1", "w2")):
        when = dt.datetime.fromtimestamp({"w0": 30, "w1": 10, "w2": 20}[worker], tz=dt.UTC)
        error = ExecutionError(
            code=f"E{index}", message=worker, kind=ErrorKind.USER, timestamp=when, worker=worker
        )
        run(write_message(direct, f"{prefix}/error-{worker}.pb", error.to_error_document()))
    run(direct.put(f"{prefix}/outputs.pb", b""))
    reader = RemoteFileOutputReader(
        _relayed(azure_server, azure_container, proxy),
        ReadOnlyOutputFilePaths(prefix),
        error_aggregation=ErrorAggregationStrategy.EARLIEST,
    )

    async def engine() -> ExecutionError:
        assert await reader.is_error()
        return await reader.read_error()

    assert run(engine()).code == "E1"
    assert proxy.requests == 4  # one listing page, then the three error documents


# --- membership and reference forms ------------------------------------------------------------


def test_azure_store_refuses_another_container_or_account(
    azure_server: AzureServer, azure_container: str
) -> None:
    store = AzureBlobStore(azure_container, **azure_server.options())
    for ref in (
        f"az://other-{azure_container}/x",
        f"abfs://{azure_container}@elsewhere.dfs.core.windows.net/x",
        f"s3://{azure_container}/x",
        "/x",
        f"memory://{azure_container}/x",
    ):
        with pytest.raises(InvalidReferenceError, match="not in this store"):
            run(store.head(ref))


def test_every_azure_reference_form_names_the_same_objects(
    azure_server: AzureServer, azure_container: str
) -> None:
    store = AzureBlobStore(azure_container, **azure_server.options())
    account = azure_server.account
    run(store.put(f"abfss://{azure_container}@{account}.dfs.core.windows.net/a/1", b"1"))
    for ref in (
        f"az://{azure_container}/a/1",
        f"azure://{azure_container}/a/1",
        f"adl://{azure_container}/a/1",
        f"abfs://{azure_container}@{account}.dfs.core.windows.net/a/1",
    ):
        assert run(store.get(ref)) == b"1"
    listed = run(store.list(f"azure://{azure_container}/a")).items
    assert listed == (f"azure://{azure_container}/a/1",)


def test_open_store_connects_to_the_container_of_the_reference(
    azure_server: AzureServer, azure_container: str
) -> None:
    ref = f"abfs://{azure_container}@{azure_server.account}.dfs.core.windows.net/runs/1/outputs.pb"
    store = open_store(ref, **azure_server.options())
    assert isinstance(store, AzureBlobStore)
    run(store.put(ref, b"out"))
    assert run(store.get(f"az://{azure_container}/runs/1/outputs.pb")) == b"out"


def test_listing_pages_with_a_cursor_on_azure(
    azure_server: AzureServer, azure_container: str
) -> None:
    store = AzureBlobStore(azure_container, **azure_server.options())

    async def scenario() -> list[ListPage]:
        for key in ("a/1", "a/2", "b/1"):
            await store.put(f"az://{azure_container}/{key}", b"")
        first = await store.list(f"az://{azure_container}/a", max_items=1)
        second = await store.list(f"az://{azure_container}/a", max_items=1, cursor=first.cursor)
        return [first, second]

    first, second = run(scenario())
    assert first.items == (f"az://{azure_container}/a/1",)
    assert second == ListPage((f"az://{azure_container}/a/2",), None)


def test_references_with_credentials_work_and_errors_redact_them_on_azure(
    azure_server: AzureServer, azure_container: str
) -> None:
    store = AzureBlobStore(azure_container, **azure_server.options())
    run(store.put(f"az://KEY:SECRET@{azure_container}/x", b"1"))
    assert run(store.get(f"az://{azure_container}/x")) == b"1"
    with pytest.raises(NotFoundError) as caught:
        run(store.get(f"az://KEY:SECRET@{azure_container}/missing"))
    assert caught.value.path == f"az://***@{azure_container}/missing"
    assert "SECRET" not in str(caught.value)


def test_missing_container_reads_as_missing_objects_but_writes_fail(
    azure_server: AzureServer,
) -> None:
    store = AzureBlobStore("no-such-container", **azure_server.options())
    assert not run(store.head("az://no-such-container/x")).exists
    with pytest.raises(NotFoundError):
        run(store.get("az://no-such-container/x"))
    with pytest.raises(StorageError) as caught:
        run(store.put("az://no-such-container/x", b"1"))
    assert type(caught.value) is StorageError
    assert caught.value.__cause__ is not None
    with pytest.raises(StorageError):
        run(store.list("az://no-such-container/x"))


# --- emulator settings -------------------------------------------------------------------------


def test_emulator_settings_come_from_the_environment(
    azure_server: AzureServer, azure_container: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_STORAGE_USE_EMULATOR", "true")
    monkeypatch.setenv("AZURITE_BLOB_STORAGE_URL", azure_server.endpoint)
    store = open_store(f"az://{azure_container}/x")
    run(store.put(f"az://{azure_container}/x", b"from the environment"))
    direct = AzureBlobStore(azure_container, **azure_server.options())
    assert run(direct.get(f"az://{azure_container}/x")) == b"from the environment"


def test_emulator_without_endpoint_uses_azurite_blob_storage_url(
    azure_server: AzureServer, azure_container: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURITE_BLOB_STORAGE_URL", azure_server.endpoint)
    store = AzureBlobStore(azure_container, emulator=True)
    run(store.put(f"az://{azure_container}/x", b"1"))
    assert run(store.head(f"az://{azure_container}/x")).size == 1


def test_emulator_with_explicit_credentials_uses_them(
    azure_server: AzureServer, azure_container: str
) -> None:
    wrong = {"account_key": "d3Jvbmc="}  # base64 of "wrong"
    store = AzureBlobStore(azure_container, **azure_server.options(credentials=wrong))
    with pytest.raises(StorageError):
        run(store.put(f"az://{azure_container}/x", b"1"))
    right = {"account_key": azure_server.key}
    store = AzureBlobStore(azure_container, **azure_server.options(credentials=right))
    run(store.put(f"az://{azure_container}/x", b"1"))
