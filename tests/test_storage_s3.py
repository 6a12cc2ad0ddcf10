"""S3 specifics against the moto server: ``s3a://`` references and credential providers (what every
cloud store shares is in ``tests/test_storage_cloud.py``)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest
from conftest import S3Server

from kozmo_io.storage import S3BlobStore

pytestmark = pytest.mark.s3

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def test_s3a_references_name_the_same_objects(s3_server: S3Server, s3_bucket: str) -> None:
    store = S3BlobStore(s3_bucket, **s3_server.options())
    run(store.put(f"s3a://{s3_bucket}/a/1", b"1"))
    assert run(store.get(f"s3://{s3_bucket}/a/1")) == b"1"
    assert run(store.list(f"s3a://{s3_bucket}/a")).items == (f"s3a://{s3_bucket}/a/1",)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_credential_provider_is_called_for_requests(
    s3_server: S3Server, s3_bucket: str, kind: str
) -> None:
    calls: list[str] = []
    credentials = {
        "access_key_id": s3_server.access_key_id,
        "secret_access_key": s3_server.secret_access_key,
        "token": None,
        "expires_at": None,
    }

    def sync_provider() -> dict[str, Any]:
        calls.append("sync")
        return credentials

    async def async_provider() -> dict[str, Any]:
        calls.append("async")
        await asyncio.sleep(0)
        return credentials

    provider = async_provider if kind == "async" else sync_provider
    store = S3BlobStore(s3_bucket, **s3_server.options(credentials=provider))
    path = f"s3://{s3_bucket}/provided/outputs.pb"

    async def use() -> bytes:
        await store.put(path, b"payload")
        return await store.get(path)

    assert run(use()) == b"payload"
    assert calls
    assert set(calls) == {kind}
