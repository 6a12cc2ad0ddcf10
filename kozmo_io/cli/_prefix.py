"""The PREFIX argument of ``inspect`` and ``scan``: vetted into a reference, with its store options.

The reference is parsed and vetted by the stores' own parser (what every read would refuse is
refused before any request); the command line adds its own rules: a local path is made absolute,
a file is not a prefix, ``memory://`` lives in one process, and credentials belong in the
environment, never in the reference.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from kozmo_io import _go_url
from kozmo_io.cli._command import UsageError
from kozmo_io.cli._terminal import one_line, printable
from kozmo_io.errors import InvalidReferenceError
from kozmo_io.reference import DataReference, redact
from kozmo_io.storage import StoreOptions
from kozmo_io.storage._locations import (
    AZURE_SCHEMES,
    GCS_SCHEMES,
    S3_SCHEMES,
    Location,
    locate,
    quote_key,
)

__all__ = ("add_store_options", "display", "local_reference", "store_options", "vet_prefix")

# Decides between a local path and a URL before anything is parsed: a local path is never parsed
# as a URL (its "%", "?" or "#" are part of a file name).
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_CLOUD_SCHEMES = S3_SCHEMES | GCS_SCHEMES | AZURE_SCHEMES
_EMULATED_SCHEMES = GCS_SCHEMES | AZURE_SCHEMES
_EMULATOR_HELP = (
    "the store is a local emulator (gs://: --endpoint, no credentials looked up or sent; "
    "Azure: Azurite's well-known account, at --endpoint if given)"
)
# abfs[s]://container@account...: the userinfo names the container; anywhere else it is a secret.
_USERINFO_IS_CONTAINER = frozenset({"abfs", "abfss"})


def local_reference(path: str | os.PathLike[str]) -> DataReference:
    """Return the reference of a local path (made absolute, ``.`` segments dropped, escaped).

    Args:
        path: A file system path, relative to the working directory or absolute.

    Returns:
        A scheme-less reference the local store maps back to exactly ``path``.
    """
    return DataReference(quote_key(Path(path).absolute().as_posix()))


def display(reference: str) -> str:
    """Return how a reference is shown: a local one as its path, any other redacted.

    Args:
        reference: The reference.

    Returns:
        The text to print.
    """
    try:
        scheme, _, key = DataReference(reference).split()
    except InvalidReferenceError:
        return printable(redact(reference))
    return one_line("/" + key if scheme in {"", "file"} else redact(reference))


def _carries_credentials(location: Location) -> bool:
    """Tell whether a vetted reference holds a user name or password (a container's aside)."""
    if "@" not in location.reference:
        return False
    user = _go_url.parse(location.reference).user  # it parses: the location was vetted
    if user is None:
        return False
    return location.scheme not in _USERINFO_IS_CONTAINER or user[1] is not None


def vet_prefix(text: str) -> DataReference:
    """Turn the PREFIX argument into a reference, refusing hostile or unusable ones.

    Args:
        text: The argument as given: a local path, or a ``scheme://`` reference.

    Returns:
        The reference (a local path as :func:`local_reference` gives it).

    Raises:
        UsageError: The stores would refuse the reference (a control character, a query or
            fragment, an empty, ``.`` or ``..`` segment, a reference that does not parse), or
            it names a file, ``memory://``, or carries credentials.
    """
    match = _SCHEME.match(text)
    scheme = match.group(1).lower() if match else ""
    if len(scheme) <= 1:  # no scheme, or a single letter: a Windows drive
        if Path(text).is_file():
            msg = f"PREFIX {one_line(text)} is a file: give the folder that holds the task's files"
            raise UsageError(msg)
        reference = local_reference(text)
    elif scheme == "memory":
        msg = "memory:// lives inside one process: there is nothing to inspect from the shell"
        raise UsageError(msg)
    else:
        reference = DataReference(text)
    try:
        location = locate(reference, need_key=False)
    except InvalidReferenceError as exc:
        msg = f"PREFIX: {exc}"
        raise UsageError(msg) from exc
    if _carries_credentials(location):
        msg = (
            f"PREFIX must not carry credentials ({redact(text)}); set them in the environment "
            "(AWS_*, GOOGLE_*, AZURE_*)"
        )
        raise UsageError(msg)
    return reference


def add_store_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--endpoint``, ``--allow-http``, ``--region`` and ``--emulator`` (cloud references).

    Args:
        parser: The subcommand's parser.
    """
    store = parser.add_argument_group("store options (cloud references only)")
    store.add_argument(
        "--endpoint", metavar="URL", help="endpoint of an S3/GCS/Azure-compatible server"
    )
    store.add_argument("--allow-http", action="store_true", help="allow a plain-HTTP --endpoint")
    store.add_argument("--region", metavar="R", help="the S3 bucket's region (else AWS_REGION)")
    store.add_argument("--emulator", action="store_true", help=_EMULATOR_HELP)


def store_options(args: argparse.Namespace, prefix: DataReference) -> StoreOptions:
    """Return the store options the arguments ask for.

    Args:
        args: The parsed arguments (``endpoint``, ``allow_http``, ``region``, ``emulator``).
        prefix: The vetted PREFIX.

    Returns:
        The options for :func:`~kozmo_io.storage.open_store`.

    Raises:
        UsageError: An option that does not apply to the reference's scheme.
    """
    scheme = prefix.split()[0]
    options: StoreOptions = {}
    if args.endpoint is not None:
        options["endpoint"] = args.endpoint
    if args.allow_http:
        options["allow_http"] = True
    if args.region is not None:
        if scheme not in S3_SCHEMES:
            msg = "--region applies to s3:// references only"
            raise UsageError(msg)
        options["region"] = args.region
    if args.emulator:
        if scheme not in _EMULATED_SCHEMES:
            msg = "--emulator applies to gs:// and Azure references only"
            raise UsageError(msg)
        options["emulator"] = True
    if options and scheme not in _CLOUD_SCHEMES:
        msg = "--endpoint, --allow-http and --region apply to cloud references (s3://, gs://, ...)"
        raise UsageError(msg)
    return options
