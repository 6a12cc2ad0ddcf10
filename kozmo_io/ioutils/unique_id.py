"""Fixed-length unique ids for raw output prefixes (the engine's ``encoding`` package).

The engine names a task attempt's raw output folder after ``<execution>-<node>-<attempt>``; when
that is longer than the allowed length it is replaced by ``"f"`` + an unpadded base32 FNV-1a digest
(alphabet ``a-z1-6``): 8 characters for FNV-32, 14 for FNV-64, 27 for FNV-128. Pure functions::

    >>> fixed_length_unique_id_for_parts(["x", "y", "z"], 10)
    'x-y-z'
    >>> fixed_length_unique_id("x" * 24, 20)
    'fuaa3aji'
"""

from __future__ import annotations

import base64
import enum
from collections.abc import Iterable

from kozmo_io.errors import InvalidReferenceError

__all__ = ("HashAlgorithm", "fixed_length_unique_id", "fixed_length_unique_id_for_parts")

# The engine's base32 alphabet: lower-case letters then 1-6, so ids are DNS-label friendly.
_ALPHABET = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "abcdefghijklmnopqrstuvwxyz123456")


class HashAlgorithm(enum.Enum):
    """The FNV-1a width used when an id must be hashed: ``(bits, offset basis, prime)``."""

    FNV32 = (32, 0x811C9DC5, 0x01000193)
    FNV64 = (64, 0xCBF29CE484222325, 0x100000001B3)
    FNV128 = (128, 0x6C62272E07BB014262B821756295C58D, 0x0000000001000000000000000000013B)


def _fnv1a(data: bytes, algorithm: HashAlgorithm) -> bytes:
    bits, value, prime = algorithm.value
    mask = (1 << bits) - 1
    for byte in data:
        value = ((value ^ byte) * prime) & mask
    return value.to_bytes(bits // 8, "big")


def _shorten(value: str, max_length: int, algorithm: HashAlgorithm, *, strict: bool) -> str:
    # Lengths are UTF-8 byte counts, as in the engine.
    if len(value.encode()) <= max_length:
        return value
    digest = base64.b32encode(_fnv1a(value.encode(), algorithm)).decode("ascii")
    hashed = "f" + digest.rstrip("=").translate(_ALPHABET)
    if strict and len(hashed) > max_length:
        msg = (
            f"max length {max_length} is too small for a unique id: even the hashed id {hashed!r} "
            f"has {len(hashed)} characters"
        )
        raise InvalidReferenceError(msg)
    return hashed


def fixed_length_unique_id(value: str, max_length: int, *, strict: bool = True) -> str:
    """Return ``value`` if it fits in ``max_length`` bytes, else its FNV-32 hashed form.

    Args:
        value: The id to shorten.
        max_length: The maximum length in UTF-8 bytes.
        strict: Raise when even the hashed id (8 characters) is longer than ``max_length``; when
            False, return the hashed id anyway (the engine's behaviour: it logs and carries on).

    Returns:
        ``value`` unchanged, or ``"f"`` + 7 base32 characters.

    Raises:
        InvalidReferenceError: ``strict`` and the hashed id is longer than ``max_length`` (the
            message carries the hashed id).
    """
    return _shorten(value, max_length, HashAlgorithm.FNV32, strict=strict)


def fixed_length_unique_id_for_parts(
    parts: Iterable[str],
    max_length: int,
    algorithm: HashAlgorithm = HashAlgorithm.FNV32,
    *,
    strict: bool = True,
) -> str:
    """Join ``parts`` with ``-`` and shorten the result like :func:`fixed_length_unique_id`.

    A ``-`` goes between parts only once something has been written: leading empty parts add none.

    Args:
        parts: The pieces of the id, e.g. ``[execution_name, node_id, str(attempt)]``.
        max_length: The maximum length in UTF-8 bytes.
        algorithm: The FNV width used when hashing is needed.
        strict: See :func:`fixed_length_unique_id`.

    Returns:
        The joined id, or ``"f"`` + its base32 FNV digest (8, 14 or 27 characters).

    Raises:
        InvalidReferenceError: ``strict`` and the hashed id is longer than ``max_length``.
    """
    joined = ""
    for index, part in enumerate(parts):
        if index > 0 and joined:
            joined += "-"
        joined += part
    return _shorten(joined, max_length, algorithm, strict=strict)
