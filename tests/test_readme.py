"""The README's Python blocks run as written, in order, in a venv holding the documented install.

Each block is a whole program, or continues the program before it when its first line is
``# continues the program above``. Every program runs in its own process, from an empty directory,
with S3 settings pointing at the suite's S3 server and Azurite's at the suite's Azurite (so the S3
and Azure blocks run too).
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

import pytest
from _support import AzureServer, DocumentedInstall, S3Server

from kozmo_io.storage import open_store

pytestmark = [pytest.mark.slow, pytest.mark.s3]

README = Path(__file__).resolve().parent.parent / "README.md"
CONTINUES = "# continues the program above\n"
BUCKET = "my-bucket"  # the README's
CONTAINER = "my-container"  # the README's


def programs() -> list[str]:
    """Return the README's Python blocks joined into programs."""
    blocks = re.findall(
        r"^```python\n(.*?)^```$", README.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL
    )
    joined: list[str] = []
    for block in blocks:
        if block.startswith(CONTINUES):
            assert joined, "the first block cannot continue anything"
            joined[-1] += block
        else:
            joined.append(block)
    return joined


def test_the_readme_has_the_programs_this_test_knows() -> None:
    found = programs()
    assert len(found) == 5
    assert "async def run(" in found[0]
    assert 's3://my-bucket/kozmo"' in found[0]  # the S3 block continues the first program
    assert "stream_outputs(" in found[0]  # and so does the one reading the run back
    assert 'main("az://my-container/kozmo", emulator=True)' in found[0]  # and the Azurite one
    assert "check_static(" in found[1]
    assert "check_output_reader(" in found[2]
    assert "check_blob_store(" in found[2]  # the store check continues that program
    assert "async def read_ordered(" in found[3]
    assert "to_literal_map(" in found[4]


def _environment(s3_server: S3Server, azure_server: AzureServer | None = None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    if azure_server is not None:
        env["AZURITE_BLOB_STORAGE_URL"] = azure_server.endpoint
    env.update(
        AWS_ENDPOINT_URL=s3_server.endpoint,
        AWS_ACCESS_KEY_ID=s3_server.access_key_id,
        AWS_SECRET_ACCESS_KEY=s3_server.secret_access_key,
        AWS_EC2_METADATA_DISABLED="true",
        XDG_CACHE_HOME=str(Path(env.get("TMPDIR", "/tmp")) / "kozmo-readme-cache"),  # noqa: S108
    )
    return env


@pytest.fixture
def readme_bucket(s3_server: S3Server) -> str:
    s3_server.create_bucket(BUCKET)
    return BUCKET


@pytest.mark.azure
def test_the_plugin_program_runs_locally_then_on_s3_then_on_azurite(
    documented_install: DocumentedInstall,
    s3_server: S3Server,
    readme_bucket: str,
    azure_server: AzureServer,
    tmp_path: Path,
) -> None:
    azure_server.create_container(CONTAINER)
    env = _environment(s3_server, azure_server)
    done = documented_install.run("-c", programs()[0], cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "hello kozmo\n"  # on a local directory
        "hello kozmo\n"  # on S3
        f"s3://{readme_bucket}/kozmo/metadata/run1/n0/0 has outputs\n"  # the run read back
        "hello kozmo\n"  # on Azurite
    )
    assert list(tmp_path.iterdir()) == []  # the local run used (and removed) a temporary directory

    for root, options in (
        (f"s3://{readme_bucket}", s3_server.options()),
        (f"az://{CONTAINER}", azure_server.options()),
    ):
        page = asyncio.run(open_store(root, **options).list(f"{root}/kozmo/"))
        assert sorted(page.items) == [
            f"{root}/kozmo/metadata/run1/n0/0/outputs.pb",
            f"{root}/kozmo/metadata/run1/n0/inputs.pb",
        ]


def test_the_conformance_generation_and_literals_programs_run(
    documented_install: DocumentedInstall, s3_server: S3Server, tmp_path: Path
) -> None:
    check, behaviour, ordered, literals = programs()[1:]
    env = _environment(s3_server)
    done = documented_install.run("-c", check, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    conforms = (
        "kozmo_io.ioutils.remote_file_output_reader:RemoteFileOutputReader conforms to "
        "kozmo_io.protocols:OutputReader"
    )
    assert done.stdout.splitlines() == [
        f"conforms {conforms} (runtime check)",  # print(report.verdict, report)
        f"{conforms} (static check)",  # mypy
        f"{conforms} (static check)",  # basedpyright
    ]
    for program in (behaviour, ordered, literals):
        done = documented_install.run("-c", program, cwd=tmp_path, env=env)
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
