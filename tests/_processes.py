"""Real processes that use kozmo_io, run many times at once, with a tally of how each one ended.

Shared by ``tests/test_processes.py`` (a few hundred runs in the suite) and
``bench/soak_processes.py`` (thousands). :func:`prepare` lays out a working directory (task files
on the local store and, given an S3 server, in a bucket; the child scripts) and returns the
:class:`Case` list; :func:`run_cases` spawns them from a pool of threads and returns a
:class:`Tally`. A run is *abnormal* when it ends by a signal (SIGABRT shows as -6) or with an exit
code other than its case's.

The cases: ``kozmo-io inspect`` of a valid prefix, a missing prefix and ``--inputs``; ``kozmo-io
demo`` and ``demo --root`` on a path that cannot be created; the README's plugin and the word-count
example as task processes; a user's own ``asyncio.run`` script (ending normally, with
``sys.exit(3)`` and with an uncaught ``NotFoundError``); and a pytest session using the stores. On
the local, memory and S3 stores.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Self, final

import attrs

from kozmo_io import core
from kozmo_io.examples.word_count import make_inputs
from kozmo_io.storage import BlobStore, LocalBlobStore, S3BlobStore, write_message

__all__ = ("Case", "S3Settings", "Tally", "moto_server", "prepare", "run_cases")

README = Path(__file__).parent.parent / "README.md"
_TIMEOUT_SECONDS = 300
_STDERR_TAIL = 400

# A user's own script: every store operation, the engine's read sequence and a stream left early
# under asyncio.run, then the exit its first argument asks for ("ok", "exit3", "missing": an
# uncaught NotFoundError).
_USER_SCRIPT = """
import asyncio, os, sys
from kozmo_io import core
from kozmo_io.ioutils import (OutcomeKind, ReadOnlyOutputFilePaths, RemoteFileOutputReader,
    stream_outputs)
from kozmo_io.storage import open_store, write_message

def options(prefix):
    if not prefix.startswith("s3://"):
        return {}
    return {"endpoint": os.environ["KOZMO_PROCESS_S3_ENDPOINT"], "allow_http": True,
            "region": "us-east-1"}

async def main(mode, base):
    prefix = f"{base}/user/{os.getpid()}"
    store = open_store(prefix, **options(prefix))
    literal = core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=7)))
    await write_message(store, f"{prefix}/outputs.pb", core.LiteralMap(literals={"n": literal}))
    reader = RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(prefix))
    assert not await reader.is_error()
    assert await reader.exists()
    outputs, error = await reader.read()
    assert error is None and outputs.literals["n"].scalar.primitive.integer == 7
    assert (await store.head(f"{prefix}/outputs.pb")).exists
    assert len((await store.list(prefix)).items) == 1
    await store.delete(f"{prefix}/outputs.pb")
    # A stream left after its first outcome, never closed: reads are still running in the
    # worker threads when asyncio.run closes it and the interpreter exits.
    tasks = [f"{prefix}/t{i}" for i in range(40)]
    async for outcome in stream_outputs(store, tasks, concurrency=8):
        assert outcome.kind is OutcomeKind.MISSING, outcome
        break
    if mode == "missing":
        await store.get(f"{prefix}/outputs.pb")  # raises NotFoundError: the process exits 1

asyncio.run(main(sys.argv[1], sys.argv[2]))
if sys.argv[1] == "exit3":
    sys.exit(3)
"""

# The README's plugin, run as a task process: its inputs are at argv[1], outputs go to argv[2].
_PLUGIN_SCRIPT = """
import asyncio, os, re, sys
from pathlib import Path

blocks = re.findall(r"```python\\n(.*?)```", Path(sys.argv[1]).read_text(encoding="utf-8"), re.S)
namespace = {}
exec(next(block for block in blocks if "async def run(" in block), namespace)
inputs, outputs = sys.argv[2], f"{sys.argv[3]}/{os.getpid()}"
options = {}
if outputs.startswith("s3://"):
    options = {"endpoint": os.environ["KOZMO_PROCESS_S3_ENDPOINT"], "allow_http": True,
               "region": "us-east-1"}
asyncio.run(namespace["run"](inputs, outputs, f"{outputs}/raw", **options))
"""

# The word-count example as a task process (inputs at argv[1]; on the memory store it writes them
# first, the store being new in every process).
_WORD_COUNT_SCRIPT = """
import asyncio, os, sys
from kozmo_io.examples.word_count import make_inputs, run_word_count
from kozmo_io.ioutils import (CheckpointRemoteFilePaths, PrecomputedRawOutputPaths,
    RemoteFileInputReader, RemoteFileOutputWriter, SimpleInputFilePaths)
from kozmo_io.storage import open_store, write_message

async def main(inputs, base):
    output = f"{base}/{os.getpid()}"
    options = {}
    if output.startswith("s3://"):
        options = {"endpoint": os.environ["KOZMO_PROCESS_S3_ENDPOINT"], "allow_http": True,
                   "region": "us-east-1"}
    store = open_store(output, **options)
    if inputs.startswith("memory://"):
        await write_message(store, f"{inputs}/inputs.pb", make_inputs("to be or not to be"))
    reader = RemoteFileInputReader(store, SimpleInputFilePaths(inputs))
    paths = CheckpointRemoteFilePaths(output, PrecomputedRawOutputPaths(f"{output}/raw"))
    outcome = await run_word_count(reader, RemoteFileOutputWriter(store, paths))
    assert outcome.counts is not None and outcome.counts.words == 6, outcome

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""

# A test module for a pytest session of its own: the pytest process must exit 0 too.
_PYTEST_MODULE = """
import asyncio
from kozmo_io.storage import LocalBlobStore, MemoryBlobStore

def test_stores(tmp_path):
    async def use(store, ref):
        await store.put(ref, b"x" * 100)
        assert await store.get(ref) == b"x" * 100
        assert (await store.head(ref)).exists
    asyncio.run(use(LocalBlobStore(tmp_path), "/a/b"))
    asyncio.run(use(MemoryBlobStore(), "memory://c/a/b"))
"""


@final
@attrs.frozen
class S3Settings:
    """Where the S3 cases find their server.

    Args:
        endpoint: ``http://127.0.0.1:<port>``.
        bucket: An existing bucket the cases write under.
        access_key_id: Credential, given to children through ``AWS_ACCESS_KEY_ID``.
        secret_access_key: Credential, given through ``AWS_SECRET_ACCESS_KEY``.
    """

    endpoint: str
    bucket: str
    access_key_id: str = "kozmo-test-key"
    secret_access_key: str = "kozmo-test-secret"  # noqa: S105 - a fake credential for moto

    def store(self) -> S3BlobStore:
        """Open the bucket."""
        return S3BlobStore(
            self.bucket,
            endpoint=self.endpoint,
            allow_http=True,
            region="us-east-1",
            credentials={
                "access_key_id": self.access_key_id,
                "secret_access_key": self.secret_access_key,
            },
        )


@final
@attrs.frozen
class Case:
    """One kind of process.

    Args:
        name: Names the case in the tally.
        argv: The command line.
        expected: The exit code the process means to end with.
        store: ``local``, ``memory`` or ``s3``.
    """

    name: str
    argv: tuple[str, ...]
    expected: int
    store: str


@final
@attrs.define
class Tally:
    """How the runs ended.

    Args:
        runs: Processes run.
        exits: Runs by exit status (a negative status is the signal that ended the run).
        abnormal: One line per abnormal run: case, status, the end of its stderr.
    """

    runs: int = 0
    exits: collections.Counter[int] = attrs.field(factory=collections.Counter)
    abnormal: list[str] = attrs.field(factory=list)

    def __iadd__(self, other: Tally) -> Self:
        """Add the runs of ``other``."""
        self.runs += other.runs
        self.exits.update(other.exits)
        self.abnormal.extend(other.abnormal)
        return self

    def summary(self) -> str:
        """``3000 runs; exits: 0 x2400, 1 x300, ...; abnormal: 0``."""
        codes = ", ".join(f"{_status(code)} x{n}" for code, n in sorted(self.exits.items()))
        return f"{self.runs} runs; exits: {codes}; abnormal: {len(self.abnormal)}"


def _status(code: int) -> str:
    if code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return str(code)


_PYTHON = (sys.executable, "-X", "faulthandler")


async def _lay_out(store: BlobStore, base: str) -> None:
    """Write a task's inputs and outputs under ``base``: ``<base>/task`` and ``<base>/task/0``."""
    literal = core.Literal(scalar=core.Scalar(primitive=core.Primitive(string_value="kozmo")))
    names = core.LiteralMap(literals={"name": literal})
    await write_message(store, f"{base}/task/inputs.pb", names)
    await write_message(store, f"{base}/task/0/outputs.pb", names)
    await write_message(store, f"{base}/count/inputs.pb", make_inputs("to be or not to be"))


def prepare(workdir: Path, s3: S3Settings | None) -> list[Case]:
    """Write the task files and the child scripts under ``workdir``; return the cases.

    Args:
        workdir: An empty directory.
        s3: The S3 server, or ``None`` to leave the S3 cases out.

    Returns:
        Every case (the S3 ones only with ``s3``).
    """
    scripts = workdir / "scripts"
    scripts.mkdir()
    for name, text in (
        ("user.py", _USER_SCRIPT),
        ("plugin.py", _PLUGIN_SCRIPT),
        ("word_count.py", _WORD_COUNT_SCRIPT),
        ("test_in_a_process.py", _PYTEST_MODULE),
    ):
        (scripts / name).write_text(text, encoding="utf-8")
    local = str(workdir / "local")
    blocker = workdir / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    asyncio.run(_lay_out(LocalBlobStore(), local))
    cli = (*_PYTHON, "-m", "kozmo_io")
    user = (*_PYTHON, str(scripts / "user.py"))
    plugin = (*_PYTHON, str(scripts / "plugin.py"), str(README))
    count = (*_PYTHON, str(scripts / "word_count.py"))
    cases = [
        Case("inspect a valid prefix", (*cli, "inspect", f"{local}/task/0"), 0, "local"),
        Case("inspect a missing prefix", (*cli, "inspect", f"{local}/none/0"), 1, "local"),
        Case("inspect --inputs", (*cli, "inspect", "--inputs", f"{local}/task"), 0, "local"),
        Case("demo", (*cli, "demo"), 0, "local"),
        Case("demo, unwritable --root", (*cli, "demo", "--root", f"{blocker}/x"), 2, "local"),
        Case("README plugin", (*plugin, f"{local}/task", f"{local}/out"), 0, "local"),
        Case("word-count example", (*count, f"{local}/count", f"{local}/wc"), 0, "local"),
        Case("user script", (*user, "ok", local), 0, "local"),
        Case("user script, sys.exit(3)", (*user, "exit3", local), 3, "local"),
        Case("user script, uncaught NotFoundError", (*user, "missing", local), 1, "local"),
        Case("user script", (*user, "ok", "memory://bucket"), 0, "memory"),
        Case("word-count example", (*count, "memory://b/count", "memory://b/wc"), 0, "memory"),
        Case(
            "pytest session",
            (
                *_PYTHON,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "--rootdir",
                str(scripts),
                str(scripts / "test_in_a_process.py"),
            ),
            0,
            "local",
        ),
    ]
    if s3 is not None:
        remote = f"s3://{s3.bucket}/processes"
        asyncio.run(_lay_out(s3.store(), remote))
        endpoint = ("--endpoint", s3.endpoint, "--allow-http", "--region", "us-east-1")
        cases += [
            Case(
                "inspect a valid prefix", (*cli, "inspect", *endpoint, f"{remote}/task/0"), 0, "s3"
            ),
            Case(
                "inspect a missing prefix", (*cli, "inspect", *endpoint, f"{remote}/no/0"), 1, "s3"
            ),
            Case(
                "inspect --inputs",
                (*cli, "inspect", "--inputs", *endpoint, f"{remote}/task"),
                0,
                "s3",
            ),
            Case("README plugin", (*plugin, f"{remote}/task", f"{remote}/out"), 0, "s3"),
            Case("word-count example", (*count, f"{remote}/count", f"{remote}/wc"), 0, "s3"),
            Case("user script", (*user, "ok", remote), 0, "s3"),
        ]
    return cases


def _environment(s3: S3Settings | None) -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    environment["AWS_EC2_METADATA_DISABLED"] = "true"
    if s3 is not None:
        environment["AWS_ACCESS_KEY_ID"] = s3.access_key_id
        environment["AWS_SECRET_ACCESS_KEY"] = s3.secret_access_key
        environment["KOZMO_PROCESS_S3_ENDPOINT"] = s3.endpoint
    return environment


def _spawn(case: Case, cwd: Path, environment: Mapping[str, str]) -> tuple[Case, int, str]:
    completed = subprocess.run(  # noqa: S603 - this interpreter with command lines built here
        case.argv,
        cwd=cwd,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        check=False,
        timeout=_TIMEOUT_SECONDS,
    )
    return case, completed.returncode, completed.stderr[-_STDERR_TAIL:]


def run_cases(  # noqa: PLR0913 - one keyword per documented option
    cases: Sequence[Case],
    runs: int,
    *,
    workdir: Path,
    s3: S3Settings | None,
    workers: int = 6,
    progress: bool = False,
) -> Tally:
    """Spawn ``runs`` processes, taking the cases in turn, ``workers`` at a time.

    Args:
        cases: What to run.
        runs: How many processes in all.
        workdir: The directory :func:`prepare` wrote (the children's working directory).
        s3: The S3 server of the S3 cases, if any.
        workers: Processes running at once.
        progress: Print the tally so far to stderr every 250 runs.

    Returns:
        The tally.
    """
    environment = _environment(s3)
    tally = Tally()
    chosen = itertools.islice(itertools.cycle(cases), runs)
    with ThreadPoolExecutor(workers) as pool:
        spawned = pool.map(lambda case: _spawn(case, workdir, environment), chosen)
        for case, code, stderr in spawned:
            tally.runs += 1
            tally.exits[code] += 1
            if code != case.expected:
                tally.abnormal.append(
                    f"{case.name} ({case.store}): exit {_status(code)}, expected "
                    f"{case.expected}; stderr ends: {stderr.strip()!r}"
                )
            if progress and tally.runs % 250 == 0:
                sys.stderr.write(f"  so far: {tally.summary()}\n")
                sys.stderr.flush()
    return tally


# Runs in the child: serve until stdin closes, so the server never outlives its parent.
_MOTO_SCRIPT = """
import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"""


@contextmanager
def moto_server(bucket: str) -> Iterator[S3Settings]:
    """Run a moto S3 server on 127.0.0.1 with ``bucket`` created (for the soak script).

    Args:
        bucket: The bucket to create.

    Yields:
        Its settings.
    """
    process = subprocess.Popen(  # noqa: S603 - this interpreter with a fixed script
        [sys.executable, "-c", _MOTO_SCRIPT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        port = process.stdout.readline().strip()
        if not port.isdigit():
            msg = "the moto server did not start"
            raise RuntimeError(msg)
        endpoint = f"http://127.0.0.1:{int(port)}"
        request = urllib.request.Request(f"{endpoint}/{bucket}", method="PUT")  # noqa: S310
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            assert response.status == 200, response.status
        yield S3Settings(endpoint, bucket)
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
