"""The ``kozmo-io`` command (also ``python -m kozmo_io``).

Each subcommand lives in its own module exposing ``COMMAND``, a
:class:`~kozmo_io.cli._command.Command`: its help, the function adding its arguments, and its
``handler``, a function taking the parsed arguments and returning the exit code (its parser also
gets the shared ``--debug``). A handler reports its own usage problems
as one line on stderr and returns 2; any exception escaping it is printed as one line (exit 2),
with its traceback under ``--debug``. To add a subcommand, import its module here and list it in
``_COMMANDS``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kozmo_io import __version__
from kozmo_io.cli import check, demo, inspect, scan

__all__ = ("build_parser", "main")

_COMMANDS = (demo, inspect, scan, check)


def build_parser() -> argparse.ArgumentParser:
    """Build the ``kozmo-io`` argument parser with every subcommand registered.

    Returns:
        The parser.
    """
    return _build()[0]


def _build() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """Build the parser; also return each subcommand's own parser, by name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,  # so a subcommand's default never hides a global --debug
        help="show the traceback of an unexpected error",
    )
    parser = argparse.ArgumentParser(
        prog="kozmo-io",
        description="Tools for Kozmo task-plugin IO.",
        epilog=(
            "exit codes: 0 success; 1 a negative answer (does not conform, nothing at the prefix, "
            "a demo step misbehaved, a task without outputs under scan --fail-on-error); 2 a "
            "usage, import, reference or storage error; 3 check cannot tell whether the target "
            "conforms. "
            "Run 'kozmo-io COMMAND --help' for a command's options."
        ),
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")
    for command in _COMMANDS:
        command.COMMAND.register(subparsers, common)
    return parser, dict(subparsers.choices)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: The arguments (without the program name); ``sys.argv[1:]`` when None.

    Returns:
        The exit code: 0 success, 1 a negative verdict (e.g. does not conform), 2 a usage or import
        error, 3 ``check`` cannot tell.
    """
    parser, commands = _build()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # reported by the subcommand's parser, so the message names the subcommand
            commands.get(args.command, parser).error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exc:  # argparse exits on --help and --version (0) and on usage errors (2)
        return exc.code if isinstance(exc.code, int) else 2
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_usage(sys.stderr)
        sys.stderr.write("kozmo-io: error: a command is required\n")
        return 2
    try:
        code: int = handler(args)
    except Exception as exc:
        if getattr(args, "debug", False):
            raise
        sys.stderr.write(f"kozmo-io {args.command}: error: {type(exc).__name__}: {exc}\n")
        return 2
    return code
