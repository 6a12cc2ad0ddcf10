"""Greet a name: one task execution, the plugin and the engine's side around it, on any store.

``python -m kozmo_io.examples.hello DIR [NAME]`` writes ``inputs.pb`` under DIR (the engine's
part), runs the plugin (``outputs.pb``, or ``error.pb`` when NAME is empty) and reads the result
back in the engine's order. DIR: a local directory or any reference ``open_store`` accepts.
"""

from __future__ import annotations  # noqa: I001 - the ioutils names grouped keep the example short

import asyncio
import sys
from pathlib import Path

from kozmo_io import ErrorKind, ExecutionError, from_literal, to_literal_map
from kozmo_io.ioutils import (
    CheckpointRemoteFilePaths, InMemoryOutputReader, PrecomputedRawOutputPaths,
    ReadOnlyOutputFilePaths, RemoteFileInputReader, RemoteFileOutputReader,
    RemoteFileOutputWriter, SimpleInputFilePaths,
)  # fmt: skip
from kozmo_io.storage import open_store, write_message

__all__ = ("main", "plugin")


async def plugin(input_prefix: str, output_prefix: str, raw_prefix: str) -> None:
    """The task plugin: read ``name``, write ``greeting``, or an error when ``name`` is empty."""
    store = open_store(output_prefix)
    inputs = await RemoteFileInputReader(store, SimpleInputFilePaths(input_prefix)).get()
    paths = CheckpointRemoteFilePaths(output_prefix, PrecomputedRawOutputPaths(raw_prefix))
    given = inputs.literals.get("name")  # .get: indexing a message map would add the key
    name = "" if given is None else from_literal(given, str)  # a str, or LiteralConversionError
    if not name:  # the task's own failure: persisted as error.pb, not raised
        error = ExecutionError(code="MissingName", message="'name' is empty", kind=ErrorKind.USER)
        await RemoteFileOutputWriter(store, paths).put(InMemoryOutputReader(error=error))
        return
    outputs = to_literal_map({"greeting": f"hello {name}"})
    await RemoteFileOutputWriter(store, paths).put(InMemoryOutputReader(outputs))


async def main(base: str, name: str) -> str:
    """Write the inputs under ``base``, run the plugin, return what the engine reads back."""
    store = open_store(base)
    node, attempt = f"{base}/metadata/run1/n0", f"{base}/metadata/run1/n0/0"
    inputs = to_literal_map({"name": name})
    await write_message(store, SimpleInputFilePaths(node).get_input_path(), inputs)
    await plugin(node, attempt, f"{base}/raw/run1-n0-0")
    reader = RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(attempt))
    if await reader.is_error():  # the engine's order: the error first, then the outputs
        error = await reader.read_error()
        return f"task failed: {error.code}: {error.message}"
    outputs, _ = await reader.read()
    assert outputs is not None  # noqa: S101 - the plugin wrote either outputs or an error
    return from_literal(outputs.literals["greeting"], str)


if __name__ == "__main__":
    if not 2 <= len(sys.argv) <= 3:  # noqa: PLR2004 - DIR and an optional NAME
        sys.exit("usage: python -m kozmo_io.examples.hello DIR [NAME]")
    where = sys.argv[1] if "://" in sys.argv[1] else str(Path(sys.argv[1]).resolve())
    name = sys.argv[2] if len(sys.argv) == 3 else "kozmo"  # noqa: PLR2004 - NAME given
    print(asyncio.run(main(where, name)))  # noqa: T201 - the program's output
