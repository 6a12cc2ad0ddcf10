"""InMemoryOutputReader: outputs and an error held in memory, and the values it refuses."""

from __future__ import annotations

import asyncio
import re

import pytest

from kozmo_io import core
from kozmo_io.conformance import assert_conforms
from kozmo_io.errors import InvalidArgumentError, KozmoIOError
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils.in_memory_output_reader import InMemoryOutputReader
from kozmo_io.protocols import OrderedOutputReader
from kozmo_io.reference import DataReference


def _results() -> core.LiteralMap:
    three = core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=3)))
    return core.LiteralMap(literals={"results": three})


def test_basic_reader_reports_outputs_and_deck() -> None:
    deck = DataReference("s3://bucket/key")
    literals = _results()
    reader = InMemoryOutputReader(literals, deck)
    assert reader.deck_path == deck
    assert isinstance(reader.deck_path, DataReference)
    assert asyncio.run(reader.is_error()) is False
    assert reader.is_file() is False
    assert asyncio.run(reader.exists()) is True
    outputs, error = asyncio.run(reader.read())
    assert outputs is not None
    assert dict(outputs.literals) == dict(literals.literals)
    assert error is None
    assert asyncio.run(reader.deck_exists()) is True


def test_reader_satisfies_the_protocol() -> None:
    assert_conforms(InMemoryOutputReader(), OrderedOutputReader, strict=True)


def test_error_is_returned_with_outputs_as_given() -> None:
    failure = ExecutionError(code="red", message="hi", kind=ErrorKind.USER)
    reader = InMemoryOutputReader(_results(), error=failure)
    assert asyncio.run(reader.is_error()) is True
    assert asyncio.run(reader.read_error()) is failure
    assert asyncio.run(reader.exists()) is True
    assert asyncio.run(reader.read()) == (reader.literals, failure)


def test_empty_map_counts_as_existing_outputs() -> None:
    assert asyncio.run(InMemoryOutputReader(core.LiteralMap()).exists()) is True


def test_nothing_given_reads_as_nothing() -> None:
    reader = InMemoryOutputReader()
    assert asyncio.run(reader.exists()) is False
    assert asyncio.run(reader.read()) == (None, None)
    assert asyncio.run(reader.deck_exists()) is False


def test_read_error_without_error_raises_clearly() -> None:
    with pytest.raises(KozmoIOError, match="no execution error specified"):
        asyncio.run(InMemoryOutputReader(_results()).read_error())


def test_deck_path_accepts_str() -> None:
    reader = InMemoryOutputReader(deck_path="s3://b/deck.html")
    assert isinstance(reader.deck_path, DataReference)


ORDERED = core.Outputs(
    literals=[
        core.NamedLiteral(name="b", value=core.Literal(hash="1")),
        core.NamedLiteral(name="a", value=core.Literal(hash="2")),
    ],
    produced_artifacts=[core.ProducedArtifact(output="a", name="art")],
)


def test_outputs_read_as_given_and_as_a_map() -> None:
    reader = InMemoryOutputReader(outputs=ORDERED)
    assert isinstance(reader, OrderedOutputReader)
    assert asyncio.run(reader.exists()) is True
    assert asyncio.run(reader.read_outputs()) == (ORDERED, None)
    as_map, error = asyncio.run(reader.read())
    assert error is None
    assert as_map is not None
    assert dict(as_map.literals) == {"b": core.Literal(hash="1"), "a": core.Literal(hash="2")}


def test_a_map_reads_as_outputs_in_the_order_it_is_written() -> None:
    outputs, error = asyncio.run(InMemoryOutputReader(_results()).read_outputs())
    assert error is None
    assert outputs is not None
    assert outputs.SerializeToString() == _results().SerializeToString(deterministic=True)


def test_empty_outputs_count_as_existing_outputs() -> None:
    reader = InMemoryOutputReader(outputs=core.Outputs())
    assert asyncio.run(reader.exists()) is True
    assert asyncio.run(reader.read_outputs()) == (core.Outputs(), None)


def test_nothing_given_reads_outputs_as_nothing() -> None:
    assert asyncio.run(InMemoryOutputReader().read_outputs()) == (None, None)


def test_outputs_given_twice_are_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="not both"):
        InMemoryOutputReader(_results(), outputs=ORDERED)


def test_the_error_message_in_place_of_the_error_value_is_refused_at_construction() -> None:
    message = core.ExecutionError(code="Boom", message="it broke")
    with pytest.raises(InvalidArgumentError, match=r"ExecutionError\.from_proto") as caught:
        InMemoryOutputReader(error=message)  # type: ignore[arg-type]  # the mistake under test
    assert isinstance(caught.value, ValueError)
    assert "kozmo_io.core.ExecutionError" in str(caught.value)
    # The conversion the message names gives a reader a writer accepts.
    reader = InMemoryOutputReader(error=ExecutionError.from_proto(message))
    assert asyncio.run(reader.read_error()).code == "Boom"


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (
            {"error": "it broke"},
            "error must be a kozmo_io.ExecutionError or None, got builtins.str",
        ),
        (
            {"literals": {"x": 1}},
            "literals must be a kozmo_io.core.LiteralMap or None, got builtins",
        ),
        ({"literals": core.Literal()}, "got kozmo_io.core.literals_pb2.Literal"),
    ],
)
def test_values_of_another_type_are_refused_at_construction(
    arguments: dict[str, object], expected: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=re.escape(expected)):
        InMemoryOutputReader(**arguments)  # type: ignore[arg-type]  # the mistake under test


def test_outputs_of_another_type_are_refused_at_construction() -> None:
    with pytest.raises(InvalidArgumentError, match=r"outputs must be a kozmo_io\.core\.Outputs"):
        InMemoryOutputReader(outputs=core.LiteralMap())  # type: ignore[arg-type]  # under test
