"""The one credential redactor of kozmo_io: userinfo and credential query parameters become ``***``.

:func:`redact_uri` hides what a single URI carries; :func:`redact_text` hides it in free text that
may hold any number of URIs (a backend's error message, a repr); :func:`scrub` redacts an exception
chain in place, so a backend error chained as a cause shows no secret either.

Hidden: the userinfo of a URI (``s3://KEY:SECRET@b/k`` -> ``s3://***@b/k``) and the value of every
query parameter that carries a credential: AWS's ``X-Amz-Signature``, ``X-Amz-Credential``,
``X-Amz-Security-Token``, GCS's ``X-Goog-Signature`` and ``X-Goog-Credential``, Azure SAS ``sig``,
and any parameter whose name speaks of a signature, token, secret, password, credential or key.
"""

from __future__ import annotations

import contextlib
import re
from typing import Final

__all__ = ("redact_text", "redact_uri", "scrub")

_AUTHORITY: Final = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//([^/?#]*)")
_URI_IN_TEXT: Final = re.compile(r"(?i)\b[a-z][a-z0-9+.\-]*://[^\s\"'<>]*")
_QUERY: Final = re.compile(r"\?[^\s#\"'<>]*")
_SECRET_PARAMETER: Final = re.compile(
    r"(?i)(^|[?&;])("
    r"sig|key|code|"
    r"[\w.~%\-]*(?:signature|token|secret|passw(?:or)?d|credential|api[_\-]?key|access[_\-]?key"
    r"|account[_\-]?key|private[_\-]?key|sas)[\w.~%\-]*"
    r")=([^&;#\s\"'<>]*)"
)
_HIDDEN: Final = "***"


def _redact_query(query: re.Match[str]) -> str:
    return _SECRET_PARAMETER.sub(
        lambda match: f"{match.group(1)}{match.group(2)}={_HIDDEN}" if match.group(3) else match[0],
        query.group(),
    )


def _redact_userinfo(uri: str) -> str:
    match = _AUTHORITY.match(uri)
    if match is None:
        return uri
    start = match.start(1)
    authority = match.group(1)
    at = authority.rfind("@")
    if at < 0:
        port = authority[authority.rfind(":") + 1 :]
        if ":" not in authority or authority.startswith("[") or port.isdigit() or not port:
            return uri
        # A secret holding an unescaped "/", "?" or "#": hide everything up to the "@" after it.
        rest = uri[start:]
        first_at = rest.find("@")
        if first_at < 0:
            return uri
        end = rest.find("/", first_at)
        at = rest.rfind("@", 0, end if end >= 0 else len(rest))
    return f"{uri[:start]}{_HIDDEN}{uri[start + at :]}"


def redact_uri(uri: str) -> str:
    """Hide the userinfo and the credential query parameters of one URI.

    Works on any text, parseable or not.

    Args:
        uri: The URI.

    Returns:
        ``uri`` with each secret replaced by ``***``.
    """
    uri = str(uri)  # a plain str, also for a str subclass
    text = _redact_userinfo(uri)
    return _QUERY.sub(_redact_query, text) if "?" in text else text


def redact_text(text: str) -> str:
    """Hide the secrets of every URI found in ``text`` (a message, a repr).

    Args:
        text: Any text.

    Returns:
        ``text`` with each URI's userinfo and credential query parameters replaced by ``***``.
    """
    text = str(text)
    if "://" in text:
        text = _URI_IN_TEXT.sub(lambda match: _redact_userinfo(match.group()), text)
    return _QUERY.sub(_redact_query, text) if "?" in text else text


def scrub(exc: BaseException) -> None:
    """Redact, in place, the messages of ``exc`` and of every exception chained to it.

    A backend error kept as the ``__cause__`` of a kozmo_io error then shows no secret in a
    traceback, ``str`` or ``repr``.

    Args:
        exc: The exception.
    """
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        args = tuple(redact_text(arg) if isinstance(arg, str) else arg for arg in current.args)
        if args != current.args:
            with contextlib.suppress(TypeError, AttributeError):  # an exception that fixes args
                current.args = args
        if isinstance(current, OSError):
            for name in ("strerror", "filename", "filename2"):
                value = getattr(current, name, None)
                if isinstance(value, str) and redact_text(value) != value:
                    with contextlib.suppress(TypeError, AttributeError):
                        setattr(current, name, redact_text(value))
        pending.extend(
            chained for chained in (current.__cause__, current.__context__) if chained is not None
        )
