"""The exception tree of kozmo_io.

Every exception the library raises on purpose derives from :class:`KozmoIOError`. Each subclass also
inherits the builtin it behaves like, so callers that already catch ``FileNotFoundError``,
``ValueError``, ``OSError`` or ``AssertionError`` keep working::

    KozmoIOError
    ├── NotFoundError          (+ FileNotFoundError)  object or prefix missing
    ├── PayloadTooLargeError   (+ ValueError)         object larger than the read limit;
    │                                                 carries path, size, limit
    ├── CorruptDataError       (+ ValueError)         bytes that do not decode as the message
    ├── InvalidReferenceError  (+ ValueError)         a malformed or hostile reference or key
    ├── InvalidArgumentError   (+ ValueError)         a setting outside its domain (a limit of 0)
    ├── NothingToWriteError    (+ ValueError)         a writer got neither outputs nor an error
    ├── LiteralConversionError (+ TypeError)          a value that does not encode as its type,
    │                                                 or a literal that does not decode as it;
    │                                                 carries key, hint, reason
    ├── DuplicateNameError     (+ ValueError)         a writer got a name (or context key) twice;
    │                                                 carries the names
    ├── StorageError           (+ OSError)            backend failure after retries; the backend
    │                                                 exception is the ``__cause__``
    └── ConformanceError       (+ AssertionError)     a class does not honour a protocol;
                                                      carries every problem and the report

A task's own failure is never raised: readers return it as an :class:`~kozmo_io.ExecutionError`.
Backend exceptions are translated in one place, inside :mod:`kozmo_io.storage`.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, final

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kozmo_io.conformance import ConformanceReport

__all__ = (
    "ConformanceError",
    "CorruptDataError",
    "DuplicateNameError",
    "InvalidArgumentError",
    "InvalidReferenceError",
    "KozmoIOError",
    "LiteralConversionError",
    "NotFoundError",
    "NothingToWriteError",
    "PayloadTooLargeError",
    "StorageError",
)


class KozmoIOError(Exception):
    """Root of every exception kozmo_io raises on purpose."""


@final
class NotFoundError(KozmoIOError, FileNotFoundError):
    """The object (or prefix) a reference names does not exist.

    Args:
        path: The redacted reference that was looked up.
    """

    def __init__(self, path: str, /) -> None:
        """Build the error for ``path``."""
        super().__init__(f"not found: {path}")
        self.path = path

    def __reduce__(self) -> tuple[type[NotFoundError], tuple[str]]:
        """Pickle by path (OSError's default pickling would reorder arguments)."""
        return (type(self), (self.path,))

    def __str__(self) -> str:
        """Render without OSError's ``[Errno]`` formatting."""
        return f"not found: {self.path}"


@final
class PayloadTooLargeError(KozmoIOError, ValueError):
    """An object is larger than the byte limit of the read.

    Args:
        path: The redacted reference of the object.
        size: The object's size in bytes (or a lower bound when the store did not say).
        limit: The limit in bytes that was exceeded.
    """

    def __init__(self, path: str, size: int, limit: int, /) -> None:
        """Build the error for an object of ``size`` bytes against ``limit``."""
        super().__init__(
            f"{path} is too large: {size} bytes, max allowed {limit} bytes "
            f"(raise max_payload_bytes to read it)"
        )
        self.path = path
        self.size = size
        self.limit = limit

    def __reduce__(self) -> tuple[type[PayloadTooLargeError], tuple[str, int, int]]:
        """Pickle by fields."""
        return (type(self), (self.path, self.size, self.limit))


@final
class CorruptDataError(KozmoIOError, ValueError):
    """Stored bytes do not decode as the expected message."""


@final
class InvalidArgumentError(KozmoIOError, ValueError):
    """A setting is outside its domain, e.g. a read limit of 0 or a concurrency below 1."""


@final
class InvalidReferenceError(KozmoIOError, ValueError):
    """A reference or key is malformed, or would escape or replace its base."""


@final
class NothingToWriteError(KozmoIOError, ValueError):
    """An output writer was handed a reader that holds neither outputs nor an error."""


@final
class LiteralConversionError(KozmoIOError, TypeError):
    """A Python value does not encode as its type hint, or a literal does not decode as it.

    Args:
        key: Where: the input or output name and the path inside the value (``"xs[3].when"``);
            ``""`` for a value converted on its own.
        hint: The type hint, as text.
        reason: What does not fit.
    """

    def __init__(self, key: str, hint: str, reason: str, /) -> None:
        """Build the error for ``key`` of type ``hint``."""
        where = key if key and not key.startswith(("[", ".")) else f"value{key}"
        super().__init__(f"{where} ({hint}): {reason}")
        self.key = key
        self.hint = hint
        self.reason = reason

    def __reduce__(self) -> tuple[type[LiteralConversionError], tuple[str, str, str]]:
        """Pickle by fields."""
        return (type(self), (self.key, self.hint, self.reason))


@final
class DuplicateNameError(KozmoIOError, ValueError):
    """A writer was handed inputs or outputs that give one name (or context key) twice.

    A file with duplicate names reads differently depending on the reader (an ordered reader sees
    every entry, a map keeps the last one), so kozmo_io never writes one.

    Args:
        names: Every name (or key) given more than once, in the order of their first appearance.
        in_context: Whether they are context keys rather than literal names.
    """

    def __init__(self, names: Sequence[str], /, *, in_context: bool = False) -> None:
        """Build the error naming ``names``."""
        self.names = tuple(names)
        self.in_context = in_context
        listed = ", ".join(repr(name) for name in self.names)
        what = "context key" if in_context else "literal name"
        super().__init__(f"{what}s given more than once: {listed}; nothing was written")

    def __reduce__(
        self,
    ) -> tuple[functools.partial[DuplicateNameError], tuple[tuple[str, ...]]]:
        """Pickle by fields (the message is rebuilt from them, so it names the same kind)."""
        return (functools.partial(type(self), in_context=self.in_context), (self.names,))


@final
class StorageError(KozmoIOError, OSError):
    """The storage backend failed after its retries; the backend error is the ``__cause__``."""

    def __str__(self) -> str:
        """Render the message without OSError's tuple formatting."""
        return str(self.args[0]) if self.args else ""


class ConformanceError(KozmoIOError, AssertionError):
    """A class or instance does not honour a protocol.

    Args:
        message: A human summary.
        problems: Every problem found, in the report's order (any objects with a readable ``str``).
        report: The full report the problems come from, when there is one.
    """

    def __init__(
        self,
        message: str,
        /,
        problems: Sequence[object] = (),
        report: ConformanceReport | None = None,
    ) -> None:
        """Build the error carrying ``problems`` and ``report``."""
        super().__init__(message)
        self.problems = tuple(problems)
        self.report = report
