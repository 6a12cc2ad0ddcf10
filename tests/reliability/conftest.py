"""Reliability suite: prints its counts (faults, operations, losses) at the end of the session."""

from __future__ import annotations

import pytest

from reliability._tally import TALLY


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Write the one-line reliability summary when reliability tests ran."""
    if TALLY.operations or TALLY.fuzz_cases:
        terminalreporter.write_sep("-", TALLY.summary())
