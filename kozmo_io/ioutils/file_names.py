"""The small path helpers the engine uses for a task's files.

:func:`construct_checkpoint_path`, :func:`get_task_template_path` and :func:`get_index_lookup_path`
join a file name of :mod:`kozmo_io.task_files` onto a prefix. Every helper joins
with :func:`~kozmo_io.reference.construct_reference` (the engine's RFC 3986 join) and raises
:class:`~kozmo_io.errors.InvalidReferenceError` for a base it cannot join onto.
"""

from __future__ import annotations

from kozmo_io.reference import DataReference, construct_reference
from kozmo_io.task_files import CHECKPOINT_PREFIX, INDEX_LOOKUP_SUFFIX, TASK_TEMPLATE_SUFFIX

__all__ = (
    "construct_checkpoint_path",
    "get_index_lookup_path",
    "get_task_template_path",
)


def construct_checkpoint_path(
    raw_output_prefix: str, /, *, folder: str = CHECKPOINT_PREFIX
) -> DataReference:
    """Return the checkpoint prefix under a raw output prefix.

    Args:
        raw_output_prefix: The attempt's raw output prefix; empty means "no raw output".
        folder: The checkpoint folder name.

    Returns:
        ``<raw_output_prefix>/<folder>``, or an empty reference when ``raw_output_prefix`` is
        empty (as in the engine, which then offers no checkpoint location).

    Raises:
        InvalidReferenceError: The prefix or folder cannot be joined (the engine logged and returned
            ``""``; an unusable checkpoint location is better reported).
    """
    if not raw_output_prefix:
        return DataReference("")
    return construct_reference(raw_output_prefix, folder)


def get_task_template_path(base: str, /) -> DataReference:
    """Return ``<base>/task.pb``, where an offloaded task template lives.

    Raises:
        InvalidReferenceError: ``base`` cannot be joined onto.
    """
    return construct_reference(base, TASK_TEMPLATE_SUFFIX)


def get_index_lookup_path(prefix: str, /) -> DataReference:
    """Return ``<prefix>/indexlookup.pb``, the array plugin's index lookup.

    Raises:
        InvalidReferenceError: ``prefix`` cannot be joined onto.
    """
    return construct_reference(prefix, INDEX_LOOKUP_SUFFIX)
