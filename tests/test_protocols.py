"""The protocols change compatibly: the ordered readers are opt-in; every reader still conforms."""

from __future__ import annotations

from typing import final

import pytest

from kozmo_io import core
from kozmo_io.conformance import check
from kozmo_io.execution_error import ExecutionError
from kozmo_io.ioutils import (
    BufferedOutputWriter,
    CachedInputReader,
    CheckpointRemoteFilePaths,
    InMemoryOutputReader,
    PrecomputedRawOutputPaths,
    ReadOnlyOutputFilePaths,
    RemoteFileInputReader,
    RemoteFileOutputReader,
    RemoteFileOutputWriter,
    SimpleInputFilePaths,
)
from kozmo_io.protocols import (
    InputReader,
    OrderedInputReader,
    OrderedOutputReader,
    OutputReader,
    OutputWriter,
)
from kozmo_io.reference import DataReference
from kozmo_io.testing import (
    RecordingOutputWriter,
    ScriptedInputReader,
    ScriptedOutputReader,
    memory_store,
)


@final
class TodaysInputReader:
    """A third-party reader written against the first-generation protocol only."""

    def get_input_prefix_path(self) -> DataReference:
        return DataReference("s3://b/in")

    def get_input_path(self) -> DataReference:
        return DataReference("s3://b/in/inputs.pb")

    async def get(self) -> core.LiteralMap | None:
        return core.LiteralMap()


class TodaysOutputReader:
    """A third-party output reader written against the first-generation protocol only."""

    def is_file(self) -> bool:
        return True

    async def is_error(self) -> bool:
        return False

    async def read_error(self) -> ExecutionError:
        return ExecutionError()

    async def exists(self) -> bool:
        return True

    async def read(self) -> tuple[core.LiteralMap | None, ExecutionError | None]:
        return core.LiteralMap(), None

    async def deck_exists(self) -> bool:
        return False


@final
class OptedInOutputReader(TodaysOutputReader):
    """The same reader, opted into the richer form with one more method."""

    async def read_outputs(self) -> tuple[core.Outputs | None, ExecutionError | None]:
        return core.Outputs(), None


_STORE = memory_store()
_OUTPUT_PATHS = CheckpointRemoteFilePaths(
    "memory://b/out", PrecomputedRawOutputPaths("memory://b/raw"), None
)
_INPUT_READER = RemoteFileInputReader(_STORE, SimpleInputFilePaths("memory://b/in"))

FIRST_GENERATION: list[tuple[object, type]] = [
    (TodaysInputReader(), InputReader),
    (TodaysOutputReader(), OutputReader),
    (ScriptedInputReader(), InputReader),
    (ScriptedOutputReader(), OutputReader),
    (RecordingOutputWriter(), OutputWriter),
    (BufferedOutputWriter(_OUTPUT_PATHS), OutputWriter),
    (RemoteFileOutputWriter(_STORE, _OUTPUT_PATHS), OutputWriter),
]
SECOND_GENERATION: list[tuple[object, type]] = [
    (_INPUT_READER, OrderedInputReader),
    (CachedInputReader(_INPUT_READER), OrderedInputReader),
    (CachedInputReader(TodaysInputReader()), OrderedInputReader),
    (
        RemoteFileOutputReader(_STORE, ReadOnlyOutputFilePaths("memory://b/out")),
        OrderedOutputReader,
    ),
    (InMemoryOutputReader(), OrderedOutputReader),
    (OptedInOutputReader(), OrderedOutputReader),
]


@pytest.mark.parametrize(
    ("target", "protocol"),
    FIRST_GENERATION + SECOND_GENERATION,
    ids=lambda value: type(value).__name__ if not isinstance(value, type) else value.__name__,
)
def test_every_implementation_conforms_to_its_protocol(target: object, protocol: type) -> None:
    report = check(target, protocol)
    assert report.ok, str(report)
    assert isinstance(target, protocol)


@pytest.mark.parametrize(
    ("target", "protocol"),
    [
        (TodaysInputReader(), OrderedInputReader),
        (TodaysOutputReader(), OrderedOutputReader),
        (ScriptedInputReader(), OrderedInputReader),
        (ScriptedOutputReader(), OrderedOutputReader),
    ],
    ids=lambda value: type(value).__name__ if not isinstance(value, type) else value.__name__,
)
def test_a_first_generation_reader_is_not_an_ordered_one(target: object, protocol: type) -> None:
    report = check(target, protocol)
    assert not report.ok
    assert {problem.member for problem in report.problems} <= {"get_inputs", "read_outputs"}
    assert not isinstance(target, protocol)


@pytest.mark.parametrize(
    ("ordered", "base"),
    [(OrderedInputReader, InputReader), (OrderedOutputReader, OutputReader)],
)
def test_an_ordered_reader_is_its_base_protocol_plus_one_method(ordered: type, base: type) -> None:
    assert issubclass(ordered, base)
    added = {name for name in vars(ordered) if not name.startswith("_")} - set(dir(base))
    assert added == ({"get_inputs"} if base is InputReader else {"read_outputs"})
