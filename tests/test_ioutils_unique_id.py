"""Fixed-length unique ids: the engine's encoding vectors (E1, E2) and strict/lenient overflow."""

from __future__ import annotations

import pytest

from kozmo_io.errors import InvalidReferenceError, KozmoIOError
from kozmo_io.ioutils.unique_id import (
    HashAlgorithm,
    fixed_length_unique_id,
    fixed_length_unique_id_for_parts,
)

THIRTEEN = ["x", "y", "z", *(["m", "n", "y", "z"] * 2), "m", "n"]
TWENTY = [*THIRTEEN, "z", "m", "n", "y", "z", "m", "n"]


@pytest.mark.parametrize(
    ("value", "max_length", "expected"),
    [("x", 5, "x"), ("xxxxx", 10, "xxxxx"), ("xxxxx", 5, "xxxxx"), ("x" * 24, 20, "fuaa3aji")],
)
def test_fixed_length_unique_id_matches_engine_vectors(
    value: str, max_length: int, expected: str
) -> None:
    assert fixed_length_unique_id(value, max_length) == expected


@pytest.mark.parametrize(
    ("value", "max_length", "hashed"), [("xx", 1, "flfryc2i"), ("xxxxxx", 5, "fufiti6i")]
)
def test_fixed_length_unique_id_too_short_limit_raises_with_hashed_value(
    value: str, max_length: int, hashed: str
) -> None:
    with pytest.raises(InvalidReferenceError, match=hashed) as info:
        fixed_length_unique_id(value, max_length)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, KozmoIOError)
    assert fixed_length_unique_id(value, max_length, strict=False) == hashed


@pytest.mark.parametrize(
    ("parts", "max_length", "algorithm", "expected"),
    [
        (["x", "y", "z"], 10, HashAlgorithm.FNV32, "x-y-z"),
        (["x"], 2, HashAlgorithm.FNV32, "x"),
        (THIRTEEN, 15, HashAlgorithm.FNV32, "fe63sz6y"),
        (THIRTEEN, 15, HashAlgorithm.FNV64, "fwp4bky2kucex5"),
        (TWENTY, 30, HashAlgorithm.FNV128, "fbmesl15enghpjepzjm5cp1zfqe"),
    ],
)
def test_fixed_length_unique_id_for_parts_matches_engine_vectors(
    parts: list[str], max_length: int, algorithm: HashAlgorithm, expected: str
) -> None:
    assert fixed_length_unique_id_for_parts(parts, max_length, algorithm) == expected


@pytest.mark.parametrize(
    ("parts", "max_length", "hashed"),
    [(["x", "y"], 1, "fz2jizji"), (["x", "y", "z"], 4, "fxzsoqrq")],
)
def test_fixed_length_unique_id_for_parts_overflow_is_strict_by_default(
    parts: list[str], max_length: int, hashed: str
) -> None:
    with pytest.raises(InvalidReferenceError, match=hashed):
        fixed_length_unique_id_for_parts(parts, max_length)
    assert fixed_length_unique_id_for_parts(parts, max_length, strict=False) == hashed


def test_hashed_lengths_per_algorithm() -> None:
    long_parts = ["a" * 100]
    lengths = {
        algorithm: len(fixed_length_unique_id_for_parts(long_parts, 50, algorithm))
        for algorithm in HashAlgorithm
    }
    assert lengths == {HashAlgorithm.FNV32: 8, HashAlgorithm.FNV64: 14, HashAlgorithm.FNV128: 27}


def test_dash_only_between_written_parts() -> None:
    assert fixed_length_unique_id_for_parts(["", "a", "", "b"], 50) == "a--b"
    assert fixed_length_unique_id_for_parts([], 50) == ""


def test_length_is_counted_in_utf8_bytes() -> None:
    assert fixed_length_unique_id("é", 2) == "é"
    assert fixed_length_unique_id("é" * 5, 8).startswith("f")  # 5 characters, 10 bytes


def test_hashed_ids_use_the_dns_friendly_alphabet() -> None:
    allowed = set("abcdefghijklmnopqrstuvwxyz123456")
    for index in range(200):
        hashed = fixed_length_unique_id(f"execution-{index}-node-attempt", 10)
        assert hashed[0] == "f"
        assert set(hashed[1:]) <= allowed
