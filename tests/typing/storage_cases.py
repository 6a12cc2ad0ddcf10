"""Static cases for the store options: mypy must accept the spelt options and reject a misspelt one.

Checked by the ordinary ``mypy`` run (never executed). Every negative case carries a ``type:
ignore`` with the exact error code; ``warn_unused_ignores`` turns a case that stops failing into an
error, so they cannot rot.
"""

from __future__ import annotations

from kozmo_io.storage import BlobStore, StoreOptions, open_store


def spelt_options() -> BlobStore:
    return open_store("s3://bucket/prefix", endpoint="http://127.0.0.1:9000", allow_http=True)


def options_in_a_dict() -> BlobStore:
    options: StoreOptions = {"region": "eu-west-1", "max_payload_bytes": 1024}
    return open_store("s3://bucket/prefix", **options)


def misspelt_option() -> BlobStore:
    return open_store("s3://bucket/prefix", endpiont="http://127.0.0.1:9000")  # type: ignore[call-arg]


def option_of_the_wrong_type() -> BlobStore:
    return open_store("s3://bucket/prefix", allow_http="yes")  # type: ignore[arg-type]
