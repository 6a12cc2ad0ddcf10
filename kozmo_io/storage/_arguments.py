"""The checks of the arguments given to stores, wrappers and the readers built on them.

Every positive limit, size, page size or concurrency goes through :func:`positive_limit` (or
:func:`optional_positive_limit`), so each refuses the same values the same way: ``True`` and
``False`` (a ``bool`` is an ``int`` to Python, never a count), any other non-``int`` (``1.5``,
``"3"``), zero and negatives, with an :class:`~kozmo_io.errors.InvalidArgumentError` naming the
option.
"""

from __future__ import annotations

from kozmo_io.errors import InvalidArgumentError
from kozmo_io.storage._locations import Location

__all__ = (
    "check_limit",
    "check_range",
    "optional_positive_limit",
    "positive_limit",
    "read_limit",
)


def _checked(value: object, name: str, expected: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"{name} must be {expected}, got {value!r}"
        raise InvalidArgumentError(msg)
    return value


def positive_limit(value: object, name: str, /) -> int:
    """Return ``value`` if it is a positive integer.

    Args:
        value: The argument.
        name: The option's name, for the message.

    Returns:
        ``value``.

    Raises:
        InvalidArgumentError: ``value`` is a ``bool``, not an ``int``, zero or negative.
    """
    return _checked(value, name, "a positive integer")


def optional_positive_limit(value: object, name: str, /) -> int | None:
    """Return ``value`` if it is ``None`` or a positive integer.

    Args:
        value: The argument; ``None`` means "no limit of its own" (e.g. the store's limit).
        name: The option's name, for the message.

    Returns:
        ``value``.

    Raises:
        InvalidArgumentError: ``value`` is a ``bool``, not an ``int``, zero or negative.
    """
    return None if value is None else _checked(value, name, "a positive integer or None")


def check_limit(value: object, name: str) -> int | None:
    """Vet a store's byte limit: ``None`` or ``0`` mean unlimited.

    Args:
        value: The configured limit.
        name: The option's name, for the message.

    Returns:
        The limit, ``None`` when unlimited.

    Raises:
        InvalidArgumentError: ``value`` is not ``None`` or a non-negative integer.
    """
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        msg = f"{name} must be None or a non-negative integer, got {value!r}"
        raise InvalidArgumentError(msg)
    return value or None


def check_range(byte_range: object, location: Location) -> tuple[int, int]:
    """Vet a ``(start, end)`` byte range.

    Args:
        byte_range: The range.
        location: The object it applies to, for the message.

    Returns:
        ``(start, end)``.

    Raises:
        InvalidArgumentError: Not a pair of integers with ``0 <= start <= end``.
    """
    if (
        not isinstance(byte_range, tuple)
        or len(byte_range) != 2  # noqa: PLR2004 a (start, end) pair
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in byte_range)
        or not 0 <= byte_range[0] <= byte_range[1]
    ):
        msg = (
            f"byte_range for {location.reference.redacted()} must be (start, end) with "
            f"0 <= start <= end, got {byte_range!r}"
        )
        raise InvalidArgumentError(msg)
    return byte_range[0], byte_range[1]


def read_limit(max_bytes: object, default: int | None) -> int | None:
    """The limit of one read: ``max_bytes`` when given, else the store's ``default``.

    Raises:
        InvalidArgumentError: ``max_bytes`` is given and is not a positive integer.
    """
    return default if max_bytes is None else positive_limit(max_bytes, "max_bytes")
