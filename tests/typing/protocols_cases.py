"""Static cases for the protocols: mypy must accept the positive ones and reject each negative one.

Checked by the ordinary ``mypy`` run (never executed). Every negative case carries a ``type:
ignore`` with the exact error code; ``warn_unused_ignores`` turns a case that stops failing into an
error, so they cannot rot.
"""

from __future__ import annotations

from typing import assert_type

from kozmo_io import (
    DataReference,
    ExecutionError,
    InputReader,
    OrderedInputReader,
    OrderedOutputReader,
    OutputReader,
    OutputWriter,
    construct_reference,
)
from kozmo_io.core import Inputs, LiteralMap, Outputs
from kozmo_io.ioutils import (
    CachedInputReader,
    InMemoryOutputReader,
    RemoteFileInputReader,
    RemoteFileOutputReader,
)


class GoodInputReader:
    def get_input_prefix_path(self) -> DataReference:
        return DataReference("s3://bucket/in")

    def get_input_path(self) -> DataReference:
        return construct_reference(self.get_input_prefix_path(), "inputs.pb")

    async def get(self) -> LiteralMap:  # narrower than ``LiteralMap | None``: allowed
        return LiteralMap()


class SyncInputReader:
    def get_input_prefix_path(self) -> DataReference:
        return DataReference("s3://bucket/in")

    def get_input_path(self) -> DataReference:
        return DataReference("s3://bucket/in/inputs.pb")

    def get(self) -> LiteralMap | None:  # plain def where the protocol says async def
        return None


class ExtraArgumentInputReader:
    def get_input_prefix_path(self) -> DataReference:
        return DataReference("s3://bucket/in")

    def get_input_path(self) -> DataReference:
        return DataReference("s3://bucket/in/inputs.pb")

    async def get(self, strict: bool) -> LiteralMap | None:  # noqa: FBT001 - the case
        return None if strict else LiteralMap()


class DictInputReader:
    def get_input_prefix_path(self) -> DataReference:
        return DataReference("s3://bucket/in")

    def get_input_path(self) -> DataReference:
        return DataReference("s3://bucket/in/inputs.pb")

    async def get(self) -> dict[str, int]:  # wrong return type
        return {}


class AttributePathInputReader:
    get_input_prefix_path: str = "s3://bucket/in"  # attribute where the protocol has a method

    def get_input_path(self) -> DataReference:
        return DataReference("s3://bucket/in/inputs.pb")

    async def get(self) -> LiteralMap | None:
        return None


good: InputReader = GoodInputReader()
sync: InputReader = SyncInputReader()  # type: ignore[assignment]
extra: InputReader = ExtraArgumentInputReader()  # type: ignore[assignment]
wrong_return: InputReader = DictInputReader()  # type: ignore[assignment]
attribute: InputReader = AttributePathInputReader()  # type: ignore[assignment]
not_a_writer: OutputWriter = GoodInputReader()  # type: ignore[assignment]


# A reader written against the first-generation protocol is still an InputReader, and not an
# OrderedInputReader until it adds get_inputs(); the reference readers are both.
first_generation: InputReader = GoodInputReader()
not_ordered: OrderedInputReader = GoodInputReader()  # type: ignore[assignment]
ordered_input_readers: tuple[type[OrderedInputReader], ...] = (
    RemoteFileInputReader,
    CachedInputReader,
)
ordered_output_readers: tuple[type[OrderedOutputReader], ...] = (
    RemoteFileOutputReader,
    InMemoryOutputReader,
)


async def ordered_reads(inputs: OrderedInputReader, outputs: OrderedOutputReader) -> None:
    """The richer methods type-check with the documented result types."""
    assert_type(await inputs.get_inputs(), Inputs | None)
    assert_type(await inputs.get(), LiteralMap | None)
    named, error = await outputs.read_outputs()
    assert_type(named, Outputs | None)
    assert_type(error, ExecutionError | None)
    first: InputReader = inputs
    second: OutputReader = outputs
    assert first is not None
    assert second is not None


async def engine_sequence(reader: OutputReader) -> None:
    """The engine's calls type-check with the documented result types."""
    assert_type(await reader.is_error(), bool)
    assert_type(await reader.read_error(), ExecutionError)
    assert_type(reader.is_file(), bool)
    assert_type(await reader.exists(), bool)
    outputs, error = await reader.read()
    assert_type(outputs, LiteralMap | None)
    assert_type(error, ExecutionError | None)
    await reader.read_error(0)  # type: ignore[call-arg]


def reference_is_a_str(ref: DataReference) -> str:
    """A DataReference passes anywhere a str does; a plain str is not a DataReference."""
    assert_type(ref.join("a", "b"), DataReference)
    assert_type(construct_reference("s3://b", "k"), DataReference)
    plain: DataReference = "s3://b/k"  # type: ignore[assignment]
    return ref + plain


def execution_error_is_frozen(err: ExecutionError) -> None:
    """ExecutionError is immutable."""
    err.code = "other"  # type: ignore[misc]
