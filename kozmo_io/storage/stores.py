"""The obstore-backed stores and :func:`open_store`, which picks one by the scheme of a reference.

* ``memory://c/k``, ``/c/k`` and ``c/k``: :class:`MemoryBlobStore`, key ``c/k``;
* ``file:///abs/p``, ``/abs/p`` and ``abs/p``: :class:`LocalBlobStore`, file ``<root>/abs/p``;
* ``s3://bucket/k`` (also ``s3a``): :class:`S3BlobStore`, key ``k`` in ``bucket``;
* ``gs://bucket/k`` (also ``gcs``): :class:`GCSBlobStore`, key ``k`` in ``bucket``;
* ``abfs[s]://c@account.dfs.core.windows.net/k``, ``az://c/k`` (also ``azure``, ``adl``):
  :class:`AzureBlobStore`, key ``k`` in container ``c``.

A cloud store serves one bucket or container and rejects references to any other with
:class:`~kozmo_io.errors.InvalidReferenceError`. Credentials come from the ``credentials`` option
or, failing that, from the usual environment variables (``AWS_*``, ``GOOGLE_*``, ``AZURE_*``), as
obstore reads them.

Emulators: the GCS and Azure stores take ``emulator=True`` (GCS: no credentials at all, the
emulator at ``endpoint``; Azure: Azurite's well-known account and key, at ``endpoint`` or
``AZURITE_BLOB_STORAGE_URL`` or ``http://127.0.0.1:10000``), and follow the variables the vendors'
own tools use: ``STORAGE_EMULATOR_HOST`` for GCS, ``AZURE_STORAGE_USE_EMULATOR`` with
``AZURITE_BLOB_STORAGE_URL`` for Azure.

Listings return references in the form of the prefix they were given, so ``await store.get(item)``
works.

Requests per call: one, except ``delete`` on the memory and cloud stores (a HEAD, then the DELETE:
their backends accept deleting a missing object, and the contract reports it as ``NotFoundError``)
and a limited ``get`` of a network object over 60 KiB (see :meth:`~kozmo_io.storage.BlobStore.get`).
A ranged ``get`` past the end of an object reads ``b""`` from the backend's refusal; an empty range
is answered by one HEAD. A failed request is reported after the store's own retries
(``retry_config``) and is never followed by another request.

Requests run obstore's synchronous API in worker threads (the memory store answers on the caller's
thread): obstore's asynchronous API hands results back from its runtime's threads, which can abort
a process as its interpreter finalizes. Cancelling a call
withdraws its request if it has not started; one under way runs to its end and its answer is
dropped. Credential providers are called on those worker threads.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import re
import stat
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict, cast, final

from obstore.exceptions import UnknownConfigurationKeyError
from obstore.store import AzureStore, GCSStore, LocalStore, MemoryStore, S3Store
from typing_extensions import Unpack

from kozmo_io._secrets import redact_text, scrub
from kozmo_io.errors import (
    InvalidArgumentError,
    InvalidReferenceError,
    NotFoundError,
    StorageError,
)
from kozmo_io.reference import DataReference
from kozmo_io.storage._arguments import refuse, vet_options
from kozmo_io.storage._locations import (
    AZURE_SCHEMES,
    GCS_SCHEMES,
    S3_SCHEMES,
    Location,
    locate,
    quote_key,
)
from kozmo_io.storage._obstore import PROBE_BYTES, ObstoreBlobStore
from kozmo_io.storage._translate import BACKEND_ERRORS, translate
from kozmo_io.storage._workers import LoopProvider

# ObjectMeta at run time, not under TYPE_CHECKING: the conformance check resolves head's annotation.
from kozmo_io.storage.blobstore import DEFAULT_MAX_PAYLOAD_BYTES, ObjectMeta

if TYPE_CHECKING:
    from obstore.store import ClientConfig, ObjectStore, RetryConfig

    from kozmo_io.storage.blobstore import BlobStore

__all__ = (
    "AzureBlobStore",
    "Credentials",
    "GCSBlobStore",
    "LocalBlobStore",
    "MemoryBlobStore",
    "S3BlobStore",
    "StoreOptions",
    "open_store",
)

Credentials = Mapping[str, str] | Callable[..., Any]
"""Static credential settings (obstore config keys such as ``access_key_id``, ``secret_access_key``,
``session_token`` for S3, ``service_account_key`` for GCS, ``account_key`` or ``sas_key`` for
Azure), or an obstore credential provider (a callable returning a credential mapping)."""

# The account Azurite serves and its key: public, the same in every installation.
_AZURITE_ACCOUNT = "devstoreaccount1"
_AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


class StoreOptions(TypedDict, total=False):
    """The options :func:`open_store` passes on to the store class it chooses.

    ``max_payload_bytes`` for every store; ``root`` for the local store; ``endpoint``,
    ``allow_http``, ``credentials``, ``config``, ``client_options`` and ``retry_config`` for the
    cloud stores; ``region`` for S3; ``emulator`` for GCS and Azure; ``account`` for Azure. A store
    refuses the options it does not take (:class:`~kozmo_io.errors.InvalidArgumentError`); a type
    checker refuses a misspelt one.
    """

    max_payload_bytes: int | None
    root: str | os.PathLike[str]
    endpoint: str | None
    allow_http: bool
    region: str | None
    account: str | None
    credentials: Credentials | None
    config: Mapping[str, Any] | None
    client_options: ClientConfig | None
    retry_config: RetryConfig | None
    emulator: bool


# object_store's local backend stages writes in "<name>#<n>" files and refuses such names as keys.
_STAGING_NAME = re.compile(r"#\d+$")
# A local staging file unchanged this long belongs to a killed writer (a live write keeps changing
# its file): the next put of the same object removes it.
_ABANDONED_AFTER_SECONDS = 600
# How many staging names a put looks at, and after how many free ones in a row it stops.
_MAX_STAGING_PROBES = 64
_STAGING_GAP = 2
_SPECIAL_FILES = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


@final
class MemoryBlobStore(ObstoreBlobStore):
    """An in-process store (obstore ``MemoryStore``), for tests and examples.

    Accepts ``memory://container/key`` and scheme-less references (``/container/key`` and
    ``container/key`` name the same object as ``memory://container/key``). Unlike Go's in-memory
    store it enforces the read limit, so it behaves like a real one.

    Args:
        max_payload_bytes: Read limit when ``get`` is not given one; ``None`` or ``0`` means
            unlimited.
    """

    _in_process = True

    def __init__(self, *, max_payload_bytes: int | None = DEFAULT_MAX_PAYLOAD_BYTES) -> None:
        """Create an empty store."""
        super().__init__(MemoryStore(), max_payload_bytes=max_payload_bytes)

    def _key(self, location: Location) -> str:
        if location.scheme not in {"", "memory"}:
            raise self._foreign(location)
        return "/".join(part for part in (location.container, location.key) if part)

    def _reference(self, prefix: Location, key: str) -> DataReference:
        if not prefix.scheme:
            return DataReference("/" + quote_key(key))
        if prefix.container:
            return DataReference(f"memory://{prefix.container}/{quote_key(key.partition('/')[2])}")
        return DataReference("memory:///" + quote_key(key))

    def __repr__(self) -> str:
        """Name the store."""
        return f"MemoryBlobStore(max_payload_bytes={self.max_payload_bytes!r})"


@final
class LocalBlobStore(ObstoreBlobStore):
    """A local directory (obstore ``LocalStore``); writes are atomic (temp file + rename).

    Every reference maps to a path under ``root``: ``file:///abs/path``, ``/abs/path`` and
    ``abs/path`` all become ``<root>/abs/path``. With the default root ``/`` that is the path
    itself; with ``root="/data"``, ``/output/outputs.pb`` is ``/data/output/outputs.pb``. ``..`` and
    ``.`` segments are refused, so a reference never escapes the root (symbolic links inside the
    root are followed). ``file://host/...`` with a host is refused. Key segments ending in
    ``#<digits>`` are refused (the backend's staging file names).

    A writer killed mid-write (SIGKILL, out of memory) leaves its staging file ``<name>#<n>``
    beside the object: at most one per killed write, no larger than the data being written. It is
    harmless: the object keeps its previous content (or stays missing), listings never show such
    names and references to them are refused. It is removed by the next put of the same object
    once it is 10 minutes old; one that no later put reaches stays until removed by hand.

    Only regular files are objects. ``head``, ``get`` and ``delete`` of a FIFO, a socket or a device
    (also through a symbolic link) raise :class:`~kozmo_io.errors.StorageError` at once, checked
    just before the request: they never block or read a device. A key below a regular file
    (``a/b`` where ``a`` is a file) reads as missing, as on S3.

    Args:
        root: The directory references resolve under; created if missing.
        max_payload_bytes: Read limit when ``get`` is not given one; ``None`` or ``0`` means
            unlimited.

    Raises:
        StorageError: ``root`` cannot be created or used.
    """

    _delete_reports_missing = True
    _lists_in_order = False

    def __init__(
        self,
        root: str | os.PathLike[str] = "/",
        *,
        max_payload_bytes: int | None = DEFAULT_MAX_PAYLOAD_BYTES,
    ) -> None:
        """Open the directory ``root``."""
        if not isinstance(root, (str, os.PathLike)):
            refuse("root", "a path (str or os.PathLike)", root)
        self._root = os.path.abspath(os.fspath(root))  # noqa: PTH100 - a str path, not a Path object
        try:
            store = LocalStore(self._root, mkdir=True)
        except BACKEND_ERRORS as exc:
            raise translate(exc, "open", self._root) from exc
        super().__init__(store, max_payload_bytes=max_payload_bytes)

    @property
    def root(self) -> str:
        """The absolute directory every reference resolves under."""
        return self._root

    def _key(self, location: Location) -> str:
        if location.scheme not in {"", "file"} or location.container:
            raise self._foreign(location)
        if any(_STAGING_NAME.search(segment) for segment in location.key.split("/")):
            msg = f"{location.reference.redacted()}: a name ending in '#<digits>' is reserved"
            raise InvalidReferenceError(msg)
        return location.key

    def _reference(self, prefix: Location, key: str) -> DataReference:
        return DataReference(("file:///" if prefix.scheme else "/") + quote_key(key))

    def _refuse_special_file(self, path: str, operation: str) -> None:
        """Raise StorageError at once when ``path`` names a FIFO, socket or device.

        Opening a FIFO blocks until a writer comes (obstore opens the file even for a HEAD), and a
        device reads as an empty or endless object: none of them is an object. Symbolic links are
        followed, as the backend follows them. What is missing, or lies below a regular file, is
        left to the backend, which reports it as missing.
        """
        location = locate(path, need_key=True)
        self._key(location)
        try:
            mode = os.stat(os.path.join(self._root, location.key)).st_mode  # noqa: PTH116, PTH118 - str paths, one syscall
        except (OSError, ValueError):
            return
        for test, what in _SPECIAL_FILES:
            if test(mode):
                msg = (
                    f"{operation} {location.reference.redacted()} failed: it is {what}, not a file"
                )
                raise StorageError(msg)

    def _refuse_directory(self, path: str) -> None:
        """Raise NotFoundError when ``path`` names a directory: no object (head says so too)."""
        location = locate(path, need_key=True)
        if os.path.isdir(os.path.join(self._root, location.key)):  # noqa: PTH112, PTH118 - str paths
            raise NotFoundError(location.reference.redacted())

    async def head(self, path: str, /) -> ObjectMeta:
        """See :meth:`kozmo_io.storage.BlobStore.head`; a FIFO, socket or device is refused."""
        self._refuse_special_file(path, "head")
        return await super().head(path)

    async def get(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        """See :meth:`kozmo_io.storage.BlobStore.get`; a FIFO, socket or device is refused."""
        self._refuse_special_file(path, "get")
        return await super().get(path, max_bytes=max_bytes, byte_range=byte_range)

    def get_blocking(
        self,
        path: str,
        /,
        *,
        max_bytes: int | None = None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        """See :meth:`BlockingReads.get_blocking`; a FIFO, socket or device is refused."""
        self._refuse_special_file(path, "get")
        return super().get_blocking(path, max_bytes=max_bytes, byte_range=byte_range)

    async def delete(self, path: str, /) -> None:
        """See :meth:`kozmo_io.storage.BlobStore.delete`; a FIFO, socket or device is refused."""
        self._refuse_special_file(path, "delete")
        self._refuse_directory(path)
        await super().delete(path)

    async def put(self, path: str, data: bytes, /) -> None:
        """See :meth:`kozmo_io.storage.BlobStore.put`; then removes abandoned staging files.

        The backend writes ``<name>#<n>`` (the lowest free ``n``) and renames it onto ``<name>``.
        A writer killed in between leaves that file; this put removes those of the same object
        whose last change is more than 10 minutes old (a live write keeps changing its file).
        """
        await super().put(path, data)
        self._sweep_staging(os.path.join(self._root, locate(path, need_key=True).key))  # noqa: PTH118 - a str path

    @staticmethod
    def _sweep_staging(target: str) -> None:
        cutoff = time.time() - _ABANDONED_AFTER_SECONDS
        misses = 0
        for number in range(1, _MAX_STAGING_PROBES + 1):
            staged = f"{target}#{number}"
            try:
                found = os.lstat(staged)
            except OSError:
                misses += 1
                if misses == _STAGING_GAP:  # the backend takes the lowest free number
                    return
                continue
            misses = 0
            if stat.S_ISREG(found.st_mode) and found.st_mtime < cutoff:
                with contextlib.suppress(OSError):  # another put may sweep it at the same time
                    os.unlink(staged)  # noqa: PTH108 - a str path

    def __repr__(self) -> str:
        """Name the store and its root."""
        return f"LocalBlobStore({self._root!r}, max_payload_bytes={self.max_payload_bytes!r})"


class _Connection(NamedTuple):
    """What obstore's cloud store constructors take besides the bucket."""

    config: dict[str, Any]
    client_options: dict[str, Any]
    retry_config: RetryConfig | None
    credential_provider: Callable[..., Any] | None


def _connection(
    *,
    credentials: Credentials | None,
    config: Mapping[str, Any],
    client_options: ClientConfig | None,
    retry_config: RetryConfig | None,
    allow_http: bool,
) -> _Connection:
    """Merge the options shared by the cloud stores into obstore's arguments."""
    merged: dict[str, Any] = {}
    provider: Callable[..., Any] | None = None
    if isinstance(credentials, Mapping):
        merged.update(credentials)
    elif credentials is not None:
        provider = LoopProvider(credentials)
    merged.update(config)
    client: dict[str, Any] = dict(client_options or {})
    if allow_http:
        client["allow_http"] = True
    return _Connection(merged, client, retry_config, provider)


def _culprit(factory: Callable[..., ObjectStore], container: str, connection: _Connection) -> str:
    """Name the option obstore refused, trying each one on its own (no request is made)."""
    for name, value in connection._asdict().items():
        if not value:
            continue
        try:
            factory(container, **{name: value})
        except (TypeError, ValueError, UnknownConfigurationKeyError):
            return {"config": "config (or credentials, endpoint, region, account)"}.get(name, name)
        except BACKEND_ERRORS:
            continue
    return "the store options"


def _given(**settings: str | None) -> dict[str, str]:
    return {name: value for name, value in settings.items() if value is not None}


class _CloudBlobStore(ObstoreBlobStore):
    """A store over one bucket or container of a cloud backend."""

    _schemes: frozenset[str] = frozenset()
    _label = ""
    _probe_bytes = PROBE_BYTES
    _exact_bodies = False

    def __init__(
        self,
        factory: Callable[..., ObjectStore],
        container: str,
        connection: _Connection,
        *,
        max_payload_bytes: int | None,
    ) -> None:
        self._container = container
        try:
            store = factory(container, **connection._asdict())
        except (TypeError, ValueError, UnknownConfigurationKeyError) as exc:
            scrub(exc)
            option = _culprit(factory, container, connection)
            msg = (
                f"{option} for {self._label}://{container}: {redact_text(str(exc).splitlines()[0])}"
            )
            raise InvalidArgumentError(msg) from exc
        except BACKEND_ERRORS as exc:
            raise translate(exc, "open", f"{self._label}://{container}") from exc
        super().__init__(store, max_payload_bytes=max_payload_bytes)

    @property
    def container(self) -> str:
        """The bucket or container this store serves."""
        return self._container

    def _key(self, location: Location) -> str:
        if location.scheme not in self._schemes or location.container != self._container:
            raise self._foreign(location)
        return location.key

    def _reference(self, prefix: Location, key: str) -> DataReference:
        return DataReference(f"{prefix.scheme}://{prefix.authority}/{quote_key(key)}")


@final
class S3BlobStore(_CloudBlobStore):
    """One S3 (or S3-compatible) bucket; accepts ``s3://bucket/...`` and ``s3a://bucket/...``.

    Args:
        bucket: The bucket.
        endpoint: Endpoint URL of an S3-compatible server (e.g. ``http://127.0.0.1:9000``); requests
            are then path-style (``<endpoint>/<bucket>/<key>``).
        allow_http: Allow plain-HTTP endpoints.
        region: The bucket's region (else ``AWS_REGION`` / ``AWS_DEFAULT_REGION``).
        credentials: Static settings or a credential provider (see :data:`Credentials`); else the
            environment.
        config: Further obstore ``S3Config`` settings (override the above).
        client_options: obstore ``ClientConfig`` (timeouts, proxies, ...), passed through.
        retry_config: obstore ``RetryConfig`` (``max_retries``, ``retry_timeout``, ``backoff``),
            passed through.
        max_payload_bytes: Read limit when ``get`` is not given one; ``None`` or ``0`` means
            unlimited.

    Raises:
        StorageError: obstore refuses the configuration.
    """

    _schemes = S3_SCHEMES
    _label = "s3"

    def __init__(  # noqa: PLR0913 - one keyword per documented option
        self,
        bucket: str,
        *,
        endpoint: str | None = None,
        allow_http: bool = False,
        region: str | None = None,
        credentials: Credentials | None = None,
        config: Mapping[str, Any] | None = None,
        client_options: ClientConfig | None = None,
        retry_config: RetryConfig | None = None,
        max_payload_bytes: int | None = DEFAULT_MAX_PAYLOAD_BYTES,
    ) -> None:
        """Connect lazily to ``bucket`` (no request is made here)."""
        vet_options(
            container=bucket,
            endpoint=endpoint,
            allow_http=allow_http,
            credentials=credentials,
            config=config,
            client_options=client_options,
            retry_config=retry_config,
            region=region,
        )
        connection = _connection(
            credentials=credentials,
            config={**_given(endpoint=endpoint, region=region), **(config or {})},
            client_options=client_options,
            retry_config=retry_config,
            allow_http=allow_http,
        )
        super().__init__(S3Store, bucket, connection, max_payload_bytes=max_payload_bytes)


def _gcs_emulator_credentials(endpoint: str) -> dict[str, str]:
    """Service-account settings under which obstore sends no token and never looks one up."""
    # With obstore's ``skip_signature`` alone a write still asks the metadata server for a token; a
    # service account with OAuth disabled never asks anyone.
    key = {
        "gcs_base_url": endpoint,
        "disable_oauth": True,
        "client_email": "",
        "private_key": "",
        "private_key_id": "",
    }
    return {"service_account_key": json.dumps(key)}


@final
class GCSBlobStore(_CloudBlobStore):
    """One Google Cloud Storage bucket; accepts ``gs://bucket/...`` and ``gcs://bucket/...``.

    With ``emulator=True``, or when ``endpoint`` is not given and the environment variable
    ``STORAGE_EMULATOR_HOST`` is (``http://127.0.0.1:4443``, or ``127.0.0.1:4443`` meaning plain
    HTTP, as Google's client libraries read it), requests go to that emulator over plain HTTP
    without any credential lookup (no metadata server, no token request).

    Args:
        bucket: The bucket.
        endpoint: Base URL of a GCS-compatible server (obstore's ``base_url``).
        allow_http: Allow plain-HTTP endpoints.
        emulator: ``endpoint`` is an emulator that needs no credentials.
        credentials: Static settings or a credential provider (see :data:`Credentials`); else the
            environment (``GOOGLE_SERVICE_ACCOUNT``, ``GOOGLE_APPLICATION_CREDENTIALS``, ...).
        config: Further obstore ``GCSConfig`` settings (override the above).
        client_options: obstore ``ClientConfig``, passed through.
        retry_config: obstore ``RetryConfig``, passed through.
        max_payload_bytes: Read limit when ``get`` is not given one; ``None`` or ``0`` means
            unlimited.

    Raises:
        InvalidArgumentError: ``emulator=True`` without an ``endpoint`` or
            ``STORAGE_EMULATOR_HOST``.
        StorageError: obstore refuses the configuration.
    """

    _schemes = GCS_SCHEMES
    _label = "gs"

    def __init__(  # noqa: PLR0913 - one keyword per documented option
        self,
        bucket: str,
        *,
        endpoint: str | None = None,
        allow_http: bool = False,
        emulator: bool = False,
        credentials: Credentials | None = None,
        config: Mapping[str, Any] | None = None,
        client_options: ClientConfig | None = None,
        retry_config: RetryConfig | None = None,
        max_payload_bytes: int | None = DEFAULT_MAX_PAYLOAD_BYTES,
    ) -> None:
        """Connect lazily to ``bucket`` (no request is made here)."""
        vet_options(
            container=bucket,
            endpoint=endpoint,
            allow_http=allow_http,
            credentials=credentials,
            config=config,
            client_options=client_options,
            retry_config=retry_config,
        )
        if not isinstance(emulator, bool):
            refuse("emulator", "True or False", emulator)
        if endpoint is None and os.environ.get("STORAGE_EMULATOR_HOST"):
            host = os.environ["STORAGE_EMULATOR_HOST"].rstrip("/")
            endpoint, emulator = (host if "://" in host else f"http://{host}"), True
        if emulator:
            if endpoint is None:
                msg = "emulator=True needs the emulator's endpoint (or STORAGE_EMULATOR_HOST)"
                raise InvalidArgumentError(msg)
            allow_http = True
            if credentials is None:
                credentials = _gcs_emulator_credentials(endpoint)
        connection = _connection(
            credentials=credentials,
            config={**_given(base_url=endpoint), **(config or {})},
            client_options=client_options,
            retry_config=retry_config,
            allow_http=allow_http,
        )
        super().__init__(GCSStore, bucket, connection, max_payload_bytes=max_payload_bytes)


def _azurite_config(
    account: str | None, endpoint: str | None, credentials: Credentials | None
) -> dict[str, Any]:
    """Return obstore settings for Azurite: its emulator mode, or its account at ``endpoint``."""
    if endpoint is None:
        # obstore's emulator mode: AZURITE_BLOB_STORAGE_URL or http://127.0.0.1:10000, and the
        # well-known account and key.
        return {"use_emulator": True}
    # obstore's emulator mode ignores an endpoint, so name the account and key directly.
    config: dict[str, Any] = {"account_name": account or _AZURITE_ACCOUNT}
    if credentials is None:
        config["account_key"] = _AZURITE_KEY
    return config


@final
class AzureBlobStore(_CloudBlobStore):
    """One Azure Blob Storage / ADLS Gen2 container.

    Accepts ``abfs[s]://container@account.dfs.core.windows.net/...`` (the account must match when
    the store knows it) and ``az://container/...``, ``azure://container/...``,
    ``adl://container/...``.

    With ``emulator=True`` (or ``AZURE_STORAGE_USE_EMULATOR=true`` in the environment) the store
    talks to Azurite with its well-known account ``devstoreaccount1`` and key, over plain HTTP, at
    ``endpoint`` (which then includes the account: ``http://127.0.0.1:10000/devstoreaccount1``),
    else at ``AZURITE_BLOB_STORAGE_URL``, else at ``http://127.0.0.1:10000``.

    Args:
        container: The container.
        account: The storage account (else ``AZURE_STORAGE_ACCOUNT_NAME``).
        endpoint: Endpoint URL, the account's blob service (e.g. an emulator's).
        allow_http: Allow plain-HTTP endpoints (implied by ``emulator``).
        emulator: Talk to the Azurite emulator (see above).
        credentials: Static settings or a credential provider (see :data:`Credentials`); else the
            environment.
        config: Further obstore ``AzureConfig`` settings (override the above).
        client_options: obstore ``ClientConfig``, passed through.
        retry_config: obstore ``RetryConfig``, passed through.
        max_payload_bytes: Read limit when ``get`` is not given one; ``None`` or ``0`` means
            unlimited.

    Raises:
        StorageError: obstore refuses the configuration (for example no account anywhere).
    """

    _schemes = AZURE_SCHEMES
    _label = "az"

    def __init__(  # noqa: PLR0913 - one keyword per documented option
        self,
        container: str,
        *,
        account: str | None = None,
        endpoint: str | None = None,
        allow_http: bool = False,
        emulator: bool = False,
        credentials: Credentials | None = None,
        config: Mapping[str, Any] | None = None,
        client_options: ClientConfig | None = None,
        retry_config: RetryConfig | None = None,
        max_payload_bytes: int | None = DEFAULT_MAX_PAYLOAD_BYTES,
    ) -> None:
        """Connect lazily to ``container`` (no request is made here)."""
        vet_options(
            container=container,
            endpoint=endpoint,
            allow_http=allow_http,
            credentials=credentials,
            config=config,
            client_options=client_options,
            retry_config=retry_config,
            account=account,
        )
        if not isinstance(emulator, bool):
            refuse("emulator", "True or False", emulator)
        connection = _connection(
            credentials=credentials,
            config={
                **_given(account_name=account, endpoint=endpoint),
                **(_azurite_config(account, endpoint, credentials) if emulator else {}),
                **(config or {}),
            },
            client_options=client_options,
            retry_config=retry_config,
            allow_http=allow_http or emulator,
        )
        self._account = str(
            connection.config.get("account_name")
            or os.environ.get("AZURE_STORAGE_ACCOUNT_NAME", "")
            or (_AZURITE_ACCOUNT if emulator else "")
        )
        super().__init__(AzureStore, container, connection, max_payload_bytes=max_payload_bytes)

    def _key(self, location: Location) -> str:
        if location.account and self._account and location.account != self._account:
            raise self._foreign(location)
        return super()._key(location)


def _vet_option_names(scheme: str, options: Mapping[str, object]) -> None:
    """Refuse an option the store chosen for ``scheme`` does not take, naming it."""
    if scheme == "memory":
        cls: type = MemoryBlobStore
    elif scheme in {"", "file"}:
        cls = LocalBlobStore
    elif scheme in S3_SCHEMES:
        cls = S3BlobStore
    elif scheme in GCS_SCHEMES:
        cls = GCSBlobStore
    elif scheme in AZURE_SCHEMES:
        cls = AzureBlobStore
    else:
        return  # an unknown scheme is refused by open_store itself
    taken = [
        name
        for name, parameter in inspect.signature(cls).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY or name == "root"
    ]
    unknown = sorted(set(options) - set(taken))
    if unknown:
        msg = (
            f"{cls.__name__} does not take the option{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(unknown)} (it takes: {', '.join(taken)})"
        )
        raise InvalidArgumentError(msg)


def open_store(ref: str, /, **options: Unpack[StoreOptions]) -> BlobStore:
    """Open the store that serves ``ref``, chosen by its scheme.

    ``memory://`` gives a new :class:`MemoryBlobStore`; ``file://`` and scheme-less references a
    :class:`LocalBlobStore` (option ``root``, default ``/``); ``s3://`` / ``s3a://`` an
    :class:`S3BlobStore`, ``gs://`` / ``gcs://`` a :class:`GCSBlobStore` and ``abfs://``,
    ``abfss://``, ``az://``, ``azure://``, ``adl://`` an :class:`AzureBlobStore` for the bucket or
    container of ``ref`` (the account of an ``abfs[s]://container@account...`` reference is passed
    on). No request is made.

    Args:
        ref: Any reference in the wanted store (e.g. a prefix or a file in it).
        **options: The keyword arguments of the chosen store class (:class:`StoreOptions`).

    Returns:
        The store.

    Raises:
        InvalidReferenceError: ``ref`` does not parse, has an unknown scheme or names no bucket /
            container.
        InvalidArgumentError: An option the chosen store does not take, or one of the wrong
            type (named in the message).
        StorageError: obstore refuses the configuration.
    """
    location = locate(ref, need_key=False)
    kwargs = cast("dict[str, Any]", options)
    scheme = location.scheme
    _vet_option_names(scheme, kwargs)
    if scheme == "memory":
        return MemoryBlobStore(**kwargs)
    if scheme in {"", "file"}:
        return LocalBlobStore(**kwargs)
    if scheme in S3_SCHEMES | GCS_SCHEMES | AZURE_SCHEMES and not location.container:
        msg = f"{location.reference.redacted()} names no bucket or container"
        raise InvalidReferenceError(msg)
    if scheme in S3_SCHEMES:
        return S3BlobStore(location.container, **kwargs)
    if scheme in GCS_SCHEMES:
        return GCSBlobStore(location.container, **kwargs)
    if scheme in AZURE_SCHEMES:
        if location.account:
            kwargs.setdefault("account", location.account)
        return AzureBlobStore(location.container, **kwargs)
    msg = (
        f"type is of an invalid value [{scheme}]: no store for {location.reference.redacted()} "
        "(known: memory, file, s3, s3a, gs, gcs, abfs, abfss, az, azure, adl)"
    )
    raise InvalidReferenceError(msg)
