"""Output path holders: the engine's output paths, read-only paths and hostile prefixes."""

from __future__ import annotations

import attrs
import pytest

from kozmo_io.conformance import assert_conforms, check
from kozmo_io.errors import InvalidReferenceError, KozmoIOError
from kozmo_io.ioutils.output_file_paths import (
    CheckpointRemoteFilePaths,
    ReadOnlyOutputFilePaths,
    RemoteFileOutputPaths,
)
from kozmo_io.ioutils.raw_output_paths import PrecomputedRawOutputPaths
from kozmo_io.protocols import OutputFilePaths, RawOutputPaths
from kozmo_io.reference import DataReference

SANDBOX = PrecomputedRawOutputPaths("sandbox")


def test_checkpoint_paths_match_engine_vectors() -> None:
    paths = CheckpointRemoteFilePaths("output", SANDBOX, "checkpoint")
    assert paths.get_previous_checkpoints_prefix() == "checkpoint"
    assert paths.get_output_prefix_path() == "output"
    assert paths.get_checkpoint_prefix() == "/sandbox/_kozmocheckpoints"
    assert paths.get_output_path() == "/output/outputs.pb"
    assert paths.get_deck_path() == "/output/deck.html"
    assert paths.get_error_path() == "/output/error.pb"
    assert paths.get_futures_path() == "/output/futures.pb"
    assert paths.get_raw_output_prefix() == "sandbox"


def test_checkpoint_paths_on_s3() -> None:
    paths = CheckpointRemoteFilePaths("s3://b/meta/n0/0", PrecomputedRawOutputPaths("s3://r/x/id"))
    assert paths.get_output_path() == "s3://b/meta/n0/0/outputs.pb"
    assert paths.get_checkpoint_prefix() == "s3://r/x/id/_kozmocheckpoints"


def test_every_getter_returns_a_data_reference() -> None:
    paths = CheckpointRemoteFilePaths("output", SANDBOX, "checkpoint")
    getters = [
        paths.get_output_prefix_path,
        paths.get_output_path,
        paths.get_deck_path,
        paths.get_error_path,
        paths.get_futures_path,
        paths.get_raw_output_prefix,
        paths.get_checkpoint_prefix,
        paths.get_previous_checkpoints_prefix,
    ]
    assert all(isinstance(getter(), DataReference) for getter in getters)


@pytest.mark.parametrize("previous", [None, ""])
def test_first_attempt_has_no_previous_checkpoint(previous: str | None) -> None:
    assert (
        CheckpointRemoteFilePaths("o", SANDBOX, previous).get_previous_checkpoints_prefix() is None
    )


def test_empty_raw_prefix_gives_empty_checkpoint_prefix() -> None:
    paths = CheckpointRemoteFilePaths("o", PrecomputedRawOutputPaths(""))
    assert paths.get_checkpoint_prefix() == ""


def test_checkpoint_folder_is_configurable() -> None:
    paths = CheckpointRemoteFilePaths("o", SANDBOX, checkpoint_folder="_flytecheckpoints")
    assert paths.get_checkpoint_prefix() == "/sandbox/_flytecheckpoints"


@pytest.mark.parametrize(
    "paths",
    [
        RemoteFileOutputPaths("s3://b/o", SANDBOX, deck_filename="report.html"),
        CheckpointRemoteFilePaths("s3://b/o", SANDBOX, deck_filename="report.html"),
        ReadOnlyOutputFilePaths("s3://b/o", deck_filename="report.html"),
    ],
)
def test_deck_filename_is_configurable(
    paths: RemoteFileOutputPaths | CheckpointRemoteFilePaths | ReadOnlyOutputFilePaths,
) -> None:
    assert paths.get_deck_path() == "s3://b/o/report.html"
    assert paths.deck_filename == "report.html"


def test_deck_filename_defaults_to_deck_html() -> None:
    assert ReadOnlyOutputFilePaths("s3://b/o").get_deck_path() == "s3://b/o/deck.html"


def test_remote_file_output_paths_has_no_checkpoints() -> None:
    paths = RemoteFileOutputPaths("output", SANDBOX)
    assert paths.get_output_path() == "/output/outputs.pb"
    assert paths.get_futures_path() == "/output/futures.pb"
    assert paths.get_raw_output_prefix() == "sandbox"
    assert_conforms(paths, RawOutputPaths, strict=True)
    missing = {p.member for p in check(paths, OutputFilePaths).problems if p.rule == "missing"}
    assert missing == {"get_checkpoint_prefix", "get_previous_checkpoints_prefix"}


def test_checkpoint_and_read_only_paths_satisfy_output_file_paths() -> None:
    assert_conforms(CheckpointRemoteFilePaths("o", SANDBOX), OutputFilePaths, strict=True)
    assert_conforms(ReadOnlyOutputFilePaths("o"), OutputFilePaths, strict=True)


def test_read_only_paths_refuse_raw_output_and_checkpoint_getters() -> None:
    paths = ReadOnlyOutputFilePaths("s3://KEY:SECRET@b/o")
    assert paths.get_error_path() == "s3://KEY:SECRET@b/o/error.pb"
    assert paths.get_previous_checkpoints_prefix() is None
    with pytest.raises(KozmoIOError, match="no raw output prefix") as raw:
        paths.get_raw_output_prefix()
    with pytest.raises(KozmoIOError, match="no checkpoint prefix"):
        paths.get_checkpoint_prefix()
    assert "SECRET" not in str(raw.value)


@pytest.mark.parametrize("prefix", ["://x", "s3://bucket:abc/x", "*&^#&$@:%//"])
def test_unjoinable_output_prefix_is_rejected_at_construction(prefix: str) -> None:
    with pytest.raises(InvalidReferenceError):
        ReadOnlyOutputFilePaths(prefix)
    with pytest.raises(InvalidReferenceError):
        CheckpointRemoteFilePaths(prefix, SANDBOX)
    with pytest.raises(InvalidReferenceError):
        RemoteFileOutputPaths(prefix, SANDBOX)


@pytest.mark.parametrize("name", ["..", "", "a:b"])
def test_hostile_deck_filename_is_rejected(name: str) -> None:
    with pytest.raises(InvalidReferenceError):
        ReadOnlyOutputFilePaths("s3://b/o", deck_filename=name)


def test_hostile_raw_prefix_is_rejected_at_construction() -> None:
    with pytest.raises(InvalidReferenceError):
        CheckpointRemoteFilePaths("s3://b/o", PrecomputedRawOutputPaths("s3://bucket:abc/x"))


def test_paths_are_frozen_values_with_derived_fields_hidden() -> None:
    paths = CheckpointRemoteFilePaths("s3://b/o", SANDBOX, "s3://b/prev")
    assert paths == CheckpointRemoteFilePaths(DataReference("s3://b/o"), SANDBOX, "s3://b/prev")
    assert "outputs.pb" not in repr(paths)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        paths.output_prefix = DataReference("s3://b/x")  # type: ignore[misc]
