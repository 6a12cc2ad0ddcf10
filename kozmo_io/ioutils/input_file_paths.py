"""Where a task's inputs live: :class:`SimpleInputFilePaths`."""

from __future__ import annotations

from typing import final

import attrs

from kozmo_io.reference import DataReference, construct_reference
from kozmo_io.task_files import INPUTS_SUFFIX

__all__ = ("SimpleInputFilePaths",)


@final
@attrs.frozen
class SimpleInputFilePaths:
    """An :class:`~kozmo_io.protocols.InputFilePaths` for ``<input_prefix>/inputs.pb``.

    The inputs path is joined once, at construction, so the getters never fail. (The engine
    returned ``""`` from the getter when the join failed; a bad prefix is reported here instead.)

    Args:
        input_prefix: The node's data directory (a ``str`` is accepted; ``""`` gives
            ``/inputs.pb``).

    Raises:
        InvalidReferenceError: ``input_prefix`` cannot be joined onto.
    """

    input_prefix: DataReference = attrs.field(converter=DataReference)
    _input_path: DataReference = attrs.field(init=False, repr=False, eq=False)

    @_input_path.default
    def _join_input_path(self) -> DataReference:
        return construct_reference(self.input_prefix, INPUTS_SUFFIX)

    def get_input_prefix_path(self) -> DataReference:
        """Return the prefix as given. No storage request."""
        return self.input_prefix

    def get_input_path(self) -> DataReference:
        """Return ``<input_prefix>/inputs.pb``. No storage request."""
        return self._input_path
