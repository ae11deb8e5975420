"""No input crashes or hangs extract_article: it returns an article or raises ExtractError."""

import signal
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.extract import ExtractError, ExtractedArticle, extract_article

ARTICLE = ("<p>The harbour authority said on Friday that the new ferry terminal would open in June, two months "
           "later than planned, because of delays in the delivery of the boarding bridges.</p>")
FRAGMENTS = [
    "<html>", "<head>", "<body>", "</body>", "<div class='x'>", "</div>", "<p>", "</p>", "<article>", "<table><tr><td>",
    "<script>var a = '</p>';</script>", "<!--", "-->", "<![CDATA[", "]]>", "<meta charset='utf-16'>",
    "<meta http-equiv='Content-Type' content='text/html; charset=shift_jis'>", "<?xml version='1.0' encoding='ebcdic'?>",
    "&amp;", "&#0;", "&#xD800;", "&nosuch;", "\x00", "\ufeff", "\u202e", "é", "😀", "<p", ">", "<", "\"", "'",
    "<blockquote class='twitter-tweet'>", "<aside class='related'><a href='/x'>", "<iframe src='https://www.youtube.com/embed/abc'>",
    "<script type='application/ld+json'>{\"isAccessibleForFree\": false, \"hasPart\": [", ARTICLE, "word " * 30,
]
CHARSETS = ["utf-8", "utf-16", "utf-16-le", "latin-1", "cp1252", "shift_jis", "euc-kr", "gb18030", "koi8-r", "iso-8859-7"]
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def no_hang(seconds: int):
    """Fail the test instead of waiting forever when extraction loops."""
    def fail(signum, frame):
        raise TimeoutError(f"extract_article did not return within {seconds} s")
    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def extract_or_refuse(content, charset=None) -> ExtractedArticle | None:
    """Extract content; ExtractError is an allowed answer, any other exception fails the test."""
    try:
        return extract_article(content, "https://example.org/news/story", charset=charset)
    except ExtractError:
        return None


@QUICK
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_give_an_article_or_extract_error(content):
    extract_or_refuse(content)


@QUICK
@given(st.text(max_size=2048))
def test_arbitrary_text_gives_an_article_or_extract_error(content):
    extract_or_refuse(content)


@QUICK
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=60))
def test_broken_markup_gives_an_article_or_extract_error(parts):
    extract_or_refuse("".join(parts))
    extract_or_refuse("".join(parts).encode("utf-8", "surrogatepass"))


@QUICK
@given(st.sampled_from(CHARSETS), st.sampled_from(CHARSETS), st.sampled_from([None, *CHARSETS]),
       st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_lying_encodings_give_an_article_or_extract_error(written_in, declared, server_says, words):
    page = f"<html><head><meta charset='{declared}'></head><body><article><p>{words}</p>{ARTICLE}</article></body></html>"
    extract_or_refuse(page.encode(written_in, "replace"), charset=server_says)


@pytest.mark.parametrize("content", [b"", b"   \n\t ", "", b"\x00" * 1024, b"\xff\xfe\x00\x00" * 100,
                                     bytes(range(256)) * 64, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", b"GIF89a\x01\x00"])
def test_empty_and_binary_content_is_refused(content):
    with pytest.raises(ExtractError):
        extract_article(content)


def test_a_readable_page_in_a_lying_charset_still_gives_its_text():
    page = f"<html><head><meta charset='utf-8'></head><body><article>{ARTICLE}<p>Caf\xe9 owners welcomed it.</p></article></body></html>"
    article = extract_or_refuse(page.encode("cp1252"), charset="iso-8859-1")
    assert article is not None and "ferry terminal" in article.text


def test_ten_thousand_nested_elements_do_not_crash():
    page = "<html><body>" + "<div>" * 10_000 + ARTICLE + "</div>" * 10_000 + "</body></html>"
    with no_hang(60):
        extract_or_refuse(page.encode())
    with no_hang(60):
        extract_or_refuse(("<html><body>" + "<span><b>" * 5_000 + "deep" + "</b></span>" * 5_000).encode())


def test_a_fifty_megabyte_page_neither_crashes_nor_hangs():
    filler = "<div class='row'><span>cell</span></div>\n"
    page = ("<html><head><title>Big</title></head><body><article>" + ARTICLE
            + filler * (50_000_000 // len(filler)) + "</article></body></html>").encode()
    assert len(page) >= 50_000_000
    with no_hang(120):
        extract_or_refuse(page)
