"""``kozmo-io scan``: a generated run on every store, faults mid-scan, text, JSON, exits."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pty
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, Unpack

import pytest
from _support import S3Server, StoreCase, on_every_store

from kozmo_io.cli import main
from kozmo_io.cli import scan as cli_scan
from kozmo_io.cli.inspect import local_reference
from kozmo_io.cli.scan import SCHEMA, ScanSummary, scan
from kozmo_io.errors import StorageError
from kozmo_io.examples import MapRunPlan, plan_map_run, write_map_run
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils import OutcomeKind
from kozmo_io.storage import (
    BlobStore,
    ListPage,
    LocalBlobStore,
    MemoryBlobStore,
    S3BlobStore,
    StoreOptions,
    open_store,
    write_message,
)
from kozmo_io.testing import Faults, FaultyStore

TASKS = 250
Place = Callable[..., Coroutine[Any, Any, None]]


def _expected(plan: MapRunPlan) -> dict[str, int]:
    return {
        "outputs": plan.succeeding,
        "task_error": len(plan.failing),
        "missing": len(plan.missing),
        "too_large": len(plan.oversized),
        "corrupt": len(plan.corrupt),
        "storage_failure": 0,
    }


def _write_run(store: BlobStore, run: str, tasks: int = TASKS) -> MapRunPlan:
    plan = plan_map_run(tasks)
    asyncio.run(write_map_run(store, run, plan))
    return plan


@pytest.fixture
def local_run(tmp_path: Path) -> tuple[str, MapRunPlan]:
    """A generated run of 250 sub-tasks in a local directory: (its path, its plan)."""
    run = tmp_path / "metadata" / "run1"
    return str(run), _write_run(LocalBlobStore(), local_reference(run))


def _place_run(place: Place, run: str) -> MapRunPlan:
    """Generate a run in memory, then place each of its objects under ``run``."""
    staged = MemoryBlobStore(max_payload_bytes=None)  # the run holds an oversized outputs.pb
    plan = _write_run(staged, "memory://staged/run")

    async def copy() -> None:
        cursor = None
        while True:
            page = await staged.list("memory://staged/run", cursor=cursor)
            for item in page.items:
                relative = item.removeprefix("memory://staged/run")
                await place(f"{run}{relative}", await staged.get(item))
            cursor = page.cursor
            if cursor is None:
                return

    asyncio.run(copy())
    return plan


@on_every_store
def test_scan_counts_every_outcome_of_a_run_on_every_store(
    store_case: StoreCase, store: BlobStore, place: Place
) -> None:
    run = f"{store_case.root}/metadata/run1"
    plan = _place_run(place, run)  # GCS takes no upload through the store
    summary = asyncio.run(scan(store, run, page_size=300))
    document = summary.to_json()
    assert document["counts"] == _expected(plan)
    assert document["complete"] is True
    assert document["tasks"] == TASKS
    # Each sub-task folder holds inputs.pb, its attempt folder one more file: ~2 keys per task.
    keys = 2 * TASKS - len(plan.missing)
    assert document["requests"] == {"list": -(-keys // 300), "get": TASKS - len(plan.missing)}
    groups = {(g["outcome"], g["code"]): g for g in document["failures"]}
    assert set(groups) == {
        ("task_error", "ValueError"),
        ("missing", "NotFoundError"),
        ("too_large", "PayloadTooLargeError"),
        ("corrupt", "CorruptDataError"),
    }
    failing = groups["task_error", "ValueError"]
    assert failing["count"] == len(plan.failing)
    assert failing["example"]["message"] == "text has no words"
    index = int(failing["example"]["prefix"].split("/")[-2])
    assert index in plan.failing
    missing = groups["missing", "NotFoundError"]["example"]
    assert int(missing["prefix"].split("/")[-1]) in plan.missing
    assert "inputs.pb only" in missing["message"]
    assert len(document["largest"]) == len(document["slowest"]) == 5
    assert all(entry["bytes"] > 0 for entry in document["largest"])
    assert document["bytes_read"] > 0


class _ListFailsAfter:
    """A store whose listing fails from its ``pages``-th page on (reads still work)."""

    def __init__(self, inner: BlobStore, pages: int) -> None:
        self.inner = inner
        self.pages = pages
        self.listed = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    async def list(
        self, prefix: str, /, *, max_items: int = 1000, cursor: str | None = None
    ) -> ListPage:
        self.listed += 1
        if self.listed > self.pages:
            msg = f"list {prefix} failed: connection reset"
            raise StorageError(msg)
        return await self.inner.list(prefix, max_items=max_items, cursor=cursor)


class _ListsCleanly:
    """``faulty`` for every call but ``list``, which ``clean`` answers."""

    def __init__(self, faulty: FaultyStore, clean: BlobStore) -> None:
        self.faulty = faulty
        self.clean = clean

    def __getattr__(self, name: str) -> object:
        return getattr(self.faulty, name)

    async def list(
        self, prefix: str, /, *, max_items: int = 1000, cursor: str | None = None
    ) -> ListPage:
        return await self.clean.list(prefix, max_items=max_items, cursor=cursor)


def test_a_listing_that_fails_mid_scan_keeps_what_was_read(store_case: StoreCase) -> None:
    store = store_case.make()
    run = f"{store_case.root}/metadata/run1"
    _write_run(store, run)
    failing = _ListFailsAfter(store, pages=2)
    summary = asyncio.run(scan(failing, run, page_size=200))  # type: ignore[arg-type]
    assert not summary.complete
    assert summary.listing_error is not None
    assert "connection reset" in summary.listing_error
    assert 0 < summary.tasks < TASKS
    assert summary.list_requests == 3
    assert "incomplete: the listing failed" in summary.to_text()


def test_storage_failures_mid_scan_are_counted_per_task(store_case: StoreCase) -> None:
    store = store_case.make()
    run = f"{store_case.root}/metadata/run1"
    plan = _write_run(store, run)
    faulty = FaultyStore(store, faults=Faults(error_rate=0.1), seed=11)
    # The store itself answers the one LIST page (the faults drawn for a call depend on its path,
    # so on the bucket's name), so every failure is a GET's.
    reads_faulty = _ListsCleanly(faulty, store)
    summary = asyncio.run(scan(reads_faulty, run, page_size=5000))  # type: ignore[arg-type]
    assert summary.complete, summary.listing_error
    failures = summary.counts[OutcomeKind.STORAGE_FAILURE]
    assert failures == faulty.counts.errors > 0
    assert summary.tasks == TASKS
    assert summary.counts[OutcomeKind.OUTPUTS] <= plan.succeeding
    group = next(g for (kind, _), g in summary.groups.items() if kind.value == "storage_failure")
    assert "injected error" in group.message


def test_scan_text_is_readable_and_escapes_strings_from_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = LocalBlobStore()
    run = local_reference(tmp_path / "run")
    hostile = ExecutionError(
        code="Bad\x1b[2J", message="boom\x1b]0;title\x07\nsecond\u202eline", kind=ErrorKind.USER
    )
    asyncio.run(write_message(store, f"{run}/a/error.pb", hostile.to_error_document()))
    asyncio.run(write_message(store, f"{run}/b/outputs.pb", hostile.to_error_document()))
    code = main(["scan", str(tmp_path / "run")])
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err
    assert "\x07" not in out + err
    lines = out.splitlines()
    assert lines[0].startswith(f"scan of {tmp_path / 'run'}: 2 tasks in ")
    assert "(1 LIST page, 2 GETs, " in lines[0]
    assert "  task error               1" in lines
    assert "  outputs                  0" in lines
    assert any("Bad\\x1b[2J" in line for line in lines)
    assert any("boom\\x1b]0;title\\x07\\nsecond\\u202eline" in line for line in lines)
    assert "\u202e" not in out
    assert code == 0


def test_scan_json_follows_the_documented_schema(
    local_run: tuple[str, MapRunPlan], capsys: pytest.CaptureFixture[str]
) -> None:
    run, plan = local_run
    code = main(["scan", "--json", "--concurrency", "3", "--top", "2", run])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert list(document) == [
        "schema",
        "prefix",
        "complete",
        "listing_error",
        "tasks",
        "counts",
        "requests",
        "seconds",
        "bytes_read",
        "failures",
        "largest",
        "slowest",
    ]
    assert document["schema"] == SCHEMA == "kozmo-io.scan/1"
    assert document["prefix"] == run
    assert document["counts"] == _expected(plan)
    assert len(document["largest"]) == len(document["slowest"]) == 2
    assert document["largest"][0]["bytes"] >= document["largest"][1]["bytes"]
    assert document["slowest"][0]["seconds"] >= document["slowest"][1]["seconds"]
    assert [g["count"] for g in document["failures"]] == sorted(
        (g["count"] for g in document["failures"]), reverse=True
    )


def test_fail_on_error_exits_1_when_a_task_has_no_outputs(
    local_run: tuple[str, MapRunPlan], capsys: pytest.CaptureFixture[str]
) -> None:
    run, plan = local_run
    assert main(["scan", "--fail-on-error", run]) == 1
    _, err = capsys.readouterr()
    failed = TASKS - plan.succeeding
    assert err == f"kozmo-io scan: {failed:,} of {TASKS:,} tasks have no outputs\n"


def test_fail_on_error_exits_0_when_every_task_has_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    plan = MapRunPlan(30, frozenset(), frozenset(), frozenset(), frozenset())
    asyncio.run(write_map_run(LocalBlobStore(), local_reference(run), plan))
    assert main(["scan", "--fail-on-error", str(run)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "  outputs                 30" in out.splitlines()


def test_scan_of_an_empty_prefix_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["scan", str(tmp_path / "nothing")])
    out, err = capsys.readouterr()
    assert code == 1
    assert err == f"kozmo-io scan: no task found under {tmp_path / 'nothing'}\n"
    assert ": 0 tasks in " in out


def test_a_listing_failure_prints_the_summary_and_exits_2(
    local_run: tuple[str, MapRunPlan],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run, _ = local_run

    def open_failing(ref: str, /, **options: Unpack[StoreOptions]) -> BlobStore:
        return _ListFailsAfter(open_store(ref, **options), pages=0)  # type: ignore[return-value]

    monkeypatch.setattr("kozmo_io.cli.scan.open_store", open_failing)
    code = main(["scan", "--json", run])
    out, err = capsys.readouterr()
    assert code == 2
    document = json.loads(out)
    assert document["complete"] is False
    assert "connection reset" in document["listing_error"]
    assert err.startswith("kozmo-io scan: the listing failed after 0 tasks: list ")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--concurrency", "0"], "must be a positive integer"),
        (["--max-bytes", "-1"], "must be a positive integer"),
        (["--top", "x"], "must be a positive integer"),
        (["--region", "eu-west-1"], "--region applies to s3:// references only"),
    ],
)
def test_bad_options_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    assert main(["scan", *arguments, str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("memory://bucket/run", "memory:// lives inside one process"),
        ("s3://KEY:SECRET@bucket/run", "must not carry credentials"),
        ("s3://bucket/run?x=1", "a query or fragment would be dropped"),
    ],
)
def test_unusable_prefixes_exit_2(
    capsys: pytest.CaptureFixture[str], prefix: str, message: str
) -> None:
    assert main(["scan", prefix]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "SECRET" not in err


def test_scan_help_mentions_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--help"]) == 0
    text = capsys.readouterr().out
    for word in (
        "--json",
        "--fail-on-error",
        "--concurrency",
        "--max-bytes",
        "--top",
        "--endpoint",
        "--allow-http",
        "--region",
        "exit status",
        SCHEMA,
    ):
        assert word in text


@pytest.mark.s3
def test_scan_reads_an_s3_run_with_credentials_from_the_environment(
    capsys: pytest.CaptureFixture[str],
    s3_server: S3Server,
    s3_bucket: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = f"s3://{s3_bucket}/metadata/run1"
    plan = _write_run(S3BlobStore(s3_bucket, **s3_server.options()), run)
    options = s3_server.cli_environment(monkeypatch)
    code = main(["scan", "--json", "--fail-on-error", *options, run])
    out, err = capsys.readouterr()
    assert code == 1
    document = json.loads(out)
    assert document["counts"] == _expected(plan)
    assert document["prefix"] == run
    assert s3_server.secret_access_key not in out + err


def _process(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - this interpreter, arguments from the tests
        [sys.executable, "-m", "kozmo_io", "scan", *arguments],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        timeout=120,
    )


def test_python_m_kozmo_io_scan_runs_as_a_process(
    local_run: tuple[str, MapRunPlan], tmp_path: Path
) -> None:
    run, plan = local_run
    relative = os.path.relpath(run, tmp_path)
    result = _process("--json", relative, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")  # no progress bar off a terminal
    assert json.loads(result.stdout)["counts"] == _expected(plan)
    result = _process("--fail-on-error", relative, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith(f"scan of {run}: {TASKS} tasks in ")
    assert result.stderr.endswith("tasks have no outputs\n")


def test_a_progress_bar_runs_on_a_terminal(local_run: tuple[str, MapRunPlan]) -> None:
    run, plan = local_run
    leader, follower = pty.openpty()
    with subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "kozmo_io", "scan", "--json", run],
        stdout=subprocess.PIPE,
        stderr=follower,
        env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
    ) as process:
        os.close(follower)
        out, _ = process.communicate(timeout=120)
        terminal = b""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            terminal += chunk
    os.close(leader)
    assert process.returncode == 0
    assert json.loads(out)["counts"] == _expected(plan)
    assert b"reading" in terminal
    assert f"{TASKS}/{TASKS}".encode() in terminal or b"\x1b[" in terminal


def test_summary_keeps_a_bounded_number_of_failure_groups() -> None:
    summary = ScanSummary(local_reference("/run"))
    from kozmo_io.ioutils import OutputOutcome  # noqa: PLC0415 - only this test builds outcomes

    for index in range(500):
        error = ExecutionError(code=f"E{index}", message="m")
        summary.add(OutputOutcome(index, None, OutcomeKind.TASK_ERROR, error=error))
    assert len(summary.groups) == 201
    assert summary.groups[OutcomeKind.TASK_ERROR, "(other)"].count == 300
    assert summary.tasks == 500


def test_cli_arguments_reach_the_scan(
    local_run: tuple[str, MapRunPlan], monkeypatch: pytest.MonkeyPatch
) -> None:
    run, _ = local_run
    seen: dict[str, object] = {}
    real_scan = cli_scan.scan

    async def spy(store: BlobStore, prefix: str, /, **options: object) -> ScanSummary:
        seen.update(options)
        return await real_scan(store, prefix, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(cli_scan, "scan", spy)
    args = argparse.Namespace(
        prefix=run,
        json=True,
        fail_on_error=False,
        concurrency=7,
        max_bytes=100,
        top=3,
        endpoint=None,
        allow_http=False,
        region=None,
        emulator=False,
    )
    assert cli_scan.run(args) == 0
    assert seen == {"concurrency": 7, "max_bytes": 100, "top": 3}


def test_an_example_message_is_kept_cut() -> None:
    from kozmo_io.ioutils import OutputOutcome  # noqa: PLC0415 - only this test builds outcomes

    summary = ScanSummary(local_reference("/run"))
    error = ExecutionError(code="Long", message="m" * 5000)
    summary.add(OutputOutcome(0, None, OutcomeKind.TASK_ERROR, error=error))
    [group] = summary.to_json()["failures"]
    assert group["example"]["message"] == "m" * 1000 + "... (5000 characters)"
