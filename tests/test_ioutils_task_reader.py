"""LazyUploadingTaskReader: the template upload, one upload when concurrent, retry on failure."""

from __future__ import annotations

import asyncio
from typing import NoReturn, final

import pytest
from _support import run
from google.protobuf.message import Message

from kozmo_io import core
from kozmo_io.conformance import assert_conforms
from kozmo_io.errors import StorageError
from kozmo_io.ioutils.file_names import get_task_template_path
from kozmo_io.ioutils.task_reader import LazyUploadingTaskReader
from kozmo_io.protocols import SimpleTaskReader
from kozmo_io.storage import (
    BlobStore,
    CountingStore,
    EncodingSource,
    ListPage,
    MemoryBlobStore,
    ObjectMeta,
    read_message,
)


def _template() -> core.LiteralMap:
    # Any message serves as a template; the reader is generic over protobuf messages.
    return core.LiteralMap(literals={"image": core.Literal(hash="kozmo:latest")})


@final
class _Base:
    """A SimpleTaskReader that counts reads and can fail."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.reads = 0

    async def read(self) -> core.LiteralMap:
        self.reads += 1
        await asyncio.sleep(0)
        if self.error is not None:
            raise self.error
        return _template()


@final
class _FlakyPuts:
    """A real store whose first ``failures`` writes fail as a backend outage would."""

    def __init__(self, inner: BlobStore, failures: int) -> None:
        self.inner = inner
        self.failures = failures

    async def head(self, path: str, /) -> ObjectMeta:
        return await self.inner.head(path)

    async def get(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> NoReturn:
        raise NotImplementedError

    async def put(self, path: str, data: bytes, /) -> None:
        if self.failures:
            self.failures -= 1
            cause = ConnectionAbortedError("failed")
            msg = f"put {path} failed: {cause}"
            raise StorageError(msg) from cause
        await self.inner.put(path, data)

    async def list(
        self, prefix: str, /, *, max_items: int = 1000, cursor: str | None = None
    ) -> ListPage:
        raise NotImplementedError

    async def delete(self, path: str, /) -> NoReturn:
        raise NotImplementedError


def test_happy_path_uploads_on_first_path_call(store: BlobStore, store_root: str) -> None:
    remote = get_task_template_path(f"{store_root}/node")
    reader = LazyUploadingTaskReader(_Base(), remote, store)
    assert run(reader.read()) == _template()
    assert not run(store.head(remote)).exists
    assert run(reader.path()) == remote
    assert run(store.head(remote)).exists
    assert run(read_message(store, remote, core.LiteralMap)) == _template()


def test_read_is_never_cached(store: BlobStore, store_root: str) -> None:
    base = _Base()
    reader = LazyUploadingTaskReader(base, f"{store_root}/task.pb", store)
    run(reader.read())
    run(reader.read())
    assert base.reads == 2


def test_later_path_calls_do_not_upload_again(store: BlobStore, store_root: str) -> None:
    counting = CountingStore(store)
    base = _Base()
    reader = LazyUploadingTaskReader(base, f"{store_root}/task.pb", counting)

    async def many() -> list[str]:
        return list(await asyncio.gather(*(reader.path() for _ in range(10))))

    assert run(many()) == [f"{store_root}/task.pb"] * 10
    assert run(reader.path()) == f"{store_root}/task.pb"
    assert counting.counts["put"] == 1
    assert base.reads == 1


def test_write_failure_raises_naming_the_path_and_is_retried(
    store: BlobStore, store_root: str
) -> None:
    remote = f"{store_root}/node/task.pb"
    reader = LazyUploadingTaskReader(_Base(), remote, _FlakyPuts(store, failures=1))
    assert run(reader.read()) == _template()
    with pytest.raises(StorageError, match="failed to store the task template") as info:
        run(reader.path())
    assert remote in str(info.value)
    assert isinstance(info.value.__cause__, StorageError)
    assert not run(store.head(remote)).exists
    assert run(reader.path()) == remote
    assert run(store.head(remote)).exists


def test_read_failure_propagates_unchanged_and_nothing_is_written(
    store: BlobStore, store_root: str
) -> None:
    failure = RuntimeError("read fail")
    remote = f"{store_root}/test"
    reader = LazyUploadingTaskReader(_Base(failure), remote, store)
    with pytest.raises(RuntimeError) as read_info:
        run(reader.read())
    assert read_info.value is failure
    with pytest.raises(RuntimeError) as path_info:
        run(reader.path())
    assert path_info.value is failure
    assert not run(store.head(remote)).exists


def test_a_reader_with_read_and_path_conforms_to_simple_task_reader() -> None:
    assert_conforms(_Base(), SimpleTaskReader, strict=True)


def test_a_template_read_from_a_file_is_uploaded_with_its_bytes() -> None:
    # Entries of a map in an order protobuf never writes: only the bytes read bring it back.
    data = b"".join(
        core.LiteralMap(literals={name: core.Literal(hash=name)}).SerializeToString()
        for name in ("b", "c", "a")
    )
    store = MemoryBlobStore()
    run(store.put("memory://b/source/template.pb", data))

    @final
    class _FromFile:
        """A SimpleTaskReader that decodes the template from a file and keeps its bytes."""

        def __init__(self) -> None:
            self.kept: tuple[core.LiteralMap, bytes] | None = None

        async def read(self) -> core.LiteralMap:
            template, data = await read_message(
                store, "memory://b/source/template.pb", core.LiteralMap, keep_bytes=True
            )
            self.kept = (template, data)
            return template

        def decoded_from(self, message: Message, /) -> bytes | None:
            return self.kept[1] if self.kept is not None and self.kept[0] is message else None

    base = _FromFile()
    assert_conforms(base, EncodingSource, strict=True)
    path = run(LazyUploadingTaskReader(base, "memory://b/node/task.pb", store).path())
    assert run(store.get(path)) == data
    # A base that keeps no bytes: the template in protobuf's deterministic order.
    again = run(LazyUploadingTaskReader(_Base(), "memory://b/other/task.pb", store).path())
    assert run(store.get(again)) == _template().SerializeToString(deterministic=True)
    assert data != core.LiteralMap.FromString(data).SerializeToString(deterministic=True)
