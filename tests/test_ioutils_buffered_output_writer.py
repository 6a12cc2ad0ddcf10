"""BufferedOutputWriter: remembers the last reader, delegates its paths, touches no storage."""

from __future__ import annotations

import asyncio

from kozmo_io import core
from kozmo_io.conformance import assert_conforms
from kozmo_io.ioutils.buffered_output_writer import BufferedOutputWriter
from kozmo_io.ioutils.in_memory_output_reader import InMemoryOutputReader
from kozmo_io.ioutils.output_file_paths import CheckpointRemoteFilePaths
from kozmo_io.ioutils.raw_output_paths import PrecomputedRawOutputPaths
from kozmo_io.protocols import OutputWriter

PATHS = CheckpointRemoteFilePaths(
    "s3://b/out", PrecomputedRawOutputPaths("s3://b/raw"), "s3://b/prev"
)


def test_no_reader_before_put() -> None:
    assert BufferedOutputWriter(PATHS).get_reader() is None


def test_put_keeps_the_last_reader() -> None:
    writer = BufferedOutputWriter(PATHS)
    first = InMemoryOutputReader(core.LiteralMap())
    second = InMemoryOutputReader()
    asyncio.run(writer.put(first))
    assert writer.get_reader() is first
    asyncio.run(writer.put(second))
    assert writer.get_reader() is second


def test_getters_delegate_to_the_paths() -> None:
    writer = BufferedOutputWriter(PATHS)
    assert_conforms(writer, OutputWriter, strict=True)
    assert writer.paths is PATHS
    assert writer.get_output_prefix_path() == "s3://b/out"
    assert writer.get_output_path() == "s3://b/out/outputs.pb"
    assert writer.get_error_path() == "s3://b/out/error.pb"
    assert writer.get_deck_path() == "s3://b/out/deck.html"
    assert writer.get_raw_output_prefix() == "s3://b/raw"
    assert writer.get_checkpoint_prefix() == "s3://b/raw/_kozmocheckpoints"
    assert writer.get_previous_checkpoints_prefix() == "s3://b/prev"
