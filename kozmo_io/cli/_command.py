"""What every subcommand shares: how it is registered, positive integers, and its error line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import final

import attrs

from kozmo_io.cli._terminal import one_line
from kozmo_io.storage import positive_limit

__all__ = ("Command", "UsageError", "fail", "positive")

Subparsers = argparse._SubParsersAction  # noqa: SLF001 - argparse's own registry type, unexported


class UsageError(Exception):
    """A bad argument: reported as one line, exit 2 (never leaves the command line)."""


@final
@attrs.frozen
class Command:
    """A subcommand: its help, its arguments and what runs it.

    Args:
        name: The subcommand.
        summary: Its line in ``kozmo-io --help``.
        description: The text above its options in ``kozmo-io NAME --help`` (line breaks kept).
        arguments: Adds its own arguments to its parser.
        handler: Runs it on the parsed arguments and returns its exit code.
        epilog: The text below its options (examples, exit codes).
    """

    name: str
    summary: str
    description: str
    arguments: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace], int]
    epilog: str | None = None

    def register(
        self, subparsers: Subparsers[argparse.ArgumentParser], common: argparse.ArgumentParser
    ) -> None:
        """Add this subcommand to ``kozmo-io``.

        Args:
            subparsers: The ``kozmo-io`` subcommand registry.
            common: The parent parser carrying the options every subcommand shares.
        """
        parser = subparsers.add_parser(
            self.name,
            parents=[common],
            help=self.summary,
            description=self.description,
            epilog=self.epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        self.arguments(parser)
        parser.set_defaults(handler=self.handler)


def positive(text: str) -> int:
    """Parse a positive integer option (an ``argparse`` type).

    Args:
        text: The option's value.

    Returns:
        The integer.

    Raises:
        argparse.ArgumentTypeError: It is not a positive integer.
    """
    # The library's one positive-limit check, on the number the text spells (an argparse type
    # sees no option name; argparse adds it to the message).
    try:
        return positive_limit(int(text), "the value")
    except ValueError:  # not a number, or InvalidArgumentError (a ValueError)
        msg = f"must be a positive integer, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


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
