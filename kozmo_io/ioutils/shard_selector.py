"""Shard selectors: pick a short, deterministic folder for a key (the engine's ``data_sharder``).

Object stores that partition by key prefix spread load better when keys start with varied
characters; the engine puts raw outputs under ``<base>/<shard>/<unique id>``, the shard chosen by
hashing the id::

    >>> base36_prefix_shard_selector().get_shard_prefix(b"abc")
    'k9'

Selection is FNV-1a-32 of the bytes modulo the number of shards — a pure function, no randomness.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable, Sequence
from typing import final

import attrs

from kozmo_io.errors import InvalidArgumentError

__all__ = (
    "PrecomputedShardSelector",
    "base36_prefix_shard_selector",
    "constant_shard_selector",
    "generate_alphabet",
    "generate_arabic_numerals",
)

_FNV32_OFFSET = 0x811C9DC5
_FNV32_PRIME = 0x01000193


def _fnv1a_32(data: bytes) -> int:
    value = _FNV32_OFFSET
    for byte in data:
        value = ((value ^ byte) * _FNV32_PRIME) & 0xFFFFFFFF
    return value


def _to_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _non_empty(_instance: object, _attribute: object, value: tuple[str, ...]) -> None:
    if not value:
        msg = "a shard selector needs at least one prefix"
        raise InvalidArgumentError(msg)


@final
@attrs.frozen
class PrecomputedShardSelector:
    """Picks ``prefixes[FNV-1a-32(key) % len(prefixes)]``.

    Args:
        prefixes: The shard folder names, in order (any iterable of strings).

    Raises:
        InvalidArgumentError: ``prefixes`` is empty.
    """

    prefixes: tuple[str, ...] = attrs.field(converter=_to_tuple, validator=_non_empty)

    def get_shard_prefix(self, key: bytes, /) -> str:
        """Return the shard folder name for ``key``.

        Args:
            key: The bytes to hash (e.g. the UTF-8 of a unique id).

        Returns:
            One of ``prefixes``.
        """
        return self.prefixes[_fnv1a_32(key) % len(self.prefixes)]


def constant_shard_selector(shards: Iterable[str]) -> PrecomputedShardSelector:
    """Return a selector over ``shards``, order preserved.

    Raises:
        InvalidArgumentError: ``shards`` is empty.
    """
    return PrecomputedShardSelector(tuple(shards))


def generate_alphabet(chars: Sequence[str] = ()) -> list[str]:
    """Return ``chars`` followed by ``a`` … ``z`` (a new list; a second call adds duplicates)."""
    return [*chars, *string.ascii_lowercase]


def generate_arabic_numerals(chars: Sequence[str] = ()) -> list[str]:
    """Return ``chars`` followed by ``0`` … ``9`` (a new list)."""
    return [*chars, *string.digits]


@functools.cache
def base36_prefix_shard_selector() -> PrecomputedShardSelector:
    """Return the selector over the 1296 prefixes ``aa``, ``ab`` … ``a9``, ``ba`` … ``99``."""
    alphabet = generate_arabic_numerals(generate_alphabet())
    return PrecomputedShardSelector(first + second for first in alphabet for second in alphabet)
