"""Network stores against a real HTTP server that lies about sizes, fails or never answers.

A size limit holds whatever size the server declares: a body that runs past its declared length is
stopped within one chunk. A body shorter than declared (cut on the way, or shorter than the range
it names) is refused as a failed GET, never handed over as if it were the whole object: a
truncated protobuf may still decode, so only the store can tell. A failed GET is reported as
that GET, after the store's own retries, and never followed by a HEAD that would spend the retry
budget again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from kozmo_io.errors import PayloadTooLargeError, StorageError
from kozmo_io.ioutils import ReadOnlyOutputFilePaths, RemoteFileOutputReader
from kozmo_io.storage import S3BlobStore
from reliability._scripted_server import ScriptedServer

_RETRIES = 2


def _store(server: ScriptedServer, **options: Any) -> S3BlobStore:
    return S3BlobStore(
        "bucket",
        endpoint=server.endpoint,
        allow_http=True,
        region="us-east-1",
        credentials={"access_key_id": "key", "secret_access_key": "secret"},
        retry_config={
            "max_retries": _RETRIES,
            "backoff": {
                "init_backoff": dt.timedelta(milliseconds=1),
                "max_backoff": dt.timedelta(milliseconds=5),
            },
            "retry_timeout": dt.timedelta(seconds=60),
        },
        **options,
    )


@pytest.mark.parametrize(
    "read",
    [
        pytest.param({}, id="limited"),
        pytest.param({"max_bytes": 100}, id="small-limit"),
        pytest.param({"byte_range": (0, 10)}, id="ranged"),
    ],
)
def test_a_body_longer_than_declared_is_cut_off_within_a_chunk(read: dict[str, Any]) -> None:
    with ScriptedServer("long-body", declared=10) as server:
        store = _store(server)
        with pytest.raises(StorageError) as info:
            asyncio.run(store.get("s3://bucket/out/outputs.pb", **read))
        sent = server.body_bytes_sent
    message = str(info.value)
    assert message.startswith("get s3://bucket/out/outputs.pb failed:"), message
    assert "runs past the 10 bytes it declares" in message
    # The server writes until the client stops reading: 64 MiB if nobody stopped. What it got out
    # is the chunk the client read plus what the sockets' buffers took.
    assert sent < 16 << 20, sent
    assert server.requests == {"GET": 1}


_SHORT_READS = [
    pytest.param("cut-body", {}, {}, id="cut-limited"),
    pytest.param("cut-body", {"max_bytes": None}, {}, id="cut-store-limit"),
    pytest.param("cut-body", {"byte_range": (0, 3000)}, {}, id="cut-ranged"),
    pytest.param("cut-body", {}, {"max_payload_bytes": None}, id="cut-unlimited"),
    pytest.param(
        "cut-body",
        {"byte_range": (0, 3000)},
        {"max_payload_bytes": None},
        id="cut-ranged-unlimited",
    ),
    # A range shorter than it names needs a ranged request: a limited read (its probe) or a range.
    pytest.param("short-range", {}, {}, id="short-limited"),
    pytest.param("short-range", {"max_bytes": 5000}, {}, id="short-given-limit"),
    pytest.param("short-range", {"byte_range": (0, 3000)}, {}, id="short-ranged"),
    pytest.param(
        "short-range",
        {"byte_range": (0, 3000)},
        {"max_payload_bytes": None},
        id="short-ranged-unlimited",
    ),
]


@pytest.mark.parametrize(("behaviour", "read", "options"), _SHORT_READS)
def test_a_body_shorter_than_declared_is_refused(
    behaviour: str, read: dict[str, Any], options: dict[str, Any]
) -> None:
    # 3,000 bytes declared, 1,000 sent: within the probe, so one response holds the whole read.
    with ScriptedServer(behaviour, declared=3000, body_limit=1000) as server:
        store = _store(server, **options)
        with pytest.raises(StorageError) as info:
            asyncio.run(store.get("s3://bucket/out/outputs.pb", **read))
    message = str(info.value)
    assert message.startswith("get s3://bucket/out/outputs.pb failed:"), message
    # Cut on the way: the HTTP client finds fewer bytes than the Content-Length before the
    # connection closed. Shorter than the range it names: the store counts what it received.
    expected = {
        "cut-body": "response body error",
        "short-range": "ended after 1000 of the 3000 bytes it declares",
    }[behaviour]
    assert expected in message, message


def test_a_declared_size_over_the_limit_is_refused_before_the_body() -> None:
    with ScriptedServer("long-body", declared=5000) as server:
        store = _store(server, max_payload_bytes=1000)
        with pytest.raises(PayloadTooLargeError) as info:
            asyncio.run(store.get("s3://bucket/out/outputs.pb"))
    assert (info.value.size, info.value.limit) == (5000, 1000)
    assert server.requests == {"GET": 1}


@pytest.mark.parametrize(
    "read",
    [
        pytest.param({}, id="limited"),
        pytest.param({"max_bytes": None}, id="store-limit"),
        pytest.param({"byte_range": (5, 10)}, id="ranged"),
    ],
)
def test_a_failing_get_spends_the_retry_budget_once_and_names_the_get(
    read: dict[str, Any],
) -> None:
    with ScriptedServer("status-500") as server:
        store = _store(server)
        with pytest.raises(StorageError) as info:
            asyncio.run(store.get("s3://bucket/out/outputs.pb", **read))
    message = str(info.value)
    assert message.startswith("get s3://bucket/out/outputs.pb failed:"), message
    assert "GET" in message
    assert "500" in message
    assert server.requests == {"GET": 1 + _RETRIES}


def test_a_failing_unlimited_get_spends_the_retry_budget_once() -> None:
    with ScriptedServer("status-500") as server:
        store = _store(server, max_payload_bytes=None)
        with pytest.raises(StorageError):
            asyncio.run(store.get("s3://bucket/out/outputs.pb"))
    assert server.requests == {"GET": 1 + _RETRIES}


def test_the_engine_sequence_against_a_failing_server_makes_one_get_per_question() -> None:
    with ScriptedServer("status-500") as server:
        reader = RemoteFileOutputReader(_store(server), ReadOnlyOutputFilePaths("s3://bucket/out"))
        with pytest.raises(StorageError) as info:
            asyncio.run(reader.exists())
    assert "outputs" in str(info.value)
    assert "GET" in str(info.value)
    assert server.requests == {"GET": 1 + _RETRIES}


def test_a_get_the_server_never_answers_times_out_once_per_attempt() -> None:
    with ScriptedServer("silent") as server:
        store = _store(server, client_options={"timeout": dt.timedelta(milliseconds=300)})
        with pytest.raises(StorageError) as info:
            asyncio.run(store.get("s3://bucket/out/outputs.pb"))
        requests = dict(server.requests)
    message = str(info.value)
    assert message.startswith("get s3://bucket/out/outputs.pb failed:"), message
    assert requests == {"GET": 1 + _RETRIES}
