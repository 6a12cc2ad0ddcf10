"""The checks of the arguments given to stores, wrappers and the readers built on them.

A store's options (:func:`vet_options`, :func:`refuse`), its byte limits and ranges
(:func:`check_limit`, :func:`check_range`, :func:`read_limit`) are vetted here, before obstore or
fsspec sees them: either would raise a bare ``TypeError`` or silently ignore a value it cannot use.

Every positive limit, size, page size or concurrency goes through :func:`positive_limit` (or
:func:`optional_positive_limit`), so each refuses the same values the same way: ``True`` and
``False`` (a ``bool`` is an ``int`` to Python, never a count), any other non-``int`` (``1.5``,
``"3"``), zero and negatives, with an :class:`~kozmo_io.errors.InvalidArgumentError` naming the
option.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn, cast

from kozmo_io._secrets import redact_text
from kozmo_io.errors import InvalidArgumentError

if TYPE_CHECKING:
    from obstore.store import RetryConfig

    from kozmo_io.storage._locations import Location

__all__ = (
    "check_cursor",
    "check_limit",
    "check_range",
    "optional_positive_limit",
    "positive_limit",
    "read_limit",
    "refuse",
    "vet_options",
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


_RETRY_KEYS = frozenset({"max_retries", "retry_timeout", "backoff"})
_BACKOFF_KEYS = frozenset({"init_backoff", "max_backoff", "base"})


def refuse(option: str, expected: str, value: object) -> NoReturn:
    """Raise the error for an option that is not what it must be (a container value is not shown).

    Raises:
        InvalidArgumentError: Always, naming ``option``, what it must be and what it was.
    """
    msg = f"{option} must be {expected}, got {_shown(value)}"
    raise InvalidArgumentError(msg)


def _shown(value: object) -> str:
    """A value's type, and the value itself unless it is a container (it may hold secrets)."""
    if isinstance(value, (str, int, float, dt.timedelta)) or value is None:
        return f"{type(value).__name__} {redact_text(repr(value))[:80]}"
    return type(value).__name__


def _optional_text(option: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        refuse(option, "a string or None", value)


def _mapping(option: str, value: object) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        refuse(option, "a mapping with string keys or None", value)
    return value


def _seconds(option: str, value: object) -> None:
    if not isinstance(value, dt.timedelta):
        refuse(option, "a datetime.timedelta", value)


def _retry_config(value: object) -> RetryConfig | None:
    """Vet obstore's RetryConfig (obstore ignores a value of another type, or an unknown key)."""
    if value is None:
        return None
    retry = _mapping("retry_config", value)
    unknown = sorted(set(retry) - _RETRY_KEYS)
    if unknown:
        msg = f"retry_config has unknown keys {unknown} (known: {sorted(_RETRY_KEYS)})"
        raise InvalidArgumentError(msg)
    retries = retry.get("max_retries", 0)
    if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
        refuse("retry_config['max_retries']", "a non-negative integer", retries)
    if "retry_timeout" in retry:
        _seconds("retry_config['retry_timeout']", retry["retry_timeout"])
    if "backoff" in retry:
        backoff = _mapping("retry_config['backoff']", retry["backoff"])
        unknown = sorted(set(backoff) - _BACKOFF_KEYS)
        if unknown:
            msg = (
                f"retry_config['backoff'] has unknown keys {unknown} "
                f"(known: {sorted(_BACKOFF_KEYS)})"
            )
            raise InvalidArgumentError(msg)
        for key in ("init_backoff", "max_backoff"):
            if key in backoff:
                _seconds(f"retry_config['backoff'][{key!r}]", backoff[key])
        base = backoff.get("base", 2.0)
        if not isinstance(base, (int, float)) or isinstance(base, bool) or base < 1:
            refuse("retry_config['backoff']['base']", "a number >= 1", base)
    return cast("RetryConfig", retry)


def vet_options(  # noqa: PLR0913 - one keyword per shared store option
    *,
    container: object,
    endpoint: object,
    allow_http: object,
    credentials: object,
    config: object,
    client_options: object,
    retry_config: object,
    **names: object,
) -> None:
    """Refuse a cloud store option of the wrong type, naming it.

    obstore would raise a bare TypeError, or silently ignore a retry configuration it cannot use.
    """
    if not isinstance(container, str) or not container:
        refuse("the bucket or container", "a non-empty string", container)
    _optional_text("endpoint", endpoint)
    for name, value in names.items():
        _optional_text(name, value)
    if not isinstance(allow_http, bool):
        refuse("allow_http", "True or False", allow_http)
    if credentials is not None and not callable(credentials):
        values = _mapping("credentials", credentials)
        for key, value in values.items():
            if not isinstance(value, str):
                refuse(f"credentials[{key!r}]", "a string", value)
    _mapping("config", config)
    _mapping("client_options", client_options)
    _retry_config(retry_config)


def check_cursor(value: object) -> str | None:
    """Return a listing cursor: ``None`` or a string a previous page gave.

    Raises:
        InvalidArgumentError: ``value`` is neither.
    """
    if value is not None and not isinstance(value, str):
        msg = f"cursor must be None or the cursor of a previous page, got {value!r}"
        raise InvalidArgumentError(msg)
    return value
