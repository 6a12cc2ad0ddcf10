"""The report all conformance layers return: every problem, with member, expected and found."""

from __future__ import annotations

import enum
import json
from typing import final

import attrs

__all__ = ("ConformanceReport", "Problem", "Verdict")


class Verdict(enum.StrEnum):
    """What a conformance check concluded.

    ``CONFORMS`` is never given to a target a check can see failing when used through the
    protocol; when a check cannot see enough to decide it says ``CANNOT_TELL`` and why.
    """

    CONFORMS = "conforms"
    DOES_NOT_CONFORM = "does not conform"
    CANNOT_TELL = "cannot tell"


@final
@attrs.frozen
class Problem:
    """One way a target fails a protocol, a reason a check cannot tell, or a note.

    Attributes:
        target: The class (``module:QualName``) the problem is about.
        member: The protocol member concerned; empty when the problem concerns the whole class.
        rule: The rule that failed: ``missing``, ``none``, ``not-callable``, ``async``,
            ``signature``, ``parameter``, ``return``, ``static``, ``behaviour`` (the
            :mod:`kozmo_io.testing` kit). Why a check cannot tell: ``unresolved-annotation``
            (an annotation that does not evaluate at run time, e.g. an import under
            ``TYPE_CHECKING``), ``undecidable-type`` (a type variable, ``Self``, ``Any`` where
            a coroutine is due), ``dynamic-member`` (set in ``__init__``, served by
            ``__getattr__``: check an instance), ``not-importable`` (the static check cannot
            import the class by its name). A note has rule ``note``.
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


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


@final
@attrs.frozen
class ConformanceReport:
    """Every problem one or more conformance checks found for a target against a protocol.

    The :attr:`verdict` is ``does not conform`` when there is a problem, else ``cannot tell``
    when there is a reason in :attr:`cannot_tell`, else ``conforms``. A report is truthy exactly
    when the target conforms. ``str(report)`` is a readable summary and :meth:`to_json` its
    machine form.

    Attributes:
        target: The class checked (``module:QualName``; an instance: ``module:QualName instance``).
        protocol: The protocol (``module:QualName``).
        problems: Every problem found, in protocol member order.
        notes: Remarks that do not affect the verdict.
        checks: The layers that ran: ``runtime``, ``static``, ``behaviour``, in the order run.
        cannot_tell: Why a check could not decide (each with its member and rule).
    """

    target: str
    protocol: str
    problems: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = ()
    checks: tuple[str, ...] = ("runtime",)
    cannot_tell: tuple[Problem, ...] = ()

    @property
    def verdict(self) -> Verdict:
        """Conforms, does not conform, or cannot tell."""
        if self.problems:
            return Verdict.DOES_NOT_CONFORM
        if self.cannot_tell:
            return Verdict.CANNOT_TELL
        return Verdict.CONFORMS

    @property
    def ok(self) -> bool:
        """True when the target conforms (no problem, and nothing left undecided)."""
        return not self.problems and not self.cannot_tell

    def strict(self) -> ConformanceReport:
        """Return this report with every reason for "cannot tell" counted as a problem.

        Returns:
            A report whose verdict is never ``cannot tell``.
        """
        if not self.cannot_tell:
            return self
        return attrs.evolve(self, problems=self.problems + self.cannot_tell, cannot_tell=())

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
            cannot_tell=self.cannot_tell + other.cannot_tell,
            checks=self.checks + tuple(c for c in other.checks if c not in self.checks),
        )

    def to_dict(self) -> dict[str, object]:
        """Return the report as a JSON-ready mapping (``verdict`` and ``ok`` included)."""
        return {
            "target": self.target,
            "protocol": self.protocol,
            "verdict": self.verdict.value,
            "ok": self.ok,
            "checks": list(self.checks),
            "problems": [p.to_dict() for p in self.problems],
            "cannot_tell": [p.to_dict() for p in self.cannot_tell],
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
        verdict = self.verdict
        if verdict is Verdict.CONFORMS:
            lines = [f"{self.target} conforms to {self.protocol} ({checks} check)"]
        elif verdict is Verdict.CANNOT_TELL:
            questions = _counted(len(self.cannot_tell), "open question")
            question = f"cannot tell whether {self.target} conforms to {self.protocol}"
            lines = [f"{question} ({questions}; {checks} check)"]
        else:
            problems = _counted(len(self.problems), "problem")
            lines = [
                f"{self.target} does not conform to {self.protocol} ({problems}; {checks} check)"
            ]
        for problem in self.problems:
            lines.append(f"  - {problem.message}")
            lines.append(f"      expected: {problem.expected}")
            lines.append(f"      found:    {problem.found}")
        lines.extend(f"  ? {reason.message} [{reason.rule}]" for reason in self.cannot_tell)
        lines.extend(f"  note: {note.message}" for note in self.notes)
        return "\n".join(lines)
