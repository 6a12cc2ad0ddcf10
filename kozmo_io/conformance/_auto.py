"""``auto`` mode: judge one target against every task-IO protocol kozmo_io defines."""

from __future__ import annotations

import types
from collections.abc import Mapping

from kozmo_io import protocols
from kozmo_io.conformance._report import ConformanceReport
from kozmo_io.conformance._runtime import check

__all__ = ("PROTOCOLS", "check_auto", "satisfied_protocols")

# Helpers a reference implementation is built from, not contracts a task's IO is judged by: any
# reader's ``read()`` would satisfy SimpleTaskReader by shape.
_HELPER_PROTOCOLS = frozenset({"ShardSelector", "SimpleTaskReader"})

PROTOCOLS: Mapping[str, type] = types.MappingProxyType(
    {name: getattr(protocols, name) for name in protocols.__all__ if name not in _HELPER_PROTOCOLS}
)
"""Every task-IO protocol of :mod:`kozmo_io.protocols` by name, in ``__all__`` (alphabetical) order.

The helper protocols (:class:`~kozmo_io.protocols.ShardSelector`,
:class:`~kozmo_io.protocols.SimpleTaskReader`) are left out."""


def check_auto(target: object) -> dict[str, ConformanceReport]:
    """Check a class or an instance against every protocol in :data:`PROTOCOLS`.

    Args:
        target: A class or an instance.

    Returns:
        One runtime report per protocol name, in :data:`PROTOCOLS` order.
    """
    return {name: check(target, protocol) for name, protocol in PROTOCOLS.items()}


def satisfied_protocols(target: object) -> tuple[type, ...]:
    """Return the protocols of :data:`PROTOCOLS` that a class or an instance satisfies.

    Args:
        target: A class or an instance.

    Returns:
        The protocol classes it conforms to (by the runtime rules), in :data:`PROTOCOLS` order.
    """
    return tuple(PROTOCOLS[name] for name, report in check_auto(target).items() if report.ok)
