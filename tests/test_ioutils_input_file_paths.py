"""SimpleInputFilePaths: the engine's input path, scheme-less prefixes and hostile prefixes."""

from __future__ import annotations

import attrs
import pytest

from kozmo_io.conformance import assert_conforms
from kozmo_io.errors import InvalidReferenceError
from kozmo_io.ioutils.input_file_paths import SimpleInputFilePaths
from kozmo_io.protocols import InputFilePaths
from kozmo_io.reference import DataReference

PREFIX = (
    "s3://flyteorg-modelbuilder/metadata/propeller/staging/"
    "flyteexamples-development-jf193q0cqo/odd-nums-task/data"
)


def test_input_path_is_inputs_pb_under_the_prefix() -> None:
    paths = SimpleInputFilePaths(PREFIX)
    assert paths.get_input_path() == f"{PREFIX}/inputs.pb"
    assert paths.get_input_prefix_path() == PREFIX
    assert isinstance(paths.get_input_path(), DataReference)
    assert isinstance(paths.get_input_prefix_path(), DataReference)


def test_satisfies_the_protocol() -> None:
    assert_conforms(SimpleInputFilePaths, InputFilePaths, strict=True)
    assert_conforms(SimpleInputFilePaths("s3://b/x"), InputFilePaths, strict=True)


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("", "/inputs.pb"), ("data", "/data/inputs.pb"), ("/d/", "/d/inputs.pb")],
)
def test_scheme_less_prefixes_join_like_the_engine(prefix: str, expected: str) -> None:
    assert SimpleInputFilePaths(prefix).get_input_path() == expected


@pytest.mark.parametrize("prefix", ["://x", "s3://bucket:abc/x", "*&^#&$@:%//"])
def test_unjoinable_prefix_is_rejected_at_construction(prefix: str) -> None:
    with pytest.raises(InvalidReferenceError):
        SimpleInputFilePaths(prefix)


def test_paths_are_frozen_values() -> None:
    paths = SimpleInputFilePaths("s3://b/x")
    assert paths == SimpleInputFilePaths(DataReference("s3://b/x"))
    assert "inputs.pb" not in repr(paths)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        paths.input_prefix = DataReference("s3://b/y")  # type: ignore[misc]


def test_repr_redacts_credentials() -> None:
    assert "SECRET" not in repr(SimpleInputFilePaths("s3://KEY:SECRET@b/x"))
