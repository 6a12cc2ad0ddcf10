"""``kozmo-io check``: a class (or module-level instance) against a protocol.

``kozmo-io check MODULE:CLASS [--protocol NAME|auto] [--static[=mypy|pyright]] [--strict]
[--json]``.

Exit 0 when the target conforms (``auto``: satisfies at least one protocol), 1 when it does not, 2
on a usage or import error, 3 when the check cannot tell (``auto``: no protocol is satisfied and at
least one cannot be told); ``--strict`` counts "cannot tell" as "does not conform".
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, final

import attrs

from kozmo_io.cli._command import Command, UsageError, fail
from kozmo_io.cli._terminal import printable
from kozmo_io.conformance import (
    PROTOCOLS,
    ConformanceReport,
    Verdict,
    check,
    check_auto,
    check_static,
    check_static_many,
)
from kozmo_io.conformance._runtime import as_protocol, protocol_member_names
from kozmo_io.conformance._static import CHECKERS

__all__ = (
    "AutoVerdict",
    "COMMAND",
    "EXIT_CANNOT_TELL",
    "auto_json",
    "auto_text",
    "check_every_protocol",
    "check_one",
    "run",
)

EXIT_CANNOT_TELL = 3
"""The exit status when the check cannot tell whether the target conforms."""

_EXIT = {Verdict.CONFORMS: 0, Verdict.DOES_NOT_CONFORM: 1, Verdict.CANNOT_TELL: EXIT_CANNOT_TELL}

_HELP = """\
Check that a class (or a module-level instance) honours a kozmo_io protocol: every member present,
callable, a coroutine where the protocol's is async, with a compatible signature, parameter and
return types. The verdict is "conforms", "does not conform" or "cannot tell" (with the reason: an
annotation that does not resolve at run time, a type variable, a member set in __init__ or served
by __getattr__, a class the static check cannot import by name). With --protocol auto (the
default) it lists the protocols the target satisfies. --static also type-checks it with mypy, or
--static=pyright with basedpyright; either must be installed beside kozmo-io (its static extra).
"""

_EPILOG = """\
exit codes: 0 conforms (auto: satisfies at least one protocol); 1 does not conform; 2 a usage or
import error; 3 cannot tell (auto: nothing satisfied, something cannot be told). With --strict,
"cannot tell" counts as "does not conform" (exit 1).
"""
# What each --static checker needs installed beside kozmo-io: (module, requirement).
_CHECKER_PACKAGES = {
    "mypy": ("mypy", "mypy>=1.15"),
    "pyright": ("basedpyright", "basedpyright>=1.29"),
}
_NOT_INSTALLED = (
    "--static={checker} needs {module}, which is not installed beside kozmo-io: install it into "
    "the same environment, e.g. {python} -m pip install '{requirement}' (or pip install "
    "'.[static]' in a clone of kozmo-io)"
)


def _arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``check``."""
    parser.add_argument("target", metavar="MODULE:CLASS", help="e.g. my_plugin.io:MyReader")
    parser.add_argument(
        "--protocol",
        default="auto",
        metavar="NAME|auto",
        help=f"one of {', '.join(PROTOCOLS)}, any protocol as MODULE:NAME, or auto (the default)",
    )
    parser.add_argument(
        "--static",
        nargs="?",
        const="mypy",
        default=None,
        choices=CHECKERS,
        metavar="CHECKER",
        help=f"also type-check: {' or '.join(CHECKERS)} (mypy when no CHECKER is given)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help='count "cannot tell" as "does not conform" (exit 1, not 3)',
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def _import(spec: str, what: str) -> object:
    """Import ``MODULE:NAME`` (NAME may be dotted) the way ``python -m`` would, from the cwd."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        msg = f"{what} must be MODULE:NAME, got {spec!r}"
        raise UsageError(msg)
    cwd = str(Path.cwd())
    if cwd not in sys.path and "" not in sys.path:
        sys.path.insert(0, cwd)
    try:
        found: object = importlib.import_module(module_name)
    except Exception as exc:
        msg = f"cannot import module {module_name!r}: {type(exc).__name__}: {exc}"
        raise UsageError(msg) from exc
    for part in attr.split("."):
        try:
            found = getattr(found, part)
        except AttributeError as exc:
            msg = f"module {module_name!r} has no attribute {attr!r}"
            raise UsageError(msg) from exc
    return found


def _protocol(name: str) -> type:
    if name in PROTOCOLS:
        return PROTOCOLS[name]
    if ":" not in name:
        msg = f"unknown protocol {name!r}; choose auto, {', '.join(PROTOCOLS)} or MODULE:NAME"
        raise UsageError(msg)
    try:
        return as_protocol(_import(name, "--protocol"))
    except TypeError as exc:
        raise UsageError(str(exc)) from exc


def check_one(
    target: object, protocol: type, *, static: str | None = None, strict: bool = False
) -> ConformanceReport:
    """Judge a target against one protocol, as ``kozmo-io check --protocol NAME`` does.

    Args:
        target: A class or an instance.
        protocol: The Protocol class.
        static: Also run this static checker (``mypy`` or ``pyright``) on the target's class.
        strict: Count "cannot tell" as "does not conform".

    Returns:
        The runtime report, merged with the static one when ``static`` is given.
    """
    report = check(target, protocol)
    if static:
        cls = target if isinstance(target, type) else type(target)
        report = report.merge(check_static(cls, protocol, checker=static))
    return report.strict() if strict else report


@final
@attrs.frozen
class AutoVerdict:
    """A target judged against every protocol of :data:`~kozmo_io.conformance.PROTOCOLS`.

    Attributes:
        target: The target's name, as its reports give it.
        reports: One report per protocol name, in :data:`~kozmo_io.conformance.PROTOCOLS` order.
    """

    target: str
    reports: Mapping[str, ConformanceReport]

    @property
    def satisfied(self) -> list[str]:
        """The protocols the target conforms to."""
        return [name for name, report in self.reports.items() if report.ok]

    @property
    def undecided(self) -> list[str]:
        """The protocols the check cannot tell about."""
        return [n for n, r in self.reports.items() if r.verdict is Verdict.CANNOT_TELL]

    @property
    def verdict(self) -> Verdict:
        """Conforms when a protocol is satisfied, else cannot tell when one is undecided."""
        if self.satisfied:
            return Verdict.CONFORMS
        return Verdict.CANNOT_TELL if self.undecided else Verdict.DOES_NOT_CONFORM

    def near_misses(self) -> tuple[dict[str, list[str]], list[str]]:
        """Sort the protocols not satisfied by how far the target is from them.

        Returns:
            The protocols where only some members are missing (with those members), and those
            none of whose members the target has. Any other failure is in neither: its report
            says more.
        """
        missing_some: dict[str, list[str]] = {}
        absent: list[str] = []
        for name, report in self.reports.items():
            missing = _missing(report)
            if report.ok or missing is None:
                continue
            if len(missing) == len(protocol_member_names(PROTOCOLS[name])):
                absent.append(name)
            else:
                missing_some[name] = missing
        return missing_some, absent


def check_every_protocol(
    target: object, *, static: str | None = None, strict: bool = False
) -> AutoVerdict:
    """Judge a target against every protocol, as ``kozmo-io check --protocol auto`` does.

    Args:
        target: A class or an instance.
        static: Also run this static checker (one run for every protocol).
        strict: Count "cannot tell" as "does not conform".

    Returns:
        The reports and the overall verdict.
    """
    reports = check_auto(target)
    if static:
        cls = target if isinstance(target, type) else type(target)
        statics = check_static_many(cls, PROTOCOLS.values(), checker=static)
        reports = {name: r.merge(s) for (name, r), s in zip(reports.items(), statics, strict=True)}
    if strict:
        reports = {name: report.strict() for name, report in reports.items()}
    return AutoVerdict(next(iter(reports.values())).target, reports)


def _missing(report: ConformanceReport) -> list[str] | None:
    """Return the members ``report`` finds missing, or None when it finds anything else wrong."""
    missing = [p.member for p in report.problems if p.rule == "missing"]
    if report.cannot_tell or any(p.member not in missing for p in report.problems):
        return None
    return list(dict.fromkeys(missing))


def auto_json(auto: AutoVerdict) -> str:
    """Render an :class:`AutoVerdict` as the ``--json`` document of ``--protocol auto``.

    Args:
        auto: The verdict.

    Returns:
        The JSON text.
    """
    document: dict[str, Any] = {
        "target": auto.target,
        "protocol": "auto",
        "verdict": auto.verdict.value,
        "ok": bool(auto.satisfied),
        "satisfied": auto.satisfied,
        "cannot_tell": auto.undecided,
        "reports": {n: r.to_dict() for n, r in auto.reports.items()},
    }
    return json.dumps(document, indent=2)


def auto_text(auto: AutoVerdict) -> str:
    """Render an :class:`AutoVerdict` for people: what is satisfied, then how the rest fail.

    Args:
        auto: The verdict.

    Returns:
        The lines, control characters escaped.
    """
    satisfied = ", ".join(auto.satisfied) or "none of the kozmo_io protocols"
    lines = [f"{auto.target} satisfies: {satisfied}"]
    missing_some, absent = auto.near_misses()
    for name, report in auto.reports.items():
        if name in missing_some:
            lines.append(f"{name}: missing {', '.join(missing_some[name])}")
        elif not report.ok and name not in absent:
            lines.append(str(report))
    if absent:
        lines.append(f"not implemented: {', '.join(absent)}")
    return printable("\n".join(lines))


def run(args: argparse.Namespace) -> int:
    """Run ``kozmo-io check``.

    Args:
        args: The parsed arguments (``target``, ``protocol``, ``static``, ``strict``, ``json``).

    Returns:
        0 conforms, 1 does not, 2 usage or import error, 3 cannot tell.
    """
    module, requirement = _CHECKER_PACKAGES.get(args.static, (None, None))
    if module is not None and importlib.util.find_spec(module) is None:
        hint = _NOT_INSTALLED.format(
            checker=args.static,
            module=module,
            python=shlex.quote(sys.executable),
            requirement=requirement,
        )
        return fail("check", hint)
    try:
        target = _import(args.target, "the target")
        protocol = None if args.protocol == "auto" else _protocol(args.protocol)
    except UsageError as exc:
        if getattr(args, "debug", False):
            raise
        return fail("check", str(exc))
    if protocol is None:
        auto = check_every_protocol(target, static=args.static, strict=args.strict)
        sys.stdout.write((auto_json(auto) if args.json else auto_text(auto)) + "\n")
        return _EXIT[auto.verdict]
    report = check_one(target, protocol, static=args.static, strict=args.strict)
    sys.stdout.write((report.to_json() if args.json else printable(str(report))) + "\n")
    return _EXIT[report.verdict]


COMMAND = Command(
    "check",
    summary="check a class against a protocol",
    description=_HELP,
    arguments=_arguments,
    handler=run,
    epilog=_EPILOG,
)
"""The ``check`` subcommand."""
