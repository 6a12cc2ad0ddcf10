"""Raw output prefixes: where a task attempt writes its user data.

:class:`PrecomputedRawOutputPaths` is a frozen value holding the prefix; the constructors below
compute it the ways the engine does. Each is a pure function of its inputs (no storage request, no
randomness)::

    >>> from kozmo_io.ioutils.shard_selector import constant_shard_selector
    >>> paths = sharded_raw_output_path(constant_shard_selector(["x"]), "s3://flyte", "unique")
    >>> str(paths.get_raw_output_prefix())
    's3://flyte/x/unique'

Every join is :func:`~kozmo_io.reference.construct_reference`, so a hostile or empty part (for
example a shard ``"s3:// abc"`` or an empty project id) raises
:class:`~kozmo_io.errors.InvalidReferenceError`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import final

import attrs

from kozmo_io import core
from kozmo_io.protocols import ShardSelector
from kozmo_io.reference import DataReference, construct_reference

__all__ = (
    "PrecomputedRawOutputPaths",
    "deterministic_unique_raw_output_path",
    "sharded_deterministic_raw_output_path",
    "sharded_raw_output_path",
    "task_id_raw_output_path",
)


@final
@attrs.frozen
class PrecomputedRawOutputPaths:
    """A :class:`~kozmo_io.protocols.RawOutputPaths` over a fixed prefix, kept exactly as given.

    Args:
        raw_output_prefix: The prefix (a ``str`` is accepted; ``"x"`` stays ``"x"``).
    """

    raw_output_prefix: DataReference = attrs.field(converter=DataReference)

    def get_raw_output_prefix(self) -> DataReference:
        """Return the prefix. No storage request."""
        return self.raw_output_prefix


def _sha1_hex(text: str) -> str:
    # A naming digest, not a security measure: the engine's deterministic folder name.
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def sharded_raw_output_path(
    selector: ShardSelector, base: str, unique_id: str, suffix_parts: Sequence[str] = ()
) -> PrecomputedRawOutputPaths:
    """Return ``<base>/<shard of unique_id>/<suffix parts...>/<unique_id>`` (the engine's default).

    Args:
        selector: Picks the shard from the UTF-8 bytes of ``unique_id``.
        base: The execution's raw output prefix.
        unique_id: The attempt's unique id, e.g. from
            :func:`~kozmo_io.ioutils.unique_id.fixed_length_unique_id_for_parts`.
        suffix_parts: Folders between the shard and the id.

    Raises:
        InvalidReferenceError: A part cannot be joined.
    """
    shard = selector.get_shard_prefix(unique_id.encode())
    return PrecomputedRawOutputPaths(construct_reference(base, shard, *suffix_parts, unique_id))


def sharded_deterministic_raw_output_path(
    selector: ShardSelector, base: str, output_metadata_prefix: str
) -> PrecomputedRawOutputPaths:
    """Return ``<base>/<shard>/<sha1 hex of output_metadata_prefix>``, sharded by that same text.

    Raises:
        InvalidReferenceError: A part cannot be joined.
    """
    shard = selector.get_shard_prefix(output_metadata_prefix.encode())
    return PrecomputedRawOutputPaths(
        construct_reference(base, shard, _sha1_hex(output_metadata_prefix))
    )


def deterministic_unique_raw_output_path(
    raw_prefix: str, output_metadata_prefix: str
) -> PrecomputedRawOutputPaths:
    """Return ``<raw_prefix>/<sha1 hex of output_metadata_prefix>`` (no shard).

    Raises:
        InvalidReferenceError: ``raw_prefix`` cannot be joined onto.
    """
    return PrecomputedRawOutputPaths(
        construct_reference(raw_prefix, _sha1_hex(output_metadata_prefix))
    )


def task_id_raw_output_path(
    prefix: str, task_execution_id: core.TaskExecutionIdentifier
) -> PrecomputedRawOutputPaths:
    """Return ``<prefix>/<project>/<domain>/<execution>/<node>/<retry attempt>/<task name>``.

    Args:
        prefix: The raw output prefix.
        task_execution_id: The attempt's id; unset sub-messages read as empty strings.

    Raises:
        InvalidReferenceError: A part is empty or cannot be joined (the engine would silently
            replace the base path for an empty first part).
    """
    node = task_execution_id.node_execution_id
    execution = node.execution_id
    return PrecomputedRawOutputPaths(
        construct_reference(
            prefix,
            execution.project,
            execution.domain,
            execution.name,
            node.node_id,
            str(task_execution_id.retry_attempt),
            task_execution_id.task_id.name,
        )
    )
