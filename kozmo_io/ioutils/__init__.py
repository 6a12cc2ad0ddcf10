"""Reference implementations of the kozmo_io protocols, one small module each (copy them freely)."""

from __future__ import annotations

from kozmo_io.ioutils.shard_selector import PrecomputedShardSelector as PrecomputedShardSelector
from kozmo_io.ioutils.shard_selector import ShardSelector as ShardSelector
from kozmo_io.ioutils.shard_selector import (
    base36_prefix_shard_selector as base36_prefix_shard_selector,
)
from kozmo_io.ioutils.shard_selector import constant_shard_selector as constant_shard_selector
from kozmo_io.ioutils.shard_selector import generate_alphabet as generate_alphabet
from kozmo_io.ioutils.shard_selector import generate_arabic_numerals as generate_arabic_numerals
from kozmo_io.ioutils.unique_id import HashAlgorithm as HashAlgorithm
from kozmo_io.ioutils.unique_id import fixed_length_unique_id as fixed_length_unique_id
from kozmo_io.ioutils.unique_id import (
    fixed_length_unique_id_for_parts as fixed_length_unique_id_for_parts,
)

__all__ = (
    "HashAlgorithm",
    "PrecomputedShardSelector",
    "ShardSelector",
    "base36_prefix_shard_selector",
    "constant_shard_selector",
    "fixed_length_unique_id",
    "fixed_length_unique_id_for_parts",
    "generate_alphabet",
    "generate_arabic_numerals",
)
