"""The one credential redactor: userinfo and credential query parameters in URIs, text, chains."""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import sys
import traceback
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from kozmo_io._secrets import redact_text, redact_uri, scrub
from kozmo_io.errors import InvalidReferenceError, StorageError
from kozmo_io.reference import DataReference, construct_reference, redact
from kozmo_io.storage import S3BlobStore, open_store

SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCY"  # noqa: S105 - a made-up secret to look for
SIGNED = (
    f"https://bucket.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    f"&X-Amz-Credential=AKIA{SECRET}%2F20240101&X-Amz-Date=20240101T000000Z"
    f"&X-Amz-Security-Token={SECRET}tok&X-Amz-Signature={SECRET}sig&X-Amz-SignedHeaders=host"
)
SAS = f"https://acct.blob.core.windows.net/c/blob?sv=2022-11-02&se=2030-01-01&sp=r&sig={SECRET}%3D"


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (
            SIGNED,
            (
                "https://bucket.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                "&X-Amz-Credential=***&X-Amz-Date=20240101T000000Z&X-Amz-Security-Token=***"
                "&X-Amz-Signature=***&X-Amz-SignedHeaders=host"
            ),
        ),
        (SAS, "https://acct.blob.core.windows.net/c/blob?sv=2022-11-02&se=2030-01-01&sp=r&sig=***"),
        (
            f"https://h/p?X-Goog-Signature={SECRET}&access_token={SECRET}&page=2&api_key={SECRET}",
            "https://h/p?X-Goog-Signature=***&access_token=***&page=2&api_key=***",
        ),
        (f"s3://AKIA:{SECRET}@bucket/k?token={SECRET}", "s3://***@bucket/k?token=***"),
        ("s3://bucket/a/b", "s3://bucket/a/b"),
        ("https://h/p?page=2&prefix=a", "https://h/p?page=2&prefix=a"),
    ],
)
def test_redact_hides_userinfo_and_credential_query_parameters(uri: str, expected: str) -> None:
    assert redact(uri) == redact_uri(uri) == expected


def test_redact_text_hides_the_secrets_of_every_uri_in_a_message() -> None:
    text = f"GET http://AKIA:{SECRET}@127.0.0.1:9/b/k failed; retry {SIGNED}, then {SAS}\n  uri: x"
    shown = redact_text(text)
    assert SECRET not in shown
    assert (
        "GET http://***@127.0.0.1:9/b/k failed; retry https://bucket.s3.amazonaws.com/k?" in shown
    )
    assert shown.endswith("&sig=***\n  uri: x")


def test_a_reference_with_a_signed_query_shows_no_secret_in_repr_or_errors() -> None:
    reference = DataReference(SIGNED)
    assert SECRET not in repr(reference)
    assert SECRET not in reference.redacted()
    for call in (
        lambda: construct_reference(reference, "x"),
        lambda: asyncio.run(open_store("memory://b").get(SIGNED)),
        lambda: open_store(SAS.replace("https", "ftp")),
    ):
        with pytest.raises(InvalidReferenceError) as caught:
            call()
        assert SECRET not in "".join(traceback.format_exception(caught.value))


def test_scrub_redacts_a_whole_exception_chain_in_place() -> None:
    inner = OSError(111, f"refused by http://u:{SECRET}@h/", f"http://h/?sig={SECRET}")
    try:
        try:
            raise inner
        except OSError as exc:
            msg = f"while reading {SIGNED}"
            raise ValueError(msg) from exc
    except ValueError as exc:
        outer = exc
    scrub(outer)
    text = "".join(traceback.format_exception(outer)) + repr(outer.__cause__)
    assert SECRET not in text
    assert inner.filename == "http://h/?sig=***"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _chain(exc: BaseException) -> str:
    """Every text a user may see of ``exc`` and of each exception chained to it."""
    parts = ["".join(traceback.format_exception(exc))]
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        parts += [repr(current), str(current), repr(current.args)]
        pending += [c for c in (current.__cause__, current.__context__) if c is not None]
    return "\n".join(parts)


def test_credentials_in_an_endpoint_never_show_in_an_error_or_its_causes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    endpoint = f"http://AKIA:{SECRET}@127.0.0.1:{_closed_port()}/?X-Amz-Signature={SECRET}&sig=s"
    caplog.set_level(logging.DEBUG)
    store = S3BlobStore(
        "bucket",
        endpoint=endpoint,
        allow_http=True,
        region="us-east-1",
        retry_config={"max_retries": 0},
        credentials={"access_key_id": "AKIA", "secret_access_key": SECRET},
    )
    assert SECRET not in repr(store)
    calls: list[Callable[[], Coroutine[Any, Any, object]]] = [
        lambda: store.get("s3://bucket/k"),
        lambda: store.get("s3://bucket/k", byte_range=(0, 4)),
        lambda: store.head("s3://bucket/k"),
        lambda: store.put("s3://bucket/k", b"x"),
        lambda: store.list("s3://bucket/"),
        lambda: store.delete("s3://bucket/k"),
    ]
    for call in calls:
        with pytest.raises(StorageError) as caught:
            asyncio.run(call())
        assert caught.value.__cause__ is not None  # the backend error stays chained, redacted
        assert SECRET not in _chain(caught.value)
    assert SECRET not in caplog.text


@pytest.mark.slow
def test_inspect_never_prints_endpoint_credentials_even_with_debug() -> None:
    endpoint = f"http://AKIA:{SECRET}@127.0.0.1:{_closed_port()}/?X-Amz-Security-Token={SECRET}"
    env = {"AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": SECRET, "PATH": "/usr/bin:/bin"}
    for debug in ([], ["--debug"]):
        args = [*debug, "inspect", "--endpoint", endpoint, "--allow-http", "--region", "us-east-1"]
        done = subprocess.run(  # noqa: S603 - this interpreter on fixed arguments
            [sys.executable, "-m", "kozmo_io", *args, "s3://bucket/out"],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        assert done.returncode != 0
        assert ("StorageError: get s3://bucket/out/" if debug else "storage error") in done.stderr
        assert SECRET not in done.stdout + done.stderr
