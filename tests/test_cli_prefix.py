"""The PREFIX argument of ``inspect`` and ``scan``: vetting by the stores' parser, store options."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from _support import run

from kozmo_io.cli._command import UsageError
from kozmo_io.cli._prefix import display, local_reference, store_options, vet_prefix
from kozmo_io.storage import LocalBlobStore
from kozmo_io.storage._locations import locate


@pytest.mark.parametrize(
    "prefix",
    [
        "s3://bucket/run/n0",
        "s3://bucket",
        "gs://bucket/run/",
        "abfs://container@account.dfs.core.windows.net/run",
        "s3://bucket/a@b/c",  # an "@" in the key is no userinfo
        "s3://bucket/a%3Fb",  # an escaped "?" stays in the key
    ],
)
def test_a_usable_cloud_prefix_is_kept_as_given(prefix: str) -> None:
    assert vet_prefix(prefix) == prefix


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("run/n0", "run/n0"),
        ("./run/./n0", "run/n0"),
        ("run//n0/", "run/n0"),
        ("a@b/x", "a@b/x"),
        ("50%zz done/x", "50%zz done/x"),  # "%" is part of a local name, never an escape
        ("what?/x#1", "what?/x#1"),
    ],
)
def test_a_local_prefix_becomes_the_reference_of_its_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, key: str
) -> None:
    monkeypatch.chdir(tmp_path)
    reference = vet_prefix(path)
    assert reference == local_reference(path)
    assert locate(reference, need_key=False).key == f"{tmp_path.as_posix()}/{key}".lstrip("/")
    assert display(reference) == f"{tmp_path.as_posix()}/{key}"


def test_a_local_prefix_reads_through_the_local_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "50%zz done").mkdir()
    (tmp_path / "50%zz done" / "outputs.pb").write_bytes(b"x")
    reference = vet_prefix("50%zz done")
    assert run(LocalBlobStore().head(f"{reference}/outputs.pb")).size == 1


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("/data/../etc", "'..' path segment"),
        ("s3://bucket/a/%2e%2e/b", "'..' path segment"),
        ("s3://bucket/a//b", "empty, '.' or '..' path segment"),
        ("s3://bucket/out?versionId=1", "a query or fragment would be dropped"),
        ("s3://bucket/out#x", "a query or fragment would be dropped"),
        ("s3://bucket/out\x1b[31m", "control character"),
        ("/data/out\x07", "control character"),
        ("s3://bucket/%zz", "PREFIX: invalid reference"),
        ("memory://bucket/out", "memory:// lives inside one process"),
        ("s3://KEY:SECRET@bucket/out", "must not carry credentials"),
        ("s3://SECRET@bucket/out", "must not carry credentials"),
        ("abfss://container:SECRET@account.dfs.core.windows.net/out", "must not carry credentials"),
    ],
)
def test_an_unusable_prefix_is_refused_without_showing_secrets(prefix: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        vet_prefix(prefix)
    assert message in str(caught.value)
    assert "SECRET" not in str(caught.value)


def test_a_file_is_not_a_prefix(tmp_path: Path) -> None:
    (tmp_path / "outputs.pb").write_bytes(b"")
    with pytest.raises(UsageError, match="is a file: give the folder"):
        vet_prefix(str(tmp_path / "outputs.pb"))


def _args(**given: object) -> argparse.Namespace:
    defaults = {"endpoint": None, "allow_http": False, "region": None, "emulator": False}
    return argparse.Namespace(**{**defaults, **given})


@pytest.mark.parametrize(
    ("prefix", "given", "options"),
    [
        ("s3://b/x", {}, {}),
        ("/local/x", {}, {}),
        ("s3://b/x", {"region": "eu-west-1"}, {"region": "eu-west-1"}),
        (
            "gs://b/x",
            {"endpoint": "http://127.0.0.1:1", "allow_http": True},
            {"endpoint": "http://127.0.0.1:1", "allow_http": True},
        ),
        ("gs://b/x", {"emulator": True}, {"emulator": True}),
        ("az://c/x", {"emulator": True}, {"emulator": True}),
    ],
)
def test_store_options_are_those_given(
    prefix: str, given: dict[str, object], options: dict[str, object]
) -> None:
    assert store_options(_args(**given), vet_prefix(prefix)) == options


@pytest.mark.parametrize(
    ("prefix", "given", "message"),
    [
        ("gs://b/x", {"region": "eu-west-1"}, "--region applies to s3:// references only"),
        ("/local/x", {"endpoint": "http://h"}, "apply to cloud references"),
        ("/local/x", {"allow_http": True}, "apply to cloud references"),
        ("s3://b/x", {"emulator": True}, "--emulator applies to gs:// and Azure references only"),
    ],
)
def test_store_options_that_do_not_apply_are_refused(
    prefix: str, given: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        store_options(_args(**given), vet_prefix(prefix))
