"""The bridges between the two generations' messages, and the duplicate-names policy."""

from __future__ import annotations

import pytest
from google.protobuf.unknown_fields import UnknownFieldSet

from kozmo_io import core
from kozmo_io.generations import (
    as_inputs,
    as_literal_map,
    as_outputs,
    duplicate_context_keys,
    duplicate_names,
)


def _int(value: int) -> core.Literal:
    return core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))


def _named(*pairs: tuple[str, int]) -> list[core.NamedLiteral]:
    return [core.NamedLiteral(name=name, value=_int(value)) for name, value in pairs]


ARTIFACT = core.ProducedArtifact(output="o0", name="model", version="v1")
CONTEXT = [core.KeyValuePair(key="team", value="ml"), core.KeyValuePair(key="run", value="r1")]


def _unknown_numbers(message: core.LiteralMap) -> list[int]:
    unknown = UnknownFieldSet(message)
    return [unknown[i].field_number for i in range(len(unknown))]


def test_literal_map_view_has_every_name_once() -> None:
    outputs = core.Outputs(literals=_named(("b", 1), ("a", 2)))
    assert as_literal_map(outputs) == core.LiteralMap(literals={"a": _int(2), "b": _int(1)})


def test_literal_map_view_keeps_the_last_entry_of_a_repeated_name() -> None:
    inputs = core.Inputs(literals=_named(("x", 1), ("y", 2), ("x", 3)))
    assert dict(as_literal_map(inputs).literals) == {"x": _int(3), "y": _int(2)}


def test_literal_map_view_is_what_a_map_decoding_of_the_file_gives() -> None:
    outputs = core.Outputs(literals=_named(("x", 1), ("x", 2)), produced_artifacts=[ARTIFACT])
    assert as_literal_map(outputs) == core.LiteralMap.FromString(outputs.SerializeToString())


@pytest.mark.parametrize(
    ("message", "field"),
    [
        (core.Inputs(literals=_named(("a", 1)), context=CONTEXT), 2),
        (core.Outputs(literals=_named(("a", 1)), produced_artifacts=[ARTIFACT]), 3),
    ],
)
def test_literal_map_view_carries_context_and_artifacts_as_unknown_fields(
    message: core.Inputs | core.Outputs, field: int
) -> None:
    as_map = as_literal_map(message)
    assert set(_unknown_numbers(as_map)) == {field}
    back = type(message).FromString(as_map.SerializeToString(deterministic=True))
    assert back == message


def test_outputs_from_a_map_encode_exactly_as_the_map() -> None:
    literal_map = core.LiteralMap(literals={name: _int(i) for i, name in enumerate("zmab")})
    outputs = as_outputs(literal_map)
    assert sorted(named.name for named in outputs.literals) == ["a", "b", "m", "z"]
    assert outputs.SerializeToString(deterministic=True) == literal_map.SerializeToString(
        deterministic=True
    )
    assert as_literal_map(outputs) == literal_map


def test_inputs_from_a_map_encode_exactly_as_the_map_and_have_no_context() -> None:
    literal_map = core.LiteralMap(literals={"n": _int(1), "m": _int(2)})
    inputs = as_inputs(literal_map)
    assert list(inputs.context) == []
    assert inputs.SerializeToString(deterministic=True) == literal_map.SerializeToString(
        deterministic=True
    )


def test_a_map_read_of_a_second_generation_file_gives_back_its_context_and_artifacts() -> None:
    inputs = core.Inputs(literals=_named(("a", 1)), context=CONTEXT)
    outputs = core.Outputs(literals=_named(("a", 1)), produced_artifacts=[ARTIFACT])
    assert as_inputs(core.LiteralMap.FromString(inputs.SerializeToString())) == inputs
    assert as_outputs(core.LiteralMap.FromString(outputs.SerializeToString())) == outputs


def test_conversions_return_new_messages() -> None:
    literal_map = core.LiteralMap(literals={"a": _int(1)})
    outputs = as_outputs(literal_map)
    outputs.literals[0].value.scalar.primitive.integer = 9
    assert literal_map.literals["a"] == _int(1)
    as_literal_map(outputs).literals["a"].hash = "changed"
    assert outputs.literals[0].value.hash == ""


def test_duplicate_names_lists_each_repeated_name_once_in_first_order() -> None:
    outputs = core.Outputs(literals=_named(("b", 1), ("a", 1), ("b", 2), ("a", 3), ("b", 4)))
    assert duplicate_names(outputs) == ("b", "a")
    assert duplicate_names(core.Outputs(literals=_named(("a", 1), ("b", 1)))) == ()
    assert duplicate_names(core.Inputs()) == ()


def test_duplicate_context_keys_lists_each_repeated_key_once() -> None:
    inputs = core.Inputs(context=[*CONTEXT, core.KeyValuePair(key="team", value="other")])
    assert duplicate_context_keys(inputs) == ("team",)
    assert duplicate_context_keys(core.Inputs(context=CONTEXT)) == ()
