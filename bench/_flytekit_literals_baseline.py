# mypy: disable-error-code="import-not-found, import-untyped, no-any-unimported, misc"
"""Baseline of the literals benchmark: flytekit's type engine on the values of ``_literal_values``.

Runs in flytekit's own virtual environment (it pins its own protobuf and flyteidl), started by
``bench_literals.py``; mypy here sees flytekit as missing, hence the disabled codes above. Times
``TypeEngine.dict_to_literal_map`` / ``literal_map_to_kwargs`` on the 1,000-entry map and
``TypeEngine.to_literal`` / ``to_python_value`` on the 10,000-element ``list[int]``, and writes what
it encoded (serialized, deterministic) into ``--out`` so the caller can check that both sides
produced the same literals. Prints one JSON object: ``{"flytekit": version, "durations": {name:
[seconds per call]}}``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import flytekit
from _literal_values import mixed_map, number_list
from flytekit import FlyteContextManager
from flytekit.core.type_engine import TypeEngine


def timed(function: Callable[[], object], repeats: int) -> list[float]:
    """Time ``repeats`` calls of ``function`` after one untimed call.

    flytekit keeps the last 128 literals it made, keyed by a cloudpickle hash of the value, and
    answers a repeat from there; the cache is emptied before each call (untimed), so every call
    converts, as a task's first conversion of a value does.
    """
    function()
    durations = []
    for _ in range(repeats):
        TypeEngine._LITERAL_CACHE.clear()  # noqa: SLF001 - see above
        start = time.perf_counter()
        function()
        durations.append(time.perf_counter() - start)
    return durations


def main() -> None:
    """Time the four conversions; write the encoded literals into ``--out``."""
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("--out", type=Path, required=True)
    arguments.add_argument("--entries", type=int, required=True)
    arguments.add_argument("--length", type=int, required=True)
    arguments.add_argument("--repeats", type=int, default=10)
    options = arguments.parse_args()
    ctx = FlyteContextManager.current_context()
    values, hints = mixed_map(options.entries)
    numbers = number_list(options.length)
    list_type = TypeEngine.to_literal_type(list[int])

    literal_map = TypeEngine.dict_to_literal_map(ctx, values, type_hints=hints)
    literal_list = TypeEngine.to_literal(ctx, numbers, list[int], list_type)
    decoded = TypeEngine.literal_map_to_kwargs(ctx, literal_map, python_types=hints)
    assert decoded == values, "flytekit does not read back its own map"
    assert TypeEngine.to_python_value(ctx, literal_list, list[int]) == numbers
    (options.out / "map.pb").write_bytes(
        literal_map.to_flyte_idl().SerializeToString(deterministic=True)
    )
    (options.out / "list.pb").write_bytes(
        literal_list.to_flyte_idl().SerializeToString(deterministic=True)
    )

    durations = {
        "encode map": timed(
            lambda: TypeEngine.dict_to_literal_map(ctx, values, type_hints=hints),
            options.repeats,
        ),
        "decode map": timed(
            lambda: TypeEngine.literal_map_to_kwargs(ctx, literal_map, python_types=hints),
            options.repeats,
        ),
        "encode list": timed(
            lambda: TypeEngine.to_literal(ctx, numbers, list[int], list_type), options.repeats
        ),
        "decode list": timed(
            lambda: TypeEngine.to_python_value(ctx, literal_list, list[int]), options.repeats
        ),
    }
    json.dump({"flytekit": flytekit.__version__, "durations": durations}, sys.stdout)


if __name__ == "__main__":
    main()
