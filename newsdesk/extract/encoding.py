"""Bytes of a page into text, whatever its server or its <meta> claims about the encoding."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# UTF-8 read as Latin-1 ("â\x80\x99" for "’") or as windows-1252 ("â€™"): a lead byte and its
# continuation bytes, shown as C1 controls and Latin-1 symbols, or also as windows-1252's letters.
_LATIN1_TAIL = "[\x80-\xbf]"
_CP1252_TAIL = "[\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]"


def _sequences(tail: str) -> re.Pattern:
    return re.compile(f"[\xc2-\xdf]{tail}|[\xe0-\xef]{tail}{{2}}|[\xf0-\xf4]{tail}{{3}}")


_LATIN1_MOJIBAKE, _CP1252_MOJIBAKE = _sequences(_LATIN1_TAIL), _sequences(_CP1252_TAIL)
# Sure signs of each: C1 controls never appear in real text, nor does "â€".
_LATIN1_EVIDENCE = re.compile("[\xc2-\xf4][\x80-\x9f]")
_CP1252_EVIDENCE = re.compile("â€")
_MIN_EVIDENCE = 2


def declared_charset(raw: bytes) -> str | None:
    """The charset a page's own <meta> names in its first 4 KB, if Python knows it."""
    match = _META_CHARSET.search(raw[:4096])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Latin-1 or windows-1252 once too often, when the text clearly shows it."""
    # One odd sequence may be meant ("Ã¤" in an article about mojibake); a page-full is not.
    if _shows(_CP1252_EVIDENCE, text):
        return _CP1252_MOJIBAKE.sub(_redecode, text)
    if _shows(_LATIN1_EVIDENCE, text):
        return _LATIN1_MOJIBAKE.sub(_redecode, text)
    return text


def _shows(evidence: re.Pattern, text: str) -> bool:
    return sum(1 for _, _ in zip(range(_MIN_EVIDENCE), evidence.finditer(text))) >= _MIN_EVIDENCE


def _redecode(match: re.Match) -> str:
    chars = match.group(0)
    try:
        raw = b"".join(bytes([ord(c)]) if ord(c) < 256 else c.encode("cp1252") for c in chars)
        return raw.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return chars


def decode_html(raw: bytes, header_charset: str | None = None) -> str:
    """Decode a page: BOM, then valid UTF-8, then a declaration that decodes cleanly, then detection.

    Declarations lie often (a server's default charset, a template copied from elsewhere), so a
    declared single-byte charset is only believed when UTF-8 fails, and only if it decodes.
    Text encoded twice over is repaired.
    """
    return repair_mojibake(_decode(raw, header_charset))


def _decode(raw: bytes, header_charset: str | None) -> str:
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return raw.decode(name, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for name in (declared_charset(raw), header_charset):
        if name and codecs.lookup(name).name not in {"utf-8", "ascii"}:
            try:
                text = raw.decode(name)
            except (LookupError, UnicodeDecodeError):
                continue
            # windows-1252 decodes nearly anything; C1 controls say it guessed wrong.
            if not re.search("[\x80-\x9f]", text):
                return text
    matches = from_bytes(raw[:200_000])
    # Among near-equal single-byte guesses, prefer windows-1252: browsers' default for
    # legacy pages, and by far the most common of them on the web.
    if any(m.encoding == "cp1252" for m in matches):
        return raw.decode("cp1252", errors="replace")
    best = matches.best()
    if best is not None and best.encoding:
        return raw.decode(best.encoding, errors="replace")
    return raw.decode("windows-1252", errors="replace")
