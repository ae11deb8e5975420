"""Pages whose declared encoding is wrong still read correctly."""

from newsdesk.extract.encoding import decode_html

TEXT = "Zürich’s café reopens — “finally”, says Ørsted"


def page(charset: str, body_encoding: str) -> bytes:
    return f'<html><head><meta charset="{charset}"></head><body><p>{TEXT}</p></body></html>'.encode(body_encoding)


def test_utf8_body_declared_as_latin1_reads_as_utf8():
    assert TEXT in decode_html(page("iso-8859-1", "utf-8"))


def test_windows_1252_body_declared_as_utf8_reads_correctly():
    assert TEXT in decode_html(page("utf-8", "windows-1252"))


def test_undeclared_windows_1252_body_is_detected():
    raw = f"<html><body><p>{TEXT} {TEXT}</p></body></html>".encode("windows-1252")
    assert TEXT in decode_html(raw)


def test_header_charset_is_used_when_the_page_says_nothing_and_utf8_fails():
    raw = "<html><body><p>Привет, мир: новости дня</p></body></html>".encode("koi8-r")
    assert "Привет, мир" in decode_html(raw, header_charset="koi8-r")


def test_byte_order_mark_wins():
    raw = "\ufeff<html><body><p>Ça va</p></body></html>".encode("utf-16")
    assert "Ça va" in decode_html(raw)


def test_text_encoded_twice_is_repaired():
    twice = TEXT.encode("utf-8").decode("latin-1")  # what a page saved through a wrong decode holds
    raw = f'<html><head><meta charset="utf-8"></head><body><p>{twice}</p></body></html>'.encode("utf-8")
    assert TEXT in decode_html(raw)


def test_windows_1252_mojibake_is_repaired():
    twice = "It’s done — twice, they said.".encode("utf-8").decode("cp1252")
    raw = f"<html><body><p>{twice}</p></body></html>".encode("utf-8")
    assert "It’s done — twice" in decode_html(raw)


def test_a_single_odd_sequence_is_left_as_written():
    raw = "<html><body><p>Broken pages show “Ã¤” where “ä” was meant.</p></body></html>".encode("utf-8")
    assert "“Ã¤”" in decode_html(raw)
