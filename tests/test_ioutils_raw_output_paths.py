"""Raw output path constructors: the engine's sharded and task-id paths, hostile parts."""

from __future__ import annotations

import attrs
import pytest

from kozmo_io import core
from kozmo_io.conformance import assert_conforms
from kozmo_io.errors import InvalidReferenceError
from kozmo_io.ioutils.raw_output_paths import (
    PrecomputedRawOutputPaths,
    deterministic_unique_raw_output_path,
    sharded_deterministic_raw_output_path,
    sharded_raw_output_path,
    task_id_raw_output_path,
)
from kozmo_io.ioutils.shard_selector import base36_prefix_shard_selector, constant_shard_selector
from kozmo_io.protocols import RawOutputPaths
from kozmo_io.reference import DataReference

SHA1_OF_M = "6b0d31c0d563223024da45691584643ac78c96e8"


def test_precomputed_prefix_is_kept_verbatim() -> None:
    paths = PrecomputedRawOutputPaths("x")
    assert paths.get_raw_output_prefix() == "x"
    assert isinstance(paths.get_raw_output_prefix(), DataReference)
    assert_conforms(paths, RawOutputPaths, strict=True)


def test_precomputed_paths_are_frozen() -> None:
    paths = PrecomputedRawOutputPaths("x")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        paths.raw_output_prefix = DataReference("y")  # type: ignore[misc]


def test_sharded_deterministic_path() -> None:
    paths = sharded_deterministic_raw_output_path(
        constant_shard_selector(["x"]), "s3://bucket", "m"
    )
    assert paths.get_raw_output_prefix() == f"s3://bucket/x/{SHA1_OF_M}"


def test_sharded_deterministic_path_rejects_hostile_shard() -> None:
    with pytest.raises(InvalidReferenceError):
        sharded_deterministic_raw_output_path(
            constant_shard_selector(["s3:// abc"]), "s3://bucket", "m"
        )


def test_sharded_path() -> None:
    paths = sharded_raw_output_path(constant_shard_selector(["x"]), "s3://flyte", "unique")
    assert paths.get_raw_output_prefix() == "s3://flyte/x/unique"


def test_sharded_path_with_suffix_parts() -> None:
    paths = sharded_raw_output_path(
        constant_shard_selector(["x"]), "s3://flyte", "unique", suffix_parts=["suffix"]
    )
    assert paths.get_raw_output_prefix() == "s3://flyte/x/suffix/unique"


def test_sharded_path_rejects_hostile_shard() -> None:
    with pytest.raises(InvalidReferenceError):
        sharded_raw_output_path(constant_shard_selector(["s3:// abc"]), "s3://bucket", "m")


def test_sharded_path_with_base36_shards_the_unique_id() -> None:
    paths = sharded_raw_output_path(base36_prefix_shard_selector(), "s3://raw", "exec-n0-0")
    assert paths.get_raw_output_prefix() == "s3://raw/mi/exec-n0-0"


def test_deterministic_unique_path() -> None:
    assert (
        deterministic_unique_raw_output_path("s3://bucket", "m").get_raw_output_prefix()
        == f"s3://bucket/{SHA1_OF_M}"
    )


def test_deterministic_unique_path_scheme_less_base() -> None:
    assert (
        deterministic_unique_raw_output_path("bucket", "m").get_raw_output_prefix()
        == f"/bucket/{SHA1_OF_M}"
    )


def _task_execution_id(project: str = "project") -> core.TaskExecutionIdentifier:
    return core.TaskExecutionIdentifier(
        node_execution_id=core.NodeExecutionIdentifier(
            node_id="n1",
            execution_id=core.WorkflowExecutionIdentifier(
                project=project, domain="domain", name="exec"
            ),
        ),
        retry_attempt=0,
        task_id=core.Identifier(name="task1"),
    )


def test_task_id_path() -> None:
    paths = task_id_raw_output_path("s3://bucket", _task_execution_id())
    assert paths.get_raw_output_prefix() == "s3://bucket/project/domain/exec/n1/0/task1"


def test_task_id_path_rejects_empty_part() -> None:
    with pytest.raises(InvalidReferenceError, match="empty key"):
        task_id_raw_output_path("s3://bucket", _task_execution_id(project=""))


def test_task_id_path_rejects_dotdot_part() -> None:
    with pytest.raises(InvalidReferenceError, match=r"'\.\.'"):
        task_id_raw_output_path("s3://bucket", _task_execution_id(project=".."))
