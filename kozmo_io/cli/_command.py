"""What every subcommand shares: its parser's shape, positive integers, and its error line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from kozmo_io.cli._terminal import one_line

__all__ = ("UsageError", "add_command", "fail", "positive")

Subparsers = argparse._SubParsersAction  # noqa: SLF001 - argparse's own registry type, unexported


class UsageError(Exception):
    """A bad argument: reported as one line, exit 2 (never leaves the command line)."""


def add_command(  # noqa: PLR0913 - keyword-only, each a part of the subcommand's help
    subparsers: Subparsers[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    name: str,
    *,
    summary: str,
    description: str,
    epilog: str | None = None,
    handler: Callable[[argparse.Namespace], int],
) -> argparse.ArgumentParser:
    """Add a subcommand whose help keeps its text's line breaks.

    Args:
        subparsers: The ``kozmo-io`` subcommand registry.
        common: The parent parser carrying the options every subcommand shares.
        name: The subcommand.
        summary: Its line in ``kozmo-io --help``.
        description: The text above its options in ``kozmo-io NAME --help``.
        epilog: The text below them (examples, exit codes).
        handler: Runs the subcommand on the parsed arguments and returns its exit code.

    Returns:
        The subcommand's parser, for its own arguments.
    """
    parser = subparsers.add_parser(
        name,
        parents=[common],
        help=summary,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler)
    return parser


def positive(text: str) -> int:
    """Parse a positive integer option (an ``argparse`` type).

    Args:
        text: The option's value.

    Returns:
        The integer.

    Raises:
        argparse.ArgumentTypeError: It is not a positive integer.
    """
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"must be a positive integer, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def fail(command: str, text: str) -> int:
    """Write ``kozmo-io COMMAND: error: TEXT`` (on one line) to stderr and return exit status 2.

    Args:
        command: The subcommand.
        text: What went wrong.

    Returns:
        2.
    """
    sys.stderr.write(f"kozmo-io {command}: error: {one_line(text)}\n")
    return 2
