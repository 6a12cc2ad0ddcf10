"""Shard selectors: the engine's selections (and its FNV hash table) and bad input."""

from __future__ import annotations

import pytest

from kozmo_io.conformance import assert_conforms
from kozmo_io.errors import InvalidArgumentError
from kozmo_io.ioutils.shard_selector import (
    PrecomputedShardSelector,
    base36_prefix_shard_selector,
    constant_shard_selector,
    generate_alphabet,
    generate_arabic_numerals,
)
from kozmo_io.protocols import ShardSelector


def test_single_shard_always_selects_it() -> None:
    assert constant_shard_selector(["x"]).get_shard_prefix(b"abc") == "x"


def test_two_shards_follow_fnv1a_modulo() -> None:
    selector = constant_shard_selector(["x", "y"])
    assert selector.get_shard_prefix(b"abc") == "y"
    assert selector.get_shard_prefix(b"xyz") == "x"


def test_generate_alphabet_appends_a_to_z() -> None:
    once = generate_alphabet([])
    assert (len(once), once[0], once[25]) == (26, "a", "z")
    twice = generate_alphabet(once)
    assert (len(twice), twice[26], twice[51]) == (52, "a", "z")
    assert len(once) == 26  # the input list is not mutated


def test_generate_arabic_numerals_appends_0_to_9() -> None:
    once = generate_arabic_numerals([])
    assert (len(once), once[0], once[9]) == (10, "0", "9")
    twice = generate_arabic_numerals(once)
    assert (len(twice), twice[0], twice[9], twice[10], twice[19]) == (20, "0", "9", "0", "9")


def test_base36_selector_orders_prefixes_first_char_major() -> None:
    prefixes = base36_prefix_shard_selector().prefixes
    assert len(prefixes) == 1296
    assert (prefixes[0], prefixes[1], prefixes[35], prefixes[36], prefixes[1295]) == (
        "aa",
        "ab",
        "a9",
        "ba",
        "99",
    )


@pytest.mark.parametrize(
    ("key", "shard"),
    [
        (b"abc", "k9"),
        (b"xyz", "qa"),
        (b"m", "9m"),
        (b"unique", "7s"),
        (b"", "pz"),
        (b"my-ns/my-action", "yf"),
        (b"exec-n0-0", "mi"),
    ],
)
def test_base36_selector_matches_engine_table(key: bytes, shard: str) -> None:
    assert base36_prefix_shard_selector().get_shard_prefix(key) == shard


def test_empty_selector_is_rejected() -> None:
    with pytest.raises(InvalidArgumentError, match="at least one prefix"):
        constant_shard_selector([])


def test_selectors_satisfy_the_protocol_and_are_frozen_values() -> None:
    selector = PrecomputedShardSelector(["a", "b"])
    assert_conforms(selector, ShardSelector, strict=True)
    assert selector == constant_shard_selector(("a", "b"))
    assert selector.prefixes == ("a", "b")
