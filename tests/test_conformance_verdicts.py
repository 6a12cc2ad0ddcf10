"""The three verdicts through every surface: the report, its JSON, the kit, `kozmo-io check`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _support import run_cli

from kozmo_io.cli import main
from kozmo_io.conformance import (
    ConformanceReport,
    Problem,
    Verdict,
    assert_conforms,
    check,
    check_auto,
    conforms,
)
from kozmo_io.core import LiteralMap
from kozmo_io.errors import ConformanceError
from kozmo_io.ioutils import RemoteFileInputReader
from kozmo_io.protocols import InputFilePaths, InputReader
from kozmo_io.reference import DataReference
from kozmo_io.storage import BlobStore
from kozmo_io.testing import check_input_reader

PLUGIN = Path(__file__).with_name("cli_plugin.py")


def rules(error: ConformanceError) -> list[tuple[str, str]]:
    return [(p.member, p.rule) for p in error.problems if isinstance(p, Problem)]


def problem(rule: str, member: str = "get") -> Problem:
    return Problem("m:C", member, rule, "expected", "found", f"C.{member}: {rule}")


def test_verdict_follows_problems_then_reasons() -> None:
    conforming = ConformanceReport("m:C", "p:P")
    undecided = ConformanceReport("m:C", "p:P", cannot_tell=(problem("dynamic-member"),))
    failing = ConformanceReport(
        "m:C", "p:P", (problem("async"),), cannot_tell=(problem("dynamic-member"),)
    )
    assert [r.verdict for r in (conforming, undecided, failing)] == [
        Verdict.CONFORMS,
        Verdict.CANNOT_TELL,
        Verdict.DOES_NOT_CONFORM,
    ]
    assert [bool(r) for r in (conforming, undecided, failing)] == [True, False, False]


def test_strict_turns_reasons_into_problems() -> None:
    undecided = ConformanceReport("m:C", "p:P", cannot_tell=(problem("unresolved-annotation"),))
    strict = undecided.strict()
    assert strict.verdict is Verdict.DOES_NOT_CONFORM
    assert strict.problems == undecided.cannot_tell
    assert strict.cannot_tell == ()
    conforming = ConformanceReport("m:C", "p:P")
    assert conforming.strict() is conforming


def test_cannot_tell_renders_its_reasons() -> None:
    report = ConformanceReport("m:C", "p:P", cannot_tell=(problem("dynamic-member"),))
    assert str(report) == (
        "cannot tell whether m:C conforms to p:P (1 open question; runtime check)\n"
        "  ? C.get: dynamic-member [dynamic-member]"
    )


def test_json_carries_the_verdict_and_the_reasons() -> None:
    report = ConformanceReport("m:C", "p:P", cannot_tell=(problem("dynamic-member"),))
    document = json.loads(report.to_json())
    assert document["verdict"] == "cannot tell"
    assert document["ok"] is False
    assert document["problems"] == []
    assert document["cannot_tell"] == [problem("dynamic-member").to_dict()]


def test_merge_keeps_the_reasons_of_both_layers() -> None:
    runtime = ConformanceReport("m:C", "p:P", cannot_tell=(problem("dynamic-member"),))
    static = ConformanceReport(
        "m:C", "p:P", cannot_tell=(problem("not-importable", ""),), checks=("static",)
    )
    merged = runtime.merge(static)
    assert [r.rule for r in merged.cannot_tell] == ["dynamic-member", "not-importable"]
    assert merged.checks == ("runtime", "static")


class ForwardingReader:
    """Works (it forwards to the reference reader), but says nothing of what get() returns."""

    def __init__(self, store: BlobStore, paths: InputFilePaths) -> None:
        self.inner = RemoteFileInputReader(store, paths)

    def get_input_prefix_path(self) -> DataReference:
        return self.inner.get_input_prefix_path()

    def get_input_path(self) -> DataReference:
        return self.inner.get_input_path()

    def get(self):  # type: ignore[no-untyped-def]  # noqa: ANN201 - unannotated is the case
        return self.inner.get()


def test_assert_conforms_raises_on_cannot_tell_only_when_strict() -> None:
    assert_conforms(ForwardingReader, InputReader)
    with pytest.raises(ConformanceError) as caught:
        assert_conforms(ForwardingReader, InputReader, strict=True)
    assert rules(caught.value) == [("get", "undecidable-type")]
    assert not conforms(ForwardingReader, InputReader)


def test_kit_returns_cannot_tell_when_the_behaviour_passes() -> None:
    report = check_input_reader(ForwardingReader)
    assert report.verdict is Verdict.CANNOT_TELL
    assert report.checks == ("runtime", "behaviour")
    assert [(r.member, r.rule) for r in report.cannot_tell] == [("get", "undecidable-type")]


def test_kit_strict_raises_on_cannot_tell() -> None:
    with pytest.raises(ConformanceError) as caught:
        check_input_reader(ForwardingReader, strict=True)
    assert rules(caught.value) == [("get", "undecidable-type")]
    report = caught.value.report
    assert isinstance(report, ConformanceReport)
    assert report.verdict is Verdict.DOES_NOT_CONFORM


class SyncForwardingReader(ForwardingReader):
    def get(self) -> LiteralMap | None:  # the bug under test
        return LiteralMap()


def test_kit_fails_a_member_the_runtime_check_rejects() -> None:
    with pytest.raises(ConformanceError) as caught:
        check_input_reader(SyncForwardingReader)  # type: ignore[arg-type]  # the bug under test
    assert ("get", "async") in rules(caught.value)


def test_check_auto_reports_cannot_tell_per_protocol() -> None:
    reports = check_auto(ForwardingReader)
    assert reports["InputFilePaths"].verdict is Verdict.CONFORMS
    assert reports["InputReader"].verdict is Verdict.CANNOT_TELL
    assert reports["OutputReader"].verdict is Verdict.DOES_NOT_CONFORM
    assert check(ForwardingReader(None, None), InputReader).verdict is Verdict.CANNOT_TELL  # type: ignore[arg-type]  # never called


# --- kozmo-io check ------------------------------------------------------------------------------


@pytest.fixture
def plugin_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory holding kozmo_verdict_plugin.py, as the cwd."""
    root = tmp_path_factory.getbasetemp() / "verdict-plugin"
    if not root.exists():
        root.mkdir()
        shutil.copy(PLUGIN, root / "kozmo_verdict_plugin.py")
    monkeypatch.chdir(root)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the command adds the cwd; undo it after
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code, out, err = run_cli(capsys, "check", *argv)
    assert err == ""
    return code, out


@pytest.mark.usefixtures("plugin_dir")
@pytest.mark.parametrize(
    ("target", "code", "verdict"),
    [
        ("Reader", 0, "conforms"),
        ("SyncReader", 1, "does not conform"),
        ("HiddenReader", 3, "cannot tell"),
    ],
)
def test_cli_exit_code_per_verdict(
    capsys: pytest.CaptureFixture[str], target: str, code: int, verdict: str
) -> None:
    spec = f"kozmo_verdict_plugin:{target}"
    assert run(capsys, spec, "--protocol", "InputReader")[0] == code
    status, out = run(capsys, spec, "--protocol", "InputReader", "--json")
    assert status == code
    assert json.loads(out)["verdict"] == verdict


@pytest.mark.usefixtures("plugin_dir")
def test_cli_cannot_tell_names_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "kozmo_verdict_plugin:HiddenReader", "--protocol", "InputReader")
    assert code == 3
    assert out.startswith(
        "cannot tell whether kozmo_verdict_plugin:HiddenReader conforms to "
        "kozmo_io.protocols:InputReader (1 open question; runtime check)\n"
    )
    assert "HiddenReader.get: its return annotation did not resolve (NameError" in out
    assert "[unresolved-annotation]" in out


@pytest.mark.usefixtures("plugin_dir")
def test_cli_strict_turns_cannot_tell_into_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    spec = "kozmo_verdict_plugin:HiddenReader"
    code, out = run(capsys, spec, "--protocol", "InputReader", "--strict", "--json")
    assert code == 1
    document = json.loads(out)
    assert document["verdict"] == "does not conform"
    assert [p["rule"] for p in document["problems"]] == ["unresolved-annotation"]
    assert (
        run(capsys, "kozmo_verdict_plugin:Reader", "--protocol", "InputReader", "--strict")[0] == 0
    )


@pytest.mark.usefixtures("plugin_dir")
def test_cli_auto_with_only_cannot_tell_left(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "kozmo_verdict_plugin:HiddenReader", "--json")
    assert code == 0  # InputFilePaths is satisfied
    document: dict[str, Any] = json.loads(out)
    assert document["verdict"] == "conforms"
    assert document["satisfied"] == ["InputFilePaths"]
    assert document["cannot_tell"] == ["InputReader"]
    assert document["reports"]["InputReader"]["verdict"] == "cannot tell"


def test_cli_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "3 check cannot tell whether the target conforms" in " ".join(
        capsys.readouterr().out.split()
    )
    assert main(["check", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "3 cannot tell" in out
    assert "--strict" in out
    assert "--static [CHECKER]" in out
    assert "mypy or pyright" in out


def test_cli_unknown_checker_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "a:B", "--static=pyre"]) == 2
    assert "invalid choice: 'pyre'" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.usefixtures("plugin_dir")
def test_cli_static_pyright(capsys: pytest.CaptureFixture[str]) -> None:
    spec = "kozmo_verdict_plugin:SyncReader"
    code, out = run(capsys, spec, "--protocol", "InputReader", "--static=pyright", "--json")
    assert code == 1
    document = json.loads(out)
    assert document["checks"] == ["runtime", "static"]
    assert [(p["member"], p["rule"]) for p in document["problems"]] == [
        ("get", "async"),
        ("get", "static"),
    ]
    assert "(pyright: " in document["problems"][1]["message"]
    code, out = run(
        capsys, "kozmo_verdict_plugin:Reader", "--protocol", "InputReader", "--static=pyright"
    )
    assert code == 0
    assert out == (
        "kozmo_verdict_plugin:Reader conforms to kozmo_io.protocols:InputReader "
        "(runtime and static check)\n"
    )


def test_cli_process_exits_3_on_cannot_tell(plugin_dir: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kozmo_io",
            "check",
            "kozmo_verdict_plugin:HiddenReader",
            "--protocol",
            "InputReader",
        ],
        cwd=plugin_dir,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 3, result.stderr
    assert result.stdout.startswith("cannot tell whether kozmo_verdict_plugin:HiddenReader")
    assert result.stderr == ""
