"""Path helpers: the engine's checkpoint, index-lookup and task-template paths."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kozmo_io.errors import InvalidReferenceError
from kozmo_io.ioutils import file_names
from kozmo_io.reference import DataReference


@pytest.mark.parametrize(
    ("raw_prefix", "expected"),
    [
        ("s3://my-bucket/base", "s3://my-bucket/base/_kozmocheckpoints"),
        ("s3://my-bucket/base2/", "s3://my-bucket/base2/_kozmocheckpoints"),
        ("", ""),
    ],
)
def test_construct_checkpoint_path(raw_prefix: str, expected: str) -> None:
    result = file_names.construct_checkpoint_path(raw_prefix)
    assert result == expected
    assert isinstance(result, DataReference)


def test_checkpoint_folder_is_overridable() -> None:
    assert (
        file_names.construct_checkpoint_path("s3://b/raw", folder="_flytecheckpoints")
        == "s3://b/raw/_flytecheckpoints"
    )


def test_get_task_template_path() -> None:
    assert file_names.get_task_template_path("s3://abc") == "s3://abc/task.pb"


def test_get_index_lookup_path() -> None:
    assert file_names.get_index_lookup_path("s3://abc") == "s3://abc/indexlookup.pb"


@pytest.mark.parametrize(
    "call",
    [
        lambda: file_names.construct_checkpoint_path("*&^#&$@:%//"),
        lambda: file_names.construct_checkpoint_path("s3://b/raw", folder=".."),
        lambda: file_names.get_task_template_path("s3://bucket:abc/x"),
        lambda: file_names.get_index_lookup_path("://x"),
    ],
)
def test_unjoinable_bases_raise_instead_of_returning_empty(call: Callable[[], object]) -> None:
    with pytest.raises(InvalidReferenceError):
        call()
