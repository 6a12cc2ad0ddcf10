"""The values benchmark 6 converts, built the same way in kozmo_io's and flytekit's environments.

Standard library only: ``bench_literals.py`` imports it, and so does
``_flytekit_literals_baseline.py`` in flytekit's virtual environment, so both sides convert equal
values.
"""

from __future__ import annotations

import datetime as dt

__all__ = ("LIST_LENGTH", "MAP_ENTRIES", "mixed_map", "number_list")

MAP_ENTRIES = 1_000
LIST_LENGTH = 10_000
_START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
_KINDS: tuple[type, ...] = (int, float, str, bool, dt.datetime, dt.timedelta)


def mixed_map(entries: int = MAP_ENTRIES) -> tuple[dict[str, object], dict[str, type]]:
    """Return ``entries`` named values cycling through the six primitive types, and their types."""
    values: dict[str, object] = {}
    hints: dict[str, type] = {}
    for index in range(entries):
        kind = _KINDS[index % len(_KINDS)]
        name = f"v{index:05d}"
        hints[name] = kind
        if kind is int:
            values[name] = index * 7919 - 3_000_000
        elif kind is float:
            values[name] = index / 7.0
        elif kind is str:
            values[name] = f"sample text {index}"
        elif kind is bool:
            values[name] = index % 4 == 3  # every fourth one
        elif kind is dt.datetime:
            values[name] = _START + dt.timedelta(seconds=index * 3601, microseconds=index)
        else:
            values[name] = dt.timedelta(seconds=index * 61, microseconds=index)
    return values, hints


def number_list(length: int = LIST_LENGTH) -> list[int]:
    """Return ``length`` distinct integers."""
    return [index * 104_729 - 5_000_000 for index in range(length)]
