"""A :class:`~kozmo_io.storage.BlobStore` over any fsspec filesystem, for users already on fsspec.

Needs the ``fsspec`` package (kozmo-io's ``fsspec`` extra) and is imported on its own
(``from kozmo_io.storage.fsspec_store import FsspecBlobStore``): ``import kozmo_io.storage`` never
imports fsspec.

A reference ``scheme://container/key`` names the filesystem path ``<root_marker>container/key``:

* ``memory://bucket/a/b`` on ``MemoryFileSystem``: ``/bucket/a/b``;
* ``file:///data/a/b``, ``/data/a/b`` and ``data/a/b`` on ``LocalFileSystem``: ``/data/a/b``
  (``file://host/...`` with a host is refused);
* ``s3://bucket/a/b`` on s3fs (likewise gcsfs, adlfs): ``bucket/a/b``;
* ``file:///a/b`` on ``DirFileSystem(path="/data", fs=LocalFileSystem())`` built with
  ``protocol_prefix="file"``: ``a/b`` inside ``/data``, the equivalent of
  ``LocalBlobStore("/data")``.

Filesystems whose URLs name a host the path leaves out (sftp, ftp, http) do not fit this layout and
are refused. Keys are percent-decoded like every store's (``s3://b/a%20b`` is the object ``a b``).

Calls run fsspec's synchronous API in worker threads (:func:`asyncio.to_thread`); an instance
created with ``asynchronous=True`` is refused. Filesystem calls per store call: ``head`` one
(``info``); ``get`` an ``info`` that checks the size, then one ``cat_file`` of at most the limit
plus one byte, so an object replaced by a larger one after the check is refused without being
held (none when the object is too large or the read is empty); ``put`` one ``pipe_file``, or on a
disk (see below) an ``isdir``, a ``pipe_file``, an ``mv`` and a ``makedirs`` when a parent
directory is missing; ``list`` one ``find`` (of the whole directory holding the prefix, filtered
and sorted here, so each page costs a full listing of that directory); ``delete`` an ``info``,
then ``rm_file``.

``put`` is atomic, readers see the old or the new object and never a part:

* object stores (s3fs, gcsfs, adlfs) and ``MemoryFileSystem``: ``pipe_file`` creates the object in
  one request (one PUT, one dictionary entry), so it is written directly;
* a disk, i.e. a store whose scheme is ``file`` or ``local`` (``LocalFileSystem``, or a
  ``DirFileSystem`` over it with ``protocol_prefix="file"``): the bytes go to
  ``<directory>/.kozmo-staging-<32 hex digits>`` and ``mv`` renames that onto the object, atomic
  on POSIX within one directory. Missing parent directories are created; a directory in the way
  fails the put. A writer killed between the two steps leaves the staging file behind: listings
  hide such names and references that use them are refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import re
import uuid
from typing import Any, final

from kozmo_io.errors import (
    InvalidArgumentError,
    InvalidReferenceError,
    NotFoundError,
    PayloadTooLargeError,
)
from kozmo_io.reference import DataReference
from kozmo_io.storage._arguments import (
    check_cursor,
    check_limit,
    check_range,
    positive_limit,
    read_limit,
)
from kozmo_io.storage._locations import Location, locate, quote_key
from kozmo_io.storage._translate import translate
from kozmo_io.storage.blobstore import DEFAULT_MAX_PAYLOAD_BYTES, ListPage, ObjectMeta

try:
    from fsspec import AbstractFileSystem
except ImportError as exc:
    _MISSING = "kozmo_io.storage.fsspec_store needs fsspec (the fsspec extra): pip install fsspec"
    raise ImportError(_MISSING, name=exc.name) from exc

__all__ = ("FsspecBlobStore",)

# fsspec raises builtin OSError subclasses (FileNotFoundError for a missing path), ValueError for
# a path it cannot use and NotImplementedError for an operation the filesystem lacks (read-only).
_BACKEND_ERRORS: tuple[type[Exception], ...] = (OSError, ValueError, NotImplementedError)
# A ``file://`` reference names no host, and neither does a scheme-less one.
_HOSTLESS_SCHEMES = frozenset({"", "file", "local"})
_LOCAL_PROTOCOLS = frozenset({"file", "local"})
# Filesystems whose scheme-less references the obstore stores also accept.
_SCHEMELESS_PROTOCOLS = _LOCAL_PROTOCOLS | {"memory"}
_STAGING_PREFIX = ".kozmo-staging-"
_STAGING_NAME = re.compile(r"\.kozmo-staging-[0-9a-f]{32}")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")


def _scheme(value: object) -> str:
    """Vet ``protocol_prefix``: a URL scheme, with or without ``://``."""
    scheme = value.removesuffix("://").lower() if isinstance(value, str) else ""
    if not _SCHEME.fullmatch(scheme):
        msg = f"protocol_prefix must be a URL scheme such as 's3' or 'file', got {value!r}"
        raise InvalidArgumentError(msg)
    return scheme


def _filesystem(fs: object) -> AbstractFileSystem:
    """Vet the filesystem handed to the store."""
    if not isinstance(fs, AbstractFileSystem):
        msg = f"fs must be an fsspec AbstractFileSystem, got {type(fs).__name__}"
        raise InvalidArgumentError(msg)
    if getattr(fs, "asynchronous", False):
        msg = (
            f"{type(fs).__name__} was created with asynchronous=True; pass a synchronous "
            "instance (the store runs its calls in worker threads)"
        )
        raise InvalidArgumentError(msg)
    return fs


def _protocols(fs: AbstractFileSystem) -> tuple[str, ...]:
    """Return the filesystem's protocols, after checking its paths have the layout this store uses.

    Raises:
        InvalidArgumentError: The filesystem maps ``<protocol>://container/key`` to anything other
            than ``<root_marker>container/key`` (it addresses a host, or keeps whole URLs).
    """
    protocol = fs.protocol
    protocols = (protocol,) if isinstance(protocol, str) else tuple(protocol)
    if _LOCAL_PROTOCOLS.intersection(protocols):
        return protocols  # local paths are the reference's path itself; there is no container
    probe = fs._strip_protocol(f"{protocols[0]}://container/key")  # noqa: SLF001 - fsspec's URL-to-path hook, overridden by every filesystem
    if probe != f"{fs.root_marker}container/key":
        msg = (
            f"{type(fs).__name__} maps {protocols[0]}://container/key to the path {probe!r}, not "
            f"{fs.root_marker}container/key; FsspecBlobStore cannot address its objects"
        )
        raise InvalidArgumentError(msg)
    return protocols


def _etag(info: dict[str, Any]) -> str | None:
    for name in ("ETag", "etag"):
        value = info.get(name)
        if isinstance(value, str) and value:
            return value
    return None


@final
class FsspecBlobStore:
    """A :class:`~kozmo_io.storage.BlobStore` over one fsspec filesystem.

    Args:
        fs: A synchronous fsspec filesystem instance (``MemoryFileSystem()``, ``LocalFileSystem()``,
            ``s3fs.S3FileSystem(...)``, ``DirFileSystem(...)``, ...).
        protocol_prefix: The scheme of the references this store accepts (``"s3"`` or
            ``"s3://"``); default: the filesystem's own protocols (``memory``; ``file`` and
            ``local``; ``s3`` and ``s3a``). Scheme-less references are accepted when the scheme is
            ``file``, ``local`` or ``memory``.
        max_payload_bytes: Read limit when ``get`` is not given one; ``None`` or ``0`` means
            unlimited.

    Raises:
        InvalidArgumentError: ``fs`` is not a synchronous fsspec filesystem whose paths are laid
            out as ``<root_marker>container/key``, or an option is malformed.
    """

    def __init__(
        self,
        fs: AbstractFileSystem,
        /,
        *,
        protocol_prefix: str | None = None,
        max_payload_bytes: int | None = DEFAULT_MAX_PAYLOAD_BYTES,
    ) -> None:
        """Wrap ``fs``; no filesystem call is made."""
        fs = _filesystem(fs)
        protocols = _protocols(fs)
        if protocol_prefix is None:
            self._schemes = frozenset(protocol.lower() for protocol in protocols)
        else:
            self._schemes = frozenset({_scheme(protocol_prefix)})
        self._schemeless = not self._schemes.isdisjoint(_SCHEMELESS_PROTOCOLS)
        # Files on a disk are written in place by pipe_file, so puts stage and rename; an object
        # store's (and memory's) pipe_file creates the object in one step already.
        self._disk = not self._schemes.isdisjoint(_LOCAL_PROTOCOLS)
        self._fs = fs
        self._root = fs.root_marker
        self._max_payload_bytes = check_limit(max_payload_bytes, "max_payload_bytes")

    @property
    def fs(self) -> AbstractFileSystem:
        """The wrapped filesystem."""
        return self._fs

    @property
    def max_payload_bytes(self) -> int | None:
        """The read limit used when ``get`` is not given one; ``None`` means unlimited."""
        return self._max_payload_bytes

    @property
    def schemes(self) -> frozenset[str]:
        """The reference schemes this store accepts (``""`` aside)."""
        return self._schemes

    def _path(self, location: Location) -> str:
        """Return the filesystem path of ``location``; InvalidReferenceError when not ours."""
        scheme = location.scheme
        if (scheme not in self._schemes and not (scheme == "" and self._schemeless)) or (
            scheme in _HOSTLESS_SCHEMES and location.container
        ):
            msg = f"{location.reference.redacted()} is not in this store ({self!r})"
            raise InvalidReferenceError(msg)
        if any(_STAGING_NAME.fullmatch(segment) for segment in location.key.split("/")):
            msg = (
                f"{location.reference.redacted()}: a name like '{_STAGING_PREFIX}<hex>' is "
                "reserved for writes in progress"
            )
            raise InvalidReferenceError(msg)
        return self._root + "/".join(part for part in (location.container, location.key) if part)

    def _reference(self, prefix: Location, path: str) -> DataReference:
        """Return the reference of a listed ``path`` in the form of the listing ``prefix``."""
        key = path.removeprefix(self._root)
        if not prefix.scheme:
            return DataReference("/" + quote_key(key))
        if prefix.container:
            rest = key.partition("/")[2]
            return DataReference(f"{prefix.scheme}://{prefix.authority}/{quote_key(rest)}")
        return DataReference(f"{prefix.scheme}:///{quote_key(key)}")

    def _size(self, location: Location, path: str, operation: str) -> int:
        """Return the size of the object at ``path``; NotFoundError when it is no file."""
        try:
            info = self._fs.info(path)
        except _BACKEND_ERRORS as exc:
            raise translate(exc, operation, location.reference) from exc
        if info.get("type") != "file":
            raise NotFoundError(location.reference.redacted())
        return int(info.get("size") or 0)

    def _head(self, location: Location, path: str) -> ObjectMeta:
        try:
            info = self._fs.info(path)
        except _BACKEND_ERRORS as exc:
            error = translate(exc, "head", location.reference)
            if isinstance(error, NotFoundError):
                return ObjectMeta(location.reference, exists=False)
            raise error from exc
        if info.get("type") != "file":
            return ObjectMeta(location.reference, exists=False)
        size = int(info.get("size") or 0)
        return ObjectMeta(location.reference, exists=True, size=size, etag=_etag(info))

    def _get(
        self, location: Location, path: str, limit: int | None, span: tuple[int, int] | None
    ) -> bytes:
        size = self._size(location, path, "get")
        start, end = (0, size) if span is None else (min(span[0], size), min(span[1], size))
        if limit is not None and end - start > limit:
            raise PayloadTooLargeError(location.reference.redacted(), end - start, limit)
        if start == end:
            return b""
        # The object may be replaced by a larger one after the size check: never ask for more
        # than limit + 1 bytes, so at most that much is held, and a larger object is refused.
        stop = None if span is None else span[1]
        if limit is not None:
            stop = start + limit + 1 if stop is None else min(stop, start + limit + 1)
        try:
            data = self._fs.cat_file(path) if stop is None else self._fs.cat_file(path, start, stop)
        except _BACKEND_ERRORS as exc:
            raise translate(exc, "get", location.reference) from exc
        if limit is not None and len(data) > limit:
            # Replaced by a larger object between the size check and the read.
            raise PayloadTooLargeError(location.reference.redacted(), len(data), limit)
        return bytes(data)

    def _put(self, location: Location, path: str, data: bytes) -> None:
        try:
            if self._disk:
                self._stage_and_rename(path, data)
            else:
                self._fs.pipe_file(path, data)
        except _BACKEND_ERRORS as exc:
            raise translate(exc, "put", location.reference) from exc

    def _stage_and_rename(self, path: str, data: bytes) -> None:
        """Write ``data`` beside ``path`` under a staging name, then rename it onto ``path``."""
        if self._fs.isdir(path):
            # A rename onto a directory would land inside it.
            raise IsADirectoryError(errno.EISDIR, "is a directory", path)
        directory, separator, _ = path.rpartition("/")
        staging = f"{directory}{separator}{_STAGING_PREFIX}{uuid.uuid4().hex}"
        try:
            self._fs.pipe_file(staging, data)
        except FileNotFoundError:
            self._fs.makedirs(directory or self._root, exist_ok=True)
            self._fs.pipe_file(staging, data)
        try:
            self._fs.mv(staging, path)
        except BaseException:
            with contextlib.suppress(*_BACKEND_ERRORS):
                self._fs.rm_file(staging)
            raise

    def _delete(self, location: Location, path: str) -> None:
        self._size(location, path, "delete")
        try:
            self._fs.rm_file(path)
        except _BACKEND_ERRORS as exc:
            raise translate(exc, "delete", location.reference) from exc

    def _list(self, location: Location, wanted: str, limit: int, cursor: str | None) -> ListPage:
        # fsspec lists whole directories: find everything under the one holding the prefix.
        directory = wanted.rpartition("/")[0] or self._root
        try:
            found: list[str] = self._fs.find(directory)
        except _BACKEND_ERRORS as exc:
            raise translate(exc, "list", location.reference) from exc
        paths = sorted(
            path
            for path in found
            if path.startswith(wanted)
            and (cursor is None or path > cursor)
            and not _STAGING_NAME.fullmatch(path.rpartition("/")[2])
        )
        page = paths[:limit]
        next_cursor = page[-1] if len(paths) > limit else None
        return ListPage(tuple(self._reference(location, path) for path in page), next_cursor)

    async def head(self, path: str, /) -> ObjectMeta:
        """See :meth:`kozmo_io.storage.BlobStore.head`."""
        location = locate(path, need_key=True)
        return await asyncio.to_thread(self._head, location, self._path(location))

    async def get(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        """See :meth:`kozmo_io.storage.BlobStore.get`; the size is checked before any read."""
        location = locate(path, need_key=True)
        fs_path = self._path(location)
        limit = read_limit(max_bytes, self._max_payload_bytes)
        span = None if byte_range is None else check_range(byte_range, location)
        return await asyncio.to_thread(self._get, location, fs_path, limit, span)

    async def put(self, path: str, data: bytes, /) -> None:
        """See :meth:`kozmo_io.storage.BlobStore.put`; atomic as the module docstring says."""
        location = locate(path, need_key=True)
        await asyncio.to_thread(self._put, location, self._path(location), data)

    async def list(
        self, prefix: str, /, *, max_items: int = 1000, cursor: str | None = None
    ) -> ListPage:
        """See :meth:`kozmo_io.storage.BlobStore.list`."""
        location = locate(prefix, need_key=False)
        wanted = self._path(location)
        if wanted != self._root and (location.directory or not location.key):
            wanted += "/"  # stay inside the directory (or the bucket) named
        limit = positive_limit(max_items, "max_items")
        after = check_cursor(cursor)
        return await asyncio.to_thread(self._list, location, wanted, limit, after)

    async def delete(self, path: str, /) -> None:
        """See :meth:`kozmo_io.storage.BlobStore.delete`."""
        location = locate(path, need_key=True)
        await asyncio.to_thread(self._delete, location, self._path(location))

    def __repr__(self) -> str:
        """Name the filesystem class only (an instance's options may hold credentials)."""
        return (
            f"FsspecBlobStore({type(self._fs).__name__}, schemes={sorted(self._schemes)!r}, "
            f"max_payload_bytes={self._max_payload_bytes!r})"
        )
