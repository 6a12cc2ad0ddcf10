"""The report all conformance layers return: every problem, with member, expected and found."""

from __future__ import annotations

import json
from typing import final

import attrs

__all__ = ("ConformanceReport", "Problem")


@final
@attrs.frozen
class Problem:
    """One way a target fails a protocol (or, in a report's ``notes``, something left unchecked).

    Attributes:
        target: The class (``module:QualName``) the problem is about.
        member: The protocol member concerned; empty when the problem concerns the whole class.
        rule: The rule that failed: ``missing``, ``none``, ``not-callable``, ``async``,
            ``signature``, ``return``, ``static``, ``behaviour`` (the :mod:`kozmo_io.testing`
            kit), or ``unresolved`` for a note.
        expected: What the protocol asks for.
        found: What the target has.
        message: A one-line human explanation.
    """

    target: str
    member: str
    rule: str
    expected: str
    found: str
    message: str

    def __str__(self) -> str:
        """Return the one-line message."""
        return self.message

    def to_dict(self) -> dict[str, str]:
        """Return the problem as a JSON-ready mapping."""
        return attrs.asdict(self)


@final
@attrs.frozen
class ConformanceReport:
    """Every problem one or more conformance checks found for a target against a protocol.

    A report is truthy exactly when the target conforms. ``str(report)`` is a readable summary and
    :meth:`to_json` its machine form.

    Attributes:
        target: The class checked (``module:QualName``; an instance: ``module:QualName instance``).
        protocol: The protocol (``module:QualName``).
        problems: Every problem found, in protocol member order.
        notes: Things that were not checked and why (they do not affect :attr:`ok`).
        checks: The layers that ran: ``runtime``, ``static``, ``behaviour``, in the order run.
    """

    target: str
    protocol: str
    problems: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = ()
    checks: tuple[str, ...] = ("runtime",)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def __bool__(self) -> bool:
        """Return :attr:`ok`."""
        return self.ok

    def merge(self, other: ConformanceReport, /) -> ConformanceReport:
        """Combine this report with another layer's report on the same target and protocol.

        Args:
            other: The other layer's report.

        Returns:
            A report with the problems, notes and checks of both.
        """
        return attrs.evolve(
            self,
            problems=self.problems + other.problems,
            notes=self.notes + other.notes,
            checks=self.checks + tuple(c for c in other.checks if c not in self.checks),
        )

    def to_dict(self) -> dict[str, object]:
        """Return the report as a JSON-ready mapping (``ok`` included)."""
        return {
            "target": self.target,
            "protocol": self.protocol,
            "ok": self.ok,
            "checks": list(self.checks),
            "problems": [p.to_dict() for p in self.problems],
            "notes": [n.to_dict() for n in self.notes],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return the report as JSON text.

        Args:
            indent: Passed to :func:`json.dumps`; ``None`` gives one line.

        Returns:
            The JSON text of :meth:`to_dict`.
        """
        return json.dumps(self.to_dict(), indent=indent)

    def __str__(self) -> str:
        """Render a summary line, each problem with what was expected and found, then the notes."""
        checks = " and ".join(self.checks)
        if self.ok:
            lines = [f"{self.target} conforms to {self.protocol} ({checks} check)"]
        else:
            count = len(self.problems)
            plural = "s" if count != 1 else ""
            summary = (
                f"{self.target} does not conform to {self.protocol} "
                f"({count} problem{plural}; {checks} check)"
            )
            lines = [summary]
        for problem in self.problems:
            lines.append(f"  - {problem.message}")
            lines.append(f"      expected: {problem.expected}")
            lines.append(f"      found:    {problem.found}")
        lines.extend(f"  note: {note.message}" for note in self.notes)
        return "\n".join(lines)
