"""``kozmo-io inspect``: local and cloud prefixes, readable and JSON output, every failure exit."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import http.server
import json
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import final

import attrs
import pytest
from _support import AzureServer, GCSServer, S3Server
from google.protobuf import json_format
from google.protobuf.message import Message

from kozmo_io import core
from kozmo_io.cli import build_parser, main
from kozmo_io.cli.inspect import SCHEMA, local_reference
from kozmo_io.errors import CorruptDataError
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils import (
    CheckpointRemoteFilePaths,
    InMemoryOutputReader,
    PrecomputedRawOutputPaths,
    RemoteFileOutputWriter,
)
from kozmo_io.reference import construct_reference
from kozmo_io.storage import AzureBlobStore, BlobStore, LocalBlobStore, S3BlobStore, write_message

WHEN = dt.datetime(2024, 11, 5, 12, 30, 1, 250000, tzinfo=dt.UTC)
ERROR = ExecutionError(
    code="ValueError",
    message="text has no words\n  at line 3",
    kind=ErrorKind.USER,
    is_recoverable=False,
    timestamp=WHEN,
    worker="pod-7",
)


def _integer(value: int) -> core.Literal:
    return core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))


def _string(value: str) -> core.Literal:
    return core.Literal(scalar=core.Scalar(primitive=core.Primitive(string_value=value)))


OUTPUTS = core.LiteralMap(
    literals={
        "count": _integer(13),
        "name": _string("sleeps"),
        "report": core.Literal(
            scalar=core.Scalar(
                blob=core.Blob(
                    uri="s3://bucket/raw/report.csv",
                    metadata=core.BlobMetadata(type=core.BlobType(format="csv")),
                )
            )
        ),
        "words": core.Literal(
            collection=core.LiteralCollection(literals=[_string("the"), _string("dog")])
        ),
    }
)


def _write(
    store: BlobStore,
    prefix: str,
    *,
    outputs: core.LiteralMap | None = None,
    error: ExecutionError | None = None,
    deck: bool = False,
) -> None:
    """Leave under ``prefix`` what a task would: outputs and/or error (through the writer), deck."""

    async def write() -> None:
        writer = RemoteFileOutputWriter(
            store, CheckpointRemoteFilePaths(prefix, PrecomputedRawOutputPaths(f"{prefix}/raw"))
        )
        if outputs is not None:
            await writer.put(InMemoryOutputReader(outputs))
        if error is not None:
            await writer.put(InMemoryOutputReader(error=error))
        if deck:
            await store.put(writer.get_deck_path(), b"<html></html>")

    asyncio.run(write())


def _inspect(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["inspect", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def local_prefix(tmp_path: Path) -> str:
    """An output prefix (a plain directory path) under the test's temporary directory."""
    return str(tmp_path / "metadata" / "e1" / "n0" / "0")


def _local(prefix: str) -> str:
    return local_reference(prefix)


def test_inspect_shows_outputs_literals_readably(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    _write(LocalBlobStore(), _local(local_prefix), outputs=OUTPUTS)
    code, out, err = _inspect(capsys, local_prefix)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"outputs under {local_prefix}"
    assert lines[1].split()[:4] == ["outputs.pb", "found,", "4", "literals"]
    assert lines[1].endswith(f"{local_prefix}/outputs.pb")
    assert lines[2].split()[:2] == ["error.pb", "missing"]
    assert lines[3].split()[:2] == ["deck.html", "missing"]
    assert lines[4:] == [
        "literals",
        "  count  = 13",
        '  name   = "sleeps"',
        "  report = blob(uri=s3://bucket/raw/report.csv, format=csv, dimensionality=single)",
        '  words  = ["the", "dog"]',
    ]


def test_inspect_shows_every_error_field_and_the_deck(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    _write(LocalBlobStore(), _local(local_prefix), error=ERROR, deck=True)
    code, out, err = _inspect(capsys, local_prefix)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[1].split()[:2] == ["outputs.pb", "missing"]
    assert lines[2].split()[:2] == ["error.pb", "found"]
    assert lines[3].split()[:2] == ["deck.html", "found"]
    assert lines[4:] == [
        "error",
        "  code         ValueError",
        "  kind         USER",
        "  recoverable  no",
        "  worker       pod-7",
        "  timestamp    2024-11-05T12:30:01.250Z",
        "  message      text has no words",
        "                 at line 3",
    ]


def test_inspect_shows_outputs_and_error_when_both_exist(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    _write(LocalBlobStore(), _local(local_prefix), outputs=OUTPUTS, error=ERROR)
    code, out, _ = _inspect(capsys, local_prefix)
    assert code == 0
    assert "  count  = 13" in out.splitlines()
    assert "  code         ValueError" in out.splitlines()


def test_inspect_reports_an_empty_outputs_map_as_found_without_literals(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    _write(LocalBlobStore(), _local(local_prefix), outputs=core.LiteralMap())
    code, out, _ = _inspect(capsys, local_prefix)
    assert code == 0
    assert out.splitlines()[1].split()[:4] == ["outputs.pb", "found,", "0", "literals"]
    assert "literals\n" not in out


def test_inspect_json_follows_the_documented_schema(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    _write(LocalBlobStore(), _local(local_prefix), outputs=OUTPUTS, error=ERROR, deck=True)
    code, out, err = _inspect(capsys, "--json", local_prefix)
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert list(document) == [
        "schema",
        "mode",
        "prefix",
        "found",
        "files",
        "literals",
        "order",
        "context",
        "produced_artifacts",
        "error",
        "notes",
    ]
    assert document["notes"] == []
    assert document["schema"] == SCHEMA == "kozmo-io.inspect/1"
    assert (document["mode"], document["prefix"], document["found"]) == (
        "outputs",
        local_prefix,
        True,
    )
    assert document["files"] == {
        "outputs.pb": {"path": f"{local_prefix}/outputs.pb", "exists": True},
        "error.pb": {"path": f"{local_prefix}/error.pb", "exists": True},
        "deck.html": {"path": f"{local_prefix}/deck.html", "exists": True},
    }
    assert document["literals"]["count"] == {"scalar": {"primitive": {"integer": "13"}}}
    parsed = {
        name: json_format.ParseDict(value, core.Literal())
        for name, value in document["literals"].items()
    }
    assert parsed == dict(OUTPUTS.literals)
    assert document["error"] == {
        "code": "ValueError",
        "message": "text has no words\n  at line 3",
        "kind": "USER",
        "recoverable": False,
        "worker": "pod-7",
        "timestamp": "2024-11-05T12:30:01.250Z",
        "error_uri": "",
    }


def test_inspect_json_of_an_empty_prefix_says_not_found_and_exits_1(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    code, out, err = _inspect(capsys, "--json", local_prefix)
    assert code == 1
    document = json.loads(out)
    assert document["found"] is False
    assert document["literals"] is None
    assert document["error"] is None
    assert not any(entry["exists"] for entry in document["files"].values())
    assert err == f"kozmo-io inspect: nothing at {local_prefix}: no outputs.pb or error.pb\n"


def test_inspect_of_a_missing_prefix_exits_1(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    code, out, err = _inspect(capsys, local_prefix)
    assert code == 1
    assert out.splitlines()[1].split()[:2] == ["outputs.pb", "missing"]
    assert "nothing at" in err
    assert "Traceback" not in err


def test_inspect_of_a_deck_alone_exits_1(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    _write(LocalBlobStore(), _local(local_prefix), deck=True)
    code, out, _ = _inspect(capsys, local_prefix)
    assert code == 1
    assert out.splitlines()[3].split()[:2] == ["deck.html", "found"]


def test_inspect_inputs_shows_inputs_pb(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data_dir = str(tmp_path / "n0")
    inputs = core.LiteralMap(literals={"text": _string("hi"), "top_n": _integer(3)})
    path = construct_reference(_local(data_dir), "inputs.pb")
    asyncio.run(write_message(LocalBlobStore(), path, inputs))
    code, out, err = _inspect(capsys, "--inputs", data_dir)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"inputs under {data_dir}"
    assert lines[1].split()[:4] == ["inputs.pb", "found,", "2", "literals"]
    assert lines[2:] == ["literals", '  text  = "hi"', "  top_n = 3"]
    code, out, _ = _inspect(capsys, "--inputs", "--json", data_dir)
    document = json.loads(out)
    assert (document["mode"], document["found"], document["error"]) == ("inputs", True, None)
    assert document["files"] == {"inputs.pb": {"path": f"{data_dir}/inputs.pb", "exists": True}}
    assert document["literals"]["text"] == {"scalar": {"primitive": {"string_value": "hi"}}}


def test_inspect_inputs_of_a_missing_prefix_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = _inspect(capsys, "--inputs", str(tmp_path / "none"))
    assert code == 1
    assert err.endswith(": no inputs.pb\n")


def test_inspect_takes_relative_paths_and_file_uris(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = tmp_path / "with space" / "out"
    _write(LocalBlobStore(), _local(str(prefix)), outputs=OUTPUTS)
    monkeypatch.chdir(tmp_path)
    code, out, _ = _inspect(capsys, "./with space/out/")
    assert code == 0
    assert out.splitlines()[0] == f"outputs under {prefix}"
    code, out, _ = _inspect(capsys, prefix.as_uri())
    assert code == 0
    assert "  count  = 13" in out.splitlines()


def test_inspect_of_a_corrupt_outputs_file_exits_2_naming_it(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    Path(local_prefix).mkdir(parents=True)
    (Path(local_prefix) / "outputs.pb").write_bytes(b"\xff\xff\xff garbage")
    code, out, err = _inspect(capsys, local_prefix)
    assert (code, out) == (2, "")
    assert err.startswith("kozmo-io inspect: error: corrupt file: ")
    assert f"{local_prefix}/outputs.pb" in err
    assert "kozmo.core.Outputs" in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_inspect_of_a_corrupt_error_or_inputs_file_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "error.pb").write_bytes(b"\x0a\xff")
    (tmp_path / "inputs.pb").write_bytes(b"\x0a\xff")
    code, _, err = _inspect(capsys, str(tmp_path))
    assert code == 2
    assert "corrupt file" in err
    assert "error.pb" in err
    code, _, err = _inspect(capsys, "--inputs", str(tmp_path))
    assert code == 2
    assert "corrupt file" in err
    assert "inputs.pb" in err


def test_inspect_with_debug_raises_the_error_with_its_traceback(local_prefix: str) -> None:
    Path(local_prefix).mkdir(parents=True)
    (Path(local_prefix) / "outputs.pb").write_bytes(b"\xff\xff")
    with pytest.raises(CorruptDataError):
        main(["inspect", "--debug", local_prefix])
    with pytest.raises(CorruptDataError):
        main(["--debug", "inspect", local_prefix])


def test_inspect_refuses_a_file_larger_than_max_bytes_naming_the_limit(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    _write(LocalBlobStore(), _local(local_prefix), outputs=OUTPUTS)
    size = (Path(local_prefix) / "outputs.pb").stat().st_size
    code, out, err = _inspect(capsys, "--max-bytes", str(size - 1), local_prefix)
    assert (code, out) == (2, "")
    assert err == (
        f"kozmo-io inspect: error: {local_prefix}/outputs.pb is too large: {size} bytes, "
        f"over the limit of {size - 1} bytes (raise it with --max-bytes)\n"
    )
    code, _, _ = _inspect(capsys, "--max-bytes", str(size), local_prefix)
    assert code == 0


@pytest.mark.parametrize("value", ["0", "-5", "ten", "1.5"])
def test_inspect_rejects_a_max_bytes_that_is_not_a_positive_integer(
    capsys: pytest.CaptureFixture[str], local_prefix: str, value: str
) -> None:
    code, out, err = _inspect(capsys, f"--max-bytes={value}", local_prefix)
    assert (code, out) == (2, "")
    assert "--max-bytes: must be a positive integer" in err


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("/data/../etc/out", "'..' path segment"),
        ("s3://bucket/a/../b", "'..' path segment"),
        ("s3://bucket/a/%2e%2e/b", "'..' path segment"),
        ("s3://bucket/a//b", "empty, '.' or '..' path segment"),
        ("memory://bucket/out", "memory:// lives inside one process"),
        ("s3://bucket/out?versionId=1", "a query or fragment would be dropped"),
        ("s3://bucket/out\x1b[31m", "control character"),
        ("ftp://host/out", "bad reference"),
        ("s3://", "bad reference"),
    ],
)
def test_inspect_refuses_hostile_or_unusable_references_with_exit_2(
    capsys: pytest.CaptureFixture[str], prefix: str, expected: str
) -> None:
    code, out, err = _inspect(capsys, prefix)
    assert (code, out) == (2, "")
    assert err.startswith("kozmo-io inspect: error: ")
    assert expected in err
    assert err.count("\n") == 1
    assert "\x1b" not in err


@pytest.mark.parametrize(
    "prefix",
    [
        "s3://AKIAEXAMPLE:TopSecret42@bucket/out",
        "s3://TopSecret42@bucket/out",
        "gs://user:TopSecret42@bucket/out",
        "abfss://container:TopSecret42@account.dfs.core.windows.net/out",
    ],
)
def test_inspect_refuses_credentials_in_the_reference_without_printing_them(
    capsys: pytest.CaptureFixture[str], prefix: str
) -> None:
    for args in ([prefix], ["--json", prefix], ["--debug", prefix]):
        code, out, err = _inspect(capsys, *args)
        assert code == 2
        assert "must not carry credentials" in err
        assert "TopSecret42" not in out + err


def test_inspect_refuses_a_file_given_as_prefix(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    _write(LocalBlobStore(), _local(local_prefix), outputs=OUTPUTS)
    code, _, err = _inspect(capsys, f"{local_prefix}/outputs.pb")
    assert code == 2
    assert "is a file: give the folder that holds the task's files" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--region", "eu-west-1"], "--region applies to s3:// references only"),
        (["--endpoint", "http://127.0.0.1:1"], "apply to cloud references"),
        (["--allow-http"], "apply to cloud references"),
        (["--emulator"], "--emulator applies to gs:// and Azure references only"),
    ],
)
def test_inspect_refuses_store_options_that_do_not_apply(
    capsys: pytest.CaptureFixture[str], local_prefix: str, args: list[str], expected: str
) -> None:
    code, _, err = _inspect(capsys, *args, local_prefix)
    assert code == 2
    assert expected in err


def test_inspect_refuses_region_for_a_gcs_reference(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _inspect(capsys, "--region", "eu-west-1", "gs://bucket/out")
    assert code == 2
    assert "--region applies to s3:// references only" in err


def test_inspect_refuses_emulator_for_an_s3_reference(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _inspect(capsys, "--emulator", "s3://bucket/out")
    assert code == 2
    assert "--emulator applies to gs:// and Azure references only" in err


def test_inspect_help_mentions_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", "--help"]) == 0
    text = capsys.readouterr().out
    commands = next(
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    inspect = commands.choices["inspect"]
    options = [o for action in inspect._actions for o in action.option_strings]
    assert set(options) >= {"--inputs", "--json", "--max-bytes", "--endpoint", "--region"}
    for option in options:
        assert option in text
    assert "PREFIX" in text
    for word in ("exit status", "kozmo-io.inspect/1", "AWS_*"):
        assert word in text
    assert main(["--help"]) == 0
    assert "inspect" in capsys.readouterr().out


@final
@attrs.frozen
class _Cloud:
    """A bucket (or container) on one of the suite's servers, reached from the environment alone."""

    root: str  # scheme://bucket
    options: list[str]  # the command line's store options
    seed: Callable[[str, bytes], None]  # put an object under its key (the emulator's own upload)
    secret: str  # a credential that must never be printed


@pytest.fixture(
    params=[
        pytest.param("s3", marks=pytest.mark.s3),
        pytest.param("azure", marks=pytest.mark.azure),
        pytest.param("gcs", marks=pytest.mark.gcs),
    ]
)
def cloud(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> _Cloud:
    """A fresh bucket on each kind of cloud server, its credentials in the environment only."""
    if request.param == "s3":
        s3: S3Server = request.getfixturevalue("s3_server")
        bucket: str = request.getfixturevalue("s3_bucket")
        store: BlobStore = S3BlobStore(bucket, **s3.options())
        options = s3.cli_environment(monkeypatch)
        root, secret = f"s3://{bucket}", s3.secret_access_key
    elif request.param == "azure":
        azure: AzureServer = request.getfixturevalue("azure_server")
        container: str = request.getfixturevalue("azure_container")
        store = AzureBlobStore(container, **azure.options())
        for name in [name for name in os.environ if name.startswith(("AZURE_", "AZURITE_"))]:
            monkeypatch.delenv(name)
        monkeypatch.setenv("AZURE_STORAGE_USE_EMULATOR", "true")
        monkeypatch.setenv("AZURITE_BLOB_STORAGE_URL", azure.endpoint)
        options, root, secret = [], f"az://{container}", azure.key
    else:
        gcs: GCSServer = request.getfixturevalue("gcs_server")
        gcs_bucket: str = request.getfixturevalue("gcs_bucket")
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs.endpoint)
        # The emulator refuses the uploads obstore makes: the files go in through its own API.
        seed = functools.partial(gcs.upload, gcs_bucket)
        return _Cloud(f"gs://{gcs_bucket}", [], seed, "")
    return _Cloud(
        root, options, lambda key, data: asyncio.run(store.put(f"{root}/{key}", data)), secret
    )


def _seed_task_files(cloud: _Cloud, key: str, *, outputs: bool = True) -> None:
    """Leave a task's files under ``key``: its outputs (unless not asked), error and deck."""
    if outputs:
        cloud.seed(f"{key}/outputs.pb", OUTPUTS.SerializeToString())
    cloud.seed(f"{key}/error.pb", ERROR.to_error_document().SerializeToString())
    cloud.seed(f"{key}/deck.html", b"<html></html>")


def test_inspect_reads_a_cloud_prefix_with_credentials_from_the_environment(
    capsys: pytest.CaptureFixture[str], cloud: _Cloud
) -> None:
    prefix = f"{cloud.root}/metadata/e1/n0/0"
    _seed_task_files(cloud, "metadata/e1/n0/0")
    cloud.seed("metadata/e1/n0/inputs.pb", OUTPUTS.SerializeToString())
    code, out, err = _inspect(capsys, *cloud.options, prefix)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"outputs under {prefix}"
    assert [line.split()[1] for line in lines[1:4]] == ["found,", "found", "found"]
    assert "  count  = 13" in lines
    assert "  worker       pod-7" in lines
    code, out, err = _inspect(capsys, *cloud.options, "--json", prefix)
    document = json.loads(out)
    assert document["files"]["outputs.pb"] == {"path": f"{prefix}/outputs.pb", "exists": True}
    assert document["error"]["timestamp"] == "2024-11-05T12:30:01.250Z"
    code, out, err = _inspect(capsys, *cloud.options, "--inputs", f"{cloud.root}/metadata/e1/n0")
    assert code == 0
    assert '  name   = "sleeps"' in out.splitlines()
    assert not cloud.secret or cloud.secret not in out + err


def test_inspect_of_a_missing_cloud_prefix_exits_1(
    capsys: pytest.CaptureFixture[str], cloud: _Cloud
) -> None:
    prefix = f"{cloud.root}/nothing/here"
    code, _, err = _inspect(capsys, *cloud.options, prefix)
    assert code == 1
    assert err == f"kozmo-io inspect: nothing at {prefix}: no outputs.pb or error.pb\n"


def test_inspect_of_an_oversized_cloud_error_file_exits_2(
    capsys: pytest.CaptureFixture[str], cloud: _Cloud
) -> None:
    _seed_task_files(cloud, "out", outputs=False)
    prefix = f"{cloud.root}/out"
    code, _, err = _inspect(capsys, *cloud.options, "--max-bytes", "10", prefix)
    assert code == 2
    assert f"{prefix}/error.pb is too large" in err
    assert "over the limit of 10 bytes (raise it with --max-bytes)" in err


def test_inspect_of_an_absent_cloud_bucket_exits_1(
    capsys: pytest.CaptureFixture[str], cloud: _Cloud
) -> None:
    code, out, err = _inspect(capsys, *cloud.options, f"{cloud.root}-absent/out")
    assert code == 1
    assert "nothing at" in err
    assert not cloud.secret or cloud.secret not in out + err


@pytest.mark.slow
def test_inspect_of_an_unreachable_store_exits_2_without_printing_credentials(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "AnotherSecret99")
    args = ["--endpoint", "http://127.0.0.1:1", "--allow-http", "--region", "us-east-1"]
    code, out, err = _inspect(capsys, *args, "s3://bucket/out")
    assert (code, out) == (2, "")
    assert err.startswith("kozmo-io inspect: error: storage error: ")
    assert "s3://bucket/out/error.pb" in err
    assert err.count("\n") == 1
    assert "AnotherSecret99" not in err


# Every character a terminal could act on, or that reorders what follows it.
HOSTILE_TEXT = "a\x1b[2J\x1b]0;owned\x07\rb\x9b31m\x85\u202ecba\u2066\u2069\x00\x7f"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_inspect_escapes_controls_and_bidi_in_names_values_and_error_fields(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    outputs = core.LiteralMap(literals={HOSTILE_TEXT: _string(HOSTILE_TEXT), "n\nm": _integer(1)})
    error = ExecutionError(
        code=HOSTILE_TEXT, message=f"{HOSTILE_TEXT}\nline 2", worker=HOSTILE_TEXT
    )
    _write(LocalBlobStore(), _local(local_prefix), outputs=outputs, error=error)
    code, out, err = _inspect(capsys, local_prefix)
    assert (code, err) == (0, "")
    assert UNSAFE.search(out) is None
    assert "\\x1b[2J" in out
    assert "\\u202e" in out
    assert "\\x9b" in out
    assert "  n\\nm" in out  # a name stays on its line
    assert "line 2" in out.splitlines()[-1]  # a message keeps its lines
    code, out, err = _inspect(capsys, "--json", local_prefix)
    assert (code, err) == (0, "")
    assert UNSAFE.search(out) is None
    document = json.loads(out)  # the escapes are JSON's: the values come back whole
    assert document["error"]["code"] == document["error"]["worker"] == HOSTILE_TEXT
    assert HOSTILE_TEXT in document["literals"]


def test_inspect_cuts_long_names_codes_and_messages_saying_how_long_they_were(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    name = "n" * 5000
    outputs = core.LiteralMap(literals={name: _integer(1)})
    error = ExecutionError(code="c" * 3000, message="m" * 100_000, worker="w" * 3000)
    _write(LocalBlobStore(), _local(local_prefix), outputs=outputs, error=error)
    code, out, _ = _inspect(capsys, local_prefix)
    assert code == 0
    assert "... (5000 characters)" in out
    assert out.count("... (3000 characters)") == 2
    assert "... (100000 characters)" in out
    assert max(map(len, out.splitlines())) < 5000


def _write_raw(prefix: str, name: str, message: Message) -> None:
    Path(prefix).mkdir(parents=True, exist_ok=True)
    (Path(prefix) / name).write_bytes(message.SerializeToString())


def _odd_outputs() -> core.LiteralMap:
    """Outputs holding an unknown enum value and a timestamp and a duration out of range."""
    outputs = core.LiteralMap()
    blob = outputs.literals["blob"].scalar.blob
    blob.uri = "s3://bucket/raw/x"
    blob.metadata.type.dimensionality = core.BlobType.BlobDimensionality.ValueType(
        7
    )  # a newer value
    outputs.literals["when"].scalar.primitive.datetime.seconds = 10**15
    outputs.literals["took"].scalar.primitive.duration.seconds = -(10**15)
    union = outputs.literals["either"].scalar.union
    union.value.scalar.primitive.integer = 3
    union.type.simple = core.SimpleType.ValueType(99)  # a value from a newer engine
    return outputs


def _odd_error() -> core.ErrorDocument:
    document = core.ErrorDocument()
    document.error.code = "Odd"
    document.error.origin = core.ExecutionError.ErrorKind.ValueType(9)  # from a newer engine
    document.error.kind = core.ContainerError.Kind.ValueType(5)  # from a newer engine
    document.error.timestamp.seconds = 10**15
    return document


def test_inspect_shows_unknown_enums_and_out_of_range_times_raw_with_a_note(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    _write_raw(local_prefix, "outputs.pb", _odd_outputs())
    _write_raw(local_prefix, "error.pb", _odd_error())
    code, out, err = _inspect(capsys, local_prefix)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert (
        "  blob   = blob(uri=s3://bucket/raw/x, dimensionality=7 (unknown BlobDimensionality))"
        in lines
    )
    assert "  either = 3 (union variant 99 (unknown SimpleType))" in lines
    assert "  took   = seconds=-1000000000000000 nanos=0 (not a valid duration)" in lines
    assert "  when   = seconds=1000000000000000 nanos=0 (not a valid timestamp)" in lines
    assert "  kind         9 (unknown ErrorKind)" in lines
    assert "  recoverable  no (5: unknown recoverability)" in lines
    assert "  timestamp    seconds=1000000000000000 nanos=0 (not a valid timestamp)" in lines

    code, out, err = _inspect(capsys, "--json", local_prefix)
    assert (code, err) == (0, "")
    document = json.loads(out)
    literals = document["literals"]
    assert literals["blob"]["scalar"]["blob"]["metadata"]["type"]["dimensionality"] == 7
    assert literals["when"]["scalar"]["primitive"]["datetime"] == {
        "seconds": "1000000000000000",
        "nanos": 0,
    }
    assert literals["took"]["scalar"]["primitive"]["duration"]["seconds"] == "-1000000000000000"
    error = document["error"]
    assert (error["kind"], error["recoverable"]) == (9, False)
    assert error["timestamp"] == {"seconds": "1000000000000000", "nanos": 0}
    notes = document["notes"]
    assert len(notes) == 7
    assert any(n.startswith("blob.scalar.blob.metadata.type.dimensionality: 7 ") for n in notes)
    assert any(n.startswith("when.scalar.primitive.datetime: ") for n in notes)
    assert any(n.startswith("error.kind: 9 ") for n in notes)
    assert any(n.startswith("error.timestamp: ") for n in notes)


def test_inspect_inputs_shows_out_of_range_values_raw(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _write_raw(str(tmp_path), "inputs.pb", _odd_outputs())
    code, out, err = _inspect(capsys, "--inputs", str(tmp_path))
    assert (code, err) == (0, "")
    assert "(not a valid timestamp)" in out
    code, out, _ = _inspect(capsys, "--inputs", "--json", str(tmp_path))
    assert code == 0
    assert len(json.loads(out)["notes"]) == 4


# --- second generation: declared order, context, produced artifacts -----------------------------

SECOND_OUTPUTS = core.Outputs(
    literals=[
        core.NamedLiteral(name="zeta", value=_integer(6)),
        core.NamedLiteral(name="alpha", value=_string("HI")),
        core.NamedLiteral(name="mid", value=_integer(1)),
    ],
    produced_artifacts=[
        core.ProducedArtifact(
            output="alpha",
            name="greeting",
            version="v2",
            info=core.ArtifactInfo(
                description="what the task said",
                card=core.ArtifactCard(uri="s3://KEY:SECRET@bucket/card.md", format="md"),
            ),
        )
    ],
)
SECOND_INPUTS = core.Inputs(
    literals=[
        core.NamedLiteral(name="top_n", value=_integer(3)),
        core.NamedLiteral(name="text", value=_string("hi")),
    ],
    context=[core.KeyValuePair(key="team", value="ml"), core.KeyValuePair(key="env", value="ci")],
)


def test_inspect_shows_outputs_in_declared_order_with_their_artifacts(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    _write_raw(local_prefix, "outputs.pb", SECOND_OUTPUTS)
    code, out, err = _inspect(capsys, local_prefix)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[1].split()[:4] == ["outputs.pb", "found,", "3", "literals"]
    assert lines[4:] == [
        "literals",
        "  zeta  = 6",
        '  alpha = "HI"',
        "  mid   = 1",
        "produced artifacts",
        "  alpha = artifact greeting version v2: what the task said",
    ]


def test_inspect_json_adds_order_and_produced_artifacts(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    _write_raw(local_prefix, "outputs.pb", SECOND_OUTPUTS)
    code, out, _ = _inspect(capsys, "--json", local_prefix)
    assert code == 0
    document = json.loads(out)
    assert document["schema"] == "kozmo-io.inspect/1"  # fields were only added
    assert document["order"] == ["zeta", "alpha", "mid"]
    assert document["context"] is None
    [artifact] = document["produced_artifacts"]
    assert (artifact["output"], artifact["name"], artifact["version"]) == (
        "alpha",
        "greeting",
        "v2",
    )
    assert artifact["info"]["card"]["uri"] == "s3://***@bucket/card.md"
    assert "SECRET" not in out
    assert set(document["literals"]) == {"zeta", "alpha", "mid"}
    assert document["notes"] == []


def test_inspect_inputs_shows_declared_order_and_context(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data_dir = str(tmp_path / "n0")
    _write_raw(data_dir, "inputs.pb", SECOND_INPUTS)
    code, out, err = _inspect(capsys, "--inputs", data_dir)
    assert (code, err) == (0, "")
    assert out.splitlines()[2:] == [
        "literals",
        "  top_n = 3",
        '  text  = "hi"',
        "context",
        "  team = ml",
        "  env  = ci",
    ]
    code, out, _ = _inspect(capsys, "--inputs", "--json", data_dir)
    document = json.loads(out)
    assert document["order"] == ["top_n", "text"]
    assert document["context"] == [
        {"key": "team", "value": "ml"},
        {"key": "env", "value": "ci"},
    ]
    assert document["produced_artifacts"] is None


def test_inspect_shows_every_entry_of_a_repeated_name(
    capsys: pytest.CaptureFixture[str], local_prefix: str
) -> None:
    repeated = core.Outputs(
        literals=[
            core.NamedLiteral(name="o", value=_integer(1)),
            core.NamedLiteral(name="o", value=_integer(2)),
        ]
    )
    _write_raw(local_prefix, "outputs.pb", repeated)
    code, out, _ = _inspect(capsys, local_prefix)
    assert code == 0
    assert out.splitlines()[4:] == ["literals", "  o = 1", "  o = 2"]
    code, out, _ = _inspect(capsys, "--json", local_prefix)
    document = json.loads(out)
    assert document["order"] == ["o", "o"]
    assert document["literals"] == {"o": {"scalar": {"primitive": {"integer": "2"}}}}


def test_inspect_escapes_context_and_artifact_text(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, local_prefix: str
) -> None:
    data_dir = str(tmp_path / "n0")
    hostile = core.Inputs(context=[core.KeyValuePair(key="k\x1b[2J", value="v\u202e\x07")])
    _write_raw(data_dir, "inputs.pb", hostile)
    code, out, _ = _inspect(capsys, "--inputs", data_dir)
    assert code == 0
    assert "\x1b" not in out
    assert "\u202e" not in out
    assert "\x07" not in out
    outputs = core.Outputs(
        literals=[core.NamedLiteral(name="o", value=_integer(1))],
        produced_artifacts=[core.ProducedArtifact(output="o", name="a\x1b]0;x\x07")],
    )
    _write_raw(local_prefix, "outputs.pb", outputs)
    code, out, _ = _inspect(capsys, local_prefix)
    assert code == 0
    assert "\x1b" not in out
    assert "\x07" not in out


class _RefusingMetadataService(http.server.BaseHTTPRequestHandler):
    """A stand-in instance metadata service on 127.0.0.1 that refuses every request (403)."""

    def _refuse(self) -> None:
        self.send_response(403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = _refuse  # noqa: N815 - the names http.server dispatches to

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        del format, args  # keep the test output quiet


def test_inspect_s3_without_credentials_says_they_are_missing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RefusingMetadataService)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        monkeypatch.delenv(name)
    # No credentials anywhere, so the store asks the metadata service, which refuses.
    monkeypatch.setenv("AWS_METADATA_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    try:
        code = main(["inspect", "s3://bucket/metadata/run1/n0/0"])
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("kozmo-io inspect: error: ")
    assert "no credentials found" in err
    assert "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" in err


@pytest.mark.azure
def test_inspect_reads_an_abfs_prefix_through_endpoint_and_account_key_from_the_environment(
    capsys: pytest.CaptureFixture[str],
    azure_server: AzureServer,
    azure_container: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in list(os.environ):
        if name.startswith(("AZURE_", "AZURITE_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AZURE_STORAGE_ACCOUNT_KEY", azure_server.key)
    store = AzureBlobStore(azure_container, **azure_server.options())
    account = azure_server.account
    prefix = f"abfss://{azure_container}@{account}.dfs.core.windows.net/out"
    _write(store, prefix, outputs=OUTPUTS)
    args = ["--endpoint", azure_server.blob_endpoint, "--allow-http"]
    code, out, err = _inspect(capsys, *args, prefix)
    assert (code, err) == (0, "")
    assert "  count  = 13" in out.splitlines()
    assert azure_server.key not in out
