"""Path constants and helpers: the engine's vectors T2-T4 with the Kozmo checkpoint folder."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kozmo_io.errors import InvalidReferenceError
from kozmo_io.ioutils import paths
from kozmo_io.reference import DataReference


def test_file_names_match_the_engine() -> None:
    assert (
        paths.INPUTS_SUFFIX,
        paths.TASK_TEMPLATE_SUFFIX,
        paths.FUTURES_SUFFIX,
        paths.OUTPUTS_SUFFIX,
        paths.ERRORS_SUFFIX,
        paths.DECK_SUFFIX,
        paths.INDEX_LOOKUP_SUFFIX,
        paths.CHECKPOINT_PREFIX,
    ) == (
        "inputs.pb",
        "task.pb",
        "futures.pb",
        "outputs.pb",
        "error.pb",
        "deck.html",
        "indexlookup.pb",
        "_kozmocheckpoints",
    )


@pytest.mark.parametrize(
    ("raw_prefix", "expected"),
    [
        ("s3://my-bucket/base", "s3://my-bucket/base/_kozmocheckpoints"),
        ("s3://my-bucket/base2/", "s3://my-bucket/base2/_kozmocheckpoints"),
        ("", ""),
    ],
)
def test_construct_checkpoint_path(raw_prefix: str, expected: str) -> None:
    result = paths.construct_checkpoint_path(raw_prefix)
    assert result == expected
    assert isinstance(result, DataReference)


def test_checkpoint_folder_is_overridable() -> None:
    assert (
        paths.construct_checkpoint_path("s3://b/raw", folder="_flytecheckpoints")
        == "s3://b/raw/_flytecheckpoints"
    )


def test_get_task_template_path() -> None:
    assert paths.get_task_template_path("s3://abc") == "s3://abc/task.pb"


def test_get_index_lookup_path() -> None:
    assert paths.get_index_lookup_path("s3://abc") == "s3://abc/indexlookup.pb"


@pytest.mark.parametrize(
    "call",
    [
        lambda: paths.construct_checkpoint_path("*&^#&$@:%//"),
        lambda: paths.construct_checkpoint_path("s3://b/raw", folder=".."),
        lambda: paths.get_task_template_path("s3://bucket:abc/x"),
        lambda: paths.get_index_lookup_path("://x"),
    ],
)
def test_unjoinable_bases_raise_instead_of_returning_empty(call: Callable[[], object]) -> None:
    with pytest.raises(InvalidReferenceError):
        call()
