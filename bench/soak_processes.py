"""Soak: spawn thousands of processes that use kozmo_io and print how they ended.

The cases of ``tests/_processes.py`` (the CLI, the README's plugin, the word-count example, a user's
own ``asyncio.run`` script, a pytest session; local, memory and S3 stores, the S3 ones against a
moto server started here), taken in turn, ``--workers`` at a time. Prints the tally (runs, exits by
code, abnormal runs with the end of their stderr) and exits 1 if any run was abnormal: ended by a
signal or with another exit code than its case's.

One run in a hundred is a pytest session.

Usage: ``.venv/bin/python bench/soak_processes.py [--runs 3000] [--workers 6] [--no-s3]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _processes import (
    S3Settings,
    Tally,
    moto_server,
    prepare,
    run_cases,
)

# A pytest session costs several times a plain process: one run in a hundred is one.
_SESSION_SHARE = 100


def main() -> int:
    """Run the soak; return 0 when no run was abnormal."""
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--runs", type=int, default=3000, help="processes in all (3000)")
    arguments.add_argument("--workers", type=int, default=6, help="processes at once (6)")
    arguments.add_argument("--no-s3", action="store_true", help="leave out the S3 cases")
    options = arguments.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kozmo-soak-") as directory:
        if options.no_s3:
            tally = _soak(Path(directory), None, options.runs, options.workers)
        else:
            with moto_server("kozmo-soak") as s3:
                tally = _soak(Path(directory), s3, options.runs, options.workers)
    print(f"\n{tally.summary()} ({time.monotonic() - started:.0f} s)")
    for line in tally.abnormal:
        print(f"  {line}")
    return 1 if tally.abnormal else 0


def _soak(workdir: Path, s3: S3Settings | None, runs: int, workers: int) -> Tally:
    cases = prepare(workdir, s3)
    print(f"{len(cases)} cases: " + "; ".join(f"{c.name} ({c.store})" for c in cases))
    sessions = [case for case in cases if case.name == "pytest session"]
    others = [case for case in cases if case.name != "pytest session"]
    tally = run_cases(sessions, runs // _SESSION_SHARE, workdir=workdir, s3=s3, workers=workers)
    tally += run_cases(
        others, runs - tally.runs, workdir=workdir, s3=s3, workers=workers, progress=True
    )
    return tally


if __name__ == "__main__":
    sys.exit(main())
