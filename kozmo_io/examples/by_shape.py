"""An OutputReader of your own, written by shape (no base class), checked, then written out.

``python -m kozmo_io.examples.by_shape DIR`` checks :class:`Answer` against
:class:`~kozmo_io.protocols.OutputReader` at run time, hands it to the reference writer, which
writes ``DIR/n0/0/outputs.pb``, and prints the check's report and the file written.
"""

from __future__ import annotations  # noqa: I001 - the ioutils names grouped keep the example short

import asyncio
import sys
from pathlib import Path

from kozmo_io import ExecutionError, KozmoIOError, OutputReader, core
from kozmo_io.conformance import check
from kozmo_io.ioutils import (
    CheckpointRemoteFilePaths, PrecomputedRawOutputPaths, RemoteFileOutputWriter,
)  # fmt: skip
from kozmo_io.storage import open_store

__all__ = ("Answer", "main")


class Answer:
    """A task's result, the integer output ``answer``: an OutputReader by its methods alone."""

    def is_file(self) -> bool:
        """Return False: the result is in memory, a writer must persist it."""
        return False

    async def is_error(self) -> bool:
        """Return False: the task succeeded."""
        return False

    async def read_error(self) -> ExecutionError:
        """Raise: there is no error to read."""
        msg = "the task succeeded: there is no error to read"
        raise KozmoIOError(msg)

    async def exists(self) -> bool:
        """Return True: there are outputs."""
        return True

    async def read(self) -> tuple[core.LiteralMap | None, ExecutionError | None]:
        """Return the outputs and no error."""
        answer = core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=42)))
        return core.LiteralMap(literals={"answer": answer}), None

    async def deck_exists(self) -> bool:
        """Return False: no deck."""
        return False


async def main(base: str) -> str:
    """Write :class:`Answer` under ``base`` with the reference writer; return the file written."""
    paths = CheckpointRemoteFilePaths(f"{base}/n0/0", PrecomputedRawOutputPaths(f"{base}/raw"))
    writer = RemoteFileOutputWriter(open_store(base), paths)
    await writer.put(Answer())  # one PUT: outputs.pb
    return str(writer.get_output_path())


if __name__ == "__main__":
    if len(sys.argv) != 2:  # noqa: PLR2004 - the program and DIR
        sys.exit("usage: python -m kozmo_io.examples.by_shape DIR")
    print(check(Answer, OutputReader))  # noqa: T201 - the program's output
    print(asyncio.run(main(str(Path(sys.argv[1]).resolve()))))  # noqa: T201 - same
