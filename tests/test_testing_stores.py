"""check_blob_store: every store and wrapper passes it, and each broken store fails its named check.

Every broken store starts from a correct one (a MemoryBlobStore it delegates to) and breaks one
thing; the table names the check that must catch it and the text its problem must carry.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, final

import attrs
import pytest
from _support import StoreCase

from kozmo_io.conformance import ConformanceReport, Verdict
from kozmo_io.errors import (
    ConformanceError,
    InvalidReferenceError,
    NotFoundError,
    PayloadTooLargeError,
)
from kozmo_io.storage import (
    DEFAULT_MAX_PAYLOAD_BYTES,
    BlobStore,
    CachedStore,
    CountingStore,
    ListPage,
    MemoryBlobStore,
    ObjectMeta,
)
from kozmo_io.testing import (
    BLOB_STORE_CHECKS,
    Faults,
    FaultyStore,
    acheck_blob_store,
    check_blob_store,
)

MiB = 1024 * 1024
# Generous: a hang guard for a loaded machine, never a speed target.
TIMEOUT = 120.0

# Each wrapper over a store with another read limit of its own: the default (2 MiB), 4 bytes (the
# wrapper passes the store's limit on) and none (max_payload_bytes=0).
WRAPPERS: dict[str, tuple[Callable[[BlobStore], BlobStore], dict[str, Any]]] = {
    "plain": (lambda store: store, {}),
    "counting-limit-4": (CountingStore, {"max_payload_bytes": 4}),
    "cached": (lambda store: CachedStore(store, max_bytes=MiB), {}),
    "faulty-without-faults-no-limit": (
        lambda store: FaultyStore(store, faults=Faults(), seed=1),
        {"max_payload_bytes": 0},
    ),
}


@pytest.mark.parametrize(("wrap", "options"), WRAPPERS.values(), ids=WRAPPERS.keys())
def test_every_store_and_wrapper_passes_the_kit(
    store_case: StoreCase, wrap: Callable[[BlobStore], BlobStore], options: dict[str, Any]
) -> None:
    report = check_blob_store(
        lambda: wrap(store_case.make(**options)), root=store_case.root, call_timeout=TIMEOUT
    )
    assert report.verdict is Verdict.CONFORMS, str(report)
    assert report.checks == ("runtime", "behaviour")


def test_a_store_passes_at_a_prefix_of_a_shared_store_and_leaves_the_rest(
    store_case: StoreCase,
) -> None:
    store = store_case.make()
    neighbour = f"{store_case.root}/team/other.pb"
    asyncio.run(store.put(neighbour, b"theirs"))
    root = f"{store_case.root}/team/ci/"  # a trailing / is taken as the folder
    assert check_blob_store(store_case.make, root=root, call_timeout=TIMEOUT).ok
    # The kit deleted what it wrote and touched nothing else.
    assert asyncio.run(store.list(f"{store_case.root}/team/")) == ListPage((neighbour,), None)
    assert asyncio.run(store.get(neighbour)) == b"theirs"


def test_the_async_variant_runs_inside_a_loop_and_takes_an_async_factory() -> None:
    async def factory() -> BlobStore:
        await asyncio.sleep(0)
        return MemoryBlobStore()

    async def scenario() -> ConformanceReport:
        with pytest.raises(RuntimeError, match="await acheck_blob_store"):
            check_blob_store(MemoryBlobStore, root="memory://kit")
        return await acheck_blob_store(factory, root="memory://kit")

    assert asyncio.run(scenario()).ok


@pytest.mark.parametrize("root", [None, b"memory://kit", 3])
def test_a_root_that_is_not_text_is_refused(root: Any) -> None:
    with pytest.raises(ValueError, match="root must be a reference prefix"):
        check_blob_store(MemoryBlobStore, root=root)


def test_a_failing_factory_is_reported_for_every_check() -> None:
    def factory() -> BlobStore:
        msg = "no credentials"
        raise OSError(msg)

    with pytest.raises(ConformanceError) as info:
        check_blob_store(factory, root="memory://kit")
    messages = [str(problem) for problem in info.value.problems]
    assert messages == [
        f"the factory [{name}] building the store: expected an object, found raised OSError: "
        "no credentials"
        for name in BLOB_STORE_CHECKS
    ]


# --- broken stores -------------------------------------------------------------------------------


class _Store:
    """A correct BlobStore: every method delegates to a MemoryBlobStore."""

    def __init__(self) -> None:
        self.inner = MemoryBlobStore()

    async def head(self, path: str, /) -> ObjectMeta:
        return await self.inner.head(path)

    async def get(self, path: str, /, **options: Any) -> bytes:
        return await self.inner.get(path, **options)

    async def put(self, path: str, data: bytes, /) -> None:
        await self.inner.put(path, data)

    async def list(self, prefix: str, /, **options: Any) -> ListPage:
        return await self.inner.list(prefix, **options)

    async def delete(self, path: str, /) -> None:
        await self.inner.delete(path)


class DownloadsBeforeRefusing(_Store):
    """Reads the whole object, then compares its length with the limit."""

    async def get(self, path: str, /, **options: Any) -> bytes:
        data = await self.inner.get(path, **{**options, "max_bytes": 1 << 40})
        limit = options.get("max_bytes") or DEFAULT_MAX_PAYLOAD_BYTES
        if len(data) > limit:
            raise PayloadTooLargeError(path, len(data), limit)
        return data


class DropsTheLastPage(_Store):
    """Ends the listing one page early: the last page comes back empty."""

    async def list(self, prefix: str, /, **options: Any) -> ListPage:
        page = await self.inner.list(prefix, **options)
        if options.get("cursor") is not None and page.cursor is None:
            return ListPage((), None)
        return page


class StaleAfterOverwrite(_Store):
    """Serves the first bytes ever written to a path (a cache that is never invalidated)."""

    def __init__(self) -> None:
        super().__init__()
        self.first: dict[str, bytes] = {}

    async def put(self, path: str, data: bytes, /) -> None:
        self.first.setdefault(path, data)
        await self.inner.put(path, data)

    async def get(self, path: str, /, **options: Any) -> bytes:
        fresh = await self.inner.get(path, **options)
        if options.get("byte_range") is None and path in self.first:
            return self.first[path]
        return fresh


class KeyErrorForMissing(_Store):
    """Lets a dictionary's KeyError out instead of NotFoundError."""

    async def get(self, path: str, /, **options: Any) -> bytes:
        try:
            return await self.inner.get(path, **options)
        except NotFoundError:
            raise KeyError(path) from None


class LeaksCredentials(_Store):
    """Refuses a reference with a query, but shows it whole (signature and all)."""

    async def head(self, path: str, /) -> ObjectMeta:
        if "?" in path:
            msg = f"bad reference {path}"
            raise InvalidReferenceError(msg)
        return await self.inner.head(path)


class AcceptsDotDot(_Store):
    """Normalises ``..`` away instead of refusing it."""

    async def put(self, path: str, data: bytes, /) -> None:
        scheme, _, rest = path.partition("://")
        parts: list[str] = []
        for part in rest.split("/"):
            if part == "..":
                parts = parts[:-1]
            else:
                parts.append(part)
        await self.inner.put(f"{scheme}://{'/'.join(parts)}", data)


class HeadWithoutSize(_Store):
    """Says an object exists but not how large it is."""

    async def head(self, path: str, /) -> ObjectMeta:
        meta = await self.inner.head(path)
        return attrs.evolve(meta, size=0)


class DeleteIsSilent(_Store):
    """Deleting a missing object does nothing (S3's own behaviour, not the contract's)."""

    async def delete(self, path: str, /) -> None:
        try:
            await self.inner.delete(path)
        except NotFoundError:
            return


class TornWrite(_Store):
    """Writes in two steps, so a reader can see the first half of the new bytes."""

    async def put(self, path: str, data: bytes, /) -> None:
        half = len(data) // 2
        await self.inner.put(path, data[:half])
        await asyncio.sleep(0)
        await self.inner.put(path, data)


class RangeIgnoresTheEnd(_Store):
    """Reads from the start of a range to the end of the object."""

    async def get(self, path: str, /, **options: Any) -> bytes:
        byte_range = options.pop("byte_range", None)
        if byte_range is not None:
            data = await self.inner.get(path, max_bytes=1 << 40)
            return data[byte_range[0] :]
        return await self.inner.get(path, **options)


class NoOwnLimit(_Store):
    """Says it keeps the 2 MiB limit, but reads anything when get has no max_bytes."""

    max_payload_bytes = DEFAULT_MAX_PAYLOAD_BYTES

    async def get(self, path: str, /, **options: Any) -> bytes:
        limit = options.pop("max_bytes", None) or 1 << 40
        return await self.inner.get(path, max_bytes=limit, **options)


class ListsInArrivalOrder(_Store):
    """Lists keys in the order they were written, not in key order."""

    def __init__(self) -> None:
        super().__init__()
        self.order: list[str] = []

    async def put(self, path: str, data: bytes, /) -> None:
        if path not in self.order:
            self.order.append(path)
        await self.inner.put(path, data)

    async def list(self, prefix: str, /, **options: Any) -> ListPage:
        page = await self.inner.list(prefix, max_items=100_000)
        found = set(page.items)
        items = [path for path in self.order if path in found]
        start = int(options.get("cursor") or 0)
        end = start + options.get("max_items", 1000)
        return ListPage(tuple(items[start:end]), str(end) if end < len(items) else None)


class AcceptsAnyLimit(_Store):
    """Treats a limit that is not a positive integer as no limit."""

    async def get(self, path: str, /, **options: Any) -> bytes:
        max_bytes = options.pop("max_bytes", None)
        if not (isinstance(max_bytes, int) and max_bytes > 0):
            max_bytes = None
        return await self.inner.get(path, max_bytes=max_bytes, **options)


class OffByOneLimit(_Store):
    """Refuses an object of exactly max_bytes bytes."""

    async def get(self, path: str, /, **options: Any) -> bytes:
        max_bytes = options.pop("max_bytes", None)
        if isinstance(max_bytes, int) and max_bytes > 1:
            max_bytes -= 1
        return await self.inner.get(path, max_bytes=max_bytes, **options)


class _Explosive(bytes):
    """Bytes that cannot be compared: the kit's own comparison raises."""

    def __eq__(self, other: object) -> bool:
        msg = "cannot compare"
        raise RuntimeError(msg)

    __hash__ = bytes.__hash__


class ExplosiveBytes(_Store):
    async def get(self, path: str, /, **options: Any) -> bytes:
        return _Explosive(await self.inner.get(path, **options))


class PutAlwaysFails(_Store):
    async def put(self, path: str, data: bytes, /) -> None:
        del path, data
        msg = "read-only"
        raise OSError(msg)


@final
@attrs.frozen
class Case:
    """A broken store, the check that must reject it and the texts its problems must carry."""

    factory: Callable[[], Any]
    check: str
    texts: tuple[str, ...]


KIT = "memory://kit/kozmo-kit-"

CASES: dict[str, Case] = {
    "downloads-before-refusing": Case(
        DownloadsBeforeRefusing,
        "no-download",
        (
            (
                "DownloadsBeforeRefusing.get() [no-download] of a 4 MiB object with "
                "max_bytes=1048576: expected the object refused without reading it "
                "(under 2 MiB allocated), found "
            ),
        ),
    ),
    "drops-the-last-page": Case(
        DropsTheLastPage,
        "list-paging",
        (
            (
                "DropsTheLastPage.list() [list-paging] of 2 objects with max_items=1: "
                f"expected pages [('{KIT}"
            ),
            "found pages of [4, 4, 4, 0]",
        ),
    ),
    "stale-after-overwrite": Case(
        StaleAfterOverwrite,
        "overwrite",
        (
            (
                "StaleAfterOverwrite.get() [overwrite] after a second put over b'first': "
                "expected b'second, longer', found b'first'"
            ),
        ),
    ),
    "key-error-for-missing": Case(
        KeyErrorForMissing,
        "not-found",
        (
            (
                "KeyErrorForMissing.get() [not-found] of a missing object: expected NotFoundError "
                f"raised, found raised KeyError: '{KIT}"
            ),
        ),
    ),
    "leaks-credentials": Case(
        LeaksCredentials,
        "errors",
        (
            (
                "LeaksCredentials.head() [errors] of a reference with a signature in its query: "
                "expected the reference, redacted ("
            ),
            "?X-Amz-Signature=***'), in the message, found 'bad reference ",
            "signed?X-Amz-Signature=kozmo-kit-secret-7f3a'",
        ),
    ),
    "accepts-dot-dot": Case(
        AcceptsDotDot,
        "hostile-references",
        (
            f"AcceptsDotDot.put() [hostile-references] of the hostile reference '{KIT}",
            (
                "/hostile-references/a/../b': expected InvalidReferenceError raised, "
                "found returned None"
            ),
        ),
    ),
    "head-without-size": Case(
        HeadWithoutSize,
        "head",
        (
            "HeadWithoutSize.head() [head] of a 5-byte object: expected path=",
            "exists=True, size=5, found path=",
            "exists=True, size=0",
        ),
    ),
    "delete-is-silent": Case(
        DeleteIsSilent,
        "delete",
        (
            (
                "DeleteIsSilent.delete() [delete] of an object already deleted: "
                "expected NotFoundError raised, found returned None"
            ),
            (
                "DeleteIsSilent.delete() [delete] of an object never written: "
                "expected NotFoundError raised, found returned None"
            ),
        ),
    ),
    "torn-write": Case(
        TornWrite,
        "atomic-overwrite",
        (
            (
                "TornWrite.get() [atomic-overwrite] read while a put replaces 200000 bytes with "
                "300000: expected the old or the new object, whole, found 150000 bytes starting "
            ),
        ),
    ),
    "range-ignores-the-end": Case(
        RangeIgnoresTheEnd,
        "byte-range",
        (
            (
                "RangeIgnoresTheEnd.get() [byte-range] of b'0123456789' with byte_range=(0, 3): "
                "expected b'012', found b'0123456789'"
            ),
        ),
    ),
    "no-own-limit": Case(
        NoOwnLimit,
        "store-limit",
        (
            (
                "NoOwnLimit.get() [store-limit] of 2097153 bytes without max_bytes (the store's "
                "limit is 2097152): expected PayloadTooLargeError raised, found returned "
                "2097153 bytes"
            ),
        ),
    ),
    "lists-in-arrival-order": Case(
        ListsInArrivalOrder,
        "list",
        ("ListsInArrivalOrder.list() [list] of prefix out/error (every key it starts): expected",),
    ),
    "accepts-any-limit": Case(
        AcceptsAnyLimit,
        "bad-arguments",
        (
            (
                "AcceptsAnyLimit.get() [bad-arguments] with max_bytes=0: expected "
                "InvalidArgumentError raised, found returned b'0123'"
            ),
        ),
    ),
    "off-by-one-limit": Case(
        OffByOneLimit,
        "size-limit",
        (
            (
                "OffByOneLimit.get() [size-limit] of a 10-byte object with max_bytes=10: expected "
                "b'0123456789', found raised PayloadTooLargeError: "
            ),
        ),
    ),
    "put-always-fails": Case(
        PutAlwaysFails,
        "put-get",
        (
            (
                "PutAlwaysFails.put() [put-get] writing 0 bytes to 'empty.bin': expected the "
                "object written, found raised OSError: read-only"
            ),
        ),
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_broken_store_fails_its_named_check(case: Case) -> None:
    with pytest.raises(ConformanceError) as info:
        check_blob_store(case.factory, root="memory://kit")
    problems = info.value.problems
    messages = [str(problem) for problem in problems]
    for text in case.texts:
        assert any(text in message for message in messages), f"{text!r} not among {messages}"
    assert any(f"[{case.check}]" in message for message in messages)
    assert all(getattr(problem, "rule", None) == "behaviour" for problem in problems)
    report = info.value.report
    assert isinstance(report, ConformanceReport)
    assert report.target == f"{__name__}:{case.factory.__qualname__} instance"


def test_a_check_that_breaks_off_never_stops_the_others() -> None:
    with pytest.raises(ConformanceError) as info:
        check_blob_store(ExplosiveBytes, root="memory://kit")
    messages = [str(problem) for problem in info.value.problems]
    found = "expected it to finish, found raised RuntimeError: cannot compare"
    # Each check that compares bytes with == breaks off; every later check still runs.
    broken = ["put-get", "size-limit", "store-limit", "byte-range", "overwrite"]
    broken += ["atomic-overwrite", "delete"]
    assert messages == [f"ExplosiveBytes [{name}] broke off: {found}" for name in broken]


def test_the_healthy_base_passes_and_each_check_catches_a_broken_store() -> None:
    assert check_blob_store(_Store, root="memory://kit").ok
    assert {case.check for case in CASES.values()} == set(BLOB_STORE_CHECKS)
    assert all(summary for summary in BLOB_STORE_CHECKS.values())
