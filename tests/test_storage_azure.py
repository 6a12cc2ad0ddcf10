"""Azure specifics against Azurite: container and account membership, reference forms, emulator
settings from options and from the environment (what every cloud store shares is in
``tests/test_storage_cloud.py``)."""

from __future__ import annotations

import pytest
from _support import AzureServer, run

from kozmo_io.errors import (
    InvalidReferenceError,
    StorageError,
)
from kozmo_io.storage import AzureBlobStore, open_store

pytestmark = pytest.mark.azure


# --- membership and reference forms ------------------------------------------------------------


def test_azure_store_refuses_the_same_container_of_another_account(
    azure_server: AzureServer, azure_container: str
) -> None:
    store = AzureBlobStore(azure_container, **azure_server.options())
    for account in ("elsewhere", f"other{azure_server.account}"):
        ref = f"abfs://{azure_container}@{account}.dfs.core.windows.net/x"
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
