"""Benchmark 6: Python values to literals and back, kozmo_io.literals vs flytekit's type engine.

Two workloads, each encoded and decoded with type hints: a 1,000-entry map of mixed primitives
(int, float, str, bool, datetime, timedelta; ``to_literal_map`` / ``from_literal_map``) and a
10,000-element ``list[int]`` (``to_literal`` / ``from_literal``). The baseline is flytekit's
``TypeEngine`` on the same values (``_literal_values.py``) in the same run, in its own virtual
environment (``--flytekit-python``); both sides must produce byte-identical literals.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from _benchlib import BENCH_DIR, Figure, Record, format_seconds, median, parser, time_sync
from _literal_values import LIST_LENGTH, MAP_ENTRIES, mixed_map, number_list

from kozmo_io import core
from kozmo_io.literals import from_literal, from_literal_map, to_literal, to_literal_map

TARGET = 5.0


def flytekit_durations(
    python: str, out: Path, entries: int, length: int, repeats: int
) -> dict[str, Any]:
    """Run the flytekit baseline; return its report."""
    completed = subprocess.run(  # noqa: S603 - our own script in the given interpreter
        [
            python,
            str(BENCH_DIR / "_flytekit_literals_baseline.py"),
            *("--out", str(out), "--entries", str(entries), "--length", str(length)),
            *("--repeats", str(repeats)),
        ],
        capture_output=True,
        text=True,
        cwd=BENCH_DIR,
        check=False,
        timeout=1800,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        msg = f"the flytekit baseline failed with exit code {completed.returncode}"
        raise RuntimeError(msg)
    report: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return report


def main() -> None:
    """Time kozmo_io's four conversions, then flytekit's, and compare."""
    arguments = parser("Python values to literals and back vs flytekit's type engine.")
    arguments.add_argument(
        "--flytekit-python",
        help="python of a virtual environment with flytekit, for the baseline (else skipped)",
    )
    options = arguments.parse_args()
    entries = 100 if options.quick else MAP_ENTRIES
    length = 1_000 if options.quick else LIST_LENGTH
    repeats = 3 if options.quick else 30

    values, hints = mixed_map(entries)
    numbers = number_list(length)
    literal_map = to_literal_map(values, hints)
    literal_list = to_literal(numbers, list[int])
    assert from_literal_map(literal_map, hints) == values
    assert from_literal(literal_list, list[int]) == numbers
    ours = {
        "encode map": time_sync(lambda: to_literal_map(values, hints), repeats=repeats),
        "decode map": time_sync(lambda: from_literal_map(literal_map, hints), repeats=repeats),
        "encode list": time_sync(lambda: to_literal(numbers, list[int]), repeats=repeats),
        "decode list": time_sync(lambda: from_literal(literal_list, list[int]), repeats=repeats),
    }
    record = Record(
        f"Literals: a {entries}-entry map of mixed primitives and a {length}-element list[int]",
        quick=options.quick,
    )
    record.note(
        "map: int, float, str, bool, datetime, timedelta in turn, with type hints; "
        f"median of {repeats} calls after a warm-up, each side"
    )
    if not options.flytekit_python:
        for name, durations in ours.items():
            record.add(
                Figure(name=f"kozmo_io {name}, median", value=format_seconds(median(durations)))
            )
        record.note("flytekit: not run (no --flytekit-python)")
        record.write(options.json)
        return
    with tempfile.TemporaryDirectory() as work:
        report = flytekit_durations(
            options.flytekit_python, Path(work), entries, length, max(3, repeats // 3)
        )
        theirs_map = core.LiteralMap.FromString((Path(work) / "map.pb").read_bytes())
        theirs_list = core.Literal.FromString((Path(work) / "list.pb").read_bytes())
    assert theirs_map == literal_map, "flytekit and kozmo_io encoded the map differently"
    assert theirs_list == literal_list, "flytekit and kozmo_io encoded the list differently"
    record.note("both sides produce equal literals (checked on flytekit's serialized output)")
    durations = report["durations"]
    assert isinstance(durations, dict)
    for name, mine in ours.items():
        baseline = median(durations[name])
        ratio = baseline / median(mine)
        record.add(
            Figure(
                name=f"{name}, median",
                value=format_seconds(median(mine)),
                baseline=f"{format_seconds(baseline)} (flytekit {report['flytekit']})",
                ratio=ratio,
                target=f">= {TARGET:g}x faster",
                met=ratio >= TARGET,
            )
        )
    record.note(
        "ratios are speed-ups: flytekit's time / kozmo_io's time; flytekit's literal cache (keyed "
        "by a cloudpickle hash of the value) is emptied before each of its timed calls, so each "
        "call converts, as the first conversion of a value in a task does"
    )
    record.write(options.json)


if __name__ == "__main__":
    main()
