"""Store construction and routing, reference forms, local files, failing backends."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest
from _support import run
from obstore.exceptions import BaseError as ObstoreError

from kozmo_io.conformance import assert_conforms
from kozmo_io.errors import (
    InvalidArgumentError,
    InvalidReferenceError,
    NotFoundError,
    StorageError,
)
from kozmo_io.storage import (
    AzureBlobStore,
    BlobStore,
    GCSBlobStore,
    LocalBlobStore,
    MemoryBlobStore,
    S3BlobStore,
    open_store,
)

T = TypeVar("T")
MiB = 1024 * 1024


# --- open_store -------------------------------------------------------------------------------


def test_open_store_memory_gives_a_new_memory_store() -> None:
    first = open_store("memory://bucket/prefix")
    second = open_store("memory://bucket/prefix")
    assert isinstance(first, MemoryBlobStore)
    run(first.put("memory://bucket/x", b"1"))
    assert not run(second.head("memory://bucket/x")).exists


@pytest.mark.parametrize("ref", ["/output/outputs.pb", "output", "file:///output/outputs.pb", ""])
def test_open_store_local_for_file_and_scheme_less_references(ref: str, tmp_path: Path) -> None:
    store = open_store(ref, root=tmp_path)
    assert isinstance(store, LocalBlobStore)
    assert store.root == str(tmp_path)


def test_open_store_local_defaults_to_the_filesystem_root() -> None:
    store = open_store("/srv/data/x")
    assert isinstance(store, LocalBlobStore)
    assert store.root == "/"


@pytest.mark.parametrize("ref", ["s3://my-bucket/a/b", "s3a://my-bucket", "S3://my-bucket/"])
def test_open_store_s3_serves_the_bucket_of_the_reference(ref: str) -> None:
    store = open_store(ref, region="eu-west-1")
    assert isinstance(store, S3BlobStore)
    assert store.container == "my-bucket"


@pytest.mark.parametrize("ref", ["gs://my-bucket/a/b", "gcs://my-bucket"])
def test_open_store_gcs_serves_the_bucket_of_the_reference(ref: str) -> None:
    store = open_store(ref, retry_config={"max_retries": 0})
    assert isinstance(store, GCSBlobStore)
    assert store.container == "my-bucket"


def test_open_store_abfs_takes_container_and_account_from_the_reference() -> None:
    store = open_store("abfss://data@myaccount.dfs.core.windows.net/runs/1")
    assert isinstance(store, AzureBlobStore)
    assert store.container == "data"
    with pytest.raises(InvalidReferenceError, match="not in this store"):
        run(store.head("abfss://data@otheraccount.dfs.core.windows.net/x"))


@pytest.mark.parametrize("ref", ["az://data/x", "azure://data", "adl://data/y"])
def test_open_store_azure_with_an_account_option(ref: str) -> None:
    store = open_store(ref, account="myaccount", credentials={"account_key": "a2V5"})
    assert isinstance(store, AzureBlobStore)
    assert store.container == "data"


def test_azure_store_without_any_account_is_a_storage_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AZURE_STORAGE_ACCOUNT_NAME", raising=False)
    monkeypatch.delenv("AZURE_STORAGE_ACCOUNT", raising=False)
    with pytest.raises(StorageError) as caught:
        open_store("az://data/x")
    assert isinstance(caught.value.__cause__, ObstoreError)


@pytest.mark.parametrize("ref", ["invalid://x/y", "ftp://host/file", "http://example.com/x"])
def test_open_store_refuses_an_unknown_scheme(ref: str) -> None:
    scheme = ref.partition(":")[0]
    with pytest.raises(InvalidReferenceError, match=rf"invalid value \[{scheme}\]"):
        open_store(ref)


@pytest.mark.parametrize("ref", ["s3://", "gs:///key", "az:///"])
def test_open_store_refuses_a_cloud_reference_without_a_bucket(ref: str) -> None:
    with pytest.raises(InvalidReferenceError, match="names no bucket"):
        open_store(ref)


@pytest.mark.parametrize("ref", ["://x", ":///output", "s3://bucket:abc/x", "s3://a b/x"])
def test_open_store_refuses_a_reference_that_does_not_parse(ref: str) -> None:
    with pytest.raises(InvalidReferenceError):
        open_store(ref)


def test_open_store_refuses_an_option_the_store_does_not_take_naming_it() -> None:
    with pytest.raises(
        InvalidArgumentError, match=r"^MemoryBlobStore does not take the option region \("
    ):
        open_store("memory://x", region="eu-west-1")
    with pytest.raises(InvalidArgumentError, match="options account, retries"):
        open_store("s3://b/x", retries=3, account="a")  # type: ignore[call-arg] # misspelt on purpose


def test_unknown_obstore_setting_is_an_invalid_argument_naming_it() -> None:
    with pytest.raises(InvalidArgumentError, match=r"^config .*: .*'bogus'") as caught:
        S3BlobStore("b", config={"bogus": "1"})
    assert isinstance(caught.value.__cause__, ObstoreError)


SECONDS = dt.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"retry_config": "3"}, "retry_config must be a mapping"),
        ({"retry_config": 3}, "retry_config must be a mapping"),
        ({"retry_config": {"max_retries": "3"}}, r"retry_config\['max_retries'\] must be"),
        ({"retry_config": {"max_retries": -1}}, r"retry_config\['max_retries'\] must be"),
        ({"retry_config": {"max_retry": 3}}, r"retry_config has unknown keys \['max_retry'\]"),
        ({"retry_config": {"retry_timeout": 5}}, r"retry_config\['retry_timeout'\] must be"),
        ({"retry_config": {"backoff": "x"}}, r"retry_config\['backoff'\] must be"),
        (
            {"retry_config": {"backoff": {"init_backoff": 1}}},
            r"retry_config\['backoff'\]\['init_backoff'\] must be",
        ),
        ({"retry_config": {"backoff": {"base": "2"}}}, r"\['base'\] must be a number"),
        ({"client_options": "x"}, "client_options must be a mapping"),
        ({"client_options": {"timeout": object()}}, r"^client_options for s3://b: "),
        ({"client_options": {"bogus": "1"}}, r"^client_options for s3://b: .*bogus"),
        ({"config": ["region"]}, "config must be a mapping"),
        ({"config": {"region": 5}}, r"^config \(or credentials, endpoint, region, account\)"),
        ({"credentials": "secret"}, "credentials must be a mapping"),
        ({"credentials": {"secret_access_key": 5}}, r"credentials\['secret_access_key'\] must"),
        ({"endpoint": 8080}, "endpoint must be a string or None, got int 8080"),
        ({"region": ["us"]}, "region must be a string or None, got list"),
        ({"allow_http": "yes"}, "allow_http must be True or False, got str 'yes'"),
        ({"max_payload_bytes": "2"}, "max_payload_bytes must be None or a non-negative"),
    ],
)
def test_bad_store_options_are_invalid_arguments_naming_the_option(
    options: dict[str, Any], named: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=named):
        S3BlobStore("b", **options)
    with pytest.raises(InvalidArgumentError, match=named):
        open_store("s3://b/x", **options)


def test_good_retry_and_client_options_are_taken() -> None:
    retry = {
        "max_retries": 2,
        "retry_timeout": SECONDS,
        "backoff": {"init_backoff": SECONDS, "max_backoff": SECONDS, "base": 2},
    }
    S3BlobStore("b", retry_config=retry, client_options={"timeout": "5s"})  # type: ignore[arg-type]
    GCSBlobStore("b", retry_config=retry)  # type: ignore[arg-type]
    AzureBlobStore("c", account="a", retry_config=retry)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (lambda: S3BlobStore(5), "the bucket or container must be a non-empty string"),  # type: ignore[arg-type]
        (lambda: GCSBlobStore("b", endpoint=5), "endpoint must be"),  # type: ignore[arg-type]
        (lambda: AzureBlobStore("c", account=5), "account must be"),  # type: ignore[arg-type]
        (lambda: LocalBlobStore(5), "root must be a path"),  # type: ignore[arg-type]
        (lambda: MemoryBlobStore(max_payload_bytes=-1), "max_payload_bytes must be"),
    ],
)
def test_every_store_names_a_bad_option(make: Callable[[], object], named: str) -> None:
    with pytest.raises(InvalidArgumentError, match=named):
        make()


def test_store_reprs_show_no_secrets() -> None:
    store = S3BlobStore(
        "b", credentials={"access_key_id": "AKIDSECRET", "secret_access_key": "VERYSECRET"}
    )
    assert "SECRET" not in repr(store)
    assert "b" in repr(store)


# --- memory store reference forms ------------------------------------------------------------


def test_memory_store_scheme_less_and_memory_references_name_one_object() -> None:
    store = MemoryBlobStore()
    run(store.put("/output/outputs.pb", b"1"))
    assert run(store.get("memory://output/outputs.pb")) == b"1"
    assert run(store.get("output/outputs.pb")) == b"1"


def test_memory_store_lists_in_the_form_of_the_prefix() -> None:
    store = MemoryBlobStore()
    run(store.put("memory://c/a/1", b"1"))
    assert run(store.list("memory://c/a")).items == ("memory://c/a/1",)
    assert run(store.list("/c/a")).items == ("/c/a/1",)
    assert run(store.list("memory:///c/a")).items == ("memory:///c/a/1",)
    assert run(store.get("memory:///c/a/1")) == b"1"


def test_memory_store_listing_a_container_stays_in_it() -> None:
    store = MemoryBlobStore()
    run(store.put("memory://c/x", b"1"))
    run(store.put("memory://cd/y", b"2"))
    assert run(store.list("memory://c")).items == ("memory://c/x",)


def test_memory_store_refuses_other_schemes() -> None:
    store = MemoryBlobStore()
    for ref in ("s3://b/x", "file:///x"):
        with pytest.raises(InvalidReferenceError, match="not in this store"):
            run(store.put(ref, b"1"))


def test_not_found_error_shows_the_reference_redacted() -> None:
    store = MemoryBlobStore()
    with pytest.raises(NotFoundError) as caught:
        run(store.get("memory://KEY:SECRET@bucket/missing"))
    assert caught.value.path == "memory://***@bucket/missing"
    assert "SECRET" not in str(caught.value)


# --- local store -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref", ["/output/outputs.pb", "output/outputs.pb", "file:///output/outputs.pb"]
)
def test_local_store_maps_every_form_under_its_root(ref: str, tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    run(store.put(ref, b"outputs"))
    assert (tmp_path / "output" / "outputs.pb").read_bytes() == b"outputs"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["output", "outputs.pb"]


def test_local_store_reads_files_written_by_others(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "inputs.pb").write_bytes(b"abc")
    store = LocalBlobStore(tmp_path)
    assert run(store.get("/in/inputs.pb")) == b"abc"
    assert run(store.head("file:///in/inputs.pb")).size == 3


def test_local_store_with_the_default_root_uses_absolute_paths(tmp_path: Path) -> None:
    store = LocalBlobStore()
    target = tmp_path / "x" / "y.pb"
    run(store.put(str(target), b"1"))
    assert target.read_bytes() == b"1"
    assert run(store.list(f"file://{tmp_path}/x")).items == (f"file://{target}",)
    assert run(store.list(f"{tmp_path}/x/")).items == (str(target),)


def test_local_store_creates_its_root(tmp_path: Path) -> None:
    root = tmp_path / "a" / "b"
    LocalBlobStore(root)
    assert root.is_dir()


def test_local_store_never_escapes_its_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    store = LocalBlobStore(root)
    for ref in ("/../escaped", "../escaped", "file:///../escaped", "/a/../../escaped", "%2e%2e/e"):
        with pytest.raises(InvalidReferenceError):
            run(store.put(ref, b"1"))
    assert list(tmp_path.iterdir()) == [root]
    assert list(root.iterdir()) == []


def test_local_store_refuses_a_file_reference_with_a_host(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    with pytest.raises(InvalidReferenceError, match="not in this store"):
        run(store.put("file://otherhost/x", b"1"))


def test_local_store_refuses_names_like_its_staging_files(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    with pytest.raises(InvalidReferenceError, match="reserved"):
        run(store.put("/out/x%231", b"1"))
    run(store.put("/out/x%23a", b"1"))
    assert (tmp_path / "out" / "x#a").read_bytes() == b"1"


def test_local_store_treats_a_directory_as_no_object(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    store = LocalBlobStore(tmp_path)
    assert not run(store.head("/dir")).exists
    with pytest.raises(NotFoundError):
        run(store.get("/dir"))


def test_local_store_write_over_a_file_path_is_a_storage_error(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    run(store.put("/a", b"file"))
    with pytest.raises(StorageError) as caught:
        run(store.put("/a/b", b"under a file"))
    assert caught.value.__cause__ is not None


def test_local_store_reads_a_key_below_a_regular_file_as_missing(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    run(store.put("/a", b"file"))
    assert not run(store.head("/a/b")).exists
    with pytest.raises(NotFoundError):
        run(store.get("/a/b"))
    with pytest.raises(NotFoundError):
        run(store.get("/a/b/c", byte_range=(0, 1)))
    with pytest.raises(NotFoundError):
        run(store.delete("/a/b"))


async def _at_once(call: Coroutine[Any, Any, T], fifo: Path) -> T:
    """Await ``call``; if it blocks on ``fifo``, open its other end to release it, and fail."""
    try:
        return await asyncio.wait_for(call, timeout=10)
    except TimeoutError:
        descriptor = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # frees the blocked reader
        os.close(descriptor)
        pytest.fail(f"blocked on the FIFO {fifo}")


@pytest.mark.parametrize(
    "operation", ["head", "get", "ranged get", "blocking get", "blocking ranged get", "delete"]
)
def test_local_store_refuses_a_fifo_at_once_without_blocking(
    tmp_path: Path, operation: str
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    store = LocalBlobStore(tmp_path)
    calls: dict[str, Callable[[], Coroutine[Any, Any, object]]] = {
        "head": lambda: store.head("/fifo"),
        "get": lambda: store.get("/fifo"),
        "ranged get": lambda: store.get("/fifo", byte_range=(0, 10)),
        "blocking get": lambda: asyncio.to_thread(store.get_blocking, "/fifo"),
        "blocking ranged get": lambda: asyncio.to_thread(
            store.get_blocking, "/fifo", byte_range=(0, 10)
        ),
        "delete": lambda: store.delete("/fifo"),
    }
    with pytest.raises(StorageError, match=r"^\w+ /fifo failed: it is a FIFO, not a file$"):
        run(_at_once(calls[operation](), fifo))
    assert fifo.exists()  # not deleted either


def test_local_store_refuses_devices_and_sockets_even_through_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "null").symlink_to("/dev/null")
    (tmp_path / "zero").symlink_to("/dev/zero")
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(tmp_path / "sock"))
        store = LocalBlobStore(tmp_path)
        for name, what in (
            ("null", "a character device"),
            ("zero", "a character device"),
            ("sock", "a socket"),
        ):
            with pytest.raises(StorageError, match=f"it is {what}, not a file"):
                run(store.get(f"/{name}"))
            with pytest.raises(StorageError, match=f"it is {what}, not a file"):
                store.get_blocking(f"/{name}")
            with pytest.raises(StorageError, match=f"it is {what}, not a file"):
                run(store.head(f"/{name}"))
    assert (tmp_path / "null").readlink() == Path("/dev/null")  # the link was not touched


_KILLED_WRITER = """
import asyncio, sys
from kozmo_io.storage import LocalBlobStore
store = LocalBlobStore(sys.argv[1])
data = b"x" * (128 * 1024 * 1024)
print("writing", flush=True)
asyncio.run(store.put("/out/outputs.pb", data))
"""


def test_a_writer_killed_mid_write_leaves_a_hidden_staging_file_a_later_put_removes(
    tmp_path: Path,
) -> None:
    store = LocalBlobStore(tmp_path)
    run(store.put("/out/outputs.pb", b"old"))
    leftover = tmp_path / "out" / "outputs.pb#1"
    writer = subprocess.Popen(  # noqa: S603 - this interpreter on a fixed script
        [sys.executable, "-c", _KILLED_WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline() == "writing\n"
        deadline = time.monotonic() + 60
        while not leftover.exists() and time.monotonic() < deadline:
            time.sleep(0.0005)
        writer.send_signal(signal.SIGKILL)  # mid-write: the staging file exists, not renamed yet
    finally:
        writer.kill()
        writer.wait()
        writer.stdout.close()  # type: ignore[union-attr]
    assert writer.returncode == -signal.SIGKILL
    assert leftover.exists()
    assert leftover.stat().st_size <= 128 * 1024 * 1024  # bounded by what was being written
    # Harmless: the object is intact, the listing does not show the file, nothing can name it.
    assert run(store.get("/out/outputs.pb")) == b"old"
    assert run(store.list("/out/")).items == ("/out/outputs.pb",)
    with pytest.raises(InvalidReferenceError, match="reserved"):
        run(store.get("/out/outputs.pb%231"))
    # A put soon after keeps it (it could be a live write); once it is old, a put removes it.
    run(store.put("/out/outputs.pb", b"new"))
    assert leftover.exists()
    hour_ago = time.time() - 3600
    os.utime(leftover, (hour_ago, hour_ago))
    live = tmp_path / "out" / "outputs.pb#3"  # another writer's file, still changing
    live.write_bytes(b"in progress")
    run(store.put("/out/outputs.pb", b"newer"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["outputs.pb", "outputs.pb#3"]
    assert run(store.get("/out/outputs.pb")) == b"newer"


def test_local_store_listing_a_missing_directory_is_empty(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    assert run(store.list("/no/such/dir/")).items == ()


@pytest.mark.slow
def test_local_writes_are_atomic_for_concurrent_readers(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path, max_payload_bytes=0)
    target = tmp_path / "out" / "outputs.pb"
    size = 8 * MiB
    versions = [bytes([value]) * size for value in range(1, 7)]
    seen: list[tuple[int, int]] = []  # (size, distinct byte values) of every read
    done = threading.Event()

    def read_continuously() -> None:
        while not done.is_set():
            try:
                data = target.read_bytes()
            except FileNotFoundError:
                continue
            seen.append((len(data), len(set(data[:: 64 * 1024]) | set(data[-1:]))))

    reader = threading.Thread(target=read_continuously)
    reader.start()
    try:
        for version in versions:
            run(store.put("/out/outputs.pb", version))
        # On a busy machine the reader thread may not have been scheduled during the writes: let it
        # read at least once (the last version) before stopping it.
        deadline = time.monotonic() + 60
        while not seen and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        done.set()
        reader.join()
    assert seen, "the reader never saw the file"
    assert set(seen) == {(size, 1)}
    assert sorted(p.name for p in target.parent.iterdir()) == ["outputs.pb"]


# --- a store that fails ------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("method", ["head", "get", "put", "list", "delete"])
def test_unreachable_s3_endpoint_raises_storage_error_quickly(method: str) -> None:
    store = S3BlobStore(
        "bucket",
        endpoint=f"http://127.0.0.1:{_closed_port()}",
        allow_http=True,
        region="us-east-1",
        credentials={"access_key_id": "k", "secret_access_key": "s"},
        retry_config={
            "max_retries": 0,
            "retry_timeout": dt.timedelta(seconds=1),
            "backoff": {"init_backoff": dt.timedelta(milliseconds=1)},
        },
    )
    path = "s3://USER:PASSWORD@bucket/out/outputs.pb"

    async def call() -> object:
        if method == "put":
            await store.put(path, b"1")
            return None
        return await getattr(store, method)(path)

    started = time.monotonic()
    with pytest.raises(StorageError) as caught:
        run(call())
    assert time.monotonic() - started < 5
    assert isinstance(caught.value.__cause__, ObstoreError)
    assert isinstance(caught.value, OSError)
    message = str(caught.value)
    assert message.startswith(f"{method} s3://***@bucket/out")
    assert "PASSWORD" not in message


def test_every_store_class_satisfies_the_protocol(tmp_path: Path) -> None:
    stores: list[object] = [
        MemoryBlobStore(),
        LocalBlobStore(tmp_path),
        S3BlobStore("b", region="us-east-1"),
        GCSBlobStore("b"),
        AzureBlobStore("c", account="acct"),
    ]
    for store in stores:
        assert_conforms(store, BlobStore, strict=True)
