"""Write ``bench/RESULTS.md`` from one run's outputs (used by ``scripts/bench``).

The results directory holds, per benchmark, ``<name>.txt`` (what it printed) and, for the benchmarks
that write one, ``<name>.json`` (its figures, see ``_benchlib.Record``). Figures become tables; a
benchmark with only printed output is quoted as printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import subprocess
from pathlib import Path

from _benchlib import REPO_ROOT
from google.protobuf.internal import api_implementation

_VERDICT = {True: "met", False: "**missed**", None: ""}
_MEMORY_NOTE = (
    "Memory figures: *peak traced Python allocations* is `tracemalloc`'s peak during the read, "
    "above what was allocated before it: the Python objects (chiefly the `bytes` copy of the "
    "payload) and nothing allocated outside Python's allocator, i.e. not the protobuf (upb) arena "
    "of the decoded message nor obstore's Rust buffers. *Peak RSS above start* covers those too: "
    "how far the resident set of a fresh process peaks above its level just before one read "
    "(Linux `VmHWM`, reset through `/proc/self/clear_refs`)."
)
_PREAMBLE = (
    "Written by `./scripts/bench` (the latest full run); each benchmark's ratio is against a "
    "baseline measured in the same run. Timings are medians. The machine is shared: absolute "
    "times vary from run to run, ratios less so."
)


def _command(*argv: str) -> str:
    try:
        completed = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=60)  # noqa: S603 - fixed commands
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return completed.stdout.strip()


def _cpu() -> str:
    text = (
        Path("/proc/cpuinfo").read_text(encoding="utf-8") if Path("/proc/cpuinfo").exists() else ""
    )
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else platform.processor() or "unknown"


def _memory() -> str:
    text = (
        Path("/proc/meminfo").read_text(encoding="utf-8") if Path("/proc/meminfo").exists() else ""
    )
    match = re.search(r"^MemTotal:\s+(\d+) kB", text, re.MULTILINE)
    return f"{int(match.group(1)) / 1024 / 1024:.1f} GiB" if match else "unknown"


def machine(flytekit_python: str | None) -> list[tuple[str, str]]:
    """Describe the machine and the versions the figures were measured with."""
    flytekit = "not used"
    if flytekit_python:
        flytekit = _command(flytekit_python, "-c", "import flytekit; print(flytekit.__version__)")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    commit = _command("git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD")
    return [
        ("date (UTC)", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")),
        ("commit", commit),
        ("CPU", f"{_cpu()}, {os.cpu_count()} logical cores"),
        ("memory", _memory()),
        ("OS", f"{platform.system()} {platform.release()} ({platform.machine()})"),
        ("load average at the end (1, 5, 15 min)", load),
        ("Python", platform.python_version()),
        (
            "protobuf",
            f"{importlib.metadata.version('protobuf')} ({api_implementation.Type()} backend)",
        ),
        ("obstore", importlib.metadata.version("obstore")),
        ("S3 server", os.environ.get("KOZMO_BENCH_SEAWEEDFS_VERSION", "SeaweedFS").strip()),
        ("flytekit (baseline a, own environment)", flytekit),
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_figures(document: dict[str, object]) -> list[str]:
    """Render one benchmark's JSON figures as a table and its notes as a list."""
    lines = [
        "| figure | value | baseline | ratio | target | |",
        "|---|---|---|---|---|---|",
    ]
    figures = document["figures"]
    assert isinstance(figures, list)
    for figure in figures:
        ratio = "" if figure["ratio"] is None else f"{figure['ratio']:.3g}x"
        lines.append(
            f"| {_cell(figure['name'])} | {_cell(figure['value'])} | {_cell(figure['baseline'])} "
            f"| {ratio} | {_cell(figure['target'])} | {_VERDICT[figure['met']]} |"
        )
    notes = document["notes"]
    assert isinstance(notes, list)
    if notes:
        lines.append("")
        lines.extend(f"- {note}" for note in notes)
    return lines


def render(results: Path, flytekit_python: str | None) -> str:
    """Return the whole RESULTS.md."""
    lines = [
        "# Benchmark results",
        "",
        _PREAMBLE,
        "",
        "| | |",
        "|---|---|",
    ]
    lines.extend(f"| {key} | {_cell(value)} |" for key, value in machine(flytekit_python))
    for output in sorted(results.glob("*.txt")):
        text = output.read_text(encoding="utf-8").rstrip()
        figures = output.with_suffix(".json")
        title = output.stem.split("-", 1)[-1].replace("-", " ").capitalize()
        lines += ["", f"## {output.stem.split('-', 1)[0]}. {title}", ""]
        if figures.exists():
            document = json.loads(figures.read_text(encoding="utf-8"))
            lines.append(f"**{document['title']}**")
            lines.append("")
            lines.extend(render_figures(document))
        else:
            lines += ["```", text, "```"]
        if "FAILED" in text:
            lines += ["", "This benchmark failed in this run; its output ends with:", "", "```"]
            lines += [*text.splitlines()[-15:], "```"]
    lines += ["", "## Notes", "", _MEMORY_NOTE, ""]
    return "\n".join(lines)


def main() -> None:
    """Write RESULTS.md."""
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("results", type=Path)
    arguments.add_argument("--out", type=Path, required=True)
    arguments.add_argument("--flytekit-python")
    options = arguments.parse_args()
    options.out.write_text(render(options.results, options.flytekit_python), encoding="utf-8")
    print(f"wrote {options.out}")


if __name__ == "__main__":
    main()
