"""FsspecBlobStore on fsspec's real memory, local and dir filesystems.

The BlobStore behaviour is :func:`kozmo_io.testing.check_blob_store`'s, run on each filesystem with
three read limits; what stays here is the store's own: which filesystem calls it makes (a refused
read makes no ``cat_file``), staging and renaming, schemes and ``protocol_prefix``, and how
filesystem failures are translated.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, final
from urllib.parse import quote

import attrs
import pytest
from _support import run
from fsspec import AbstractFileSystem
from fsspec.asyn import AsyncFileSystem
from fsspec.implementations.dirfs import DirFileSystem
from fsspec.implementations.local import LocalFileSystem
from fsspec.implementations.memory import MemoryFileSystem
from fsspec.implementations.webhdfs import WebHDFS
from google.protobuf.wrappers_pb2 import Int64Value
from hypothesis import given
from hypothesis import strategies as st

from kozmo_io import conformance, core
from kozmo_io.conformance import Verdict
from kozmo_io.errors import (
    InvalidArgumentError,
    InvalidReferenceError,
    NotFoundError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils.in_memory_output_reader import InMemoryOutputReader
from kozmo_io.ioutils.output_file_paths import CheckpointRemoteFilePaths
from kozmo_io.ioutils.raw_output_paths import PrecomputedRawOutputPaths
from kozmo_io.ioutils.remote_file_output_reader import RemoteFileOutputReader
from kozmo_io.ioutils.remote_file_output_writer import RemoteFileOutputWriter
from kozmo_io.reference import DataReference
from kozmo_io.storage import (
    DEFAULT_MAX_PAYLOAD_BYTES,
    BlobStore,
    ObjectMeta,
    read_message,
    write_message,
)
from kozmo_io.storage.fsspec_store import FsspecBlobStore
from kozmo_io.testing import check_blob_store
from kozmo_io.testing._stores import HOSTILE_KEYS

MiB = 1024 * 1024


class _Recording(AbstractFileSystem):
    """Records every filesystem method the store calls (and those they call in turn)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[str] = []

    def info(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.calls.append("info")
        return super().info(*args, **kwargs)

    def isdir(self, *args: Any, **kwargs: Any) -> bool:
        self.calls.append("isdir")
        return super().isdir(*args, **kwargs)

    def cat_file(self, *args: Any, **kwargs: Any) -> bytes:
        self.calls.append("cat_file")
        return super().cat_file(*args, **kwargs)

    def pipe_file(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append("pipe_file")
        super().pipe_file(*args, **kwargs)

    def mv(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append("mv")
        super().mv(*args, **kwargs)

    def rm_file(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append("rm_file")
        super().rm_file(*args, **kwargs)

    def find(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append("find")
        return super().find(*args, **kwargs)

    def makedirs(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append("makedirs")
        super().makedirs(*args, **kwargs)

    def open(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append("open")
        return super().open(*args, **kwargs)


class _RecordingMemory(_Recording, MemoryFileSystem):
    """fsspec's MemoryFileSystem with a store of its own (the class-level one is process-wide)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.store = {}
        self.pseudo_dirs = [""]


class _RecordingLocal(_Recording, LocalFileSystem):
    pass


def _memory(cls: type[_RecordingMemory] = _RecordingMemory) -> _RecordingMemory:
    return cls(skip_instance_cache=True)


@final
@attrs.frozen
class FsCase:
    """One filesystem the behavioural tests run on.

    Args:
        kind: ``memory``, ``local`` (``file://`` references), ``plain`` (scheme-less references on
            the local filesystem) or ``dir`` (``DirFileSystem`` rooted at a directory).
        root: Reference prefix of the test's objects (no trailing ``/``).
        fs: The filesystem handed to the store.
        recorder: The recording filesystem underneath (``fs`` itself, or the one ``dir`` wraps).
        directory: The path of ``root`` in ``fs``.
        protocol_prefix: Passed to the store.
    """

    kind: str
    root: str
    fs: AbstractFileSystem
    recorder: _Recording
    directory: str
    protocol_prefix: str | None = None

    def make(self, **options: Any) -> FsspecBlobStore:
        return FsspecBlobStore(self.fs, protocol_prefix=self.protocol_prefix, **options)

    def fs_path(self, key: str) -> str:
        """Return the path in ``fs`` of the reference ``f"{root}/{key}"``."""
        return f"{self.directory}/{key}" if self.directory else key


@pytest.fixture(params=["memory", "local", "plain", "dir"])
def case(request: pytest.FixtureRequest, tmp_path: Path) -> FsCase:
    kind: str = request.param
    if kind == "memory":
        memory = _memory()
        return FsCase(kind, "memory://bucket", memory, memory, "/bucket")
    local = _RecordingLocal(skip_instance_cache=True)
    directory = (tmp_path / "root").as_posix()  # created by the first put
    if kind == "local":
        return FsCase(kind, f"file://{directory}", local, local, directory)
    if kind == "plain":
        return FsCase(kind, directory, local, local, directory)
    return FsCase(kind, "file://", DirFileSystem(path=directory, fs=local), local, "", "file")


@pytest.fixture
def store(case: FsCase) -> FsspecBlobStore:
    return case.make()


@pytest.fixture
def root(case: FsCase) -> str:
    return case.root


def _put_all(store: BlobStore, root: str, keys: list[str]) -> None:
    async def put_all() -> None:
        for key in keys:
            await store.put(f"{root}/{key}", key.encode())

    run(put_all())


# --- the protocol ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [{}, {"max_payload_bytes": 4}, {"max_payload_bytes": 0}],
    ids=["default-limit", "limit-4", "no-limit"],
)
def test_every_filesystem_passes_the_store_kit(case: FsCase, options: dict[str, Any]) -> None:
    report = check_blob_store(lambda: case.make(**options), root=case.root)
    assert report.verdict is Verdict.CONFORMS, str(report)
    assert conformance.check(FsspecBlobStore, BlobStore).ok  # the class too, not only instances


# --- head --------------------------------------------------------------------------------------


def test_head_of_missing_object_says_it_does_not_exist(
    store: FsspecBlobStore, root: str, case: FsCase
) -> None:
    assert run(store.head(f"{root}/hello")) == ObjectMeta(f"{root}/hello", exists=False)
    assert case.recorder.calls == ["info"]


def test_head_passes_on_the_etag_a_filesystem_reports() -> None:
    class _Tagged(_RecordingMemory):
        def info(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
            return {**super().info(*args, **kwargs), "ETag": '"abc"'}

    store = FsspecBlobStore(_memory(_Tagged))
    run(store.put("memory://b/k", b"1"))
    assert run(store.head("memory://b/k")).etag == '"abc"'


# --- get / put ---------------------------------------------------------------------------------


def test_get_of_missing_object_raises_not_found(store: FsspecBlobStore, root: str) -> None:
    with pytest.raises(NotFoundError) as caught:
        run(store.get(f"{root}/hello"))
    assert caught.value.path == f"{root}/hello"
    assert isinstance(caught.value.__cause__, FileNotFoundError)


def test_get_of_zero_byte_object_reads_nothing(
    store: FsspecBlobStore, root: str, case: FsCase
) -> None:
    run(store.put(f"{root}/empty", b""))
    case.recorder.calls.clear()
    assert run(store.get(f"{root}/empty")) == b""
    assert "cat_file" not in case.recorder.calls


def test_get_one_byte_over_the_limit_is_refused_without_reading(
    store: FsspecBlobStore, root: str, case: FsCase
) -> None:
    run(store.put(f"{root}/x", b"0123456789"))
    case.recorder.calls.clear()
    with pytest.raises(PayloadTooLargeError) as caught:
        run(store.get(f"{root}/x", max_bytes=9))
    assert (caught.value.path, caught.value.size, caught.value.limit) == (f"{root}/x", 10, 9)
    assert case.recorder.calls == ["info"]


def test_default_limit_refuses_two_mib_plus_one_byte_without_reading(
    store: FsspecBlobStore, root: str, case: FsCase
) -> None:
    run(store.put(f"{root}/big", b"\0" * (2 * MiB + 1)))
    case.recorder.calls.clear()
    with pytest.raises(PayloadTooLargeError) as caught:
        run(store.get(f"{root}/big"))
    assert (caught.value.size, caught.value.limit) == (2 * MiB + 1, DEFAULT_MAX_PAYLOAD_BYTES)
    assert case.recorder.calls == ["info"]
    assert len(run(store.get(f"{root}/big", max_bytes=2 * MiB + 1))) == 2 * MiB + 1
    assert "cat_file" in case.recorder.calls


def test_object_grown_after_the_size_check_is_still_refused() -> None:
    class _Growing(_RecordingMemory):
        def cat_file(self, *args: Any, **kwargs: Any) -> bytes:
            return super().cat_file(*args, **kwargs) * 2

    store = FsspecBlobStore(_memory(_Growing), max_payload_bytes=6)
    run(store.put("memory://b/k", b"1234"))
    with pytest.raises(PayloadTooLargeError) as caught:
        run(store.get("memory://b/k"))
    assert (caught.value.size, caught.value.limit) == (8, 6)


class _Replacing(_RecordingLocal):
    """A disk whose object is replaced by a larger one right after the store checks its size."""

    replacement: bytes | None = None
    returned: list[int] = []  # noqa: RUF012 - set per instance below

    def info(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        found = super().info(*args, **kwargs)
        if self.replacement is not None:
            Path(args[0]).write_bytes(self.replacement)
            self.replacement = None
        return found

    def cat_file(self, *args: Any, **kwargs: Any) -> bytes:
        data = super().cat_file(*args, **kwargs)
        self.returned.append(len(data))
        return data


@pytest.mark.parametrize("byte_range", [None, (0, 10**9), (5, 10**9)])
def test_object_replaced_after_the_size_check_is_refused_holding_at_most_limit_plus_one(
    tmp_path: Path, byte_range: tuple[int, int] | None
) -> None:
    fs = _Replacing(skip_instance_cache=True)
    fs.returned = []
    store = FsspecBlobStore(fs, max_payload_bytes=1000)
    reference = f"{tmp_path.as_posix()}/k"
    run(store.put(reference, b"0123456789"))
    fs.replacement = b"x" * (10 * MiB)
    with pytest.raises(PayloadTooLargeError) as caught:
        run(store.get(reference, byte_range=byte_range))
    assert (caught.value.size, caught.value.limit) == (1001, 1000)
    assert fs.returned == [1001]  # never more than limit + 1 bytes held


@pytest.mark.parametrize("limit", [-1, True, 1.5])
def test_store_rejects_a_bad_payload_limit_option(case: FsCase, limit: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="max_payload_bytes"):
        case.make(max_payload_bytes=limit)


# --- byte ranges -------------------------------------------------------------------------------


def test_get_byte_range_reads_only_the_range(
    store: FsspecBlobStore, root: str, case: FsCase
) -> None:
    run(store.put(f"{root}/big", b"\3" * (3 * MiB)))
    case.recorder.calls.clear()
    assert run(store.get(f"{root}/big", byte_range=(MiB, MiB + 100))) == b"\3" * 100
    assert case.recorder.calls.count("cat_file") == 1
    with pytest.raises(PayloadTooLargeError) as caught:
        run(store.get(f"{root}/big", byte_range=(0, 10), max_bytes=9))
    assert (caught.value.size, caught.value.limit) == (10, 9)


# --- put ---------------------------------------------------------------------------------------


def test_put_creates_missing_parent_directories_of_a_local_filesystem(
    tmp_path: Path,
) -> None:
    store = FsspecBlobStore(LocalFileSystem(auto_mkdir=False))
    run(store.put(f"file://{tmp_path.as_posix()}/a/b/c.pb", b"deep"))
    assert (tmp_path / "a" / "b" / "c.pb").read_bytes() == b"deep"


def test_put_stages_and_renames_on_disk_only(
    store: FsspecBlobStore, root: str, case: FsCase
) -> None:
    run(store.put(f"{root}/d/x", b"1"))
    case.recorder.calls.clear()
    run(store.put(f"{root}/d/x", b"2"))
    assert case.recorder.calls.count("pipe_file") == 1
    assert case.recorder.calls.count("mv") == (0 if case.kind == "memory" else 1)
    assert "makedirs" not in case.recorder.calls
    assert case.fs.find(case.fs_path("d")) == [case.fs_path("d/x")]


def test_put_onto_a_directory_is_refused_and_keeps_it(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "inside").write_bytes(b"keep")
    store = FsspecBlobStore(LocalFileSystem())
    with pytest.raises(StorageError, match="put") as caught:
        run(store.put(f"{tmp_path.as_posix()}/d", b"x"))
    assert isinstance(caught.value.__cause__, IsADirectoryError)
    assert sorted(path.name for path in (tmp_path / "d").iterdir()) == ["inside"]


def test_concurrent_puts_leave_one_whole_object(store: FsspecBlobStore, root: str) -> None:
    payloads = [bytes([n]) * (256 * 1024) for n in range(16)]

    async def scenario() -> tuple[set[bytes], bytes]:
        seen: set[bytes] = set()

        async def read() -> None:
            with contextlib.suppress(NotFoundError):  # a read before the first put lands
                seen.add(await store.get(f"{root}/hot"))

        await asyncio.gather(
            *(store.put(f"{root}/hot", data) for data in payloads), *(read() for _ in range(16))
        )
        return seen, await store.get(f"{root}/hot")

    seen, final_bytes = run(scenario())
    assert final_bytes in payloads
    assert seen <= set(payloads)
    assert run(store.list(f"{root}/")).items == (f"{root}/hot",)


# --- list --------------------------------------------------------------------------------------


def test_list_of_the_whole_root(store: FsspecBlobStore, root: str) -> None:
    _put_all(store, root, ["z", "a/1", "m/n/o"])
    page = run(store.list(root))
    assert page.items == tuple(f"{root}/{key}" for key in ["a/1", "m/n/o", "z"])


def test_list_is_one_find(store: FsspecBlobStore, root: str, case: FsCase) -> None:
    _put_all(store, root, ["a/1", "a/2"])
    case.recorder.calls.clear()
    run(store.list(f"{root}/a", max_items=1))
    assert case.recorder.calls.count("find") == 1


def test_listing_hides_and_references_refuse_staging_names(
    store: FsspecBlobStore, root: str, case: FsCase
) -> None:
    staging = ".kozmo-staging-" + "0" * 32
    run(store.put(f"{root}/s/x", b"1"))
    # What a writer killed between its two steps leaves behind.
    case.fs.pipe_file(case.fs_path(f"s/{staging}"), b"partial")
    assert run(store.list(f"{root}/s/")).items == (f"{root}/s/x",)
    with pytest.raises(InvalidReferenceError, match="reserved"):
        run(store.get(f"{root}/s/{staging}"))


def test_list_rejects_a_cursor_that_is_not_a_string(store: FsspecBlobStore, root: str) -> None:
    bad: Any = 3
    with pytest.raises(InvalidArgumentError, match="cursor"):
        run(store.list(f"{root}/a", cursor=bad))


_SEGMENT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="/"),
    min_size=1,
    max_size=20,  # a file name holds at most 255 bytes
).filter(lambda segment: segment not in {".", ".."} and "kozmo-staging" not in segment)
# A key that is also the directory of another key cannot exist on a filesystem.
_KEYS = st.lists(st.lists(_SEGMENT, min_size=1, max_size=3).map("/".join), max_size=5).map(
    lambda keys: [key for key in keys if not any(other.startswith(key + "/") for other in keys)]
)


def _round_trip(store: FsspecBlobStore, root: str, keys: list[str]) -> None:
    references = {f"{root}/{quote(key, safe='/')}": key for key in keys}

    async def scenario() -> None:
        for reference, key in references.items():
            await store.put(reference, key.encode())
        page = await store.list(root)
        assert sorted(DataReference(item).split()[2] for item in page.items) == sorted(set(keys))
        for item in page.items:
            assert (await store.get(item)).decode() == DataReference(item).split()[2]

    run(scenario())


@given(keys=_KEYS)
def test_any_key_round_trips_through_put_list_and_get_in_memory(keys: list[str]) -> None:
    _round_trip(FsspecBlobStore(_memory()), "memory://b", keys)


@given(keys=_KEYS)
def test_any_key_round_trips_through_put_list_and_get_on_disk(keys: list[str]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        fs = DirFileSystem(path=directory, fs=LocalFileSystem())
        _round_trip(FsspecBlobStore(fs, protocol_prefix="file"), "file://", keys)


# --- references the store must refuse ----------------------------------------------------------


@pytest.mark.parametrize("key", HOSTILE_KEYS)
@pytest.mark.parametrize("method", ["head", "get", "put", "delete", "list"])
def test_hostile_references_are_refused_before_any_filesystem_call(
    store: FsspecBlobStore, root: str, case: FsCase, key: str, method: str
) -> None:
    path = f"{root}/{key}"

    async def call() -> object:
        if method == "put":
            await store.put(path, b"x")
            return None
        return await getattr(store, method)(path)

    with pytest.raises(InvalidReferenceError):
        run(call())
    assert case.recorder.calls == []


def test_references_without_an_object_key_are_refused() -> None:
    store = FsspecBlobStore(_memory())
    for path in ["memory://bucket", "memory://bucket/", "/", "memory://"]:
        with pytest.raises(InvalidReferenceError, match="no object key"):
            run(store.get(path))
        with pytest.raises(InvalidReferenceError, match="no object key"):
            run(store.put(path, b"x"))


@pytest.mark.parametrize(
    "foreign",
    [
        "gs://elsewhere/x",
        "s3://bucket/x",
        "abfs://c@acct.dfs.core.windows.net/x",
        "https://example.com/x",
    ],
)
def test_references_of_another_scheme_are_refused(
    store: FsspecBlobStore, case: FsCase, foreign: str
) -> None:
    with pytest.raises(InvalidReferenceError, match="not in this store"):
        run(store.get(foreign))
    with pytest.raises(InvalidReferenceError, match="not in this store"):
        run(store.put(foreign, b"x"))
    assert case.recorder.calls == []


def test_memory_store_refuses_file_references_and_local_store_memory_ones(
    tmp_path: Path,
) -> None:
    with pytest.raises(InvalidReferenceError, match="not in this store"):
        run(FsspecBlobStore(_memory()).head("file:///x"))
    with pytest.raises(InvalidReferenceError, match="not in this store"):
        run(FsspecBlobStore(LocalFileSystem()).head(f"memory://{tmp_path.as_posix()}/x"))


def test_file_reference_with_a_host_is_refused() -> None:
    with pytest.raises(InvalidReferenceError, match="not in this store"):
        run(FsspecBlobStore(LocalFileSystem()).head("file://server/share/x"))


def test_non_string_reference_is_refused(store: FsspecBlobStore) -> None:
    bad: Any = b"/x"
    with pytest.raises(InvalidReferenceError, match="must be a string"):
        run(store.head(bad))


def test_memory_store_takes_scheme_less_references_for_the_same_objects() -> None:
    store = FsspecBlobStore(_memory())
    run(store.put("memory://bucket/k", b"1"))
    assert run(store.get("/bucket/k")) == b"1"
    assert run(store.list("/bucket/")).items == ("/bucket/k",)


# --- protocol_prefix ---------------------------------------------------------------------------


def test_protocol_prefix_names_the_scheme_the_store_accepts() -> None:
    memory = _memory()
    store = FsspecBlobStore(memory, protocol_prefix="S3://")
    assert store.schemes == frozenset({"s3"})
    run(store.put("s3://bucket/a/k", b"1"))
    assert memory.cat_file("/bucket/a/k") == b"1"
    assert run(store.list("s3://bucket/a")).items == ("s3://bucket/a/k",)
    with pytest.raises(InvalidReferenceError, match="not in this store"):
        run(store.get("memory://bucket/a/k"))
    with pytest.raises(InvalidReferenceError, match="not in this store"):
        run(store.get("/bucket/a/k"))


def test_default_schemes_are_the_filesystem_protocols() -> None:
    assert FsspecBlobStore(_memory()).schemes == frozenset({"memory"})
    assert FsspecBlobStore(LocalFileSystem()).schemes == frozenset({"file", "local"})


def test_dir_filesystem_with_file_prefix_keeps_references_inside_its_root(tmp_path: Path) -> None:
    fs = DirFileSystem(path=tmp_path.as_posix(), fs=LocalFileSystem())
    store = FsspecBlobStore(fs, protocol_prefix="file")
    run(store.put("file:///out/outputs.pb", b"o"))
    run(store.put("/out/error.pb", b"e"))
    assert (tmp_path / "out" / "outputs.pb").read_bytes() == b"o"
    assert run(store.list("file:///out/")).items == (
        "file:///out/error.pb",
        "file:///out/outputs.pb",
    )
    with pytest.raises(InvalidReferenceError):
        run(store.get("file:///../escape"))


@pytest.mark.parametrize("prefix", ["", "3d", "a b", "s3:/", 7])
def test_malformed_protocol_prefix_is_refused(prefix: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="protocol_prefix"):
        FsspecBlobStore(_memory(), protocol_prefix=prefix)


def test_something_else_than_a_filesystem_is_refused() -> None:
    bad: Any = {"not": "a filesystem"}
    with pytest.raises(InvalidArgumentError, match="AbstractFileSystem"):
        FsspecBlobStore(bad)


def test_asynchronous_filesystem_instance_is_refused() -> None:
    class _Async(AsyncFileSystem):
        protocol = "kozmoasync"

    with pytest.raises(InvalidArgumentError, match="asynchronous=True"):
        FsspecBlobStore(_Async(asynchronous=True, skip_instance_cache=True))


def test_filesystem_that_drops_the_host_of_its_urls_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="cannot address its objects"):
        FsspecBlobStore(WebHDFS("127.0.0.1", port=9))


def test_repr_names_the_filesystem_class_only() -> None:
    store = FsspecBlobStore(_memory(), max_payload_bytes=5)
    assert repr(store) == (
        "FsspecBlobStore(_RecordingMemory, schemes=['memory'], max_payload_bytes=5)"
    )


# --- a failing filesystem ----------------------------------------------------------------------


class _Broken(_RecordingMemory):
    """A filesystem whose every call fails as an unreachable backend would."""

    failure: Callable[[], Exception] = staticmethod(lambda: OSError(errno.EIO, "I/O error"))

    def info(self, *args: Any, **kwargs: Any) -> dict[str, Any]:  # noqa: ARG002 - replaces fsspec's
        raise self.failure()

    def find(self, *args: Any, **kwargs: Any) -> Any:  # noqa: ARG002 - replaces fsspec's
        raise self.failure()

    def pipe_file(self, *args: Any, **kwargs: Any) -> None:  # noqa: ARG002 - replaces fsspec's
        raise self.failure()


@pytest.mark.parametrize("method", ["head", "get", "put", "delete", "list"])
def test_filesystem_failure_raises_storage_error_with_the_cause(method: str) -> None:
    store = FsspecBlobStore(_memory(_Broken), protocol_prefix="s3")
    path = "s3://KEY:SECRET@bucket/x"

    async def call() -> object:
        if method == "put":
            await store.put(path, b"x")
            return None
        return await getattr(store, method)(path)

    with pytest.raises(StorageError, match=f"{method} s3://") as caught:
        run(call())
    assert isinstance(caught.value.__cause__, OSError)
    assert caught.value.__cause__.errno == errno.EIO
    assert "SECRET" not in str(caught.value)


def test_read_only_filesystem_put_raises_storage_error() -> None:
    class _ReadOnly(_Broken):
        failure = staticmethod(lambda: NotImplementedError("read-only filesystem"))

    with pytest.raises(StorageError, match="read-only") as caught:
        run(FsspecBlobStore(_memory(_ReadOnly)).put("memory://b/x", b"1"))
    assert isinstance(caught.value.__cause__, NotImplementedError)


def test_failed_rename_removes_the_staging_file(tmp_path: Path) -> None:
    class _NoRename(LocalFileSystem):
        def mv(self, *args: Any, **kwargs: Any) -> None:  # noqa: ARG002 - replaces fsspec's
            raise PermissionError(errno.EACCES, "denied")

    store = FsspecBlobStore(_NoRename(skip_instance_cache=True))
    with pytest.raises(StorageError, match=r"put /.*/x failed") as caught:
        run(store.put(f"{tmp_path.as_posix()}/x", b"1"))
    assert isinstance(caught.value.__cause__, PermissionError)
    assert list(tmp_path.iterdir()) == []


def test_failed_read_after_the_size_check_raises_storage_error() -> None:
    class _Unreadable(_RecordingMemory):
        def cat_file(self, *args: Any, **kwargs: Any) -> bytes:  # noqa: ARG002 - replaces fsspec's
            raise TimeoutError(errno.ETIMEDOUT, "timed out")

    store = FsspecBlobStore(_memory(_Unreadable))
    run(store.put("memory://b/x", b"1"))
    with pytest.raises(StorageError, match=r"get memory://b/x failed") as caught:
        run(store.get("memory://b/x"))
    assert isinstance(caught.value.__cause__, TimeoutError)


# --- messages and the reference implementations over the store --------------------------------


def test_write_then_read_message_round_trips(store: FsspecBlobStore, root: str) -> None:
    run(write_message(store, f"{root}/hello", Int64Value(value=5)))
    assert run(read_message(store, f"{root}/hello", Int64Value)) == Int64Value(value=5)


def test_remote_file_writer_then_reader_round_trip_outputs_and_errors(
    store: FsspecBlobStore, root: str
) -> None:
    def paths(prefix: str) -> CheckpointRemoteFilePaths:
        return CheckpointRemoteFilePaths(
            f"{root}/{prefix}", PrecomputedRawOutputPaths(f"{root}/raw"), None
        )

    value = core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=42)))
    outputs = core.LiteralMap(literals={"o0": value})
    failure = ExecutionError(code="ValueError", message="boom", kind=ErrorKind.USER)

    async def scenario() -> None:
        await RemoteFileOutputWriter(store, paths("ok")).put(InMemoryOutputReader(outputs))
        await RemoteFileOutputWriter(store, paths("bad")).put(InMemoryOutputReader(error=failure))
        ok = RemoteFileOutputReader(store, paths("ok"))
        assert await ok.exists()
        assert not await ok.is_error()
        assert await ok.read() == (outputs, None)
        bad = RemoteFileOutputReader(store, paths("bad"))
        assert await bad.is_error()
        assert await bad.read_error() == failure

    run(scenario())
    assert run(store.list(f"{root}/ok/")).items == (f"{root}/ok/outputs.pb",)


# --- imports -----------------------------------------------------------------------------------


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - this interpreter on a fixed snippet
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )


def test_importing_kozmo_io_storage_does_not_import_fsspec() -> None:
    out = _python("import sys, kozmo_io.storage; print('fsspec' in sys.modules)")
    assert out.stdout.strip() == "False", out.stderr


def test_without_fsspec_the_import_error_says_what_to_install() -> None:
    out = _python(
        "import sys; sys.modules['fsspec'] = None\n"
        "try:\n"
        "    import kozmo_io.storage.fsspec_store\n"
        "except ImportError as exc:\n"
        "    print(exc.name, exc)\n"
    )
    assert out.stdout.strip() == (
        "fsspec kozmo_io.storage.fsspec_store needs fsspec (the fsspec extra): pip install fsspec"
    ), out.stderr
