"""Run-time support for StreamLang's URL functions.

Log fields hold every kind of URL-ish text: request targets (`/a/b?x=1`),
full URLs in referers, scanners' junk. These functions never raise: what
they cannot make sense of they return as it is (a malformed escape such as
`%zz` stays `%zz`). Percent-escapes that are not UTF-8 decode to the same
surrogate escapes that StreamLang uses for undecodable input bytes, so they
are written out as the original bytes.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

__all__ = ["query", "url_decode", "url_encode", "url_host", "url_path"]

# RFC 3986 scheme, followed by "//" when an authority (host) comes next.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def _strip_query(s: str) -> str:
    return s.partition("?")[0].partition("#")[0]


def _split_authority(s: str) -> tuple[str | None, str]:
    """Split a URL without query and fragment into its authority (or None) and path."""
    if s[:1] == "/":
        # A request target: even "//x" is a path in an HTTP request line.
        return None, s
    scheme = _SCHEME.match(s)
    rest = s[scheme.end():] if scheme else s
    if scheme is None or rest[:2] != "//":
        return None, rest
    slash = rest.find("/", 2)
    if slash < 0:
        return rest[2:], ""
    return rest[2:slash], rest[slash:]


def url_decode(s: str) -> str:
    """Decode `%XX` escapes; `+` stays `+` (use `query` for form values).

    >>> url_decode("/caf%C3%A9%20menu")
    '/café menu'
    """
    return unquote(s, errors="surrogateescape")


def url_encode(s: str) -> str:
    """Percent-encode everything but RFC 3986's unreserved characters `A-Z a-z 0-9 - . _ ~`.

    >>> url_encode("a b/c?d=é")
    'a%20b%2Fc%3Fd%3D%C3%A9'

    The result is safe as any part of a URL, and `url_decode` gives back `s`.
    """
    try:
        return quote(s, safe="~", errors="surrogateescape")
    except UnicodeEncodeError:
        # A lone surrogate that did not come from an undecodable byte.
        return quote(s, safe="~", errors="surrogatepass")


def url_path(s: str) -> str:
    """The percent-decoded path of a URL or request target, without query or fragment.

    >>> url_path("/search%20results/?q=x#top")
    '/search results/'

    Works on full URLs too (`http://h/a?b` gives `/a`; a URL with a host and
    no path gives `/`). Text starting with `/` is always a path, as in an
    HTTP request line, so `//a/b` is the path `//a/b`.
    """
    path = _strip_query(s)
    if path[:1] != "/":
        host, path = _split_authority(path)
        if host is not None and not path:
            return "/"
    return unquote(path, errors="surrogateescape") if "%" in path else path


def url_host(s: str) -> str | None:
    """The host of a full URL, lower-cased, without user info, port or IPv6 brackets; else None.

    >>> url_host("https://User@Example.COM:8443/a")
    'example.com'
    """
    authority, _ = _split_authority(_strip_query(s))
    if authority is None:
        return None
    host = authority.rpartition("@")[2]
    if host[:1] == "[":
        host = host[1:].partition("]")[0]
    else:
        host = host.partition(":")[0]
    return host.lower() or None


def query(s: str, name: str) -> str | None:
    """The first value of query parameter `name`, decoded (`+` is a space); None when absent.

    >>> query("/search?q=caf%C3%A9+menu&page=2", "q")
    'café menu'

    Parameter names are compared after decoding. A parameter written
    without `=` (`?debug`) has the value "".
    """
    head = s.partition("#")[0]
    start = head.find("?")
    if start < 0:
        return None
    for pair in head[start + 1:].split("&"):
        key, _, value = pair.partition("=")
        if key == name or (("%" in key or "+" in key) and _form_decode(key) == name):
            return _form_decode(value)
    return None


def _form_decode(text: str) -> str:
    if "+" in text:
        text = text.replace("+", " ")
    return unquote(text, errors="surrogateescape")
