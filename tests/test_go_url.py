"""The port of Go's net/url: Go's own resolve, round-trip and rejection vectors, row by row."""

from __future__ import annotations

import pytest

from kozmo_io._go_url import URLError, escaped_path, parse, resolve, to_string, unescape

RFC_BASE = "http://a/b/c/d;p?q"

# Go's resolveReferenceTests for RFC 3986 section 5.4 (normal, then abnormal examples).
RESOLVE_RFC_3986 = [
    ("g:h", "g:h"),
    ("g", "http://a/b/c/g"),
    ("./g", "http://a/b/c/g"),
    ("g/", "http://a/b/c/g/"),
    ("/g", "http://a/g"),
    ("//g", "http://g"),
    ("?y", "http://a/b/c/d;p?y"),
    ("g?y", "http://a/b/c/g?y"),
    ("#s", "http://a/b/c/d;p?q#s"),
    ("g#s", "http://a/b/c/g#s"),
    ("g?y#s", "http://a/b/c/g?y#s"),
    (";x", "http://a/b/c/;x"),
    ("g;x", "http://a/b/c/g;x"),
    ("g;x?y#s", "http://a/b/c/g;x?y#s"),
    ("", "http://a/b/c/d;p?q"),
    (".", "http://a/b/c/"),
    ("./", "http://a/b/c/"),
    ("..", "http://a/b/"),
    ("../", "http://a/b/"),
    ("../g", "http://a/b/g"),
    ("../..", "http://a/"),
    ("../../", "http://a/"),
    ("../../g", "http://a/g"),
    ("../../../g", "http://a/g"),
    ("../../../../g", "http://a/g"),
    ("/./g", "http://a/g"),
    ("/../g", "http://a/g"),
    ("g.", "http://a/b/c/g."),
    (".g", "http://a/b/c/.g"),
    ("g..", "http://a/b/c/g.."),
    ("..g", "http://a/b/c/..g"),
    ("./../g", "http://a/b/g"),
    ("./g/.", "http://a/b/c/g/"),
    ("g/./h", "http://a/b/c/g/h"),
    ("g/../h", "http://a/b/c/h"),
    ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
    ("g;x=1/../y", "http://a/b/c/y"),
    ("g?y/./x", "http://a/b/c/g?y/./x"),
    ("g?y/../x", "http://a/b/c/g?y/../x"),
    ("g#s/./x", "http://a/b/c/g#s/./x"),
    ("g#s/../x", "http://a/b/c/g#s/../x"),
]


@pytest.mark.parametrize(("ref", "expected"), RESOLVE_RFC_3986)
def test_resolve_follows_rfc_3986_examples_as_go_does(ref: str, expected: str) -> None:
    assert to_string(resolve(parse(RFC_BASE), parse(ref))) == expected


# Go's resolveReferenceTests beyond the RFC: object-store style bases and dot segments.
RESOLVE_MORE = [
    ("s3://bucket/prefix/", "key", "s3://bucket/prefix/key"),
    ("s3://bucket/prefix", "key", "s3://bucket/key"),
    ("s3://bucket", "key", "s3://bucket/key"),
    ("http://foo.com/bar", "..", "http://foo.com/"),
    ("http://foo.com/bar/baz", "../quux", "http://foo.com/quux"),
    ("http://foo.com/bar/baz", "../../../../../quux", "http://foo.com/quux"),
    ("http://foo.com/bar/baz", "./..", "http://foo.com/"),
    ("http://foo.com/bar/baz", "quux/./dotdot/../tail", "http://foo.com/bar/quux/tail"),
    ("http://foo.com/bar/baz", "quux/./dotdot/./tail/..", "http://foo.com/bar/quux/dotdot/"),
    ("http://foo/bar", "https://baz/qux", "https://baz/qux"),
    ("https://foo/bar", "//baz/qux", "https://baz/qux"),
    ("http://foo.com/dir/", "a%2Fb", "http://foo.com/dir/a%2Fb"),
]


@pytest.mark.parametrize(("base", "ref", "expected"), RESOLVE_MORE)
def test_resolve_matches_go_beyond_the_rfc(base: str, ref: str, expected: str) -> None:
    assert to_string(resolve(parse(base), parse(ref))) == expected


# Strings Go's url.Parse accepts and URL.String writes back unchanged.
ROUND_TRIPS = [
    "s3://bucket/a/b.pb",
    "gs://bucket/with%20space/x",
    "file:///tmp/x/y",
    "http://user:pass@host:8080/p?q=1#frag",
    "http://[::1]:9000/b/k",
    "mailto:someone@example.com",
    "/just/a/path",
    "relative/path",
    "a%2Fb/c",
    "http://host/%7Efoo",
]


@pytest.mark.parametrize("text", ROUND_TRIPS)
def test_parse_then_to_string_gives_back_what_go_gives_back(text: str) -> None:
    assert to_string(parse(text)) == text


# Go: path decoded, the escaped form kept where the decoded path would re-escape differently.
PATHS = [
    ("s3://b/a%20b", "/a b", "/a%20b"),
    ("s3://b/a%2Fb", "/a/b", "/a%2Fb"),
    ("s3://b/plain", "/plain", "/plain"),
    ("s3://b/caf%C3%A9", "/café", "/caf%C3%A9"),
]


@pytest.mark.parametrize(("text", "path", "escaped"), PATHS)
def test_path_is_decoded_and_its_escaped_form_kept(text: str, path: str, escaped: str) -> None:
    url = parse(text)
    assert (url.path, escaped_path(url)) == (path, escaped)


UNESCAPES = [
    ("plain", "plain"),
    ("a%20b", "a b"),
    ("%41%42", "AB"),
    ("a+b", "a+b"),
    ("%ff", "\udcff"),
]


@pytest.mark.parametrize(("text", "expected"), UNESCAPES)
def test_unescape_decodes_like_go_path_mode(text: str, expected: str) -> None:
    assert unescape(text) == expected


# Strings Go's url.Parse rejects, and the part of its message that names why.
REJECTED = [
    ("s3://b/%zz", "invalid URL escape '%zz'"),
    ("s3://b/%4", "invalid URL escape '%4'"),
    ("http://host:port/x", "port"),
    ("http://[::1/x", "missing ']' in host"),
    ("http://a b/x", "invalid character"),
    ("a\x7fb", "invalid control character"),
    (":no-scheme", "missing protocol scheme"),
]


@pytest.mark.parametrize(("text", "why"), REJECTED)
def test_parse_rejects_what_go_rejects_naming_why(text: str, why: str) -> None:
    with pytest.raises(URLError) as raised:
        parse(text)
    assert why in str(raised.value)


def test_rejection_never_quotes_the_userinfo() -> None:
    with pytest.raises(URLError) as raised:
        parse("s3://user:s3cr3t@host:bad/x")
    assert "s3cr3t" not in str(raised.value)
