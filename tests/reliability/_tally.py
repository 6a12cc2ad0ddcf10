"""The reliability counts of one test session, printed at its end by ``conftest.py``."""

from __future__ import annotations

from typing import final

import attrs

__all__ = ("TALLY", "Tally")


@final
@attrs.define
class Tally:
    """Counts added up by the reliability tests.

    Args:
        faults: Faults injected (by the store wrapper and the TCP proxy).
        operations: Storage operations and reader or writer calls made under test.
        losses: Writes that reported success but were not readable and intact afterwards.
        undetected_truncations: Truncated reads that decoded to a shorter message (protobuf has no
            end marker; a real store detects a short body itself).
        detected_truncations: Truncated reads refused as CorruptDataError.
        fuzz_cases: Inputs tried by the fuzzing and hostile-reference tests.
    """

    faults: int = 0
    operations: int = 0
    losses: int = 0
    undetected_truncations: int = 0
    detected_truncations: int = 0
    fuzz_cases: int = 0

    def count_fuzz_case(self) -> None:
        """Add one to ``fuzz_cases``."""
        self.fuzz_cases += 1

    def summary(self) -> str:
        """One line for the end of the session."""
        return (
            f"reliability: {self.faults} faults injected, {self.operations} operations, "
            f"{self.losses} losses; truncated reads: {self.detected_truncations} refused as "
            f"corrupt, {self.undetected_truncations} decoded short; {self.fuzz_cases} fuzz cases"
        )


TALLY = Tally()
"""The session's counts."""
