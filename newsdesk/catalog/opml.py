"""OPML subscription lists: read tolerantly, saying what had to be repaired, and written plainly; no database.

Reading goes in steps, each recorded as a repair when it changes anything: decode the bytes, parse strictly,
and if that fails rewrite the broken markup into well-formed XML and parse strictly again; lxml's recover
mode, checked against a scan of the raw outline tags, is the last resort. The recover mode is never trusted
alone because it silently drops or truncates attributes it cannot read.
"""

from __future__ import annotations

import codecs
import html
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.entities import html5
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from lxml import etree


class OpmlError(ValueError):
    """The file holds no feed Newsdesk can read."""


NO_FEED = "opml: no outline in the file has a feed URL (xmlUrl); nothing to subscribe to"


@dataclass(frozen=True)
class Outline:
    url: str
    title: str = ""
    homepage: str = ""
    category: str = ""


@dataclass(frozen=True)
class Repair:
    line: int  # 1-based; 0 when the repair concerns the whole file
    problem: str
    action: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.problem}, {self.action}"


@dataclass
class OpmlDocument:
    outlines: list[Outline]
    repairs: list[Repair] = field(default_factory=list)


def read_opml(content: bytes) -> list[Outline]:
    """Return every feed outline of an OPML document, in order, each URL once."""
    return parse_opml(content).outlines


def parse_opml(content: bytes) -> OpmlDocument:
    """Return every feed outline of an OPML document and each repair its reading needed; raise OpmlError if none."""
    if not content.strip():
        raise OpmlError("opml: the file is empty")
    text, repairs = _decode(content)
    _refuse_unless_opml(text)
    text, prepared = _prepare(text)
    repairs += prepared
    root = _parse_strictly(text)
    if root is None:
        text, rewritten = _repair_markup(text)
        repairs += rewritten
        root = _parse_strictly(text)
    if root is not None:
        outlines = _outlines_from_tree(root)
    else:
        outlines, recovered = _read_recovering(text)
        repairs += recovered
    if not outlines:
        raise OpmlError(NO_FEED)
    return OpmlDocument(outlines, list(dict.fromkeys(repairs)))


def write_opml(outlines: Iterable[Outline], title: str = "Newsdesk subscriptions") -> str:
    """Return an OPML 2.0 document listing outlines, those with a category grouped under it."""
    groups: dict[str, list[Outline]] = {}
    for outline in outlines:
        groups.setdefault(outline.category, []).append(outline)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">',
             f"  <head>\n    <title>{escape(_xml_safe(title))}</title>\n  </head>", "  <body>"]
    lines += [f"    {_feed_element(o)}" for o in groups.pop("", [])]
    for category, members in groups.items():
        lines.append(f"    <outline text={_attribute(category)} title={_attribute(category)}>")
        lines += [f"      {_feed_element(o)}" for o in members]
        lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _feed_element(outline: Outline) -> str:
    # OPML requires text; a missing title is written as the URL and read back as no title (see _make_outline).
    attributes = f"type=\"rss\" text={_attribute(outline.title or outline.url)}"
    if outline.title:
        attributes += f" title={_attribute(outline.title)}"
    attributes += f" xmlUrl={_attribute(outline.url)}"
    if outline.homepage:
        attributes += f" htmlUrl={_attribute(outline.homepage)}"
    return f"<outline {attributes}/>"


def _attribute(value: str) -> str:
    return quoteattr(_xml_safe(value))


def _xml_safe(value: str) -> str:
    return _FORBIDDEN_CHARACTERS.sub("", value)


# --- Bytes to text ------------------------------------------------------------------------------------------

_FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_BYTE_ORDER_MARKS = [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                     (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")]
_UNMARKED_UTF16 = [(b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be")]
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")


def _decode(content: bytes) -> tuple[str, list[Repair]]:
    """Return content as text, decoded as its byte-order mark or declaration says, falling back line by line."""
    mark, encoding = next(((m, e) for m, e in _BYTE_ORDER_MARKS if content.startswith(m)), (b"", ""))
    content = content.removeprefix(mark)
    if not mark:
        encoding = next((e for m, e in _UNMARKED_UTF16 if content.startswith(m)), "")
    if encoding.startswith(("utf-16", "utf-32")):
        return content.decode(encoding, errors="replace"), []
    declared = _DECLARED_ENCODING.match(content[:1024])
    declared_name = declared.group(1).decode("ascii").lower() if declared else ""
    repairs = []
    if encoding and declared_name and _encoding_family(declared_name) != "utf-8":
        repairs.append(Repair(1, f"the file starts with a UTF-8 byte-order mark but declares {declared_name!r}",
                              "read as UTF-8"))
    elif declared_name:
        try:
            encoding = codecs.lookup(declared_name).name
        except LookupError:
            repairs.append(Repair(1, f"unknown encoding {declared_name!r} declared", "read as UTF-8"))
        # The declaration was readable as ASCII, so a declared 16- or 32-bit encoding cannot be the real one.
        if encoding.startswith(("utf-16", "utf-32")):
            repairs.append(Repair(1, f"declares {declared_name!r} but is written in 8-bit text", "read as UTF-8"))
            encoding = ""
    encoding = encoding or "utf-8"
    try:
        return content.decode(encoding), repairs
    except UnicodeDecodeError:
        pass
    # Mixed files are common (UTF-8 with a Latin-1 line pasted in), so only the bad lines are read differently.
    lines = []
    for number, line in enumerate(content.split(b"\n"), start=1):
        try:
            lines.append(line.decode(encoding))
        except UnicodeDecodeError:
            try:
                lines.append(line.decode("cp1252"))
                fallback = "Windows-1252"
            except UnicodeDecodeError:
                lines.append(line.decode("latin-1"))
                fallback = "Latin-1"
            repairs.append(Repair(number, f"bytes that are not valid {encoding.upper()}", f"read as {fallback}"))
    return "\n".join(lines), repairs


def _encoding_family(name: str) -> str:
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return name
    unicode = re.match(r"utf-(8|16|32)", name)
    return unicode.group() if unicode else name


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_FIRST_ELEMENT = re.compile(r"<([A-Za-z_][\w.:-]*)")


def _refuse_unless_opml(text: str) -> None:
    """Raise OpmlError unless text looks like an XML document that could be an outline list."""
    sample = text[:65536]
    forbidden = len(_FORBIDDEN_CHARACTERS.findall(sample))
    if "\x00" in text or (forbidden > 8 and forbidden * 20 > len(sample)):
        raise OpmlError("opml: the file is binary, not an OPML (XML) text file")
    first = _FIRST_ELEMENT.search(_COMMENT.sub("", text))
    if first is None:
        raise OpmlError("opml: the file is not XML (no element in it), so not an OPML list")
    root = first.group(1).lower()
    if root == "html" or re.match(r"\s*<!DOCTYPE\s+html\b", text, re.I):
        raise OpmlError("opml: the file is an HTML page, not an OPML list; export the list from your reader as OPML")
    if root in {"rss", "feed", "rdf:rdf", "rdf"}:
        raise OpmlError("opml: the file is a feed, not an OPML list of feeds; subscribe to its URL instead")
    if not re.search(r"<outline\b", text, re.I):
        raise OpmlError(NO_FEED)


_DECLARATION = re.compile(r"(\s*)(<\?xml[ \t\r\n][^>]*?\?>)")
_DOCTYPE = re.compile(r"<!DOCTYPE\b[^\[>]*(\[.*?\]\s*)?>", re.S | re.I)


def _prepare(text: str) -> tuple[str, list[Repair]]:
    """Return text ready for lxml: no declaration, no document type, no characters XML forbids."""
    repairs = []
    text = text.removeprefix("\ufeff")
    declaration = _DECLARATION.match(text)
    if declaration:
        if declaration.group(1):
            repairs.append(Repair(1, "blank space before the XML declaration", "ignored"))
        # lxml refuses text with an encoding declaration; the text is decoded already.
        text = declaration.group(1) + _newlines(declaration.group(2)) + text[declaration.end():]
    # Entities are never expanded nor fetched; without the document type they are merely undefined.
    doctype = _DOCTYPE.search(text)
    if doctype:
        if doctype.group(1):
            repairs.append(Repair(_Lines(text).of(doctype.start()), "document type declaration defining entities",
                                  "ignored: entities are never expanded or fetched"))
        text = text[:doctype.start()] + _newlines(doctype.group()) + text[doctype.end():]
    if _FORBIDDEN_CHARACTERS.search(text):
        lines = _Lines(text)
        repairs += [Repair(lines.of(match.start()), f"control character U+{ord(match.group()):04X}, which XML forbids",
                           "removed") for match in _FORBIDDEN_CHARACTERS.finditer(text)]
        text = _FORBIDDEN_CHARACTERS.sub("", text)
    return text, repairs


def _newlines(text: str) -> str:
    """Return as many line breaks as text holds, so that removing it keeps every later line number."""
    return "\n" * text.count("\n")


class _Lines:
    """Line numbers of positions in a text."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def of(self, position: int) -> int:
        return bisect_right(self.starts, position)


# --- Parsing ------------------------------------------------------------------------------------------------

def _parser(recover: bool) -> etree.XMLParser:
    """Return an lxml parser that never expands an entity nor reads anything but the text it is given."""
    return etree.XMLParser(recover=recover, resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def _parse_strictly(text: str) -> etree._Element | None:
    """Return the root element of text, or None when it is not well-formed XML."""
    try:
        return etree.fromstring(text, _parser(recover=False))
    except etree.XMLSyntaxError:
        return None


def _read_recovering(text: str) -> tuple[list[Outline], list[Repair]]:
    """Return the outlines lxml's recover mode finds in text, plus those its tree lost, found by a tag scan."""
    parser = _parser(recover=True)
    try:
        root = etree.fromstring(text, parser)
    except etree.XMLSyntaxError:
        root = None
    error = parser.error_log[0] if len(parser.error_log) else None
    message = error.message.strip() if error else "no element"
    repairs = [Repair(error.line if error else 0, f"still not well-formed after repair ({message})",
                      "read in lxml's recover mode")]
    outlines = _outlines_from_tree(root) if root is not None else []
    taken = {o.url for o in outlines}
    for line, outline in _scan_outlines(text):
        if outline.url not in taken:
            taken.add(outline.url)
            outlines.append(outline)
            repairs.append(Repair(line, "outline missing from the recovered tree", "read from a scan of its tag"))
    return outlines, repairs


def _outlines_from_tree(root: etree._Element) -> list[Outline]:
    outlines: list[Outline] = []
    taken: set[str] = set()
    for element in root.iter(etree.Element):
        if not _is_outline(element):
            continue
        outline = _make_outline(_attributes(element), _category_of(element))
        if outline and outline.url not in taken:
            taken.add(outline.url)
            outlines.append(outline)
    return outlines


def _category_of(element: etree._Element) -> str:
    """Return the label of the nearest enclosing outline that is not itself a feed."""
    for ancestor in element.iterancestors():
        if _is_outline(ancestor):
            attributes = _attributes(ancestor)
            if not _feed_url(attributes):
                return _label(attributes)
    return ""


def _is_outline(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and _local_name(element.tag) == "outline"


def _attributes(element: etree._Element) -> dict[str, str]:
    """Return the attributes of element keyed by lower-case local name (xmlUrl, xmlurl and xmlURL alike)."""
    attributes: dict[str, str] = {}
    for key, value in element.attrib.items():
        attributes.setdefault(_local_name(key), value)
    return attributes


def _local_name(name: str) -> str:
    """Return name without namespace or prefix, in lower case; recover mode keeps undeclared prefixes."""
    return name.rpartition("}")[2].rpartition(":")[2].lower()


def _make_outline(attributes: dict[str, str], category: str) -> Outline | None:
    url = _feed_url(attributes)
    if not url:
        return None
    title = _clean(attributes.get("title", "")) or _clean(attributes.get("text", ""))
    # Writers that have no title put the URL in text; it says nothing a title should.
    return Outline(url=url, title="" if title == url else title,
                   homepage=attributes.get("htmlurl", "").strip(), category=category)


_FEED_TYPES = {"rss", "atom", "feed", "rdf"}
_FEED_LOOKING = re.compile(r"rss|atom|feed|\.xml\b|\.rdf\b", re.I)


def _feed_url(attributes: dict[str, str]) -> str:
    """Return the feed URL an outline names: xmlUrl, or url when its type or its look says it is a feed."""
    url = attributes.get("xmlurl", "").strip()
    if url:
        return url
    url = attributes.get("url", "").strip()
    kind = attributes.get("type", "").strip().lower()
    if not url or url.lower().endswith(".opml"):
        return ""
    if kind in _FEED_TYPES:
        return url
    # OPML 2.0 says type="link" points at a web page, but some readers export feeds that way.
    if kind in {"", "link"}:
        parts = urlsplit(url)
        return url if _FEED_LOOKING.search(parts.path + "?" + parts.query) else ""
    return ""


def _label(attributes: dict[str, str]) -> str:
    return _clean(attributes.get("text", "")) or _clean(attributes.get("title", ""))


def _clean(value: str) -> str:
    """Return value with HTML entities decoded (titles are often escaped twice) and blank runs collapsed."""
    return " ".join(html.unescape(value).split())


def _scan_outlines(text: str) -> list[tuple[int, Outline]]:
    """Return each feed outline of text with its line, read tag by tag without building a tree."""
    text = _COMMENT.sub(lambda match: _newlines(match.group()), text)
    bounds, lines = _TagBounds(text), _Lines(text)
    found: list[tuple[int, Outline]] = []
    open_outlines: list[dict[str, str]] = []
    for match in re.finditer(r"<(/?)outline\b", text, re.I):
        if match.group(1):
            if open_outlines:
                open_outlines.pop()
            continue
        tag = _scan_start_tag(text, match.start(), bounds)
        attributes: dict[str, str] = {}
        for key, value in tag.attributes:
            attributes.setdefault(_local_name(key), value)
        category = next((_label(a) for a in reversed(open_outlines) if not _feed_url(a)), "")
        outline = _make_outline(attributes, category)
        if outline:
            found.append((lines.of(match.start()), outline))
        if not tag.self_closing:
            open_outlines.append(attributes)
    return found


# --- Repairing broken markup ----------------------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z_:][-\w:.]*")
_REFERENCE_TEXT = r"&(?:[A-Za-z_:][-\w:.]*|#[0-9]+|#x[0-9A-Fa-f]+);"
_WELL_FORMED_VALUE = rf"\"(?:[^<&\"]|{_REFERENCE_TEXT})*+\"|'(?:[^<&']|{_REFERENCE_TEXT})*+'"
_WELL_FORMED_START_TAG = re.compile(
    rf"<({_NAME.pattern})((?:[ \t\r\n]+{_NAME.pattern}[ \t\r\n]*=[ \t\r\n]*(?:{_WELL_FORMED_VALUE}))*)[ \t\r\n]*(/?)>")
_WELL_FORMED_ATTRIBUTE = re.compile(rf"({_NAME.pattern})[ \t\r\n]*=[ \t\r\n]*({_WELL_FORMED_VALUE})")
_REFERENCE = re.compile(r"&(?:#([0-9]{1,7});|#([xX])([0-9A-Fa-f]{1,6});|([A-Za-z][A-Za-z0-9]{0,31});)?|<")
_XML_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_OPML_TAGS = ("opml|head|body|outline|title|dateCreated|dateModified|ownerName|ownerEmail|ownerId|docs|"
              "expansionState|vertScrollState|windowTop|windowLeft|windowBottom|windowRight")
# The end of a tag is a '>' that the next OPML tag (or the end of the file) follows; HTML inside a
# description never is followed by one, which tells the two apart.
_OPML_TAG_AHEAD = rf"(?=\s*(?:<(?:/?(?:{_OPML_TAGS})\b|!--|\?)|\Z))"
_TAG_END = re.compile(rf"(?:/\s*)?>{_OPML_TAG_AHEAD}", re.I)
_TAG_END_AT = re.compile(rf"\s*(?:/\s*)?>{_OPML_TAG_AHEAD}", re.I)
_ANY_TAG_START = re.compile(r"</?([A-Za-z_][\w:.-]*)")
_OPML_TAG_START_AT = re.compile(rf"\s*<(?:/?(?:{_OPML_TAGS})\b)", re.I)
_SELF_CLOSE = re.compile(r"/\s*>")
_OPML_ATTRIBUTES = {"text", "title", "description", "xmlurl", "htmlurl", "url", "type", "language", "version",
                    "category", "created", "iscomment", "isbreakpoint"}
_OPML_ASSIGNMENT = re.compile(rf"\s({'|'.join(_OPML_ATTRIBUTES)})\s*=\s*[\"']", re.I)
_ASSIGNMENT = re.compile(rf"(\s*)({_NAME.pattern})\s*=\s*([\"'“„‘«]?)")
_QUOTES = {'"': '"', "'": "'", "“": "”“\"", "„": "“”\"", "‘": "’‘'", "«": "»"}
_CANDIDATE_QUOTES = {opener: re.compile(f"[{re.escape(closers)}\"']") for opener, closers in _QUOTES.items()}
_QUOTE_NAMES = {'"': "double quote", "'": "single quote"}
_UNTERMINATED_END = re.compile(rf"\s+{_NAME.pattern}\s*=|/?>")
_ANY_TAG_END = re.compile(r"\s*(?:/\s*)?>")
_END_TAG = re.compile(rf"</({_NAME.pattern})([^<>]*)(>?)")
_UNQUOTED_VALUE = re.compile(r"[^\s>]*")


@dataclass
class _Problem:
    position: int
    problem: str
    action: str


# No real tag is this long nor holds this many quotes; the bounds keep junk from costing quadratic time.
_LONGEST_TAG = 32768
_MOST_QUOTES = 512


class _TagBounds:
    """Where the tags of a text can end: at a '>' an OPML tag follows, before the next OPML tag, and
    before the next tag of their own name."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        self.ends = [match.end() for match in _TAG_END.finditer(text)]
        self.starts: dict[str, list[int]] = {}
        for match in _ANY_TAG_START.finditer(text):
            self.starts.setdefault(match.group(1).lower(), []).append(match.start())
        self.opml_starts = sorted(p for name in _OPML_TAGS.lower().split("|") for p in self.starts.get(name, []))

    def region_end(self, name: str, start: int) -> int:
        """Return how far a <name> tag can reach from start, always past it."""
        return min(start + _LONGEST_TAG, self.following(self.ends, start), self.following(self.opml_starts, start),
                   self.following(self.starts.get(name.lower(), []), start))

    def following(self, positions: list[int], start: int) -> int:
        index = bisect_right(positions, start)
        return positions[index] if index < len(positions) else self.length


@dataclass
class _Tag:
    name: str
    end: int = 0
    attributes: list[tuple[str, str]] = field(default_factory=list)
    self_closing: bool = False
    truncated: bool = False
    problems: list[_Problem] = field(default_factory=list)


def _repair_markup(text: str) -> tuple[str, list[Repair]]:
    """Return text rewritten as well-formed XML, keeping its line numbers, and the repairs made."""
    repairer = _MarkupRepairer(text)
    return repairer.run(), repairer.repairs


class _MarkupRepairer:
    """One pass over a broken document: tags that are well-formed are copied, the others rebuilt."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[str] = []
        self.repairs: list[Repair] = []
        self.open: list[tuple[str, int]] = []  # element name and the line it opened on
        self.root_closed_at: int | None = None
        self.content_after_root_noted = False
        self.lines = _Lines(text)
        self.bounds = _TagBounds(text)

    def note(self, position: int, problem: str, action: str) -> None:
        self.repairs.append(Repair(self.lines.of(position), problem, action))

    def run(self) -> str:
        text, position, text_start = self.text, 0, 0
        while (bracket := text.find("<", position)) >= 0:
            handler = self.markup_handler(bracket)
            if handler is None:
                position = bracket + 1  # a stray '<': left in the text, where add_text escapes it
                continue
            self.add_text(text_start, bracket)
            position = text_start = handler(bracket)
        self.add_text(text_start, len(text))
        self.close_all()
        return "".join(self.out)

    def markup_handler(self, at: int) -> Callable[[int], int] | None:
        """Return the method that copies the markup starting at at, or None for a '<' that starts none."""
        text = self.text
        if text.startswith("<!--", at):
            return self.add_comment if text.find("-->", at + 4) >= 0 else None
        if text.startswith("<![CDATA[", at):
            return self.add_cdata if text.find("]]>", at) >= 0 else None
        if text.startswith("<?", at):
            return self.add_instruction if text.find("?>", at) >= 0 else None
        if text.startswith("</", at):
            return self.add_end_tag if _NAME.match(text, at + 2) else None
        return self.add_start_tag if _NAME.match(text, at + 1) else None

    def add_text(self, start: int, end: int) -> None:
        segment = self.text[start:end]
        if not segment:
            return
        if not self.open:
            if segment.strip():
                self.note(start + len(segment) - len(segment.lstrip()), "text outside the root element", "dropped")
            self.out.append(_newlines(segment))
            return
        if segment.strip():
            self.note_content_after_root(start)
        if "]]>" in segment:
            self.note(start + segment.find("]]>"), "']]>' in text", "read as ']]&gt;'")
        self.out.append(escape(self.decode(segment, start, "in text")))

    def add_comment(self, at: int) -> int:
        end = self.text.find("-->", at + 4)
        body = self.text[at + 4:end]
        if "--" in body or body.endswith("-"):
            self.note(at, "'--' inside a comment", "read as '- -'")
            body = body.replace("--", "- -").rstrip("-")
        self.out.append(f"<!--{body}-->")
        return end + 3

    def add_cdata(self, at: int) -> int:
        end = self.text.find("]]>", at) + 3
        if self.open:
            self.out.append(self.text[at:end])
        else:
            self.note(at, "CDATA section outside the root element", "dropped")
            self.out.append(_newlines(self.text[at:end]))
        return end

    def add_instruction(self, at: int) -> int:
        end = self.text.find("?>", at) + 2
        instruction = self.text[at:end]
        if re.match(r"<\?xml[\s?]", instruction, re.I):
            self.note(at, "XML declaration in the middle of the file", "dropped")
            self.out.append(_newlines(instruction))
        else:
            self.out.append(instruction)
        return end

    def add_start_tag(self, at: int) -> int:
        well_formed = _WELL_FORMED_START_TAG.match(self.text, at)
        if well_formed and _attributes_are_well_formed(well_formed.group(2)):
            name, self_closing, end = well_formed.group(1), bool(well_formed.group(3)), well_formed.end()
            self.out.append(well_formed.group())
        else:
            tag = _scan_start_tag(self.text, at, self.bounds)
            for problem in tag.problems:
                self.note(problem.position, problem.problem, problem.action)
            name, self_closing, end = tag.name, tag.self_closing, tag.end
            if tag.truncated:
                self.note(at, f"the file ends inside this <{name}> tag", "dropped the incomplete tag")
                self.out.append(_newlines(self.text[at:end]))
                return end
            attributes = "".join(f' {key}="{_escape_attribute(value)}"' for key, value in tag.attributes)
            self.out.append(f"<{name}{attributes}{_newlines(self.text[at:end])}{'/' if self_closing else ''}>")
        self.note_content_after_root(at)
        if not self_closing:
            self.open.append((name, self.lines.of(at)))
        return end

    def add_end_tag(self, at: int) -> int:
        match = _END_TAG.match(self.text, at)
        name, end = match.group(1), match.end()
        if match.group(2).strip() or not match.group(3):
            self.note(at, f"malformed closing tag </{name}", f"read as </{name}>")
        self.note_content_after_root(at)
        depth = next((i for i in range(len(self.open) - 1, -1, -1) if self.open[i][0].lower() == name.lower()), None)
        if depth is None or (depth == 0 and self.root_closed_at is not None):
            self.note(at, f"closing tag </{name}> with no open <{name}>", "dropped")
            return end
        while len(self.open) > depth + 1:
            inner, opened = self.open.pop()
            self.note(at, f"<{inner}> opened on line {opened} is not closed", f"closed before </{name}>")
            self.out.append(f"</{inner}>")
        if depth == 0:
            # The root's closing tag waits for the end of the file, in case something follows it.
            self.root_closed_at = at
        else:
            self.out.append(f"</{self.open.pop()[0]}>")
        return end

    def note_content_after_root(self, at: int) -> None:
        if self.root_closed_at is not None and not self.content_after_root_noted:
            self.content_after_root_noted = True
            root, closed_on = self.open[0][0], self.lines.of(self.root_closed_at)
            self.note(at, f"content after the closing </{root}> on line {closed_on}", "read as part of the document")

    def close_all(self) -> None:
        unclosed = self.open[1:] if self.root_closed_at is not None else self.open
        if unclosed:
            names = ", ".join(f"<{name}> (line {line})" for name, line in reversed(unclosed))
            self.note(len(self.text), f"the file ends with {names} still open", "closed them")
        self.out += [f"</{name}>" for name, _ in reversed(self.open)]

    def decode(self, raw: str, start: int, where: str) -> str:
        value, problems = _decode_references(raw, where)
        for problem in problems:
            self.note(start + problem.position, problem.problem, problem.action)
        return value


def _attributes_are_well_formed(attributes: str) -> bool:
    """Return whether attributes (matched by _WELL_FORMED_START_TAG) are unique and reference only XML's entities."""
    names = [match.group(1) for match in _WELL_FORMED_ATTRIBUTE.finditer(attributes)]
    if len(set(names)) != len(names):
        return False
    _, problems = _decode_references(attributes, "")
    return not problems


def _decode_references(raw: str, where: str) -> tuple[str, list[_Problem]]:
    """Return raw with its references decoded, reading what XML would refuse as a browser would."""
    problems: list[_Problem] = []

    def decode(match: re.Match) -> str:
        found, at = match.group(), match.start()
        decimal, hex_mark, hexadecimal, name = match.groups()
        if found == "<":
            problems.append(_Problem(at, f"unescaped '<' {where}", "read as '&lt;'"))
            return "<"
        if found == "&":
            problems.append(_Problem(at, f"unescaped '&' {where}", "read as '&amp;'"))
            return "&"
        if name:
            if name in _XML_ENTITIES:
                return _XML_ENTITIES[name]
            if f"{name};" in html5:
                character = html5[f"{name};"]
                problems.append(_Problem(at, f"undeclared HTML entity '{found}' {where}",
                                         f"read as {_describe(character)}"))
                return character
            problems.append(_Problem(at, f"unknown entity '{found}' {where}", "read as the literal text"))
            return found
        code = int(decimal) if decimal else int(hexadecimal, 16)
        character = chr(code) if code <= 0x10FFFF else ""
        if not character or _FORBIDDEN_CHARACTERS.match(character):
            problems.append(_Problem(at, f"reference '{found}' to a character XML forbids {where}", "dropped"))
            return ""
        if hex_mark == "X":
            problems.append(_Problem(at, f"character reference '{found}' with a capital X {where}",
                                     f"read as {_describe(character)}"))
        return character

    return _REFERENCE.sub(decode, raw), problems


def _describe(characters: str) -> str:
    if characters.isprintable() and not characters.isspace():
        return f"'{characters}'"
    return " ".join(f"U+{ord(c):04X}" for c in characters)


def _escape_attribute(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))


def _scan_start_tag(text: str, start: int, bounds: _TagBounds) -> _Tag:
    """Return the start tag at start read as forgivingly as a browser would, with what was wrong in it."""
    tag = _Tag(name=_NAME.match(text, start + 1).group())
    position = start + 1 + len(tag.name)
    seen: set[str] = set()
    slash_in_value = False
    while True:
        position = _skip_space(text, position)
        if position >= len(text):
            tag.problems.append(_Problem(position, f"the file ends inside the <{tag.name}> tag", "closed the tag"))
            tag.end, tag.self_closing = position, _has_feed(tag)
            return tag
        if text[position] == ">":
            tag.self_closing, tag.end = slash_in_value, position + 1
            return tag
        if closing := _SELF_CLOSE.match(text, position):
            if closing.group() != "/>":
                tag.problems.append(_Problem(position, "space inside '/>'", "removed"))
            tag.self_closing, tag.end = True, closing.end()
            return tag
        if text[position] == "<":
            # Feed outlines are leaves, so one cut short by the next tag is closed; another may hold children.
            tag.problems.append(_Problem(position, f"<{tag.name}> tag not ended with '>'", "ended before the next tag"))
            tag.end, tag.self_closing = position, _has_feed(tag)
            return tag
        attribute = _NAME.match(text, position)
        if attribute is None:
            tag.problems.append(_Problem(position, f"stray {text[position]!r} in the <{tag.name}> tag", "dropped"))
            position += 1
            continue
        key = attribute.group()
        position = _skip_space(text, attribute.end())
        if not text.startswith("=", position):
            tag.problems.append(_Problem(attribute.start(), f"attribute {key!r} without a value", "dropped"))
            continue
        seen.add(key.lower())
        value = _scan_value(text, _skip_space(text, position + 1), key, seen, bounds.region_end(tag.name, position))
        position = value.end
        if not value.unquoted and position < len(text) and not text[position].isspace() and text[position] not in "/><":
            tag.problems.append(_Problem(position, f"no space after the {key} attribute", "one added"))
        # An unquoted URL keeps its final '/', which also closes the tag when '>' follows it directly.
        slash_in_value = value.unquoted and value.raw.endswith("/") and text.startswith(">", position)
        tag.problems += value.problems
        if value.truncated:
            tag.truncated, tag.end = True, len(text)
            return tag
        normalized = re.sub(r"[\t\r\n]", " ", value.raw)
        decoded, problems = _decode_references(normalized, f"in the {key} attribute")
        tag.problems += [_Problem(value.start + p.position, p.problem, p.action) for p in problems]
        if any(existing.lower() == key.lower() for existing, _ in tag.attributes):
            tag.problems.append(_Problem(attribute.start(), f"attribute {key!r} given twice", "kept the first"))
        else:
            tag.attributes.append((key, decoded))


def _has_feed(tag: _Tag) -> bool:
    return bool(_feed_url({key.lower(): value for key, value in tag.attributes}))


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


@dataclass
class _Value:
    raw: str
    start: int
    end: int
    unquoted: bool = False
    truncated: bool = False
    problems: list[_Problem] = field(default_factory=list)


def _scan_value(text: str, position: int, key: str, seen: set[str], region_end: int) -> _Value:
    """Return the attribute value at position, finding its real closing quote among stray ones."""
    where = f"the {key} attribute"
    opener = text[position] if position < len(text) else ""
    if opener not in _QUOTES:
        if _ASSIGNMENT.match(text, position) and text[position - 1].isspace():
            return _Value("", position, position, unquoted=True,
                          problems=[_Problem(position, f"nothing after '=' in {where}", "read as empty")])
        raw = _UNQUOTED_VALUE.match(text, position).group()
        return _Value(raw, position, position + len(raw), unquoted=True,
                      problems=[_Problem(position, f"unquoted value in {where}", "quoted")])
    start = position + 1
    # A known OPML attribute inside the value means its real closing quote is missing: stop there.
    guard = next((m.start() for m in _OPML_ASSIGNMENT.finditer(text, start, region_end)
                  if m.group(1).lower() not in seen), region_end)
    first_bracket = text.find("<", start, guard)
    inside_markup_from = guard if first_bracket < 0 else first_bracket
    # Best a matching quote followed by what follows a value; else the other quote so followed; else
    # a matching quote followed by '>'.
    mismatched = loose = None
    for count, candidate in enumerate(_CANDIDATE_QUOTES[opener].finditer(text, start, guard)):
        index = candidate.start()
        if count == _MOST_QUOTES:
            break
        ends = _ends_value(text, index + 1, index > inside_markup_from, seen)
        if candidate.group() in _QUOTES[opener]:
            if ends:
                return _closed_value(text, position, index, where)
            if loose is None and _ANY_TAG_END.match(text, index + 1):
                loose = index
        elif ends and mismatched is None:
            mismatched = index
    for index in (mismatched, loose):
        if index is not None:
            return _closed_value(text, position, index, where)
    end = _UNTERMINATED_END.search(text, start, guard)
    if end is None and guard >= len(text):
        return _Value(text[start:], start, len(text), truncated=True)
    stop = end.start() if end else guard
    return _Value(text[start:stop], start, stop,
                  problems=[_Problem(position, f"no closing quote on {where}", "read up to the next attribute")])


def _closed_value(text: str, position: int, index: int, where: str) -> _Value:
    """Return the value opened at position and closed at index, noting the quotes that were wrong."""
    opener, closer = text[position], text[index]
    value = _Value(text[position + 1:index], position + 1, index + 1)
    if opener not in _QUOTE_NAMES:
        value.problems.append(_Problem(position, f"typographic quotes around {where}", "read without them"))
    elif closer != opener:
        opened, closed = _QUOTE_NAMES[opener], _QUOTE_NAMES[closer]
        value.problems.append(_Problem(position, f"{where} opened with a {opened} and closed with a {closed}",
                                       f"read up to the {closed}"))
    stray = next((i for i, c in enumerate(value.raw) if c in _QUOTES[opener] or c == closer), None)
    if stray is not None:
        value.problems.append(_Problem(value.start + stray, f"unescaped '{value.raw[stray]}' inside {where}",
                                       "kept in the value"))
    return value


def _ends_value(text: str, after: int, inside_markup: bool, seen: set[str]) -> bool:
    """Return whether a quote just before after can close an attribute value, judging by what follows it."""
    if _TAG_END_AT.match(text, after) or _OPML_TAG_START_AT.match(text, after):
        return True
    assignment = _ASSIGNMENT.match(text, after)
    if assignment is None:
        return False
    name = assignment.group(2).lower()
    if name in _OPML_ATTRIBUTES and name not in seen:
        return True
    # Any other name="..." starts an attribute too, unless the value holds markup: href="..." is its own.
    return bool(assignment.group(1) and assignment.group(3)) and not inside_markup
