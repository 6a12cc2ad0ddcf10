"""Behavioural rules of the path getters (InputFilePaths, OutputFilePaths) and their fixtures.

Each getter must return a :class:`~kozmo_io.DataReference` (a plain ``str`` is reported), the same
one on every call, without a storage request, and the path the contract names for the prefix the
kit chose (joined as :func:`~kozmo_io.construct_reference` joins, so a trailing ``/`` on the prefix
never doubles).
"""

from __future__ import annotations

import asyncio
import enum
from typing import Final, final

import attrs

from kozmo_io.ioutils.input_file_paths import SimpleInputFilePaths
from kozmo_io.ioutils.output_file_paths import CheckpointRemoteFilePaths
from kozmo_io.ioutils.raw_output_paths import PrecomputedRawOutputPaths
from kozmo_io.reference import DataReference, construct_reference
from kozmo_io.storage import CountingStore
from kozmo_io.task_files import DECK_SUFFIX, ERRORS_SUFFIX, INPUTS_SUFFIX, OUTPUTS_SUFFIX
from kozmo_io.testing._kit import Kit, Returned, describe, fresh_store

__all__ = (
    "INPUT_PREFIXES",
    "OUTPUT_SHAPES",
    "OutputShape",
    "check_input_paths_of",
    "check_output_paths_of",
    "input_paths",
    "output_paths",
)

INPUT_PREFIXES: Final = (
    "memory://kozmo-kit/paths/inputs",
    "memory://kozmo-kit/paths/inputs/",
    "/kozmo-kit/paths/inputs",
)
"""The input prefixes the path rules try: plain, with a trailing ``/``, scheme-less."""


@final
@attrs.frozen
class OutputShape:
    """The prefixes of one output path scenario."""

    output_prefix: str
    raw_output_prefix: str
    previous_checkpoint_prefix: str | None


OUTPUT_SHAPES: Final = (
    OutputShape("memory://kozmo-kit/paths/outputs", "memory://kozmo-kit/paths/raw", None),
    OutputShape(
        "memory://kozmo-kit/paths/outputs/",
        "memory://kozmo-kit/paths/raw/",
        "memory://kozmo-kit/paths/previous/_kozmocheckpoints",
    ),
    OutputShape("/kozmo-kit/paths/outputs", "/kozmo-kit/paths/raw", "/kozmo-kit/paths/previous"),
)
"""The output scenarios the path rules try: plain, trailing ``/`` (and a retry), scheme-less."""


def input_paths(prefix: str) -> SimpleInputFilePaths:
    """Return the kit's input paths under ``prefix``."""
    return SimpleInputFilePaths(prefix)


def output_paths(
    prefix: str, raw_output_prefix: str, previous_checkpoint_prefix: str | None = None
) -> CheckpointRemoteFilePaths:
    """Return the kit's output paths."""
    return CheckpointRemoteFilePaths(
        prefix, PrecomputedRawOutputPaths(raw_output_prefix), previous_checkpoint_prefix
    )


def _parent(reference: str) -> str:
    """The prefix (ending in ``/``) that files directly under ``reference`` start with."""
    return construct_reference(reference, "x").removesuffix("x")


class _Unusable(enum.Enum):
    UNUSABLE = enum.auto()


_UNUSABLE: Final = _Unusable.UNUSABLE


@final
@attrs.frozen
class _Getters:
    """Calls the path getters of one object for one scenario."""

    kit: Kit
    obj: object
    store: CountingStore
    situation: str

    async def reference(self, member: str, *, optional: bool) -> str | _Unusable | None:
        """Call a getter twice; return its text (None if allowed), problems recorded."""
        kit, situation = self.kit, self.situation
        before = self.store.total
        first = kit.call_sync(self.obj, member, situation)
        second = kit.call_sync(self.obj, member, situation) if isinstance(first, Returned) else None
        await asyncio.sleep(0)  # lets a request the getter scheduled reach the store
        requests = self.store.total - before
        if requests:
            found = f"{requests} request(s): {dict(self.store.counts)}"
            kit.problem(member, situation, "no storage request", found)
        wanted = "a DataReference or None" if optional else "a DataReference"
        answer = kit.returned(first, member, situation, wanted)
        if answer is None:
            return _UNUSABLE
        value = answer.value
        if value is None and optional:
            return None
        if not isinstance(value, DataReference):
            kit.problem(member, situation, wanted, describe(value))
            if not isinstance(value, str):
                return _UNUSABLE
        if isinstance(second, Returned) and second.value != value:
            found = f"{describe(value)}, then {describe(second.value)}"
            kit.problem(member, situation, "the same reference on every call", found)
        return value

    async def equal(
        self, member: str, expected: DataReference | None, *, optional: bool = False
    ) -> None:
        """Call a getter and compare its text with ``expected``."""
        value = await self.reference(member, optional=optional)
        if value is not _UNUSABLE and value != expected:
            self.kit.problem(member, self.situation, describe(expected), describe(value))

    async def under(self, member: str, base: str, what: str, *, file: bool) -> None:
        """Call a getter and check that it names something under ``base``."""
        value = await self.reference(member, optional=False)
        if not isinstance(value, str):
            return
        parent = _parent(base)
        rest = value.removeprefix(parent)
        if not value.startswith(parent) or not rest or (file and "/" in rest):
            expected = f"{what} under {parent!r}"
            self.kit.problem(member, self.situation, expected, describe(value))


async def check_input_paths_of(kit: Kit) -> None:
    """Build one object per input prefix and check its InputFilePaths getters."""
    for prefix in INPUT_PREFIXES:
        store = fresh_store()
        situation = f"for input prefix {prefix!r}"
        obj = await kit.build(store, input_paths(prefix), situation=situation)
        if obj is None:
            continue
        getters = _Getters(kit, obj, store, situation)
        await getters.equal("get_input_prefix_path", DataReference(prefix))
        await getters.equal("get_input_path", construct_reference(prefix, INPUTS_SUFFIX))


async def check_output_paths_of(kit: Kit) -> None:
    """Build one object per output shape and check its OutputFilePaths getters."""
    for shape in OUTPUT_SHAPES:
        store = fresh_store()
        prefix, raw = shape.output_prefix, shape.raw_output_prefix
        previous = shape.previous_checkpoint_prefix
        situation = f"for output prefix {prefix!r}, raw output prefix {raw!r}"
        paths = output_paths(prefix, raw, previous)
        obj = await kit.build(store, paths, situation=situation)
        if obj is None:
            continue
        getters = _Getters(kit, obj, store, situation)
        await getters.equal("get_output_prefix_path", DataReference(prefix))
        await getters.equal("get_output_path", construct_reference(prefix, OUTPUTS_SUFFIX))
        await getters.equal("get_error_path", construct_reference(prefix, ERRORS_SUFFIX))
        await getters.under(
            "get_deck_path", prefix, f"a file ({DECK_SUFFIX} by default)", file=True
        )
        await getters.equal("get_raw_output_prefix", DataReference(raw))
        await getters.under("get_checkpoint_prefix", raw, "a prefix", file=False)
        expected_previous = None if previous is None else DataReference(previous)
        await getters.equal("get_previous_checkpoints_prefix", expected_previous, optional=True)
