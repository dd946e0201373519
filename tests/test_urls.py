import pytest
from hypothesis import given
from hypothesis import strategies as st

from streamlang.runtime.urls import query, url_decode, url_encode, url_host, url_path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/a/b?x=1", "/a/b"),
        ("/a/b", "/a/b"),
        ("/a/b#top", "/a/b"),
        ("/a/b#top?x=1", "/a/b"),
        ("/a/b?x=1#top", "/a/b"),
        ("/", "/"),
        ("", ""),
        ("-", "-"),
        ("?x=1", ""),
        ("/search%20results/caf%C3%A9", "/search results/café"),
        ("/c++/a+b", "/c++/a+b"),
        ("/what%3F/x?y", "/what?/x"),
        ("/bad%zz/half%4/end%", "/bad%zz/half%4/end%"),
        ("/raw%FF", "/raw\udcff"),
        ("//etc/passwd", "//etc/passwd"),
        ("http://example.com/a/b?x=1#f", "/a/b"),
        ("HTTPS://Example.com:8443/A%2FB", "/A/B"),
        ("http://example.com", "/"),
        ("http://example.com?x=1", "/"),
        ("http://user:pw@example.com/p", "/p"),
        ("file:///tmp/x", "/tmp/x"),
        ("mailto:someone@example.com", "someone@example.com"),
        ("index.html?x=1", "index.html"),
        ("http://[::1", "/"),
    ],
)
def test_url_path(text: str, expected: str) -> None:
    assert url_path(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://example.com/a", "example.com"),
        ("https://User:pw@Example.COM:8443/a?b#c", "example.com"),
        ("http://example.com", "example.com"),
        ("http://example.com?x=/y", "example.com"),
        ("http://example.com#frag", "example.com"),
        ("http://[2001:db8::1]:8080/x", "2001:db8::1"),
        ("http://[::1", "::1"),
        ("http://a@b@c.com/", "c.com"),
        ("http:///no-host", None),
        ("http://:80/", None),
        ("/a/b?x=1", None),
        ("//cdn.example.com/x", None),
        ("example.com/a", None),
        ("mailto:someone@example.com", None),
        ("", None),
        ("-", None),
    ],
)
def test_url_host(text: str, expected: str | None) -> None:
    assert url_host(text) == expected


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("/search?q=caf%C3%A9+menu&page=2", "q", "café menu"),
        ("/search?q=caf%C3%A9+menu&page=2", "page", "2"),
        ("/search?q=1&q=2", "q", "1"),
        ("/search?q=1", "p", None),
        ("/search", "q", None),
        ("", "q", None),
        ("/search?q=", "q", ""),
        ("/search?debug&q=1", "debug", ""),
        ("/search?a=1&&b=2", "b", "2"),
        ("/search?a=x=y", "a", "x=y"),
        ("/search?a%5Bb%5D=1", "a[b]", "1"),
        ("/search?my+key=v", "my key", "v"),
        ("/search?q=1#frag", "q", "1"),
        ("/search?q=1#x&p=2", "p", None),
        ("/page#frag?q=1", "q", None),
        ("/search?q=%zz%4", "q", "%zz%4"),
        ("/search?q=%FF", "q", "\udcff"),
        ("/search?q=a%26b&r=c", "q", "a&b"),
        ("http://example.com/s?q=x%2By", "q", "x+y"),
        ("/s?Q=1", "q", None),
    ],
)
def test_query(text: str, name: str, expected: str | None) -> None:
    assert query(text, name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/caf%C3%A9%20menu", "/café menu"),
        ("a+b", "a+b"),
        ("%41%42%43", "ABC"),
        ("%zz%4%", "%zz%4%"),
        ("%FF%FE", "\udcff\udcfe"),
        ("%E2%82", "\udce2\udc82"),
        ("", ""),
    ],
)
def test_url_decode(text: str, expected: str) -> None:
    assert url_decode(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a b/c?d=é", "a%20b%2Fc%3Fd%3D%C3%A9"),
        ("AZaz09-._~", "AZaz09-._~"),
        ("a+b&c#d%", "a%2Bb%26c%23d%25"),
        ("\udcff", "%FF"),
        ("\ud800", "%ED%A0%80"),
        ("", ""),
    ],
)
def test_url_encode(text: str, expected: str) -> None:
    assert url_encode(text) == expected


# Text as StreamLang reads it: any character, with undecodable input bytes as surrogate
# escapes (a lone 0x80 or 0xFF byte can never join its neighbours into valid UTF-8).
texts = st.text(st.one_of(st.characters(codec="utf-8"), st.sampled_from("%+?#&=/:@[]\udc80\udcff")))
# Anything a str can hold, lone surrogates included.
anything = st.text(st.one_of(st.characters(), st.sampled_from("%+?#&=/:@[]")))


@given(texts)
def test_url_decode_inverts_url_encode(s: str) -> None:
    assert url_decode(url_encode(s)) == s


@given(texts)
def test_query_reads_an_encoded_value(value: str) -> None:
    assert query(f"/p?a=1&key={url_encode(value)}&key=2#f", "key") == value


@given(anything, anything)
def test_url_functions_never_raise(s: str, name: str) -> None:
    assert isinstance(url_path(s), str)
    assert isinstance(url_decode(s), str)
    assert isinstance(url_encode(s), str)
    assert url_host(s) is None or isinstance(url_host(s), str)
    assert query(s, name) is None or isinstance(query(s, name), str)
