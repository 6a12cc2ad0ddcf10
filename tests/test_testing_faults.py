"""FaultyStore: seeded, countable faults over a real store."""

from __future__ import annotations

import asyncio

import pytest

from kozmo_io.conformance import check
from kozmo_io.errors import InvalidArgumentError, NotFoundError, StorageError
from kozmo_io.storage import BlobStore, MemoryBlobStore
from kozmo_io.testing import Faults, FaultyStore

PATH = "memory://b/outputs.pb"
DATA = b"0123456789" * 10


def _store(faults: Faults, seed: int = 7) -> tuple[FaultyStore, MemoryBlobStore]:
    inner = MemoryBlobStore()
    asyncio.run(inner.put(PATH, DATA))
    return FaultyStore(inner, faults=faults, seed=seed), inner


def test_faulty_store_conforms_to_blob_store() -> None:
    assert check(FaultyStore, BlobStore).ok


def test_no_faults_is_transparent() -> None:
    store, _ = _store(Faults())

    async def main() -> None:
        assert await store.get(PATH) == DATA
        assert (await store.head(PATH)).size == len(DATA)
        assert (await store.list("memory://b/")).items == (PATH,)
        await store.delete(PATH)
        with pytest.raises(NotFoundError):
            await store.get(PATH)

    asyncio.run(main())
    assert store.counts.operations == 5
    assert store.counts.injected == 0


def test_every_call_fails_at_error_rate_one_with_the_cause_chained() -> None:
    store, _ = _store(Faults(error_rate=1.0))
    with pytest.raises(StorageError, match="injected error") as caught:
        asyncio.run(store.get(PATH))
    assert isinstance(caught.value.__cause__, ConnectionResetError)
    assert store.counts.errors == 1


def test_timeouts_stall_then_raise() -> None:
    store, _ = _store(Faults(timeout_rate=1.0, timeout_seconds=0.001))
    with pytest.raises(StorageError, match="injected timeout") as caught:
        asyncio.run(store.head(PATH))
    assert isinstance(caught.value.__cause__, TimeoutError)
    assert store.counts.timeouts == 1


def test_truncation_returns_a_strict_prefix() -> None:
    store, _ = _store(Faults(truncate_rate=1.0))
    data = asyncio.run(store.get(PATH))
    assert len(data) < len(DATA)
    assert DATA.startswith(data)
    assert store.counts.truncations == 1


def test_same_seed_same_faults() -> None:
    def outcomes(seed: int) -> list[str]:
        store, _ = _store(Faults(error_rate=0.3, truncate_rate=0.3), seed=seed)
        seen = []
        for _ in range(40):
            try:
                seen.append(str(len(asyncio.run(store.get(PATH)))))
            except StorageError:
                seen.append("error")
        return seen

    assert outcomes(1) == outcomes(1)
    assert outcomes(1) != outcomes(2)
    assert {"error", str(len(DATA))} <= set(outcomes(1))


def test_a_failed_put_may_still_have_landed() -> None:
    store, inner = _store(Faults(error_rate=1.0))
    landed = 0
    for number in range(20):
        path = f"memory://b/put-{number}"
        with pytest.raises(StorageError):
            asyncio.run(store.put(path, b"x"))
        landed += asyncio.run(inner.head(path)).exists
    assert 0 < landed < 20


@pytest.mark.parametrize(
    "faults",
    [
        {"error_rate": -0.1},
        {"timeout_rate": 1.5},
        {"error_rate": 0.6, "truncate_rate": 0.6},
    ],
)
def test_rates_outside_probability_are_refused(faults: dict[str, float]) -> None:
    with pytest.raises(InvalidArgumentError):
        Faults(**faults)
