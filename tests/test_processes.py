"""Every process that uses kozmo_io exits with the status it means, never by a signal.

The CLI, the README's plugin, the word-count example, a user's own ``asyncio.run`` script and a
pytest session, spawned hundreds of times, six at once, on the local, memory and S3 stores (see
``tests/_processes.py``; ``bench/soak_processes.py`` runs thousands and prints the tally).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _processes import S3Settings, prepare, run_cases
from _support import S3Server

pytestmark = pytest.mark.slow

_RUNS_PER_CASE = 17
_PYTEST_RUNS = 6  # a pytest session costs several times a plain process


def test_local_and_memory_processes_exit_with_their_status(tmp_path: Path) -> None:
    cases = prepare(tmp_path, None)
    sessions = [case for case in cases if case.name == "pytest session"]
    others = [case for case in cases if case.name != "pytest session"]
    assert (len(sessions), len(others)) == (1, 12)
    tally = run_cases(others, _RUNS_PER_CASE * len(others), workdir=tmp_path, s3=None)
    tally += run_cases(sessions, _PYTEST_RUNS, workdir=tmp_path, s3=None)
    assert tally.runs == 210
    assert tally.abnormal == [], tally.summary()
    assert set(tally.exits) == {0, 1, 2, 3}, tally.summary()


@pytest.mark.s3
def test_s3_processes_exit_with_their_status(
    tmp_path: Path, s3_server: S3Server, s3_bucket: str
) -> None:
    s3 = S3Settings(
        s3_server.endpoint, s3_bucket, s3_server.access_key_id, s3_server.secret_access_key
    )
    cases = [case for case in prepare(tmp_path, s3) if case.store == "s3"]
    assert len(cases) == 6
    tally = run_cases(cases, _RUNS_PER_CASE * len(cases), workdir=tmp_path, s3=s3)
    assert tally.runs == 102
    assert tally.abnormal == [], tally.summary()
    assert set(tally.exits) == {0, 1}, tally.summary()
