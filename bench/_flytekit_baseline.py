# mypy: disable-error-code="import-not-found, import-untyped, no-any-unimported, misc"
"""Baseline (a) of the bulk-read benchmark: flytekit's FileAccessProvider, one file after another.

Runs in its own virtual environment (flytekit pins its own protobuf and flyteidl), started by
``bench_bulk_reads.py``; mypy here sees flytekit as missing, hence the disabled codes above. For
each reference it downloads the object with ``FileAccessProvider.get_data`` and parses it with
``flytekit.core.utils.load_proto_from_file`` into flyteidl's LiteralMap, as flytekit reads
outputs.pb. Prints one JSON object: ``{"durations": [seconds per pass], "flytekit": version,
"literals": count}``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import flytekit
from flyteidl.core import literals_pb2
from flytekit.configuration import DataConfig, S3Config
from flytekit.core.data_persistence import FileAccessProvider
from flytekit.core.utils import load_proto_from_file


def main() -> None:
    """Time ``--repeats`` sequential passes over the references listed in ``--uris``."""
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("--endpoint", required=True)
    arguments.add_argument("--access-key-id", required=True)
    arguments.add_argument("--secret-access-key", required=True)
    arguments.add_argument("--uris", type=Path, required=True)
    arguments.add_argument("--repeats", type=int, default=3)
    options = arguments.parse_args()
    uris = options.uris.read_text(encoding="utf-8").split()
    config = DataConfig(
        s3=S3Config(
            endpoint=options.endpoint,
            access_key_id=options.access_key_id,
            secret_access_key=options.secret_access_key,
        )
    )
    with tempfile.TemporaryDirectory() as sandbox:
        bucket = uris[0].split("/")[2]
        provider = FileAccessProvider(sandbox, f"s3://{bucket}/raw", data_config=config)
        literals = 0

        def one_pass() -> int:
            found = 0
            for index, uri in enumerate(uris):
                local = str(Path(sandbox) / "outputs" / f"{index}.pb")
                provider.get_data(uri, local)
                found += len(load_proto_from_file(literals_pb2.LiteralMap, local).literals)
            return found

        one_pass()  # warm up: connections, credentials, imports
        durations = []
        for _ in range(options.repeats):
            start = time.perf_counter()
            literals = one_pass()
            durations.append(time.perf_counter() - start)
    json.dump(
        {"durations": durations, "flytekit": flytekit.__version__, "literals": literals},
        sys.stdout,
    )


if __name__ == "__main__":
    main()
