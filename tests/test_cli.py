from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from _support import run_cli as run

import kozmo_io
from kozmo_io.cli import build_parser, main
from kozmo_io.cli import inspect as cli_inspect

PLUGIN = Path(__file__).with_name("cli_plugin.py")


@pytest.fixture
def plugin_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory holding kozmo_cli_plugin.py (and a module that fails to import), as the cwd."""
    root = tmp_path_factory.getbasetemp() / "cli-plugin"
    if not root.exists():
        root.mkdir()
        shutil.copy(PLUGIN, root / "kozmo_cli_plugin.py")
        (root / "kozmo_cli_broken.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
        (root / "kozmo_cli_hostile.py").write_text(
            "raise RuntimeError('boom\\x1b[2J\\u202e\\n\\x9b')\n", encoding="utf-8"
        )
    monkeypatch.chdir(root)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the command adds the cwd; undo it after
    return root


@pytest.mark.usefixtures("plugin_dir")
def test_check_conforming_class_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "kozmo_cli_plugin:Reader", "--protocol", "InputReader")
    assert code == 0
    assert out == (
        "kozmo_cli_plugin:Reader conforms to kozmo_io.protocols:InputReader (runtime check)\n"
    )
    assert err == ""


@pytest.mark.usefixtures("plugin_dir")
def test_check_broken_class_exits_1_and_lists_problems(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "kozmo_cli_plugin:SyncReader", "--protocol", "InputReader")
    assert code == 1
    assert "does not conform to kozmo_io.protocols:InputReader (1 problem" in out
    assert "SyncReader.get is a plain def, but InputReader.get is async def" in out


@pytest.mark.usefixtures("plugin_dir")
def test_check_json_prints_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "check", "kozmo_cli_plugin:SyncReader", "--protocol", "InputReader", "--json"
    )
    assert code == 1
    document = json.loads(out)
    assert document["ok"] is False
    assert [(p["member"], p["rule"]) for p in document["problems"]] == [("get", "async")]


@pytest.mark.usefixtures("plugin_dir")
def test_check_instance_target(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "kozmo_cli_plugin:reader", "--protocol", "InputReader")
    assert code == 0
    assert out.startswith("kozmo_cli_plugin:Reader instance conforms")


@pytest.mark.usefixtures("plugin_dir")
def test_check_auto_lists_satisfied_protocols(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "kozmo_cli_plugin:Paths")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "kozmo_cli_plugin:Paths satisfies: InputFilePaths"
    assert "InputReader: missing get" in lines
    assert lines[-1].startswith(
        "not implemented: CheckpointPaths, ErrorReader, OrderedOutputReader, OutputFilePaths"
    )


@pytest.mark.usefixtures("plugin_dir")
def test_check_auto_details_near_misses(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "kozmo_cli_plugin:SyncReader", "--protocol", "auto")
    assert code == 0  # it still satisfies InputFilePaths
    assert "SyncReader.get is a plain def" in out


@pytest.mark.usefixtures("plugin_dir")
def test_check_auto_exits_1_when_nothing_is_satisfied(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "kozmo_cli_plugin:Nothing", "--json")
    assert code == 1
    document = json.loads(out)
    assert document["satisfied"] == []
    assert document["protocol"] == "auto"
    assert set(document["reports"]) == {
        "CheckpointPaths",
        "ErrorReader",
        "InputFilePaths",
        "InputReader",
        "OrderedInputReader",
        "OrderedOutputReader",
        "OutputFilePaths",
        "OutputReader",
        "OutputWriter",
        "RawOutputPaths",
    }


@pytest.mark.usefixtures("plugin_dir")
def test_check_any_protocol_by_module_and_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "check", "kozmo_cli_plugin:Hello", "--protocol", "kozmo_cli_plugin:Greeter"
    )
    assert (code, out) == (
        0,
        "kozmo_cli_plugin:Hello conforms to kozmo_cli_plugin:Greeter (runtime check)\n",
    )


@pytest.mark.usefixtures("plugin_dir")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["kozmo_cli_plugin"], "the target must be MODULE:NAME, got 'kozmo_cli_plugin'"),
        (["no_such_module:X"], "cannot import module 'no_such_module': ModuleNotFoundError"),
        (["kozmo_cli_broken:X"], "cannot import module 'kozmo_cli_broken': RuntimeError: boom"),
        (["kozmo_cli_plugin:Missing"], "module 'kozmo_cli_plugin' has no attribute 'Missing'"),
        (["kozmo_cli_plugin:Reader", "--protocol", "Reeder"], "unknown protocol 'Reeder'"),
        (
            ["kozmo_cli_plugin:Reader", "--protocol", "kozmo_cli_plugin:Hello"],
            "expected a Protocol class",
        ),
    ],
)
def test_check_usage_and_import_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "check", *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("kozmo-io check: error: ")
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.usefixtures("plugin_dir")
def test_debug_shows_the_underlying_exception() -> None:
    with pytest.raises(Exception, match="cannot import module") as caught:
        main(["check", "kozmo_cli_broken:X", "--debug"])
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == 2
    assert "a command is required" in err


def test_bad_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "a:B", "--nope")
    assert code == 2
    assert "unrecognized arguments: --nope" in err


def test_help_exits_0_and_lists_check(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "check a class against a protocol" in out
    code, out, _ = run(capsys, "check", "--help")
    assert code == 0
    assert "MODULE:CLASS" in out
    assert "--static" in out


def test_global_debug_flag_is_kept_before_the_command() -> None:
    args = build_parser().parse_args(["--debug", "check", "a:B"])
    assert args.debug is True
    assert not hasattr(build_parser().parse_args(["check", "a:B"]), "debug")


@pytest.mark.usefixtures("plugin_dir")
def test_static_without_mypy_exits_2_with_the_install_hint(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "mypy", None)  # what an environment without mypy looks like
    code, _, err = run(
        capsys, "check", "kozmo_cli_plugin:Reader", "--protocol", "InputReader", "--static"
    )
    assert code == 2
    assert err.startswith("kozmo-io check: error: --static=mypy needs mypy, which is not installed")
    assert f"{sys.executable} -m pip install 'mypy>=1.15'" in err
    assert "check_static" not in err  # CLI terms, not the Python API's
    assert "Traceback" not in err


@pytest.mark.slow
def test_static_flag_adds_the_mypy_check(
    capsys: pytest.CaptureFixture[str], plugin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(plugin_dir / "cache"))
    code, out, _ = run(
        capsys, "check", "kozmo_cli_plugin:Reader", "--protocol", "InputReader", "--static"
    )
    assert code == 0
    assert out == (
        "kozmo_cli_plugin:Reader conforms to kozmo_io.protocols:InputReader "
        "(runtime and static check)\n"
    )
    code, out, _ = run(capsys, "check", "kozmo_cli_plugin:SyncReader", "--static", "--json")
    document = json.loads(out)
    reader = document["reports"]["InputReader"]
    assert reader["checks"] == ["runtime", "static"]
    assert [p["rule"] for p in reader["problems"]] == ["async", "static"]
    assert code == 0  # InputFilePaths is satisfied


def test_python_dash_m_runs_the_command(plugin_dir: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kozmo_io",
            "check",
            "kozmo_cli_plugin:SyncReader",
            "--protocol",
            "InputReader",
        ],
        cwd=plugin_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "SyncReader.get is a plain def" in result.stdout
    failed = subprocess.run(
        [sys.executable, "-m", "kozmo_io", "check", "kozmo_cli_broken:X"],
        cwd=plugin_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 2
    assert failed.stderr == (
        "kozmo-io check: error: cannot import module 'kozmo_cli_broken': RuntimeError: boom\n"
    )


UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.usefixtures("plugin_dir")
def test_check_escapes_controls_and_bidi_from_the_checked_module(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "check", "kozmo_cli_plugin:Hostile", "--protocol", "InputReader")
    assert (code, err) == (1, "")
    assert "Hostile\\x1b]0;owned\\x07\\u202eA\\x9b.get" in out
    assert UNSAFE.search(out) is None
    code, out, err = run(capsys, "check", "kozmo_cli_plugin:Hostile", "--protocol", "auto")
    assert code == 1
    assert UNSAFE.search(out + err) is None
    code, out, err = run(capsys, "check", "kozmo_cli_hostile:X", "--protocol", "InputReader")
    assert (code, out) == (2, "")
    assert "boom\\x1b[2J\\u202e\\n\\x9b" in err
    assert err.count("\n") == 1
    assert UNSAFE.search(err) is None


def _kozmo_io(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - this interpreter, the package's own command
        [sys.executable, "-m", "kozmo_io", *argv],
        capture_output=True,
        text=True,
        check=False,
    )


def test_version_prints_the_installed_version() -> None:
    done = _kozmo_io("--version")
    assert done.returncode == 0
    assert done.stdout == f"kozmo-io {importlib.metadata.version('kozmo-io')}\n"
    assert importlib.metadata.version("kozmo-io") == kozmo_io.__version__


@pytest.mark.parametrize(
    ("command", "operand"), [("demo", ()), ("inspect", ("memory://b/x",)), ("check", ("m:C",))]
)
def test_an_unknown_option_is_reported_by_the_subcommand(
    command: str, operand: tuple[str, ...]
) -> None:
    done = _kozmo_io(command, *operand, "--no-such-option")
    assert done.returncode == 2
    assert done.stderr.endswith(
        f"kozmo-io {command}: error: unrecognized arguments: --no-such-option\n"
    )


def test_an_unexpected_error_is_reported_under_the_subcommand_name(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(args: object) -> int:
        del args
        msg = "boom"
        raise RuntimeError(msg)

    monkeypatch.setattr(cli_inspect, "COMMAND", attrs.evolve(cli_inspect.COMMAND, handler=boom))
    code, out, err = run(capsys, "inspect", "/somewhere")
    assert (code, out) == (2, "")
    assert err == "kozmo-io inspect: error: RuntimeError: boom\n"
