"""The one place where backend (obstore, OS) exceptions become :mod:`kozmo_io.errors` exceptions."""

from __future__ import annotations

import re
import sys

from obstore.exceptions import BaseError as _ObstoreError

from kozmo_io._secrets import redact_text, scrub
from kozmo_io.errors import InvalidReferenceError, KozmoIOError, NotFoundError, StorageError
from kozmo_io.reference import redact

__all__ = ("BACKEND_ERRORS", "translate")

# obstore raises its own BaseError tree, builtin OSError subclasses (FileNotFoundError for a missing
# object) and ValueError for a path or option it cannot parse.
BACKEND_ERRORS: tuple[type[Exception], ...] = (_ObstoreError, OSError, ValueError)

# Operations where "not found" means the object the caller named is missing; elsewhere (put, list,
# open) it means the bucket or container is missing, a storage failure.
_OBJECT_OPERATIONS = frozenset({"head", "get", "delete"})
# The local backend's message when a key lies below a regular file ("a/b" where "a" is a file):
# no object can exist there, so it is missing, as on an object store.
_NOT_A_DIRECTORY = "(os error 20)"
_MAX_DETAIL = 300
# Where a cloud SDK fetches credentials when neither the options nor the environment hold any (the
# instance metadata services of AWS, GCP and Azure, and the ECS task endpoint): a failure there
# means "no credentials", which the raw message (an HTTP error from a link-local address) hides.
_METADATA_SERVICE = re.compile(
    r"169\.254\.169\.254|169\.254\.170\.2|metadata\.google\.internal|/latest/api/token"
)


def _detail(exc: BaseException) -> str:
    first_line = next(iter(str(exc).strip().splitlines()), "")
    text = redact_text(first_line)
    if len(text) > _MAX_DETAIL:
        text = text[:_MAX_DETAIL] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def translate(exc: BaseException, operation: str, path: str) -> KozmoIOError:
    """Map a backend exception to the kozmo_io exception to raise ``from`` it.

    Args:
        exc: What the backend raised.
        operation: ``head``, ``get``, ``put``, ``list``, ``delete`` or ``open`` (building a store).
        path: The reference (or store URL) the operation was about; redacted here.

    The backend exception (and its chain) is redacted in place, so the ``__cause__`` shows no
    credential of an endpoint or a URI.

    Returns:
        :class:`NotFoundError` for a missing object, :class:`InvalidReferenceError` for a path the
        backend could not parse, :class:`StorageError` for anything else. A kozmo_io exception is
        returned unchanged.
    """
    if isinstance(exc, KozmoIOError):
        return exc
    # The backend error becomes the cause, and the exception being handled the context, of the
    # error raised from this one: neither may show a secret.
    scrub(exc)
    handled = sys.exc_info()[1]
    if handled is not None and handled is not exc:
        scrub(handled)
    shown = redact(path)
    if operation in _OBJECT_OPERATIONS and (
        isinstance(exc, (FileNotFoundError, NotADirectoryError)) or _NOT_A_DIRECTORY in str(exc)
    ):
        return NotFoundError(shown)
    if isinstance(exc, ValueError) and operation != "open":
        return InvalidReferenceError(f"the store cannot address {shown}: {_detail(exc)}")
    if _METADATA_SERVICE.search(str(exc)):
        msg = (
            f"{operation} {shown} failed: no credentials found: none were passed to the store or "
            "set in the environment (e.g. AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), and the "
            f"cloud metadata service did not provide any ({_detail(exc)})"
        )
        return StorageError(msg)
    return StorageError(f"{operation} {shown} failed: {_detail(exc)}")
