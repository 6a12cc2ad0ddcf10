"""References to stored objects and the join that builds them (Go's ``storage.DataReference``).

A reference is a URI string such as ``s3://bucket/path/to/outputs.pb``; a scheme-less one
(``/tmp/x``) names a local path. :func:`construct_reference` reproduces Go's ``URLPathConstructor``
join exactly (RFC 3986 resolution, dot-segment removal, Go's path escaping), except that it refuses
keys that would escape or replace the base and keeps ``?`` and ``#`` inside the key:

* rejected with :class:`~kozmo_io.errors.InvalidReferenceError`: empty keys and keys of only ``/``
  (Go would replace the base path, or the bucket for two of them); ``..`` segments, also
  percent-encoded (``%2e%2e``, ``..%2f..``); a ``.`` segment written with escapes (``%2e``: Go keeps
  it, so the stored key would hold a ``.`` segment); a ``:`` in the first segment (``a:b`` replaces
  the whole reference in Go, ``1a:b`` fails there); a leading ``%2F`` in a key that needs escaping
  (Go decodes it into a real ``/``: ``%2F x`` replaces the base path); control characters; invalid
  percent-escapes (Go fails too) and escapes that do not decode as UTF-8 (no store takes these);
* ``?`` and ``#`` become ``%3F`` and ``%23``, so they stay part of the object key;
* a base with a query or fragment (``s3://b/out?v=1``) is rejected: Go treats its last segment as
  a file and drops it (``s3://b/out?v=1`` + ``x`` is ``s3://b/x``), and no object key carries one;
* a literal ``.`` segment is resolved as Go does (``a/./b`` is ``a/b``; a key ``.`` names the base).

Every message and ``repr`` shows references with their userinfo and credential query parameters
replaced by ``***``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final, SupportsIndex, cast, final, overload

from kozmo_io import _go_url
from kozmo_io._secrets import redact_uri
from kozmo_io.errors import InvalidReferenceError

__all__ = ("DataReference", "construct_reference", "redact")

_BAD_ESCAPE: Final = re.compile(r"%(?![0-9A-Fa-f]{2})")
_FIRST_SEGMENT: Final = re.compile(r"[^/?#]*")
_SCHEME_PREFIX: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_DOT_SEGMENTS: Final = frozenset((".", ".."))


def redact(uri: str) -> str:
    """Hide the credentials a URI carries: its userinfo and credential query parameters.

    ``s3://KEY:SECRET@b/k`` becomes ``s3://***@b/k``; ``https://h/k?X-Amz-Signature=abc`` becomes
    ``https://h/k?X-Amz-Signature=***`` (likewise ``X-Amz-Credential``, ``X-Amz-Security-Token``,
    Azure SAS ``sig`` and any token, signature, secret, password, credential or key parameter).
    Works on any text, parseable or not. When a secret holds an unescaped ``/``, ``?`` or ``#``
    (Go then fails on the "port"), everything up to the ``@`` that follows is hidden.

    Args:
        uri: The text to show.

    Returns:
        ``uri`` with its secrets replaced by ``***``.
    """
    return redact_uri(uri)


def _not_unicode(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


def _require_str(value: object, what: str) -> None:
    if not isinstance(value, str):
        msg = f"{what} must be str, got {type(value).__name__}"
        raise TypeError(msg)


def _parse(reference: str, shown: str) -> _go_url.URL:
    if _not_unicode(reference):
        msg = f"invalid reference {redact(shown)!r}: not valid Unicode text"
        raise InvalidReferenceError(msg)
    try:
        return _go_url.parse(reference)
    except _go_url.URLError as exc:
        msg = f"invalid reference {redact(shown)!r}: {exc}"
        raise InvalidReferenceError(msg) from exc


def _decoded(text: str) -> str | None:
    """The UTF-8 text behind the percent-escapes of ``text``, or None when it is not UTF-8."""
    try:
        return _go_url.unescape(text).encode("utf-8", "surrogateescape").decode()
    except UnicodeDecodeError:
        return None


def _key_problem(key: str) -> str | None:  # noqa: PLR0911 one early return per rejected kind
    """Why joining ``key`` would escape or replace the base (or fail in Go), or None if fine."""
    if _go_url.CONTROL.search(key):
        return "control characters are not allowed"
    if _not_unicode(key):
        return "not valid Unicode text"
    text = key.strip("/")
    if not text:
        return "empty keys (and keys of only '/') would replace the base path or add '//'"
    bad = _BAD_ESCAPE.search(text)
    if bad is not None:
        return f"invalid percent-escape {text[bad.start() : bad.start() + 3]!r}"
    for segment in text.split("/"):
        if segment == "..":
            return "a '..' segment would leave the base"
        if "%" in segment:
            decoded = _decoded(segment)
            if decoded is None:
                return "its percent-escapes do not decode as UTF-8"
            if not _DOT_SEGMENTS.isdisjoint(decoded.split("/")):
                return "a percent-encoded '.' or '..' segment is not allowed"
    return None


def _joined_keys(base: str, keys: tuple[str, ...]) -> str:
    """Check every key and return the text Go parses as the reference (``?`` and ``#`` escaped)."""
    for key in keys:
        _require_str(key, "keys")
        problem = _key_problem(key)
        if problem is not None:
            msg = f"cannot join key {redact(key)!r} to {redact(base)!r}: {problem}"
            raise InvalidReferenceError(msg)
    text = "/".join(key.strip("/") for key in keys)
    # The first segment is where Go looks for a scheme: "a:b" would replace the whole reference.
    first_segment = _FIRST_SEGMENT.match(text)
    if first_segment is not None and ":" in first_segment.group():
        problem = (
            "its first segment parses as a URL scheme and would replace the base"
            if _SCHEME_PREFIX.match(text)
            else "a ':' in the first segment is not allowed"
        )
        msg = f"cannot join key {redact(keys[0])!r} to {redact(base)!r}: {problem}"
        raise InvalidReferenceError(msg)
    if "?" in text or "#" in text:
        text = text.replace("?", "%3F").replace("#", "%23")
    return text


def construct_reference(base: str, *keys: str) -> DataReference:
    """Join ``keys`` under ``base`` exactly like Go's ``URLPathConstructor`` (minus its hazards).

    ``base`` gains a trailing ``/``; each key loses its leading and trailing ``/``; the keys are
    joined with ``/`` and resolved against the base per RFC 3986. A scheme-less base gains a
    leading ``/`` (``hello`` + ``x`` is ``/hello/x``; ``""`` + ``x`` is ``/x``); no keys give
    ``base`` + ``/``.

    Args:
        base: The reference to join under (may be ``""``).
        *keys: Path parts, each may contain inner ``/``.

    Returns:
        The joined reference.

    Raises:
        InvalidReferenceError: ``base`` does not parse or has a query or fragment, or a key would
            escape or replace the base (see the module docstring); the message names the key.
        TypeError: ``base`` or a key is not a ``str``.
    """
    _require_str(base, "base")
    base_url = _parse(base if base.endswith("/") else f"{base}/", shown=base)
    ref = _go_url.path_reference(_joined_keys(base, keys)) if keys else _go_url.URL()
    if base_url.raw_query or base_url.force_query or base_url.fragment:
        problem = "it has a query or fragment, which the join would drop with its last segment"
        msg = f"cannot join under {redact(base)!r}: {problem}"
        raise InvalidReferenceError(msg)
    if _go_url.escaped_path(ref).startswith("/"):
        # A key that needs escaping is decoded first, so a leading "%2F" turns into a real "/"
        # and the key replaces the base path ("%2F x" -> "/%20x").
        problem = "a leading '%2F' would replace the base path (Go decodes it before escaping)"
        msg = f"cannot join key {redact(keys[0])!r} to {redact(base)!r}: {problem}"
        raise InvalidReferenceError(msg)
    return DataReference(_go_url.to_string(_go_url.resolve(base_url, ref)))


@final
class DataReference(str):
    """A reference to a stored object or prefix: a ``str`` (Go's ``type DataReference string``).

    Constructing one never validates: any text is accepted and ``""`` means "no path".
    ``str(ref)`` is the real URI (credentials included); ``repr(ref)`` redacts them.

    ``split()`` and ``join()`` are Go's, not ``str.split``/``str.join`` (which they replace).
    """

    __slots__ = ()

    @overload  # type: ignore[override]  # Go's Split without arguments, by design
    def split(self) -> tuple[str, str, str]: ...
    @overload
    def split(self, sep: str | None, maxsplit: SupportsIndex = -1) -> list[str]: ...
    @overload
    def split(self, *, sep: str | None = None, maxsplit: SupportsIndex = -1) -> list[str]: ...

    def split(
        self, *args: str | SupportsIndex | None, **kwargs: str | SupportsIndex | None
    ) -> tuple[str, str, str] | list[str]:
        """Split into ``(scheme, container, key)`` like Go's ``DataReference.Split``.

        Called with arguments it is :meth:`str.split`, so code that treats the reference as a plain
        string (``ref.split("/")``) keeps working.

        The scheme is lower-cased; the container is the host with any ``:port`` (userinfo dropped;
        for ``abfs``/``abfss`` with a user name, that name, as in ADLS Gen2 ``container@account``);
        the key is the percent-decoded path without leading or trailing ``/``. Query and fragment
        are ignored.

        Returns:
            The scheme, container and key (``("", "", "a/b")`` for ``/a/b``).

        Raises:
            InvalidReferenceError: The reference does not parse as a URL (e.g. ``://x``, a bad port
                or escape), or its key does not decode as UTF-8.
        """
        if args or kwargs:
            return str(self).split(*args, **kwargs)  # type: ignore[arg-type]  # str's own checks
        url = _parse(self, shown=self)
        container = url.host
        if url.scheme in {"abfs", "abfss"} and url.user is not None and url.user[0]:
            container = url.user[0]
        try:
            return url.scheme, container.encode(errors="surrogateescape").decode(), _utf8(url.path)
        except UnicodeDecodeError as exc:
            msg = f"invalid reference {redact(self)!r}: percent-escapes do not decode as UTF-8"
            raise InvalidReferenceError(msg) from exc

    def join(self, *keys: str) -> DataReference:  # type: ignore[override]  # Go's join, by design
        """Join ``keys`` under this reference; see :func:`construct_reference`.

        Called with one iterable of strings instead, it is :meth:`str.join`, so code that treats the
        reference as a plain string keeps working.

        Args:
            *keys: Path parts.

        Returns:
            The joined reference.
        """
        only: object = keys[0] if len(keys) == 1 else ""
        if not isinstance(only, str):  # an untyped caller's str.join(iterable)
            return DataReference(str(self).join(cast("Iterable[str]", only)))
        return construct_reference(self, *keys)

    def redacted(self) -> str:
        """Return the reference with its userinfo replaced by ``***``, for messages and logs."""
        return redact(self)

    def __repr__(self) -> str:
        """Show the redacted reference."""
        return f"DataReference({redact(self)!r})"


def _utf8(path: str) -> str:
    return path.strip("/").encode(errors="surrogateescape").decode()
