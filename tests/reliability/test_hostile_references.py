"""Hostile references: traversal, scheme-in-key, control characters, very long keys, credentials.

Joins, stores, readers and writers refuse references that would escape or replace their base with
InvalidReferenceError; nothing lands outside a local store's root; very long keys work or raise a
declared error; and a secret in a URI's userinfo never shows in an exception (message, repr, cause
chain), a repr, or anything printed or logged.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest
from _support import AzureServer, S3Server, runner

from kozmo_io import core
from kozmo_io.errors import (
    CorruptDataError,
    InvalidReferenceError,
    KozmoIOError,
    NotFoundError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.ioutils import (
    InMemoryOutputReader,
    ReadOnlyOutputFilePaths,
    RemoteFileOutputReader,
    RemoteFileOutputWriter,
)
from kozmo_io.reference import DataReference, construct_reference
from kozmo_io.storage import AzureBlobStore, BlobStore, LocalBlobStore, S3BlobStore, open_store
from reliability._tally import TALLY
from reliability._workload import make_outputs, output_paths

TRAVERSAL_KEYS = [
    "..",
    "../x",
    "a/../../b",
    "a/..",
    "%2e%2e",
    "%2E%2E/x",
    "..%2f..",
    "..%2F..%2Fetc",
    "a/%2e%2e/b",
    ".%2e",
    "%2e",
]
SCHEME_KEYS = ["a:b", "http://evil/x", "s3://other/x", "file:///etc/passwd", "c:x", "javascript:x"]
CONTROL_KEYS = ["\x00", "a\x00b", "a\nb", "a\rb", "\t", "\x1b[31m", "\x7f", "a/\x00/b"]

HOSTILE_KEYS = TRAVERSAL_KEYS + SCHEME_KEYS + CONTROL_KEYS
BASES = ["s3://bucket/prefix", "/local/prefix", "memory://bucket/prefix", "gs://bucket/p/"]

# Paths (not keys) handed straight to stores, relative to the store's root reference.
HOSTILE_PATHS = [
    "/a/../../x",
    "/..",
    "/a/%2e%2e/%2e%2e/x",
    "/a%2F..%2F..%2Fx",
    "/a/./b",
    "/a//b",
    "/a\x00b",
    "/a\nb",
    "/a?b=c/../../x",
]


# Each run is a fuzz case.
run = runner(count=TALLY.count_fuzz_case)


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_join_refuses_keys_that_escape_or_replace_the_base(base: str, key: str) -> None:
    TALLY.fuzz_cases += 1
    with pytest.raises(InvalidReferenceError):
        construct_reference(base, key)


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_stores_refuse_hostile_paths_for_every_operation(
    store: BlobStore, store_root: str, path: str
) -> None:
    reference = f"{store_root}{path}"

    async def each_operation() -> None:
        for operation in (
            lambda: store.put(reference, b"x"),
            lambda: store.get(reference),
            lambda: store.head(reference),
            lambda: store.delete(reference),
        ):
            with pytest.raises(InvalidReferenceError):
                await operation()

    run(each_operation)


async def write_and_read_back(store: BlobStore, prefix: str) -> bool:
    """Write outputs under ``prefix`` and read them back; False when the prefix is refused.

    A prefix is a base, not a key: like the engine, the join resolves its ``.`` and ``..`` segments
    (``/a/../../x`` gives ``/x/outputs.pb``) and the store refuses what is left hostile.
    """
    written = make_outputs("hostile", 64)
    try:
        paths = output_paths(prefix)
        await RemoteFileOutputWriter(store, paths).put(InMemoryOutputReader(literals=written))
    except InvalidReferenceError:
        return False
    outputs, _ = await RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(prefix)).read()
    assert outputs == written
    assert core.LiteralMap.FromString(await store.get(paths.get_output_path())) == written
    return True


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_writers_and_readers_refuse_hostile_prefixes_or_stay_in_the_store(
    store: BlobStore, store_root: str, path: str
) -> None:
    refused = not run(lambda: write_and_read_back(store, f"{store_root}{path}"))
    encoded_or_control = "%" in path or "\x00" in path or "\n" in path or "//" in path
    assert refused or not encoded_or_control


def test_nothing_lands_outside_the_local_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    store = LocalBlobStore(root)
    paths = [*HOSTILE_PATHS, "file:///../x", "../x", "x/../../../y", "/a/%2e%2e/../z"]

    async def attempt_all() -> None:
        for path in paths:
            for key in ("", "outputs.pb"):
                reference = f"{path}/{key}" if key else path
                with pytest.raises(InvalidReferenceError):
                    await store.put(reference, b"escaped")

    run(attempt_all)
    for path in paths:
        run(lambda path=path: write_and_read_back(store, path))  # type: ignore[misc]
    outside = [p for p in tmp_path.rglob("*") if not p.is_relative_to(root) and p != root]
    assert outside == []


@pytest.mark.parametrize(
    "key", ["k" * 255, "k" * 256, "k" * 5000, "/".join(["d"] * 600), "é" * 400]
)
def test_very_long_keys_are_stored_whole_or_refused_with_a_declared_error(
    store: BlobStore, store_root: str, key: str
) -> None:
    reference = construct_reference(f"{store_root}/long", key)

    async def put_then_get() -> bytes:
        await store.put(reference, b"long")
        return await store.get(reference)

    with contextlib.suppress(InvalidReferenceError, StorageError):
        assert run(put_then_get) == b"long"


# Credentials ------------------------------------------------------------------------------------

SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCY-EXAMPLEKEY"  # noqa: S105 - a made-up secret to look for
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"


def shown(exc: BaseException) -> str:
    """Everything a user may see of ``exc``: its traceback with the whole cause chain, and reprs."""
    parts = ["".join(traceback.format_exception(exc))]
    seen: BaseException | None = exc
    while seen is not None:
        parts += [repr(seen), str(seen), repr(seen.args)]
        seen = seen.__cause__ or seen.__context__
    return "\n".join(parts)


def capture(call: Callable[[], object]) -> KozmoIOError:
    try:
        call()
    except KozmoIOError as exc:
        return exc
    msg = "expected a KozmoIOError"
    raise AssertionError(msg)


def with_userinfo(reference: str) -> str:
    scheme, _, rest = reference.partition("://")
    return f"{scheme}://{ACCESS_KEY}:{SECRET}@{rest}"


def test_references_with_credentials_never_show_the_secret() -> None:
    reference = DataReference(with_userinfo("s3://bucket/out/outputs.pb"))
    assert SECRET not in repr(reference)
    assert SECRET not in repr(ReadOnlyOutputFilePaths(reference))
    assert SECRET not in repr(reference.split())
    failures = [
        capture(lambda: construct_reference(reference, "../x")),
        capture(lambda: construct_reference(reference, "a:b")),
        capture(lambda: open_store(with_userinfo("ftp://host/x"))),
        capture(lambda: open_store(with_userinfo("s3:///x"))),
        capture(lambda: run(lambda: LocalBlobStore("/").get(reference))),
        capture(lambda: DataReference(with_userinfo("s3://bucket/a%zz")).split()),
    ]
    TALLY.fuzz_cases += len(failures)
    for failure in failures:
        assert SECRET not in shown(failure)
        assert ACCESS_KEY not in shown(failure)


@pytest.mark.s3
def test_reading_through_a_reference_with_credentials_never_shows_the_secret(
    s3_server: S3Server,
    s3_bucket: str,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    credentials = {"access_key_id": ACCESS_KEY, "secret_access_key": SECRET}
    store = S3BlobStore(s3_bucket, **s3_server.options(credentials=credentials))
    assert SECRET not in repr(store)
    assert SECRET not in str(store)
    prefix = with_userinfo(f"s3://{s3_bucket}/out")
    paths = ReadOnlyOutputFilePaths(prefix)

    async def read(limit: int | None = None) -> object:
        return await RemoteFileOutputReader(store, paths, max_payload_bytes=limit).read()

    missing = capture(lambda: run(read))
    run(lambda: store.put(paths.get_output_path(), b"\xff\xff\xff"))
    corrupt = capture(lambda: run(read))
    run(lambda: store.put(paths.get_output_path(), make_outputs("x", 256).SerializeToString()))
    too_large = capture(lambda: run(lambda: read(16)))
    unreachable = S3BlobStore(
        s3_bucket,
        **s3_server.options(
            endpoint="http://127.0.0.1:9", credentials=credentials, retry_config={"max_retries": 0}
        ),
    )
    offline = capture(lambda: run(lambda: unreachable.get(paths.get_output_path())))

    assert isinstance(missing, NotFoundError)
    assert isinstance(corrupt, CorruptDataError)
    assert isinstance(too_large, PayloadTooLargeError)
    assert isinstance(offline, StorageError)
    for failure in (missing, corrupt, too_large, offline):
        assert SECRET not in shown(failure)
        assert ACCESS_KEY not in shown(failure)
    outputs, _ = run(lambda: RemoteFileOutputReader(store, paths).read())
    assert isinstance(outputs, core.LiteralMap)
    printed = capsys.readouterr()
    assert SECRET not in printed.out + printed.err
    assert SECRET not in caplog.text


@pytest.mark.azure
def test_reading_azure_through_a_reference_with_credentials_never_shows_a_secret(
    azure_server: AzureServer,
    azure_container: str,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = AzureBlobStore(
        azure_container, **azure_server.options(credentials={"account_key": azure_server.key})
    )
    assert azure_server.key not in repr(store)
    prefix = with_userinfo(f"az://{azure_container}/out")
    paths = ReadOnlyOutputFilePaths(prefix)

    async def read(limit: int | None = None) -> object:
        return await RemoteFileOutputReader(store, paths, max_payload_bytes=limit).read()

    missing = capture(lambda: run(read))
    run(lambda: store.put(paths.get_output_path(), b"\xff\xff\xff"))
    corrupt = capture(lambda: run(read))
    run(lambda: store.put(paths.get_output_path(), make_outputs("x", 256).SerializeToString()))
    too_large = capture(lambda: run(lambda: read(16)))
    unreachable = AzureBlobStore(
        azure_container,
        **azure_server.options(
            endpoint=f"http://127.0.0.1:9/{azure_server.account}",
            credentials={"account_key": azure_server.key},
            retry_config={"max_retries": 0},
        ),
    )
    offline = capture(lambda: run(lambda: unreachable.get(paths.get_output_path())))

    assert isinstance(missing, NotFoundError)
    assert isinstance(corrupt, CorruptDataError)
    assert isinstance(too_large, PayloadTooLargeError)
    assert isinstance(offline, StorageError)
    for failure in (missing, corrupt, too_large, offline):
        for secret in (SECRET, ACCESS_KEY, azure_server.key):
            assert secret not in shown(failure)
    outputs, _ = run(lambda: RemoteFileOutputReader(store, paths).read())
    assert isinstance(outputs, core.LiteralMap)
    printed = capsys.readouterr()
    assert SECRET not in printed.out + printed.err
    assert azure_server.key not in printed.out + printed.err + caplog.text
