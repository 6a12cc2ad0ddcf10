"""``kozmo-io demo``: the report it prints, the files it keeps, and how it fails."""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kozmo_io import core
from kozmo_io.cli import build_parser, main
from kozmo_io.cli import demo as cli_demo
from kozmo_io.errors import KozmoIOError
from kozmo_io.examples import WordCount, WordCountOutcome, count_words, make_inputs
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.protocols import InputReader, OutputWriter


def _field(out: str, label: str) -> str:
    """The value of the first ``  <label>  <value>`` line of the report."""
    match = re.search(rf"^  {re.escape(label)} +(\S.*)$", out, re.MULTILINE)
    assert match is not None, f"no {label!r} line in:\n{out}"
    return match.group(1)


def test_demo_prints_its_report_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "kozmo-io demo: one task execution, end to end, on the local store"
    root = _field(out, "root").removesuffix(" (removed at exit; keep it with --root DIR)")
    execution = _field(out, "execution")
    assert re.fullmatch(r"demo-[0-9a-f]{12}", execution)
    metadata = f"{root}/metadata/{execution}"
    for line in (
        f"  inputs       {metadata}/n0/inputs.pb",
        f'                 text  = "{cli_demo.TEXT}"',
        "                 top_n = 3",
        "  ran plugin   2 requests (1 GET, 1 PUT): read inputs.pb, wrote outputs.pb",
        f"  wrote        {metadata}/n0/0/outputs.pb",
        "  read back    is_error: no, exists: yes, read: 2 requests (2 GET)",
        "                 distinct = 10",
        '                 longest  = "sleeps"',
        '                 top      = ["the", "dog", "and"]',
        "                 words    = 13",
        f"  inputs       {metadata}/n1/inputs.pb",
        '                 text  = ""',
        "  ran plugin   2 requests (1 GET, 1 PUT): read inputs.pb, wrote error.pb",
        f"  wrote        {metadata}/n1/0/error.pb",
        "  read back    is_error: yes, read_error: 1 request (1 GET)",
        "                 code         ValueError",
        "                 kind         USER",
        "                 recoverable  no",
        f"                 worker       {socket.gethostname()}",
        "                 message      text has no words",
        "  WordCountOutcome        OutputReader  conforms",
        "  RemoteFileInputReader   InputReader   conforms",
        "  RemoteFileOutputWriter  OutputWriter  conforms",
        "  RemoteFileOutputReader  OutputReader  conforms",
        "every step behaved as expected",
    ):
        assert line in lines
    raw = _field(out, "raw output")
    assert re.fullmatch(rf"{re.escape(root)}/raw/[a-z0-9]{{2}}/f[a-z1-6]{{7}}", raw)
    assert _field(out, "checkpoints") == f"{raw}/_kozmocheckpoints"
    assert re.search(r"^ +timestamp +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", out, re.MULTILINE)
    assert not Path(root).exists()  # the temporary directory is gone


def test_demo_with_root_keeps_files_that_read_back_independently(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = tmp_path / "kept"
    assert main(["demo", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert _field(out, "root") == str(root)
    execution = _field(out, "execution")
    node0 = root / "metadata" / execution / "n0"
    node1 = root / "metadata" / execution / "n1"
    inputs = core.LiteralMap.FromString((node0 / "inputs.pb").read_bytes())
    assert inputs == make_inputs(cli_demo.TEXT)
    outputs = core.LiteralMap.FromString((node0 / "0" / "outputs.pb").read_bytes())
    assert WordCount.from_literal_map(outputs) == count_words(cli_demo.TEXT)
    assert not (node0 / "0" / "error.pb").exists()
    document = core.ErrorDocument.FromString((node1 / "0" / "error.pb").read_bytes())
    error = ExecutionError.from_error_document(document)
    assert (error.code, error.kind, error.is_recoverable) == ("ValueError", ErrorKind.USER, False)
    assert error.worker == socket.gethostname()
    assert error.timestamp is not None
    assert not (node1 / "0" / "outputs.pb").exists()
    assert f"look again: kozmo-io inspect {node0}/0" in out
    assert main(["inspect", str(node0 / "0")]) == 0
    assert "  words    = 13" in capsys.readouterr().out.splitlines()
    assert main(["inspect", str(node1 / "0")]) == 0
    assert "  kind         USER" in capsys.readouterr().out.splitlines()


def test_demo_with_a_relative_root_runs_twice_into_the_same_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--root", "out dir"]) == 0
    first = _field(capsys.readouterr().out, "execution")
    assert main(["demo", "--root", "out dir"]) == 0
    second = _field(capsys.readouterr().out, "execution")
    assert first != second
    assert sorted(p.name for p in (tmp_path / "out dir" / "metadata").iterdir()) == sorted(
        [first, second]
    )


def test_demo_exits_1_with_the_reasons_when_a_value_is_wrong(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = WordCount(words=1, distinct=1, longest="x", top=("x",))
    monkeypatch.setattr(cli_demo, "count_words", lambda _text: wrong)
    assert main(["demo"]) == 1
    out, err = capsys.readouterr()
    assert "FAILED: some steps did not behave as expected" in out
    assert "every step behaved as expected" not in out
    assert err.startswith("kozmo-io demo: n0: the plugin computed WordCount(words=13")
    assert "n0: read back WordCount(words=13" in err


def test_demo_exits_1_when_the_plugin_misbehaves(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def system_failure(
        reader: InputReader, writer: OutputWriter, /, *, worker: str | None = None
    ) -> WordCountOutcome:
        await reader.get()
        error = ExecutionError(
            code="Boom", kind=ErrorKind.SYSTEM, is_recoverable=True, worker=worker or ""
        )
        outcome = WordCountOutcome(error=error)
        await writer.put(outcome)
        return outcome

    monkeypatch.setattr(cli_demo, "run_word_count", system_failure)
    assert main(["demo"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "kozmo-io demo: n0: is_error() should be False" in err
    assert "kozmo-io demo: n0: exists() should be True" in err
    assert "kozmo-io demo: n1: code 'Boom', expected 'ValueError'" in err
    assert "kozmo-io demo: n1: kind SYSTEM, expected USER" in err
    assert "kozmo-io demo: n1: the error should not be recoverable" in err
    assert "kozmo-io demo: n1: the error should carry a timestamp" in err


def test_demo_with_an_unusable_root_exits_2_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a directory")
    assert main(["demo", "--root", str(blocker)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("kozmo-io demo: error: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    with pytest.raises(KozmoIOError):
        main(["demo", "--debug", "--root", str(blocker)])


def test_demo_help_mentions_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--help"]) == 0
    text = capsys.readouterr().out
    commands = next(
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    options = [o for action in commands.choices["demo"]._actions for o in action.option_strings]
    assert set(options) == {"-h", "--help", "--debug", "--root", "--map"}
    for option in options:
        assert option in text
    assert "exit status" in text
    assert main(["--help"]) == 0
    top = capsys.readouterr().out
    for command in ("demo", "inspect", "scan", "check"):
        assert re.search(rf"^    {command} ", top, re.MULTILINE)


def test_python_m_kozmo_io_demo_exits_0(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kozmo_io", "demo"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        timeout=120,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-2] == "every step behaved as expected"
    assert "  RemoteFileOutputReader  OutputReader  conforms" in result.stdout.splitlines()


@pytest.mark.parametrize("root", ["", "  "])
def test_demo_refuses_an_empty_root(
    root: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # where an empty root would have put the files
    assert main(["demo", "--root", root]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.endswith(
        "kozmo-io demo: error: argument --root: an empty DIR would write into the current "
        "directory; name one, e.g. --root ./demo\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_demo_with_map_generates_a_run_and_scans_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--map", "300"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert "map run: 300 word-count sub-tasks, then kozmo-io scan" in lines
    head = next(line for line in lines if line.startswith("  scan of "))
    assert ": 300 tasks in " in head
    assert "298 GETs" in head  # one per sub-task that ran (2 never did)
    assert "    outputs                292" in lines
    assert "    task error               3" in lines
    assert lines[-2] == "every step behaved as expected"
