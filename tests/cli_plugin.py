"""A plugin module for ``kozmo-io check``: classes that conform, do not, and cannot be told.

The command-line tests copy this file into a temporary directory under the module name they
check (``kozmo_cli_plugin``, ``kozmo_verdict_plugin``), as a user's plugin would sit beside them;
other tests import the classes directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from kozmo_io.core import LiteralMap
from kozmo_io.reference import DataReference

if TYPE_CHECKING:
    from kozmo_io.core import LiteralMap as Inputs


class Paths:
    def get_input_prefix_path(self) -> DataReference:
        return DataReference("s3://b/in")

    def get_input_path(self) -> DataReference:
        return DataReference("s3://b/in/inputs.pb")


class Reader(Paths):
    async def get(self) -> LiteralMap | None:
        return None


class SyncReader(Paths):
    def get(self) -> LiteralMap | None:
        return None


class HiddenReader(Paths):
    """Its return annotation does not resolve at run time: the runtime check cannot tell."""

    async def get(self) -> Inputs | None:
        return None


class Nothing:
    pass


reader = Reader()


class Greeter(Protocol):
    def greet(self) -> str: ...


class Hello:
    def greet(self) -> str:
        return "hi"


Hostile = type("Hostile\x1b]0;owned\x07\u202eA\x9b", (), {"get": lambda self: None})  # noqa: ARG005 - a method, its self unused
