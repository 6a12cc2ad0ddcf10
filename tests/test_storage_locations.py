"""storage._locations: the short way for plain references gives the full parse's location."""

from __future__ import annotations

import pytest

from kozmo_io.errors import InvalidReferenceError
from kozmo_io.reference import DataReference
from kozmo_io.storage._locations import _PLAIN, _locate, locate

PLAIN = [
    "s3://kozmo-bench/stream/000123/outputs.pb",
    "s3://b/x/",
    "s3a://b/x",
    "gs://b/a.b/c-d_e",
    "gcs://B/K",
    "memory://bucket/a/b/",
    "/a/b/c",
    "/a/",
    "/a",
    "s3://b/a/b.",
    "memory://b/x.y/z..w",
    "s3://my.bucket-1/A_Z/0-9",
]
OTHER = [
    "s3://b",
    "s3://b/",
    "S3://b/x",
    "s3://b/a%20b",
    "s3://b/a b",
    "s3://b/.hidden",
    "s3://b/a//b",
    "file:///a/b",
    "abfs://c@acct.dfs.core.windows.net/a",
    "az://c/a",
    "a/b",
]


@pytest.mark.parametrize("reference", PLAIN)
@pytest.mark.parametrize("need_key", [True, False])
def test_a_plain_reference_takes_the_short_way_to_the_same_location(
    reference: str,
    need_key: bool,  # noqa: FBT001 - a pytest parameter
) -> None:
    assert _PLAIN.fullmatch(reference) is not None
    assert locate(reference, need_key=need_key) == _locate(reference, need_key=need_key)
    assert locate(DataReference(reference), need_key=need_key) == _locate(
        reference, need_key=need_key
    )


@pytest.mark.parametrize("reference", OTHER)
def test_other_references_take_the_full_parse(reference: str) -> None:
    assert _PLAIN.fullmatch(reference) is None


@pytest.mark.parametrize(
    "reference", ["s3://b/a/../c", "s3://b/./c", "/a/./b", "s3://b/a\x00", "s3://b/a?x", "s3://b/"]
)
def test_references_the_full_parse_refuses_are_still_refused(reference: str) -> None:
    with pytest.raises(InvalidReferenceError):
        locate(reference, need_key=True)
