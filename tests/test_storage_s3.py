"""S3 specifics against the moto server: ``s3a://`` references name the same objects (what every
cloud store shares is in ``tests/test_storage_cloud.py``)."""

from __future__ import annotations

import pytest
from _support import S3Server, run

from kozmo_io.storage import S3BlobStore

pytestmark = pytest.mark.s3


def test_s3a_references_name_the_same_objects(s3_server: S3Server, s3_bucket: str) -> None:
    store = S3BlobStore(s3_bucket, **s3_server.options())
    run(store.put(f"s3a://{s3_bucket}/a/1", b"1"))
    assert run(store.get(f"s3://{s3_bucket}/a/1")) == b"1"
    assert run(store.list(f"s3a://{s3_bucket}/a")).items == (f"s3a://{s3_bucket}/a/1",)
