"""Blob storage for kozmo_io: the :class:`BlobStore` protocol, obstore-backed stores and helpers.

Stores take full references (``s3://bucket/out/outputs.pb``, ``/output/outputs.pb``,
``memory://x/y``) in every method; :func:`open_store` picks the store for a reference's scheme.
Reads are bounded: ``get`` refuses an object larger than the limit (default
:data:`DEFAULT_MAX_PAYLOAD_BYTES`, 2 MiB) with :class:`~kozmo_io.errors.PayloadTooLargeError` after
one request, without downloading it. Backend exceptions are translated into :mod:`kozmo_io.errors`
in one place (``kozmo_io.storage._translate``).

:func:`read_message` / :func:`write_message` store protobuf messages (a message written back
unchanged keeps the bytes it was read from when they are handed on: ``keep_bytes=True``,
``decoded_from``, :func:`encoding_of`, :class:`EncodingSource`); :func:`decode_message` and
:func:`error_with_path` keep an object's path in the errors of code that fetches by itself.
:class:`CachedStore` adds a byte cache and :class:`CountingStore` counts requests.
:func:`positive_limit` is the check every limit, page size and concurrency goes through.

Bulk work: a store with :class:`BlockingReads` (every obstore-backed one) can read blocking a worker
thread, and :func:`map_in_workers` calls a blocking function on many items in the stores' worker
threads, yielding each result as it completes.
"""

from __future__ import annotations

from kozmo_io.storage._arguments import optional_positive_limit as optional_positive_limit
from kozmo_io.storage._arguments import positive_limit as positive_limit
from kozmo_io.storage._workers import map_in_workers as map_in_workers
from kozmo_io.storage.blobstore import DEFAULT_MAX_PAYLOAD_BYTES as DEFAULT_MAX_PAYLOAD_BYTES
from kozmo_io.storage.blobstore import BlobStore as BlobStore
from kozmo_io.storage.blobstore import BlockingReads as BlockingReads
from kozmo_io.storage.blobstore import ListPage as ListPage
from kozmo_io.storage.blobstore import ObjectMeta as ObjectMeta
from kozmo_io.storage.messages import EncodingSource as EncodingSource
from kozmo_io.storage.messages import decode_message as decode_message
from kozmo_io.storage.messages import encoding_of as encoding_of
from kozmo_io.storage.messages import error_with_path as error_with_path
from kozmo_io.storage.messages import read_message as read_message
from kozmo_io.storage.messages import write_message as write_message
from kozmo_io.storage.stores import AzureBlobStore as AzureBlobStore
from kozmo_io.storage.stores import Credentials as Credentials
from kozmo_io.storage.stores import GCSBlobStore as GCSBlobStore
from kozmo_io.storage.stores import LocalBlobStore as LocalBlobStore
from kozmo_io.storage.stores import MemoryBlobStore as MemoryBlobStore
from kozmo_io.storage.stores import S3BlobStore as S3BlobStore
from kozmo_io.storage.stores import StoreOptions as StoreOptions
from kozmo_io.storage.stores import open_store as open_store
from kozmo_io.storage.wrappers import CachedStore as CachedStore
from kozmo_io.storage.wrappers import CountingStore as CountingStore

__all__ = (
    "AzureBlobStore",
    "BlobStore",
    "BlockingReads",
    "CachedStore",
    "CountingStore",
    "Credentials",
    "DEFAULT_MAX_PAYLOAD_BYTES",
    "EncodingSource",
    "GCSBlobStore",
    "ListPage",
    "LocalBlobStore",
    "MemoryBlobStore",
    "ObjectMeta",
    "S3BlobStore",
    "StoreOptions",
    "decode_message",
    "encoding_of",
    "error_with_path",
    "map_in_workers",
    "open_store",
    "optional_positive_limit",
    "positive_limit",
    "read_message",
    "write_message",
)
