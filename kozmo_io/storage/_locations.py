"""Parsing and vetting of the references a store is handed, before any request."""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import quote

from kozmo_io._go_url import CONTROL
from kozmo_io.errors import InvalidReferenceError
from kozmo_io.reference import DataReference

__all__ = (
    "AZURE_SCHEMES",
    "GCS_SCHEMES",
    "S3_SCHEMES",
    "Location",
    "cache_key",
    "locate",
    "quote_key",
)

S3_SCHEMES = frozenset({"s3", "s3a"})
GCS_SCHEMES = frozenset({"gs", "gcs"})
AZURE_SCHEMES = frozenset({"abfs", "abfss", "az", "azure", "adl"})
# Azure Data Lake style: the container is the userinfo, the account the first label of the host.
_AZURE_USERINFO_SCHEMES = frozenset({"abfs", "abfss"})

# A reference made only of plain segments (letters, digits, "-", "_" and ".", none starting with
# ".") needs no decoding and passes every check: it is split by this match alone, the common case
# of a bulk read (the full parse costs several times as much). The tests hold both ways equal.
_PLAIN = re.compile(
    r"(?:(s3|s3a|gs|gcs|memory)://([A-Za-z0-9_\-][A-Za-z0-9._\-]*))?"
    r"((?:/[A-Za-z0-9_\-][A-Za-z0-9._\-]*)+)(/?)"
)
# Everything a key may keep verbatim in a reference; the rest is percent-escaped so split() gives it
# back.
_KEY_SAFE = "/!$&'()*+,;=:@~"


class Location(NamedTuple):
    """A vetted reference.

    Attributes:
        reference: The reference as given.
        scheme: Lower-cased scheme, ``""`` for a scheme-less path.
        container: Bucket or container (``""`` when there is none).
        account: Azure storage account named in an ``abfs[s]://container@account...`` reference,
            else ``""``.
        key: The decoded object key, without leading or trailing ``/``.
        authority: What follows ``scheme://`` up to the path, without credentials.
        directory: The reference ends with ``/`` (a listing prefix then stays inside that
            directory).
    """

    reference: DataReference
    scheme: str
    container: str
    account: str
    key: str
    authority: str
    directory: bool


def _reject(path: str, why: str) -> InvalidReferenceError:
    return InvalidReferenceError(
        f"invalid storage reference {DataReference(path).redacted()!r}: {why}"
    )


def locate(path: object, *, need_key: bool) -> Location:
    """Parse and vet a reference.

    Args:
        path: The reference.
        need_key: Reject an empty key (reads and writes address an object; listings may address a
            container).

    Returns:
        The location.

    Raises:
        InvalidReferenceError: ``path`` is not a string, does not parse, holds a control character,
            a query or a fragment, or its key has an empty, ``.`` or ``..`` segment or a
            control character (also percent-encoded).
    """
    if not isinstance(path, str):
        msg = f"a storage reference must be a string, got {type(path).__name__}"
        raise InvalidReferenceError(msg)
    plain = _PLAIN.fullmatch(path)
    if plain is not None:
        scheme, container, key, slash = plain.groups(default="")
        return Location(
            reference=path if isinstance(path, DataReference) else DataReference(path),
            scheme=scheme,
            container=container,
            account="",
            key=key[1:],
            authority=container,
            directory=slash == "/",
        )
    return _locate(path, need_key=need_key)


def _locate(path: str, *, need_key: bool) -> Location:
    """The full parse of :func:`locate`."""
    if CONTROL.search(path):
        raise _reject(path, "control character")
    if "?" in path or "#" in path:
        raise _reject(
            path, "a query or fragment would be dropped from the key (escape it as %3F / %23)"
        )
    reference = path if isinstance(path, DataReference) else DataReference(path)
    scheme, container, key = reference.split()
    if CONTROL.search(key):
        raise _reject(path, "control character in the key")
    if key and any(segment in {"", ".", ".."} for segment in key.split("/")):
        raise _reject(path, "empty, '.' or '..' path segment")
    if need_key and not key:
        raise _reject(path, "no object key")
    account = ""
    authority = container
    if scheme in _AZURE_USERINFO_SCHEMES:
        userinfo, _, host = path.split("://", 1)[-1].split("/", 1)[0].rpartition("@")
        if userinfo:
            container = userinfo.partition(":")[0]
            account = host.partition(".")[0]
            authority = f"{container}@{host}"
    return Location(
        reference=reference,
        scheme=scheme,
        container=container,
        account=account,
        key=key,
        authority=authority,
        directory=bool(key) and path.endswith("/"),
    )


def quote_key(key: str) -> str:
    """Escape a backend key for use as the path of a reference (``split()`` decodes it back).

    Args:
        key: The backend key.

    Returns:
        The escaped key; common keys come back verbatim.
    """
    return quote(key, safe=_KEY_SAFE)


def cache_key(location: Location) -> tuple[str, str]:
    """Return one key for every reference a store maps to the same object (for caches).

    Args:
        location: A vetted reference.

    Returns:
        ``(scheme family, container/key)``; memory, local and scheme-less references share the
        family ``""``.
    """
    scheme = location.scheme
    if scheme in S3_SCHEMES:
        family = "s3"
    elif scheme in GCS_SCHEMES:
        family = "gs"
    elif scheme in AZURE_SCHEMES:
        family = "az"
    else:
        family = "" if scheme in {"", "file", "memory"} else scheme
    return family, "/".join(part for part in (location.container, location.key) if part)
