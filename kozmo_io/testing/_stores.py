"""Behavioural rules of a BlobStore, check by check (:data:`BLOB_STORE_CHECKS`).

Each check builds its own store from the factory and works under its own folder,
``<root>/kozmo-kit-<token>/<check>/``, so a store can be checked at a prefix inside a bucket that
others use, and checks never see each other's objects. A problem reads
``<Store>.<method>() [<check>] <situation>: expected <...>, found <...>``; a check that finds a
problem (or breaks off) never stops the others. When every check has run, the kit deletes what it
wrote.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import secrets
import tracemalloc
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType
from typing import Any, Final, TypeVar

import attrs

from kozmo_io.errors import (
    InvalidArgumentError,
    InvalidReferenceError,
    KozmoIOError,
    NotFoundError,
    PayloadTooLargeError,
)
from kozmo_io.reference import DataReference, redact
from kozmo_io.storage import DEFAULT_MAX_PAYLOAD_BYTES, ListPage, ObjectMeta
from kozmo_io.testing._kit import Kit, Raised, Returned, describe

__all__ = ("BLOB_STORE_CHECKS", "HOSTILE_KEYS", "check_blob_store_of")

T = TypeVar("T")

MiB: Final = 1024 * 1024

HOSTILE_KEYS: Final = (
    "a/../b",
    "..",
    "../../etc/passwd",
    "a/./b",
    "a//b",
    "%2e%2e/x",
    "a/%2E%2E",
    "a\x00b",
    "a\nb",
    "a\tb",
    "a\x7fb",
    "a%00b",
    "a%0Ab",
    "a?x=1",
    "a#frag",
    "a%",
    "%ff",
)
"""Keys every store refuses after a valid prefix, with InvalidReferenceError, before any request."""

# Listing prefixes may end in any character a key holds: each is tried as the last one.
_LAST_CHARACTERS: Final = ("0", "a", "A", "1", "z", "%20", "!", ".", "-", "~", "%C3%A9", "_")

# Keys a reference can carry that URL handling tends to break (escaped space, %, UTF-8, ? and #).
_UNUSUAL_KEYS: Final = ("a%20b", "100%25", "%C3%A9t%C3%A9", "q%3Fx%23y", "k=v,w;x@y:z+1~!")

_SECRET: Final = "kozmo-kit-secret-7f3a"  # noqa: S105 - a made-up credential that must never be shown

# The most pages a listing may take before its cursors count as endless.
_MAX_PAGES: Final = 64

Scene = Any  # the _Scene below; the checks table is typed before the class exists


def _pattern(size: int, seed: int) -> bytes:
    """Incompressible bytes that differ at every offset from another seed's."""
    return random.Random(seed).randbytes(size)  # noqa: S311 - test data, not a secret


def _shown(value: object) -> str:
    """Describe what a call returned (bytes by length and first bytes)."""
    if isinstance(value, Returned):
        value = value.value
    if isinstance(value, bytes):
        if len(value) <= 32:  # noqa: PLR2004 - short enough to show whole
            return repr(value)
        return f"{len(value)} bytes starting {value[:8]!r}"
    return describe(value)


def _key_of(reference: str) -> str:
    """The decoded key of a reference (``s3://b/a%20b`` -> ``a b``)."""
    return DataReference(reference).split()[2]


@attrs.define
class _Scene:
    """One check's store, folder and kit."""

    kit: Kit
    store: object
    check: str
    base: str

    def ref(self, key: str) -> str:
        return f"{self.base}/{key}"

    def situation(self, text: str) -> str:
        return f"[{self.check}] {text}"

    def problem(self, member: str, situation: str, expected: str, found: str) -> None:
        self.kit.problem(member, self.situation(situation), expected, found)

    async def call(
        self, member: str, situation: str, *args: object, **kwargs: object
    ) -> Returned | Raised | None:
        return await self.kit.call(self.store, member, self.situation(situation), *args, **kwargs)

    async def value(
        self, member: str, situation: str, expected: str, *args: object, **kwargs: object
    ) -> Returned | None:
        """Call; a raised exception is a problem (None), a returned value is handed back."""
        outcome = await self.call(member, situation, *args, **kwargs)
        if isinstance(outcome, Raised):
            self.problem(member, situation, expected, describe(outcome))
            return None
        return outcome

    async def put(self, key: str, data: bytes) -> bool:
        """Write ``data`` at ``key``; False (problem recorded) when the store refused."""
        situation = f"writing {len(data)} bytes to {key!r}"
        return (
            await self.value("put", situation, "the object written", self.ref(key), data)
            is not None
        )

    async def put_all(self, keys: tuple[str, ...] | list[str]) -> bool:
        """Write each key's own name as its content."""
        written = [await self.put(key, key.encode()) for key in keys]
        return all(written)

    async def expect_bytes(
        self, situation: str, key: str, want: bytes, *, own_limit: bool = False, **kwargs: object
    ) -> None:
        """Read ``key`` and compare; with a ``max_bytes`` that fits ``want`` unless ``own_limit``.

        Only the store-limit check reads under the store's own limit: a store configured with a
        small one must pass the other checks too.
        """
        if not own_limit:
            kwargs.setdefault("max_bytes", max(len(want), 1))
        answer = await self.value("get", situation, _shown(want), self.ref(key), **kwargs)
        if answer is not None and not (isinstance(answer.value, bytes) and answer.value == want):
            self.problem("get", situation, _shown(want), _shown(answer))

    async def expect_raise(
        self, member: str, situation: str, kind: type[Exception], *args: object, **kwargs: object
    ) -> Exception | None:
        """Call; the exception when it is a ``kind``, else None (problem recorded)."""
        outcome = await self.call(member, situation, *args, **kwargs)
        if outcome is None:
            return None
        if isinstance(outcome, Raised) and isinstance(outcome.exc, kind):
            return outcome.exc
        found = describe(outcome) if isinstance(outcome, Raised) else f"returned {_shown(outcome)}"
        self.problem(member, situation, f"{kind.__name__} raised", found)
        return None

    async def answer(
        self, member: str, situation: str, kind: type[T], *args: object, **kwargs: object
    ) -> T | None:
        """Call; the returned value when it is a ``kind``, else None (problem recorded)."""
        expected = f"a {kind.__name__}"
        answer = await self.value(member, situation, expected, *args, **kwargs)
        if answer is None:
            return None
        value = answer.value
        if not isinstance(value, kind):
            self.problem(member, situation, expected, _shown(answer))
            return None
        return value

    async def meta(self, situation: str, key: str) -> ObjectMeta | None:
        return await self.answer("head", situation, ObjectMeta, self.ref(key))

    async def page(self, situation: str, prefix: str, **kwargs: object) -> ListPage | None:
        return await self.answer("list", situation, ListPage, prefix, **kwargs)

    async def pages(self, situation: str, prefix: str, max_items: int) -> list[ListPage] | None:
        """Every page of a listing, following cursors; None (problem recorded) on failure."""
        found: list[ListPage] = []
        cursor: str | None = None
        while len(found) < _MAX_PAGES:
            page = await self.page(situation, prefix, max_items=max_items, cursor=cursor)
            if page is None:
                return None
            found.append(page)
            if page.cursor is None:
                return found
            cursor = page.cursor
        self.problem("list", situation, "a last page (cursor None)", f"{_MAX_PAGES} pages")
        return None


# --- the checks --------------------------------------------------------------------------------


async def _put_get(scene: _Scene) -> None:
    payloads = (
        ("empty.bin", b"", "an empty object"),
        ("small.txt", b"hello, kozmo", "a small object"),
        ("binary.bin", bytes(range(256)) * 4, "every byte value"),
        ("out/nested/outputs.pb", b"\x0a\x03abc", "an object under nested folders"),
        ("large.bin", _pattern(3 * MiB, 1), "3 MiB"),
    )
    for key, data, what in payloads:
        if not await scene.put(key, data):
            continue
        await scene.expect_bytes(f"reading back {what}", key, data)


async def _head(scene: _Scene) -> None:
    missing = scene.ref("missing")
    want = ObjectMeta(missing, exists=False, size=0, etag=None)
    answer = await scene.value("head", "of a missing object", describe(want), missing)
    if answer is not None and not (isinstance(answer.value, ObjectMeta) and answer.value == want):
        scene.problem("head", "of a missing object", describe(want), _shown(answer))

    if await scene.put("empty", b""):
        meta = await scene.meta("of a zero-byte object", "empty")
        if meta is not None and (meta.exists, meta.size) != (True, 0):
            found = f"exists={meta.exists}, size={meta.size}"
            scene.problem("head", "of a zero-byte object", "exists=True, size=0", found)

    situation = "of a 5-byte object"
    if await scene.put("a/b.pb", b"12345"):
        meta = await scene.meta(situation, "a/b.pb")
        want_fields = (scene.ref("a/b.pb"), True, 5)
        if meta is not None:
            if (meta.path, meta.exists, meta.size) != want_fields:
                expected = f"path={want_fields[0]!r}, exists=True, size=5"
                found = f"path={meta.path!r}, exists={meta.exists}, size={meta.size}"
                scene.problem("head", situation, expected, found)
            etag: object = meta.etag  # a store of any make may put anything there
            if etag is not None and not (isinstance(etag, str) and etag):
                scene.problem("head", situation, "an etag that is None or text", repr(etag))

    situation = "of a folder that holds an object (dir, with dir/file written)"
    if await scene.put("dir/file", b"x"):
        meta = await scene.meta(situation, "dir")
        if meta is not None and meta.exists:
            scene.problem("head", situation, "exists=False (a prefix is no object)", "exists=True")


async def _not_found(scene: _Scene) -> None:
    ref = scene.ref("never-written")
    exc = await scene.expect_raise("get", "of a missing object", NotFoundError, ref)
    if isinstance(exc, NotFoundError) and (exc.path != ref or ref not in str(exc)):
        found = f"path {exc.path!r}, message {str(exc)!r}"
        scene.problem("get", "of a missing object", f"the path {ref!r} in the error", found)
    for byte_range in ((0, 5), (3, 3)):
        situation = f"of a missing object with byte_range={byte_range}"
        await scene.expect_raise("get", situation, NotFoundError, ref, byte_range=byte_range)
    if await scene.put("file", b"x"):
        # On a filesystem, a path below a file is no directory: still just a missing object.
        below = scene.ref("file/below")
        situation = "of file/below, with file an object"
        await scene.expect_raise("get", situation, NotFoundError, below)
        meta = await scene.meta(situation, "file/below")
        if meta is not None and meta.exists:
            scene.problem("head", situation, "exists=False", "exists=True")


def _expect_fields(
    scene: _Scene, situation: str, exc: Exception | None, want: tuple[str, int, int]
) -> None:
    if not isinstance(exc, PayloadTooLargeError):
        return
    found = (exc.path, exc.size, exc.limit)
    if found != want or want[0] not in str(exc):
        expected = "path {!r}, size {}, limit {} (the path in the message)".format(*want)
        scene.problem(
            "get",
            situation,
            expected,
            f"path {exc.path!r}, size {exc.size}, limit {exc.limit}, message {str(exc)!r}",
        )


async def _size_limit(scene: _Scene) -> None:
    if await scene.put("ten", b"0123456789"):
        await scene.expect_bytes(
            "of a 10-byte object with max_bytes=10", "ten", b"0123456789", max_bytes=10
        )
        situation = "of a 10-byte object with max_bytes=9"
        exc = await scene.expect_raise(
            "get", situation, PayloadTooLargeError, scene.ref("ten"), max_bytes=9
        )
        _expect_fields(scene, situation, exc, (scene.ref("ten"), 10, 9))
    data = _pattern(3 * MiB, 2)
    if await scene.put("big", data):
        situation = "of 100 bytes from the middle of a 3 MiB object (the limit counts the range)"
        await scene.expect_bytes(
            situation, "big", data[MiB : MiB + 100], byte_range=(MiB, MiB + 100)
        )
        situation = "of byte_range=(0, 10) with max_bytes=9"
        exc = await scene.expect_raise(
            "get",
            situation,
            PayloadTooLargeError,
            scene.ref("big"),
            byte_range=(0, 10),
            max_bytes=9,
        )
        if isinstance(exc, PayloadTooLargeError) and (exc.size, exc.limit) != (10, 9):
            scene.problem(
                "get", situation, "size 10, limit 9", f"size {exc.size}, limit {exc.limit}"
            )


async def _traced(
    awaitable: Awaitable[Returned | Raised | None],
) -> tuple[Returned | Raised | None, int]:
    """Await, returning the outcome and the most Python memory allocated meanwhile."""
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        outcome = await awaitable
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if started:
            tracemalloc.stop()
    return outcome, peak - before


async def _no_download(scene: _Scene) -> None:
    size, limit = 4 * MiB, MiB
    if not (await scene.put("warm-up", b"w") and await scene.put("huge", _pattern(size, 3))):
        return
    # A first call may import modules or open connections: that memory is not the object's.
    await scene.call("get", "warming up", scene.ref("warm-up"), max_bytes=limit)
    ref = scene.ref("huge")
    situation = f"of a {size // MiB} MiB object with max_bytes={limit}"
    outcome, allocated = await _traced(scene.call("get", situation, ref, max_bytes=limit))
    if outcome is None:
        return
    if not (isinstance(outcome, Raised) and isinstance(outcome.exc, PayloadTooLargeError)):
        found = describe(outcome) if isinstance(outcome, Raised) else f"returned {_shown(outcome)}"
        scene.problem("get", situation, "PayloadTooLargeError raised", found)
        return
    exc = outcome.exc
    if exc.path != ref or not exc.size > limit or exc.limit != limit:
        expected = f"path {ref!r}, a size over {limit}, limit {limit}"
        scene.problem(
            "get", situation, expected, f"path {exc.path!r}, size {exc.size}, limit {exc.limit}"
        )
    if allocated >= size // 2:
        expected = f"the object refused without reading it (under {size // 2 // MiB} MiB allocated)"
        scene.problem("get", situation, expected, f"{allocated} bytes allocated during the call")


def _own_limit(store: object) -> int | None:
    limit = getattr(store, "max_payload_bytes", DEFAULT_MAX_PAYLOAD_BYTES)
    if limit is None or (isinstance(limit, int) and not isinstance(limit, bool) and limit > 0):
        return limit
    return DEFAULT_MAX_PAYLOAD_BYTES


async def _store_limit(scene: _Scene) -> None:
    limit = _own_limit(scene.store)
    if limit is None or limit > 8 * MiB:
        # No limit of its own (or one too large to write here): a 3 MiB object reads whole.
        data = _pattern(3 * MiB, 4)
        if await scene.put("big", data):
            situation = "of 3 MiB without max_bytes (no store limit)"
            await scene.expect_bytes(situation, "big", data, own_limit=True)
        return
    over = _pattern(limit + 1, 5)
    if await scene.put("over", over):
        situation = f"of {limit + 1} bytes without max_bytes (the store's limit is {limit})"
        exc = await scene.expect_raise("get", situation, PayloadTooLargeError, scene.ref("over"))
        _expect_fields(scene, situation, exc, (scene.ref("over"), limit + 1, limit))
        situation = f"of {limit + 1} bytes with max_bytes={limit + 1}"
        await scene.expect_bytes(situation, "over", over, max_bytes=limit + 1)
    at = over[:limit]
    if await scene.put("at", at):
        situation = f"of exactly {limit} bytes without max_bytes"
        await scene.expect_bytes(situation, "at", at, own_limit=True)


_SLICES: Final = (
    ((0, 3), b"012"),
    ((2, 5), b"234"),
    ((7, 10), b"789"),
    ((7, 100), b"789"),
    ((10, 20), b""),
    ((15, 20), b""),
    ((4, 4), b""),
    ((0, 10), b"0123456789"),
)


async def _byte_range(scene: _Scene) -> None:
    if await scene.put("x", b"0123456789"):
        for byte_range, want in _SLICES:
            situation = f"of b'0123456789' with byte_range={byte_range}"
            await scene.expect_bytes(situation, "x", want, byte_range=byte_range)
    if await scene.put("empty", b""):
        situation = "of an empty object with byte_range=(0, 100)"
        await scene.expect_bytes(situation, "empty", b"", byte_range=(0, 100))


async def _bad_arguments(scene: _Scene) -> None:
    if not await scene.put("x", b"0123"):
        return
    ref = scene.ref("x")
    calls: list[tuple[str, str, object, tuple[object, ...]]] = [
        ("get", "max_bytes", value, (ref,)) for value in (0, -1, True, 1.5, "10")
    ]
    calls += [
        ("get", "byte_range", value, (ref,))
        for value in ((-1, 3), (5, 2), (0,), (0, 1, 2), [0, 3], (0.0, 3))
    ]
    calls += [("list", "max_items", value, (scene.ref("a"),)) for value in (0, -3, True)]
    for member, name, value, args in calls:
        situation = f"with {name}={value!r}"
        exc = await scene.expect_raise(
            member, situation, InvalidArgumentError, *args, **{name: value}
        )
        if exc is not None and name not in str(exc):
            scene.problem(member, situation, f"a message naming {name}", repr(str(exc)))


async def _overwrite(scene: _Scene) -> None:
    key = "out/outputs.pb"
    if not await scene.put(key, b"first"):
        return
    await scene.expect_bytes("after the first put", key, b"first")
    if not await scene.put(key, b"second, longer"):
        return
    await scene.expect_bytes("after a second put over b'first'", key, b"second, longer")
    meta = await scene.meta("after a second put of 14 bytes over 5", key)
    if meta is not None and (meta.exists, meta.size) != (True, 14):
        found = f"exists={meta.exists}, size={meta.size}"
        scene.problem(
            "head", "after a second put of 14 bytes over 5", "exists=True, size=14", found
        )
    # Nothing a put stages on its way (a temporary file, an upload part) is left to be listed.
    await _expect_items(scene, "of out/ after two puts of out/outputs.pb", "out/", [key])


async def _atomic_overwrite(scene: _Scene) -> None:
    # Larger than the first ranged read of network stores (60 KiB), so their second read runs.
    old, new = _pattern(200_000, 6), _pattern(300_000, 7)
    key, ref = "atomic", scene.ref("atomic")
    if not await scene.put(key, old):
        return
    situation = "read while a put replaces 200000 bytes with 300000"
    expected = "the old or the new object, whole"
    outcomes = await asyncio.gather(
        scene.call("get", situation, ref, max_bytes=MiB),
        scene.call("put", situation, ref, new),
        scene.call("get", situation, ref, max_bytes=MiB),
        scene.call("get", situation, ref, max_bytes=MiB),
    )
    for index, outcome in enumerate(outcomes):
        if index == 1:
            if isinstance(outcome, Raised):
                scene.problem("put", situation, "the object written", describe(outcome))
            continue
        if isinstance(outcome, Raised):
            scene.problem("get", situation, expected, describe(outcome))
        elif isinstance(outcome, Returned) and outcome.value not in (old, new):
            scene.problem("get", situation, expected, _shown(outcome))
    await scene.expect_bytes("after a put replaced 200000 bytes with 300000", key, new)

    situation = "after two concurrent puts"
    first, second = await asyncio.gather(
        scene.call("put", situation, ref, old), scene.call("put", situation, ref, new)
    )
    for outcome in (first, second):
        if isinstance(outcome, Raised):
            scene.problem("put", situation, "the object written", describe(outcome))
    answer = await scene.value("get", situation, expected, ref, max_bytes=MiB)
    if answer is not None and answer.value not in (old, new):
        scene.problem("get", situation, "one of the two objects, whole", _shown(answer))


async def _delete(scene: _Scene) -> None:
    if await scene.put_all(["hello", "hello2", "hello.bak"]):
        ref = scene.ref("hello")
        await scene.value("delete", "of an object", "the object deleted", ref)
        await scene.expect_raise("get", "after delete", NotFoundError, ref)
        meta = await scene.meta("after delete", "hello")
        if meta is not None and meta.exists:
            scene.problem("head", "after delete", "exists=False", "exists=True")
        exc = await scene.expect_raise("delete", "of an object already deleted", NotFoundError, ref)
        if isinstance(exc, NotFoundError) and exc.path != ref:
            scene.problem("delete", "of an object already deleted", f"path {ref!r}", repr(exc.path))
        for other in ("hello2", "hello.bak"):
            await scene.expect_bytes(f"of {other!r} after deleting 'hello'", other, other.encode())
    situation = "of an object never written"
    await scene.expect_raise("delete", situation, NotFoundError, scene.ref("never-written"))
    if await scene.put("dir/file", b"kept"):
        situation = "of a folder that holds an object (dir, with dir/file written)"
        await scene.expect_raise("delete", situation, NotFoundError, scene.ref("dir"))
        await scene.expect_bytes("of dir/file after deleting dir", "dir/file", b"kept")


async def _expect_items(
    scene: _Scene, situation: str, prefix: str, keys: list[str], **kwargs: object
) -> None:
    want = ListPage(tuple(scene.ref(key) for key in keys), None)
    page = await scene.page(situation, scene.ref(prefix), **kwargs)
    if page is not None and page != want:
        scene.problem(
            "list",
            situation,
            describe(list(want.items)),
            f"{describe(list(page.items))} with cursor {page.cursor!r}",
        )


async def _list(scene: _Scene) -> None:
    if await scene.put_all(["a/1", "a/2", "b/1"]):
        await _expect_items(scene, "of prefix a (a/1, a/2, b/1 written)", "a", ["a/1", "a/2"])
    family = [
        "out/error.pb",
        "out/error-1.pb",
        "out/errorfoo.pb",
        "out/errors/x.pb",
        "out/outputs.pb",
    ]
    if await scene.put_all([*family, "other/error.pb", "out.pb"]):
        matching = sorted(key for key in family if key.startswith("out/error"))
        await _expect_items(
            scene, "of prefix out/error (every key it starts)", "out/error", matching
        )
    if await scene.put_all(["t/a/1", "t/a/b/2", "t/ab/3", "t/a.txt"]):
        await _expect_items(scene, "of prefix t/a/ (a trailing /)", "t/a/", ["t/a/1", "t/a/b/2"])
    await _expect_items(scene, "of a prefix nothing starts with", "none", [])
    await _unusual_keys(scene)
    await _last_characters(scene)


async def _unusual_keys(scene: _Scene) -> None:
    keys = [f"odd/{key}" for key in _UNUSUAL_KEYS]
    if not await scene.put_all(keys):
        return
    situation = f"of odd/ holding {list(_UNUSUAL_KEYS)}"
    page = await scene.page(situation, scene.ref("odd/"))
    if page is None:
        return
    want = sorted(scene.ref(key) for key in keys)
    if sorted(page.items) != want:
        scene.problem("list", situation, describe(want), describe(sorted(page.items)))
        return
    for item, key in zip(sorted(page.items), sorted(keys), strict=True):
        answer = await scene.value(
            "get", f"of the listed {item!r}", repr(key.encode()), item, max_bytes=MiB
        )
        if answer is not None and answer.value != key.encode():
            scene.problem("get", f"of the listed {item!r}", repr(key.encode()), _shown(answer))


async def _last_characters(scene: _Scene) -> None:
    for number, last in enumerate(_LAST_CHARACTERS):
        folder = f"end{number}"
        keys = [f"{folder}/p/x{last}{last}", f"{folder}/p/x{last}y", f"{folder}/p/x{last}/z"]
        keys.append(f"{folder}/p/x{last}/.z")
        if not await scene.put_all([*keys, f"{folder}/p/x", f"{folder}/p/w", f"{folder}/q"]):
            continue
        situation = f"of a prefix ending in {last!r}"
        page = await scene.page(situation, scene.ref(f"{folder}/p/x{last}"))
        if page is None:
            continue
        listed = sorted(_key_of(item) for item in page.items)
        want = sorted(_key_of(scene.ref(key)) for key in keys)
        if listed != want:
            scene.problem("list", situation, describe(want), describe(listed))


async def _list_paging(scene: _Scene) -> None:
    if await scene.put_all(["two/1", "two/2"]):
        situation = "of 2 objects with max_items=1"
        pages = await scene.pages(situation, scene.ref("two"), 1)
        want = [(scene.ref("two/1"),), (scene.ref("two/2"),)]
        if pages is not None and [page.items for page in pages] != want:
            scene.problem("list", situation, f"pages {want}", f"pages {[p.items for p in pages]}")
    keys = [f"p/{number:02d}" for number in range(11)] + ["p/sub/x", "pz"]
    if await scene.put_all([*keys, "o/1", "q/1"]):
        situation = "of 13 objects with max_items=4"
        pages = await scene.pages(situation, scene.ref("p"), 4)
        if pages is not None:
            sizes = [len(page.items) for page in pages]
            listed = [item for page in pages for item in page.items]
            every = [scene.ref(key) for key in sorted(keys)]
            if sizes != [4, 4, 4, 1] or listed != every:
                expected = f"pages of [4, 4, 4, 1] items: {describe(every)}"
                scene.problem("list", situation, expected, f"pages of {sizes}: {describe(listed)}")
    if await scene.put_all(["e/1", "e/2", "e/3", "e/4"]):
        situation = "of 4 objects with max_items=2 (no empty last page)"
        pages = await scene.pages(situation, scene.ref("e/"), 2)
        if pages is not None and [len(page.items) for page in pages] != [2, 2]:
            found = f"pages of {[len(page.items) for page in pages]} items"
            scene.problem("list", situation, "pages of [2, 2] items", found)


async def _hostile(scene: _Scene) -> None:
    for key in HOSTILE_KEYS:
        ref = scene.ref(key)
        for member in ("head", "get", "put", "delete"):
            args: tuple[object, ...] = (ref, b"x") if member == "put" else (ref,)
            situation = f"of the hostile reference {ref!r}"
            await scene.expect_raise(member, situation, InvalidReferenceError, *args)
    situation = "of the hostile prefix <folder>/a/../.."
    await scene.expect_raise("list", situation, InvalidReferenceError, scene.ref("a/../.."))
    page = await scene.page("of the folder after the hostile calls", f"{scene.base}/")
    if page is not None and page.items:
        found = describe(list(page.items))
        scene.problem("list", "of the folder after the hostile calls", "no object written", found)


def _with_userinfo(reference: str) -> str | None:
    scheme, separator, rest = reference.partition("://")
    return f"{scheme}://kozmo-kit-key:{_SECRET}@{rest}" if separator else None


async def _errors(scene: _Scene) -> None:
    signed = scene.ref(f"signed?X-Amz-Signature={_SECRET}")
    for member in ("head", "get", "put", "delete"):
        args: tuple[object, ...] = (signed, b"x") if member == "put" else (signed,)
        situation = "of a reference with a signature in its query"
        exc = await scene.expect_raise(member, situation, InvalidReferenceError, *args)
        if exc is None:
            continue
        text = str(exc)
        if _SECRET in text or redact(signed) not in text:
            expected = f"the reference, redacted ({redact(signed)!r}), in the message"
            scene.problem(member, situation, expected, repr(text))
    with_secret = _with_userinfo(scene.ref("never-written"))
    if with_secret is None:
        return
    for member in ("get", "delete"):
        situation = "of a missing object named with a password in the reference"
        exc = await scene.expect_raise(member, situation, KozmoIOError, with_secret)
        if exc is not None and _SECRET in str(exc):
            scene.problem(member, situation, "a message without the password", repr(str(exc)))


Check = Callable[[_Scene], Awaitable[None]]

_CHECKS: Final[tuple[tuple[str, str, Check], ...]] = (
    (
        "put-get",
        "put then get round trips: empty, small, every byte value, nested, 3 MiB",
        _put_get,
    ),
    (
        "head",
        "head: a missing object, a zero-byte one, size and path, a folder is no object",
        _head,
    ),
    (
        "not-found",
        "get of a missing object (or one below an object) raises NotFoundError",
        _not_found,
    ),
    (
        "size-limit",
        "max_bytes: exactly the limit passes, one byte more raises PayloadTooLargeError",
        _size_limit,
    ),
    ("no-download", "an oversized object is refused without reading it into memory", _no_download),
    (
        "store-limit",
        "without max_bytes the store's own limit (max_payload_bytes) applies",
        _store_limit,
    ),
    ("byte-range", "byte_range reads like a slice, clipped to the object", _byte_range),
    (
        "bad-arguments",
        "a bad max_bytes, byte_range or max_items raises InvalidArgumentError",
        _bad_arguments,
    ),
    (
        "overwrite",
        "a put over an object replaces it for reads, head and list (one item)",
        _overwrite,
    ),
    (
        "atomic-overwrite",
        "readers during a put, and concurrent puts, see one whole object",
        _atomic_overwrite,
    ),
    (
        "delete",
        "delete removes only its object; a missing one or a folder raises NotFoundError",
        _delete,
    ),
    (
        "list",
        "list gives full references of every key starting with the prefix, in key order",
        _list,
    ),
    ("list-paging", "cursors page through every item once, with no empty last page", _list_paging),
    (
        "hostile-references",
        "hostile references raise InvalidReferenceError and write nothing",
        _hostile,
    ),
    (
        "errors",
        "errors are KozmoIOError carrying the reference with its credentials redacted",
        _errors,
    ),
)

BLOB_STORE_CHECKS: Final[Mapping[str, str]] = MappingProxyType(
    {name: summary for name, summary, _ in _CHECKS}
)
"""The checks :func:`~kozmo_io.testing.check_blob_store` runs, by name, with what each asserts."""


async def _clean_up(kit: Kit, store: object, folder: str) -> None:
    """Delete what the checks wrote under ``folder`` (best effort: the checks judged the store)."""
    with contextlib.suppress(Exception):
        async with asyncio.timeout(kit.timeout * 4):
            cursor: str | None = None
            for _ in range(_MAX_PAGES):
                page = await store.list(f"{folder}/", cursor=cursor)  # type: ignore[attr-defined]
                for item in page.items:
                    with contextlib.suppress(Exception):
                        await store.delete(item)  # type: ignore[attr-defined]
                if page.cursor is None:
                    break
                cursor = page.cursor


async def check_blob_store_of(kit: Kit, root: str) -> None:
    """Run every check, each on a store of its own under ``<root>/kozmo-kit-<token>/<check>``."""
    folder = f"{root}/kozmo-kit-{secrets.token_hex(4)}"
    last: object | None = None
    for name, _, check in _CHECKS:
        situation = f"[{name}] building the store"
        store = await kit.build(situation=situation)
        if store is None:
            continue
        last = store
        scene = _Scene(kit, store, name, f"{folder}/{name}")
        try:
            await check(scene)
        except Exception as exc:  # noqa: BLE001 - a check that breaks off is a finding, not a crash
            found = describe(Raised(exc))
            kit.problem("", scene.situation("broke off"), "it to finish", found, who=kit.qualname)
    if last is not None:
        await _clean_up(kit, last, folder)
