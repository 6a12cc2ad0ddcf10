"""Conformance benchmark: ``conforms()`` against ``isinstance``, the deep check, the static check.

Run with ``python bench/bench_conformance.py``. It prints medians of per-call times:

* a repeat ``conforms(obj, InputReader)`` (cached verdict) against ``isinstance`` on the same
  runtime-checkable protocol and on a plain ``typing.Protocol`` of the same shape (target: no
  slower than ``isinstance`` on the protocol), for an instance without and with attributes of its
  own (the instance's ``__dict__`` is then compared with the protocol's member names);
* the first ``check()`` of a class (target: at most 100 us median): each class is compiled anew
  from source, so nothing about its functions is cached; with the protocol's member table already
  built, and cold;
* the static check of the reference ``RemoteFileInputReader``: mypy cold (empty cache) and warm,
  and basedpyright (which keeps no cache between runs).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from kozmo_io.conformance import _runtime, check, check_static, conforms
from kozmo_io.core import LiteralMap
from kozmo_io.ioutils import RemoteFileInputReader
from kozmo_io.protocols import InputReader
from kozmo_io.reference import DataReference

REPEAT = 7
NUMBER = 200_000
FRESH_CLASSES = 1000


READER_SOURCE = """
from __future__ import annotations


class Reader:
    def get_input_prefix_path(self) -> DataReference:
        return DataReference("s3://bucket/in")

    def get_input_path(self) -> DataReference:
        return DataReference("s3://bucket/in/inputs.pb")

    async def get(self) -> LiteralMap | None:
        return None
"""


class Reader:
    """A conforming InputReader."""

    def get_input_prefix_path(self) -> DataReference:
        """Return the inputs prefix."""
        return DataReference("s3://bucket/in")

    def get_input_path(self) -> DataReference:
        """Return the inputs file."""
        return DataReference("s3://bucket/in/inputs.pb")

    async def get(self) -> LiteralMap | None:
        """Read nothing."""
        return None


@runtime_checkable
class TypingInputReader(Protocol):
    """The same shape as InputReader, on ``typing.Protocol``."""

    def get_input_prefix_path(self) -> DataReference:
        """Return the inputs prefix."""
        ...

    def get_input_path(self) -> DataReference:
        """Return the inputs file."""
        ...

    async def get(self) -> LiteralMap | None:
        """Read the inputs."""
        ...


def per_call_us(stmt: Callable[[], object]) -> float:
    """Median over REPEAT runs of the time per call, in microseconds."""
    runs = timeit.repeat(stmt, number=NUMBER, repeat=REPEAT)
    return statistics.median(runs) / NUMBER * 1e6


class StoredReader(Reader):
    """A conforming InputReader whose instances hold attributes of their own."""

    def __init__(self) -> None:
        """Hold a store and paths, as real readers do."""
        self.store = object()
        self.paths = object()


def interleaved_ns(calls: dict[str, Callable[[], object]], rounds: int = 1000) -> dict[str, float]:
    """Fastest per-call time of each, in ns, over batches run in turn (fair on a busy machine)."""
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(rounds):
        for name, call in calls.items():
            start = time.perf_counter()
            for _ in range(1000):
                call()
            best[name] = min(best[name], (time.perf_counter() - start) * 1e6)
    return best


def fresh_class() -> type:
    """A new class compiled from source: new functions, nothing cached about them."""
    namespace: dict[str, object] = {"DataReference": DataReference, "LiteralMap": LiteralMap}
    exec(READER_SOURCE, namespace)  # noqa: S102 - the benchmark's own source
    cls = namespace["Reader"]
    assert isinstance(cls, type)
    return cls


def first_check_us(*, cold_protocol: bool) -> tuple[float, float]:
    """Median and fastest time of the first check() of a new class, in microseconds."""
    classes = [fresh_class() for _ in range(FRESH_CLASSES if not cold_protocol else 20)]
    times = []
    for cls in classes:
        if cold_protocol:
            _runtime._MEMBERS.clear()  # noqa: SLF001 - measure the cold table build
        start = time.perf_counter()
        report = check(cls, InputReader)
        times.append(time.perf_counter() - start)
        assert report.ok, str(report)
    return statistics.median(times) * 1e6, min(times) * 1e6


def static_seconds(cache_dir: str, checker: str = "mypy") -> float:
    """Time one static check of the reference reader with mypy's cache in ``cache_dir``."""
    start = time.perf_counter()
    report = check_static(RemoteFileInputReader, InputReader, cache_dir=cache_dir, checker=checker)
    elapsed = time.perf_counter() - start
    assert report.ok, str(report)
    return elapsed


def main() -> None:
    """Measure and print."""
    reader = Reader()
    stored = StoredReader()
    assert check(reader, InputReader).ok
    assert isinstance(reader, InputReader)
    assert isinstance(reader, TypingInputReader)
    conforms.cache_clear()
    assert conforms(reader, InputReader)
    assert conforms(stored, InputReader)

    cached = per_call_us(lambda: conforms(reader, InputReader))
    cached_stored = per_call_us(lambda: conforms(stored, InputReader))
    isinstance_te = per_call_us(lambda: isinstance(reader, InputReader))
    isinstance_stored = per_call_us(lambda: isinstance(stored, InputReader))
    isinstance_typing = per_call_us(lambda: isinstance(reader, TypingInputReader))
    fastest = interleaved_ns(
        {
            "conforms": lambda: conforms(reader, InputReader),
            "isinstance": lambda: isinstance(reader, InputReader),
            "conforms, own attributes": lambda: conforms(stored, InputReader),
            "isinstance, own attributes": lambda: isinstance(stored, InputReader),
        }
    )
    warm_table = first_check_us(cold_protocol=False)
    cold_table = first_check_us(cold_protocol=True)
    with tempfile.TemporaryDirectory(prefix="kozmo-io-bench-mypy-") as cache_dir:
        static_cold = static_seconds(cache_dir)
        static_warm = statistics.median(static_seconds(cache_dir) for _ in range(3))
        pyright = statistics.median(static_seconds(cache_dir, "pyright") for _ in range(3))

    print(f"Python {sys.version.split()[0]}; medians of {REPEAT} x {NUMBER:,} calls")
    print(f"conforms(obj, InputReader), cached             {cached:8.3f} us")
    print(f"isinstance(obj, InputReader)  (typing_ext.)    {isinstance_te:8.3f} us")
    print(f"isinstance(obj, typing.Protocol of same shape) {isinstance_typing:8.3f} us")
    print(f"conforms(obj with own attributes), cached      {cached_stored:8.3f} us")
    print(f"isinstance(obj with own attributes)            {isinstance_stored:8.3f} us")
    print(f"  isinstance (typing_ext.) / conforms: {isinstance_te / cached:5.2f}")
    print(f"  isinstance (typing)      / conforms: {isinstance_typing / cached:5.2f}")
    print(f"  with own attributes: isinstance / conforms: {isinstance_stored / cached_stored:5.2f}")
    print("fastest of 1,000 interleaved batches of 1,000 calls:")
    for name, ns in fastest.items():
        print(f"  {name:<30} {ns:6.0f} ns")
    met = (
        fastest["conforms"] <= fastest["isinstance"]
        and fastest["conforms, own attributes"] <= fastest["isinstance, own attributes"]
    )
    print(f"  target conforms <= isinstance: {'met' if met else 'MISSED'}")
    print(
        f"first check() of a new class (member table built) {warm_table[0]:9.1f} us"
        f"  (fastest {warm_table[1]:.1f} us)"
    )
    print(
        f"first check() of a new class (cold member table)  {cold_table[0]:9.1f} us"
        f"  (fastest {cold_table[1]:.1f} us)"
    )
    print(f"  target first check() <= 100 us: {'met' if warm_table[0] <= 100 else 'MISSED'}")
    print(f"check_static(RemoteFileInputReader, InputReader) cold  {static_cold:6.2f} s")
    print(f"check_static(RemoteFileInputReader, InputReader) warm  {static_warm:6.2f} s")
    print(f"check_static(..., checker='pyright')                   {pyright:6.2f} s")
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
