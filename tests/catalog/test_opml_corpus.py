"""OPML reading on real and broken files: every feed taken, every repair said, hostile and junk input refused."""

from __future__ import annotations

import html
import os
import random
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from lxml import etree

from newsdesk.catalog.opml import OpmlDocument, OpmlError, Outline, parse_opml, read_opml, write_opml

REPO_ROOT = Path(__file__).resolve().parents[2]


def locate_opml_corpus() -> Path | None:
    base = Path(os.environ.get("NEWSDESK_CORPUS_DIR") or REPO_ROOT.parent / "shared" / "corpus")
    for folder in (base / "feeds-dev" / "opml", base / "opml", base):
        if (folder / "countries").is_dir() and (folder / "recommended").is_dir():
            return folder
    return None


@pytest.fixture(scope="module")
def corpus_folder() -> Path:
    folder = locate_opml_corpus()
    if folder is None:
        pytest.skip("no OPML corpus: set NEWSDESK_CORPUS_DIR")
    return folder


@pytest.fixture(scope="module")
def corpus(corpus_folder) -> dict[str, tuple[bytes, OpmlDocument]]:
    """Every corpus file by its path under opml/, with its raw bytes and how it was read."""
    files = sorted(corpus_folder.rglob("*.opml"))
    return {str(path.relative_to(corpus_folder)): (path.read_bytes(), parse_opml(path.read_bytes())) for path in files}


@pytest.fixture(scope="module")
def promised(corpus_folder) -> dict[str, int]:
    """The figures feeds-dev/SOURCE.md states for the OPML corpus."""
    if not (corpus_folder.parent / "SOURCE.md").is_file():
        pytest.skip("no SOURCE.md next to the OPML corpus")
    source = (corpus_folder.parent / "SOURCE.md").read_text()
    numbers = re.search(r"(\d+) OPML files, (\d+) distinct feed URLs", source)
    broken = re.search(r"(\d+) of the \d+ files are not well-formed", source)
    return {"files": int(numbers.group(1)), "urls": int(numbers.group(2)), "broken": int(broken.group(1))}


# The expectations below come from the raw text with plain regular expressions, never from the parser under test.

def expected_urls(raw: bytes) -> set[str]:
    text = raw.decode("utf-8")
    urls = re.findall(r'xmlUrl="([^"]*)"', text)
    assert len(urls) == text.count("xmlUrl="), "the corpus spells every feed URL xmlUrl=\"...\""
    return {url.replace("&amp;", "&").strip() for url in urls}


def expected_titles(raw: bytes) -> dict[str, str]:
    """Map each feed URL to its title; the corpus writes text, title, description, xmlUrl, type in that order."""
    text = raw.decode("utf-8")
    outline = re.compile(r'<outline text="[^\n]*?" title="([^\n]*?)" description=".*?" xmlUrl="([^"]*)" type="rss"', re.S)
    titles: dict[str, str] = {}
    matches = list(outline.finditer(text))
    assert len(matches) == text.count("xmlUrl=")
    for match in matches:
        titles.setdefault(match.group(2).replace("&amp;", "&"), " ".join(html.unescape(match.group(1)).split()))
    return titles


def expected_category(raw: bytes) -> str:
    """Return the text of the one category outline (one with no xmlUrl), or "" when there is none."""
    categories = re.findall(r'<outline text="([^"]*)" title="[^"]*">', raw.decode("utf-8"))
    assert len(categories) <= 1
    return html.unescape(categories[0]) if categories else ""


SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def is_well_formed(raw: bytes) -> bool:
    try:
        etree.fromstring(raw, SAFE_PARSER)
    except etree.XMLSyntaxError:
        return False
    return True


def test_corpus_holds_the_files_and_urls_source_md_promises(corpus, promised):
    assert len(corpus) == promised["files"]
    assert len(set().union(*(expected_urls(raw) for raw, _ in corpus.values()))) == promised["urls"]
    assert sum(not is_well_formed(raw) for raw, _ in corpus.values()) == promised["broken"]


def test_every_feed_url_of_every_file_is_taken(corpus, promised):
    for path, (raw, document) in corpus.items():
        assert {o.url for o in document.outlines} == expected_urls(raw), path
    assert len({o.url for _, document in corpus.values() for o in document.outlines}) == promised["urls"]


def test_broken_files_report_repairs_and_well_formed_files_none(corpus):
    for path, (raw, document) in corpus.items():
        if is_well_formed(raw):
            assert document.repairs == [], path
        else:
            assert document.repairs, path


def test_repairs_name_the_broken_lines(corpus):
    for path, (raw, document) in corpus.items():
        repaired_lines = {repair.line for repair in document.repairs}
        try:
            etree.fromstring(raw, SAFE_PARSER)
        except etree.XMLSyntaxError as error:
            assert error.lineno in repaired_lines, (path, error)
        for number, line in enumerate(raw.decode("utf-8").split("\n"), start=1):
            if re.search(r"&(?!amp;|lt;|gt;|quot;|apos;|#)", line):
                assert number in repaired_lines, (path, number)
            if re.search(r"&(?![#\w]+;)", line):
                assert any(str(r).endswith("read as '&amp;'") for r in document.repairs if r.line == number)


def test_titles_and_categories_survive(corpus):
    for path, (raw, document) in corpus.items():
        assert {o.url: o.title for o in document.outlines} == expected_titles(raw), path
        assert {o.category for o in document.outlines} == {expected_category(raw)}, path
    assert any(o.category == "Business & Economy" for _, document in corpus.values() for o in document.outlines)


def test_corpus_survives_an_export_and_a_second_reading(corpus):
    outlines = {o.url: o for _, document in corpus.values() for o in document.outlines}
    exported = write_opml(outlines.values())
    assert is_well_formed(exported.encode())
    again = parse_opml(exported.encode())
    assert again.repairs == []
    assert sorted(again.outlines, key=lambda o: o.url) == sorted(outlines.values(), key=lambda o: o.url)


# Small broken documents, one per kind of repair. The body starts on line 5.

def opml(body: str, head: str = "<title>Mine</title>") -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n<head>{head}</head>\n<body>\n{body}\n</body>\n</opml>\n'.encode()


def repair_texts(document: OpmlDocument) -> list[str]:
    return [str(repair) for repair in document.repairs]


BROKEN = {
    "ampersand in a title": (
        '<outline text="Tom & Jerry" xmlUrl="https://a.example/feed"/>',
        Outline("https://a.example/feed", "Tom & Jerry"), "line 5: unescaped '&' in the text attribute, read as '&amp;'"),
    "ampersand in a URL": (
        '<outline text="A" xmlUrl="https://a.example/?a=1&b=2"/>',
        Outline("https://a.example/?a=1&b=2", "A"), "line 5: unescaped '&' in the xmlUrl attribute"),
    "HTML entities": (
        '<outline text="Caf&eacute;&nbsp;Society" xmlUrl="https://cafe.example/rss"/>',
        Outline("https://cafe.example/rss", "Café Society"), "line 5: undeclared HTML entity '&eacute;' in the text attribute, read as 'é'"),
    "unknown entity": (
        '<outline text="A &bogus; B" xmlUrl="https://bogus.example/rss"/>',
        Outline("https://bogus.example/rss", "A &bogus; B"), "unknown entity '&bogus;' in the text attribute, read as the literal text"),
    "quotes inside a value": (
        '<outline text="The "Daily" Bugle" xmlUrl="https://bugle.example/rss"/>',
        Outline("https://bugle.example/rss", 'The "Daily" Bugle'), "line 5: unescaped '\"' inside the text attribute"),
    "HTML markup in a description": (
        '<outline text="Signal" description="By <a href="https://b.example" target="_blank">Basecamp</a>."\n'
        '  xmlUrl="https://signal.example/feed/" type="rss"/>',
        Outline("https://signal.example/feed/", "Signal"), "line 5: unescaped '<' in the description attribute, read as '&lt;'"),
    "unquoted values": (
        "<outline text=Plain type=rss xmlUrl=https://plain.example/feed/>",
        Outline("https://plain.example/feed/", "Plain"), "line 5: unquoted value in the xmlUrl attribute, quoted"),
    "mismatched quotes": (
        "<outline text=\"Mixed' xmlUrl=\"https://mixed.example/rss\"/>",
        Outline("https://mixed.example/rss", "Mixed"), "opened with a double quote and closed with a single quote"),
    "missing closing quote": (
        '<outline text="No end xmlUrl="https://noend.example/rss" type="rss"/>',
        Outline("https://noend.example/rss", "No end"), "line 5: no closing quote on the text attribute, read up to the next attribute"),
    "no space between attributes": (
        '<outline text="Glued"xmlUrl="https://glued.example/rss"/>',
        Outline("https://glued.example/rss", "Glued"), "line 5: no space after the text attribute, one added"),
    "typographic quotes": (
        "<outline text=“Curly” xmlUrl=“https://curly.example/rss”/>",
        Outline("https://curly.example/rss", "Curly"), "typographic quotes around the xmlUrl attribute, read without them"),
    "attribute given twice": (
        '<outline text="First" text="Second" xmlUrl="https://twice.example/rss"/>',
        Outline("https://twice.example/rss", "First"), "line 5: attribute 'text' given twice, kept the first"),
    "stray '<' in text": (
        opml('<outline text="Heart" xmlUrl="https://heart.example/rss"/>', head="<title>Feeds <3</title>"),
        Outline("https://heart.example/rss", "Heart"), "line 3: unescaped '<' in text, read as '&lt;'"),
    "control character": (
        '<outline text="Bell\x07" xmlUrl="https://bell.example/rss"/>',
        Outline("https://bell.example/rss", "Bell"), "line 5: control character U+0007, which XML forbids, removed"),
    "outline never closed": (
        '<outline text="Cat">\n<outline text="Tom & Jerry" xmlUrl="https://cat.example/rss">',
        Outline("https://cat.example/rss", "Tom & Jerry", category="Cat"), "line 7: <outline> opened on line 6 is not closed, closed before </body>"),
    "closing tag with nothing open": (
        '<outline text="Extra" xmlUrl="https://extra.example/rss"/>\n</outline>',
        Outline("https://extra.example/rss", "Extra"), "line 6: closing tag </outline> with no open <outline>, dropped"),
    "double hyphen in a comment": (
        '<!-- old -- list -->\n<outline text="Kept" xmlUrl="https://kept.example/rss"/>',
        Outline("https://kept.example/rss", "Kept"), "line 5: '--' inside a comment, read as '- -'"),
}


@pytest.mark.parametrize("body, outline, repair", BROKEN.values(), ids=BROKEN.keys())
def test_each_kind_of_breakage_is_repaired_and_said(body: str | bytes, outline: Outline, repair: str):
    document = parse_opml(body if isinstance(body, bytes) else opml(body))
    assert outline in document.outlines
    assert any(repair in text for text in repair_texts(document)), repair_texts(document)


def test_html_markup_in_a_description_does_not_swallow_the_next_outline():
    body = ('<outline text="Saket" description="At <a href="https://sq.example/">Square</a> on <a href="https://c.example">Cash</a>." xmlUrl="https://saket.example/rss" type="rss" />\n'
            '<outline text="Next &amp; last" xmlUrl="https://next.example/rss"/>')
    assert read_opml(opml(body)) == [Outline("https://saket.example/rss", "Saket"), Outline("https://next.example/rss", "Next & last")]


def test_truncated_file_keeps_the_feeds_before_the_cut():
    content = opml('<outline text="Whole" xmlUrl="https://whole.example/a"/>\n<outline text="Cut" xmlUrl="https://cut.example/b"/>')
    document = parse_opml(content[:content.index(b"/b")])
    assert document.outlines == [Outline("https://whole.example/a", "Whole")]
    texts = repair_texts(document)
    assert "line 6: the file ends inside this <outline> tag, dropped the incomplete tag" in texts
    assert any("the file ends with <body> (line 4), <opml> (line 2) still open, closed them" in t for t in texts)


def test_content_after_the_root_and_a_second_declaration_are_read():
    first = opml('<outline text="One" xmlUrl="https://one.example/rss"/>')
    second = opml('<outline text="Two" xmlUrl="https://two.example/rss"/>')
    document = parse_opml(first + second + b'<outline text="Three" xmlUrl="https://three.example/rss"/>\n')
    assert [o.url for o in document.outlines] == ["https://one.example/rss", "https://two.example/rss", "https://three.example/rss"]
    texts = repair_texts(document)
    assert "line 8: XML declaration in the middle of the file, dropped" in texts
    assert "line 9: content after the closing </opml> on line 7, read as part of the document" in texts


def test_bytes_that_are_not_utf8_are_read_line_by_line_as_windows_1252():
    content = opml('<outline text="Ωmega" xmlUrl="https://omega.example/rss"/>\n<outline text="Caf\xe9 \x93news\x94" xmlUrl="https://cafe.example/rss"/>')
    content = content.replace("Caf\xe9 \x93news\x94".encode(), b"Caf\xe9 \x93news\x94")
    document = parse_opml(content)
    assert [o.title for o in document.outlines] == ["Ωmega", "Café “news”"]
    assert repair_texts(document) == ["line 6: bytes that are not valid UTF-8, read as Windows-1252"]


def test_byte_order_marks_and_utf16_are_read():
    body = '<outline text="Ünïcode" xmlUrl="https://u.example/rss"/>'
    utf16 = opml(body).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert parse_opml(utf16) == OpmlDocument([Outline("https://u.example/rss", "Ünïcode")], [])
    assert parse_opml(b"\xef\xbb\xbf" + opml(body)).repairs == []
    spaced = parse_opml(b"\xef\xbb\xbf\n\n" + opml(body))
    assert spaced.outlines == [Outline("https://u.example/rss", "Ünïcode")]
    assert repair_texts(spaced) == ["line 1: blank space before the XML declaration, ignored"]


def test_undeclared_namespace_falls_back_to_recover_mode():
    document = parse_opml(opml('<outline text="Prefixed" my:flag="1" xmlUrl="https://ns.example/rss"/>'))
    assert document.outlines == [Outline("https://ns.example/rss", "Prefixed")]
    assert any("still not well-formed after repair" in t and "read in lxml's recover mode" in t for t in repair_texts(document))


def test_outlines_the_recovering_parser_loses_are_taken_from_a_scan():
    # Feed outlines left open nest 300 deep, past libxml2's limit: its recover mode drops the deepest.
    body = "\n".join(f'<outline text="Deep {i}" xmlUrl="https://deep.example/{i}">' for i in range(300))
    document = parse_opml(opml(body))
    assert [o.url for o in document.outlines] == [f"https://deep.example/{i}" for i in range(300)]
    assert all(o.title.startswith("Deep ") and o.category == "" for o in document.outlines)
    assert any("read from a scan of its tag" in t for t in repair_texts(document))


def test_common_variants_are_read_without_repair():
    content = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<opml version="1.0"><head/><body>
<outline text="Lower" xmlurl="https://v.example/lower"/>
<outline text="Upper" xmlURL="https://v.example/upper" type="RSS"/>
<Outline text="Capital tag" XMLURL="https://v.example/capital"/>
<outline text="News">
  <outline text="World &amp;amp; Nation">
    <outline text="Deep" title="Deep &amp;eacute;dition" xmlUrl="https://v.example/deep" htmlURL="https://v.example/"/>
  </outline>
  <outline text="Typed url" type="rss" url="https://v.example/typed"/>
  <outline text="Feed link" type="link" url="https://v.example/feed.xml"/>
  <outline text="Page link" type="link" url="https://v.example/about"/>
  <outline text="Included list" type="include" url="https://v.example/more.opml"/>
  <outline text="Caf\xe9" type="atom" xmlUrl="https://v.example/atom"/>
</outline>
<outline text="Parent feed" xmlUrl="https://v.example/parent"><outline text="Child" xmlUrl="https://v.example/child"/></outline>
<outline text="https://v.example/untitled" xmlUrl="https://v.example/untitled"/>
</body></opml>"""
    document = parse_opml(content)
    assert document.repairs == []
    assert document.outlines == [
        Outline("https://v.example/lower", "Lower"),
        Outline("https://v.example/upper", "Upper"),
        Outline("https://v.example/capital", "Capital tag"),
        Outline("https://v.example/deep", "Deep édition", "https://v.example/", "World & Nation"),
        Outline("https://v.example/typed", "Typed url", category="News"),
        Outline("https://v.example/feed.xml", "Feed link", category="News"),
        Outline("https://v.example/atom", "Café", category="News"),
        Outline("https://v.example/parent", "Parent feed"),
        Outline("https://v.example/child", "Child"),
        Outline("https://v.example/untitled", ""),
    ]


def test_opml2_namespace_and_repeated_urls():
    content = b"""<opml version="2.0" xmlns="http://opml.org/spec2"><body>
<outline text="Tech"><outline text="First" xmlUrl="https://r.example/rss"/></outline>
<outline text="Again" xmlUrl="https://r.example/rss"/>
</body></opml>"""
    assert read_opml(content) == [Outline("https://r.example/rss", "First", category="Tech")]


# Hostile documents: nothing is expanded, nothing is fetched.

@pytest.fixture
def listener():
    """A web server on 127.0.0.1 that counts the requests it gets."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            body = b'<!ENTITY secret "fetched">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def test_billion_laughs_is_not_expanded():
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    content = (f'<?xml version="1.0"?>\n<!DOCTYPE opml [<!ENTITY lol0 "lol">{entities}]>\n<opml><body>\n'
               '<outline text="&lol9;" xmlUrl="https://laughs.example/rss"/>\n</body></opml>').encode()
    document = parse_opml(content)
    assert document.outlines == [Outline("https://laughs.example/rss", "&lol9;")]
    assert "line 2: document type declaration defining entities, ignored: entities are never expanded or fetched" in repair_texts(document)


def test_external_entities_and_dtds_are_never_fetched(listener, tmp_path):
    address, requests = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me")
    content = (f'<?xml version="1.0"?>\n<!DOCTYPE opml SYSTEM "{address}/opml.dtd" [\n'
               f'<!ENTITY local SYSTEM "file://{secret}">\n<!ENTITY remote SYSTEM "{address}/remote">\n'
               f'<!ENTITY % parameter SYSTEM "{address}/parameter"> %parameter;\n]>\n<opml><body>\n'
               '<outline text="&local;|&remote;|&secret;" xmlUrl="https://xxe.example/rss"/>\n</body></opml>').encode()
    document = parse_opml(content)
    assert document.outlines == [Outline("https://xxe.example/rss", "&local;|&remote;|&secret;")]
    plain_dtd = f'<!DOCTYPE opml SYSTEM "{address}/opml.dtd">\n'.encode() + opml('<outline text="&secret;" xmlUrl="https://dtd.example/rss"/>')
    assert read_opml(plain_dtd) == [Outline("https://dtd.example/rss", "&secret;")]
    assert requests == []


# Junk is refused, saying why.

JUNK = {
    "empty": (b"", "empty"),
    "blank": (b"  \n\t\n", "empty"),
    "random bytes": (random.Random(7).randbytes(4096), "binary"),
    "a PNG": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    "an HTML page": (b"<!DOCTYPE html>\n<html><head><title>Feeds</title></head><body><p>Subscribe & save</body></html>", "HTML page"),
    "an RSS feed": (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>', "is a feed"),
    "JSON": (b'{"feeds": ["https://a.example/rss"]}', "not XML"),
    "plain text": (b"https://a.example/rss\nhttps://b.example/rss\n", "not XML"),
    "categories without feeds": (opml('<outline text="Empty category"><outline text="Page" htmlUrl="https://a.example/"/></outline>'), "no outline"),
    "other XML": (b"<config><item name='x'/></config>", "no outline"),
}


@pytest.mark.parametrize("content, reason", JUNK.values(), ids=JUNK.keys())
def test_junk_is_refused_with_a_reason(content, reason):
    with pytest.raises(OpmlError, match=rf"^opml: .*{reason}"):
        parse_opml(content)


# Writing.

TRICKY = [
    Outline("https://a.example/?a=1&b=2", "Tom & Jerry <3 \"quoted\" 'single'", "https://a.example/", "News & Views"),
    Outline("https://b.example/feed", "", "", "News & Views"),
    Outline("https://c.example/rss", "Ωmega — ünïcödé 🚀", "", ""),
    Outline("https://d.example/atom", "Plain", "https://d.example/", "Tech <dev>"),
    Outline("https://e.example/rss", "Last", "", ""),
]


def test_export_is_valid_opml2_grouped_by_category():
    root = etree.fromstring(write_opml(TRICKY, title="Mine & yours").encode())
    assert root.get("version") == "2.0" and root.findtext("head/title") == "Mine & yours"
    body = root.find("body")
    assert [o.get("text") for o in body] == ["Ωmega — ünïcödé 🚀", "Last", "News & Views", "Tech <dev>"]
    assert [o.get("xmlUrl") for o in body[2]] == ["https://a.example/?a=1&b=2", "https://b.example/feed"]
    assert all(o.get("type") == "rss" and o.get("text") for o in body.iter("outline") if o.get("xmlUrl"))


def test_export_reads_back_losslessly():
    written = write_opml(TRICKY)
    document = parse_opml(written.encode())
    assert document.repairs == []
    assert sorted(document.outlines, key=lambda o: o.url) == sorted(TRICKY, key=lambda o: o.url)
    assert write_opml(document.outlines) == written
