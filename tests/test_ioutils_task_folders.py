"""list_task_folders: task folders found by listing, page by page, on every store."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from _support import on_every_store

from kozmo_io.errors import InvalidArgumentError, StorageError
from kozmo_io.ioutils.task_folders import TaskFolder, list_task_folders
from kozmo_io.storage import BlobStore, CountingStore, ListPage, MemoryBlobStore

Place = Callable[..., Coroutine[Any, Any, None]]

# run/<key> -> what the listing should report for the folder holding it
LAYOUT = (
    "n0/inputs.pb",
    "n0/0/outputs.pb",
    "n0/0/deck.html",
    "n1/inputs.pb",  # nothing beneath: a task that left nothing
    "n2/inputs.pb",
    "n2/0/error.pb",
    "n2/1/outputs.pb",
    "n3/0/deck.html",  # a deck alone
    "n4/inputs.pb",
    "n4/zz/outputs.pb",  # listed after the inputs.pb above it
    "n5/error.pb",
    "n5/f/outputs.pb",  # a folder sorting between error.pb and outputs.pb
    "n5/outputs.pb",
    "other/notes.txt",  # not a task file
    "other/deeper/inputs.txt",
)
EXPECTED = {
    "n0/0": {"outputs.pb", "deck.html"},
    "n1": {"inputs.pb"},
    "n2/0": {"error.pb"},
    "n2/1": {"outputs.pb"},
    "n3/0": {"deck.html"},
    "n4/zz": {"outputs.pb"},
    "n5": {"error.pb", "outputs.pb"},
    "n5/f": {"outputs.pb"},
}


def _fill(place: Place, root: str, keys: tuple[str, ...]) -> None:
    async def write() -> None:
        for key in keys:
            await place(f"{root}/{key}", b"x")

    asyncio.run(write())


def _folders(store: BlobStore, prefix: str, *, page_size: int = 1000) -> list[TaskFolder]:
    async def collect() -> list[TaskFolder]:
        return [folder async for folder in list_task_folders(store, prefix, page_size=page_size)]

    return asyncio.run(collect())


@pytest.mark.parametrize("page_size", [1, 3, 1000])
@on_every_store
def test_every_task_folder_is_found_once_with_its_files(
    store: BlobStore, store_root: str, place: Place, page_size: int
) -> None:
    _fill(place, f"{store_root}/run", LAYOUT)
    found = _folders(store, f"{store_root}/run", page_size=page_size)
    got = {folder.prefix.removeprefix(f"{store_root}/run/"): set(folder.files) for folder in found}
    assert got == EXPECTED
    assert len(found) == len(EXPECTED)


@on_every_store
def test_the_listing_costs_one_request_per_page(
    store: BlobStore, store_root: str, place: Place
) -> None:
    _fill(place, f"{store_root}/run", LAYOUT)
    counting = CountingStore(store)
    _folders(counting, f"{store_root}/run/", page_size=4)
    assert counting.counts["list"] == -(-len(LAYOUT) // 4)
    assert counting.total == counting.counts["list"]


@on_every_store
def test_a_run_prefix_that_is_itself_a_task_folder_is_reported(
    store: BlobStore, store_root: str, place: Place
) -> None:
    _fill(place, f"{store_root}/task", ("outputs.pb", "deck.html"))
    _fill(place, f"{store_root}/task-sibling", ("outputs.pb",))  # not under task/
    found = _folders(store, f"{store_root}/task")
    assert [(f.prefix, f.files) for f in found] == [
        (f"{store_root}/task", frozenset({"outputs.pb", "deck.html"}))
    ]
    assert found[0].has_outputs
    assert not found[0].has_error


@on_every_store
def test_an_empty_run_has_no_folders(store: BlobStore, store_root: str) -> None:
    assert _folders(store, f"{store_root}/nothing") == []


@on_every_store
def test_folders_come_as_soon_as_the_listing_moves_past_them(
    store: BlobStore, store_root: str, place: Place
) -> None:
    keys = tuple(f"t{index:03d}/outputs.pb" for index in range(30))
    _fill(place, f"{store_root}/run", keys)
    counting = CountingStore(store)

    async def first() -> TaskFolder:
        async for folder in list_task_folders(counting, f"{store_root}/run", page_size=5):
            return folder
        raise AssertionError

    assert asyncio.run(first()).prefix == f"{store_root}/run/t000"
    assert counting.counts["list"] == 1


@on_every_store
def test_a_failed_page_raises_after_the_folders_before_it(
    store: BlobStore, store_root: str, place: Place
) -> None:
    keys = tuple(f"t{index:03d}/outputs.pb" for index in range(10))
    _fill(place, f"{store_root}/run", keys)

    class FailingSecondPage:
        """Delegates to the store; the second page fails."""

        def __init__(self, inner: BlobStore) -> None:
            self.inner = inner

        async def list(
            self, prefix: str, /, *, max_items: int = 1000, cursor: str | None = None
        ) -> ListPage:
            if cursor is not None:
                msg = "list failed: injected"
                raise StorageError(msg)
            return await self.inner.list(prefix, max_items=max_items, cursor=cursor)

    seen: list[str] = []

    async def collect() -> None:
        failing = FailingSecondPage(store)
        listing = list_task_folders(failing, f"{store_root}/run", page_size=4)  # type: ignore[arg-type]
        async for folder in listing:
            seen.append(folder.prefix)  # noqa: PERF401 - what came before the failure is kept

    with pytest.raises(StorageError, match="injected"):
        asyncio.run(collect())
    # The fourth folder is only known complete once the next page is read.
    assert seen == [f"{store_root}/run/t{index:03d}" for index in range(3)]


@pytest.mark.parametrize("page_size", [0, -1, True])
def test_a_bad_page_size_is_refused(page_size: int) -> None:

    with pytest.raises(InvalidArgumentError, match="page_size"):
        _folders(MemoryBlobStore(), "memory://b/run", page_size=page_size)
