"""Static cases for the store options and the message helpers: right calls pass, wrong ones fail.

Checked by the ordinary ``mypy`` run (never executed). Every negative case carries a ``type:
ignore`` with the exact error code; ``warn_unused_ignores`` turns a case that stops failing into an
error, so they cannot rot.
"""

from __future__ import annotations

from typing import assert_type

from kozmo_io import core
from kozmo_io.ioutils import RemoteFileOutputReader
from kozmo_io.storage import (
    BlobStore,
    BlockingReads,
    CountingStore,
    EncodingSource,
    S3BlobStore,
    StoreOptions,
    map_in_workers,
    open_store,
    read_message,
    write_message,
)


def spelt_options() -> BlobStore:
    return open_store("s3://bucket/prefix", endpoint="http://127.0.0.1:9000", allow_http=True)


def options_in_a_dict() -> BlobStore:
    options: StoreOptions = {"region": "eu-west-1", "max_payload_bytes": 1024}
    return open_store("s3://bucket/prefix", **options)


def misspelt_option() -> BlobStore:
    return open_store("s3://bucket/prefix", endpiont="http://127.0.0.1:9000")  # type: ignore[call-arg]


def option_of_the_wrong_type() -> BlobStore:
    return open_store("s3://bucket/prefix", allow_http="yes")  # type: ignore[arg-type]


async def message_alone(store: BlobStore) -> None:
    assert_type(await read_message(store, "s3://b/m", core.Inputs), core.Inputs)
    assert_type(await read_message(store, "s3://b/m", core.Inputs, keep_bytes=False), core.Inputs)


async def message_with_its_bytes(store: BlobStore) -> None:
    message, data = await read_message(store, "s3://b/m", core.Inputs, keep_bytes=True)
    assert_type(message, core.Inputs)
    assert_type(data, bytes)
    await write_message(store, "s3://b/copy", message, decoded_from=data)


def a_reference_reader_is_an_encoding_source(reader: RemoteFileOutputReader) -> None:
    source: EncodingSource = reader
    assert_type(source.decoded_from(core.Outputs()), bytes | None)


async def bytes_are_handed_on_by_keyword_only(store: BlobStore, message: core.Inputs) -> None:
    await write_message(store, "s3://b/copy", message, None, b"")  # type: ignore[call-arg]


def every_obstore_store_reads_blocking(store: S3BlobStore) -> bytes:
    reader: BlockingReads = store
    return reader.get_blocking("s3://b/x", max_bytes=10)


def a_wrapper_does_not_read_blocking(store: BlobStore) -> None:
    reader: BlockingReads = CountingStore(store)  # type: ignore[assignment]
    del reader


def a_blocking_read_takes_its_options_by_keyword(store: S3BlobStore) -> bytes:
    return store.get_blocking("s3://b/x", 10)  # type: ignore[call-arg]


async def map_in_workers_yields_what_the_function_returns() -> None:
    async for length in map_in_workers(len, ["a", "bb"], concurrency=2):
        assert_type(length, int)


async def map_in_workers_takes_the_items_the_function_takes() -> None:
    async for _ in map_in_workers(len, [1, 2], concurrency=2):  # type: ignore[arg-type]
        pass


async def map_in_workers_wants_a_concurrency(items: list[str]) -> None:
    async for _ in map_in_workers(len, items):  # type: ignore[call-arg]
        pass
