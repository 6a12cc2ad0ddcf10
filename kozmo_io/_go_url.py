"""A port of the parts of Go's ``net/url`` (Go 1.19) that the reference join and split rely on.

Go strings are bytes; here decoded values (path, host, user, fragment) are ``str`` holding the
UTF-8 decoding with ``surrogateescape``, so any byte sequence survives a decode/re-escape round
trip as in Go.
Error messages never quote userinfo, so callers may show them next to a redacted reference.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import unquote_to_bytes

__all__ = (
    "CONTROL",
    "URL",
    "URLError",
    "escaped_path",
    "parse",
    "path_reference",
    "resolve",
    "to_string",
    "unescape",
)

_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
# Bytes that Go's shouldEscape leaves alone, per encoding mode.
_KEEP_PATH = _ALNUM + "-_.~$&+,/:;=@"
_KEEP_HOST = _ALNUM + "-_.~!$&'()*+,;=:[]<>\""
_KEEP_USERINFO = _ALNUM + "-_.~$&+,;="
_KEEP_FRAGMENT = _ALNUM + "-_.~$&+,/:;=?@!()*"

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
"""The ASCII control characters (Go's ``stringContainsCTLByte``): refused in any reference."""
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Go's validEncoded: what may stay verbatim in an already-escaped path / fragment.
_VALID_PATH = re.compile(r"[A-Za-z0-9\-._~/!$&'()*+,;=:@\[\]%]*")
_VALID_FRAGMENT = re.compile(r"[A-Za-z0-9\-._~/!$&'()*+,;=:@\[\]%?]*")
_VALID_USERINFO = re.compile(r"[A-Za-z0-9\-._:~!$&'()*+,;=%@]*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")


class _Escaper(NamedTuple):
    plain: re.Pattern[str]  # text that needs no escaping (the common case, kept fast)
    table: tuple[str, ...]  # byte -> its output


def _escaper(keep: str) -> _Escaper:
    return _Escaper(
        re.compile(f"[{re.escape(keep)}]*"),
        tuple(chr(b) if chr(b) in keep else f"%{b:02X}" for b in range(256)),
    )


_ESC_PATH = _escaper(_KEEP_PATH)
_ESC_HOST = _escaper(_KEEP_HOST)
_ESC_USERINFO = _escaper(_KEEP_USERINFO)
_ESC_FRAGMENT = _escaper(_KEEP_FRAGMENT)


class URLError(ValueError):
    """A string that Go's ``url.Parse`` rejects (the message names no userinfo)."""


class URL(NamedTuple):
    """The fields of Go's ``url.URL`` (user is ``(name, password or None)``)."""

    scheme: str = ""
    opaque: str = ""
    user: tuple[str, str | None] | None = None
    host: str = ""
    path: str = ""
    raw_path: str = ""
    omit_host: bool = False
    force_query: bool = False
    raw_query: str = ""
    fragment: str = ""
    raw_fragment: str = ""


def _escape(text: str, escaper: _Escaper) -> str:
    """Go's ``escape``: every byte outside the mode's keep set becomes ``%XX``."""
    if escaper.plain.fullmatch(text):
        return text
    return "".join(map(escaper.table.__getitem__, text.encode("utf-8", "surrogateescape")))


def unescape(text: str) -> str:
    """Decode percent-escapes like Go's ``unescape`` in path, fragment or userinfo mode.

    Args:
        text: Escaped text.

    Returns:
        The decoded text (bytes that are not UTF-8 kept as surrogate escapes).

    Raises:
        URLError: A ``%`` is not followed by two hex digits.
    """
    if "%" not in text:
        return text
    bad = _BAD_ESCAPE.search(text)
    if bad is not None:
        msg = f"invalid URL escape {text[bad.start() : bad.start() + 3]!r}"
        raise URLError(msg)
    return unquote_to_bytes(text).decode("utf-8", "surrogateescape")


def _unescape_host(text: str, *, zone: bool = False) -> str:
    for index, char in enumerate(text):
        if char == "%":
            pair = text[index + 1 : index + 3]
            if len(pair) < 2 or not all(c in "0123456789abcdefABCDEF" for c in pair):  # noqa: PLR2004 two hex digits
                msg = f"invalid URL escape {text[index : index + 3]!r}"
                raise URLError(msg)
            value = int(pair, 16)
            if zone:
                allowed = pair == "25" or value == ord(" ") or chr(value) in _KEEP_HOST
            else:
                allowed = pair == "25" or value >= 0x80  # noqa: PLR2004 only non-ASCII bytes may be escaped
            if not allowed:
                msg = f"invalid URL escape {text[index : index + 3]!r}"
                raise URLError(msg)
        elif char < "\x80" and char not in _KEEP_HOST:
            msg = f"invalid character {char!r} in host name"
            raise URLError(msg)
    return unquote_to_bytes(text).decode("utf-8", "surrogateescape") if "%" in text else text


def _valid_port(port: str) -> bool:
    return port == "" or (port[0] == ":" and all("0" <= c <= "9" for c in port[1:]))


def _parse_host(host: str) -> str:
    if host.startswith("["):
        end = host.rfind("]")
        if end < 0:
            msg = "missing ']' in host"
            raise URLError(msg)
        if not _valid_port(host[end + 1 :]):
            msg = f"invalid port {host[end + 1 :]!r} after host"
            raise URLError(msg)
        zone = host.find("%25", 0, end)
        if zone >= 0:
            return (
                _unescape_host(host[:zone])
                + _unescape_host(host[zone:end], zone=True)
                + _unescape_host(host[end:])
            )
    else:
        colon = host.rfind(":")
        if colon >= 0 and not _valid_port(host[colon:]):
            msg = f"invalid port {host[colon:]!r} after host"
            raise URLError(msg)
    return _unescape_host(host)


def _parse_userinfo(userinfo: str) -> tuple[str, str | None]:
    # Messages here stay generic: quoting the offending escape would leak part of a secret.
    if _VALID_USERINFO.fullmatch(userinfo) is None or _BAD_ESCAPE.search(userinfo):
        msg = "invalid userinfo"
        raise URLError(msg)
    name, colon, password = userinfo.partition(":")
    return unescape(name), (unescape(password) if colon else None)


def escaped_path(url: URL) -> str:
    """Go's ``URL.EscapedPath``.

    Args:
        url: A parsed URL.

    Returns:
        The path as it is written in the URL.
    """
    raw = url.raw_path
    if raw and _VALID_PATH.fullmatch(raw) and unescape(raw) == url.path:
        return raw
    if url.path == "*":
        return "*"
    return _escape(url.path, _ESC_PATH)


def _escaped_fragment(url: URL) -> str:
    raw = url.raw_fragment
    if raw and _VALID_FRAGMENT.fullmatch(raw) and unescape(raw) == url.fragment:
        return raw
    return _escape(url.fragment, _ESC_FRAGMENT)


def _path_fields(text: str) -> tuple[str, str]:
    """Go's ``setPath``: the decoded path and the raw hint (``""`` if default escaping matches)."""
    path = unescape(text)
    return path, ("" if _escape(path, _ESC_PATH) == text else text)


def path_reference(text: str) -> URL:
    """The relative reference made of ``text`` as its path, without Go's scheme or colon checks.

    Args:
        text: An escaped path (the caller has checked its first segment).

    Returns:
        The reference.

    Raises:
        URLError: ``text`` holds an invalid percent-escape.
    """
    path, raw_path = _path_fields(text)
    return URL(path=path, raw_path=raw_path)


def parse(raw_url: str) -> URL:  # noqa: C901, PLR0912 a port of Go's url.Parse, branch for branch
    """Go's ``url.Parse``.

    Args:
        raw_url: The text to parse.

    Returns:
        The parsed URL.

    Raises:
        URLError: Go's parser rejects ``raw_url``.
    """
    rest, _, frag = raw_url.partition("#")
    if CONTROL.search(rest):
        msg = "invalid control character in URL"
        raise URLError(msg)
    if rest == "*":
        url = URL(path="*")
    else:
        scheme = ""
        match = _SCHEME.match(rest)
        if rest.startswith(":"):
            msg = "missing protocol scheme"
            raise URLError(msg)
        if match is not None and rest[match.end() : match.end() + 1] == ":":
            scheme, rest = rest[: match.end()].lower(), rest[match.end() + 1 :]
        force_query = rest.endswith("?") and rest.count("?") == 1
        if force_query:
            rest, raw_query = rest[:-1], ""
        else:
            rest, _, raw_query = rest.partition("?")
        if not rest.startswith("/"):
            if scheme:
                url = URL(scheme=scheme, opaque=rest, force_query=force_query, raw_query=raw_query)
                return _with_fragment(url, frag) if frag else url
            if ":" in rest.partition("/")[0]:
                msg = "first path segment in URL cannot contain colon"
                raise URLError(msg)
        user: tuple[str, str | None] | None = None
        host = ""
        omit_host = False
        if (scheme or not rest.startswith("///")) and rest.startswith("//"):
            authority, slash, tail = rest[2:].partition("/")
            rest = slash + tail
            at = authority.rfind("@")
            host = _parse_host(authority[at + 1 :])
            if at >= 0:
                user = _parse_userinfo(authority[:at])
        elif scheme and rest.startswith("/"):
            omit_host = True
        path, raw_path = _path_fields(rest)
        url = URL(scheme, "", user, host, path, raw_path, omit_host, force_query, raw_query)
    return _with_fragment(url, frag) if frag else url


def _with_fragment(url: URL, frag: str) -> URL:
    fragment = unescape(frag)
    raw = "" if _escape(fragment, _ESC_FRAGMENT) == frag else frag
    return url._replace(fragment=fragment, raw_fragment=raw)


def _resolve_path(base: str, ref: str) -> str:
    """Go's ``resolvePath``: merge and remove dot segments (RFC 3986 5.2.3-5.2.4)."""
    if not ref:
        full = base
    elif ref[0] != "/":
        full = base[: base.rfind("/") + 1] + ref
    else:
        full = ref
    if not full:
        return ""
    # A literal port: Go's "first" flag makes "." and ".." interact with empty segments subtly.
    dst = "/"
    first = True
    elem = ""
    for elem in full.split("/"):
        if elem == ".":
            first = False
        elif elem == "..":
            index = dst.rfind("/", 1)
            if index < 0:
                dst, first = "/", True
            else:
                dst = dst[:index]
        else:
            dst = f"{dst}{elem}" if first else f"{dst}/{elem}"
            first = False
    if elem in {".", ".."}:
        dst += "/"
    return dst[1:] if dst.startswith("//") else dst


def resolve(base: URL, ref: URL) -> URL:
    """Go's ``URL.ResolveReference`` (RFC 3986 section 5.2).

    Args:
        base: The base URL.
        ref: The reference to resolve against it.

    Returns:
        The resolved URL.
    """
    url = ref if ref.scheme else ref._replace(scheme=base.scheme)
    if ref.scheme or ref.host or ref.user is not None:
        path, raw_path = _path_fields(_resolve_path(escaped_path(ref), ""))
        return url._replace(path=path, raw_path=raw_path)
    if ref.opaque:
        return url._replace(user=None, host="", path="")
    if not ref.path and not ref.force_query and not ref.raw_query:
        url = url._replace(raw_query=base.raw_query)
        if not ref.fragment:
            url = url._replace(fragment=base.fragment, raw_fragment=base.raw_fragment)
    path, raw_path = _path_fields(_resolve_path(escaped_path(base), escaped_path(ref)))
    return url._replace(host=base.host, user=base.user, path=path, raw_path=raw_path)


def to_string(url: URL) -> str:  # noqa: C901 a port of Go's URL.String, branch for branch
    """Go's ``URL.String``.

    Args:
        url: A URL.

    Returns:
        Its serialised form.
    """
    out: list[str] = []
    if url.scheme:
        out += (url.scheme, ":")
    if url.opaque:
        out.append(url.opaque)
    else:
        if (url.scheme or url.host or url.user is not None) and not (
            url.omit_host and not url.host and url.user is None
        ):
            if url.host or url.path or url.user is not None:
                out.append("//")
            if url.user is not None:
                name, password = url.user
                out.append(_escape(name, _ESC_USERINFO))
                if password is not None:
                    out += (":", _escape(password, _ESC_USERINFO))
                out.append("@")
            if url.host:
                out.append(_escape(url.host, _ESC_HOST))
        path = escaped_path(url)
        if path and path[0] != "/" and url.host:
            out.append("/")
        if not out and ":" in path.partition("/")[0]:
            out.append("./")
        out.append(path)
    if url.force_query or url.raw_query:
        out += ("?", url.raw_query)
    if url.fragment:
        out += ("#", _escaped_fragment(url))
    return "".join(out)
