"""The names of a task's files and the folder value a listing finds: :class:`TaskFolder`.

Layout under a node's metadata prefix, as the engine writes it::

    <data dir>/inputs.pb          LiteralMap       INPUTS_SUFFIX
    <data dir>/task.pb            offloaded task   TASK_TEMPLATE_SUFFIX
    <output>/outputs.pb           LiteralMap       OUTPUTS_SUFFIX
    <output>/error.pb             ErrorDocument    ERRORS_SUFFIX
    <output>/deck.html            deck             DECK_SUFFIX (configurable per paths object)
    <output>/futures.pb           dynamic job      FUTURES_SUFFIX
    <data dir>/indexlookup.pb     array lookup     INDEX_LOOKUP_SUFFIX
    <raw output>/_kozmocheckpoints/                CHECKPOINT_PREFIX

These are plain values, so every reference implementation in :mod:`kozmo_io.ioutils` (and a copy
of one) names the files the same way.
"""

from __future__ import annotations

from typing import final

import attrs

from kozmo_io.reference import DataReference

__all__ = (
    "CHECKPOINT_PREFIX",
    "DECK_SUFFIX",
    "ERRORS_SUFFIX",
    "FUTURES_SUFFIX",
    "INDEX_LOOKUP_SUFFIX",
    "INPUTS_SUFFIX",
    "OUTPUTS_SUFFIX",
    "TASK_FILES",
    "TASK_TEMPLATE_SUFFIX",
    "TaskFolder",
)

INPUTS_SUFFIX = "inputs.pb"
TASK_TEMPLATE_SUFFIX = "task.pb"
FUTURES_SUFFIX = "futures.pb"
OUTPUTS_SUFFIX = "outputs.pb"
ERRORS_SUFFIX = "error.pb"
DECK_SUFFIX = "deck.html"
INDEX_LOOKUP_SUFFIX = "indexlookup.pb"
CHECKPOINT_PREFIX = "_kozmocheckpoints"

TASK_FILES: frozenset[str] = frozenset({OUTPUTS_SUFFIX, ERRORS_SUFFIX, DECK_SUFFIX, INPUTS_SUFFIX})
"""The file names that mark a task's folder."""


@final
@attrs.frozen
class TaskFolder:
    """A task's folder found by listing, with the task files it holds.

    Args:
        prefix: The folder (no trailing ``/``), in the form of the listed prefix.
        files: The names of :data:`TASK_FILES` found directly in it.
    """

    prefix: DataReference
    files: frozenset[str]

    @property
    def has_outputs(self) -> bool:
        """Whether ``outputs.pb`` was listed."""
        return OUTPUTS_SUFFIX in self.files

    @property
    def has_error(self) -> bool:
        """Whether ``error.pb`` was listed."""
        return ERRORS_SUFFIX in self.files
