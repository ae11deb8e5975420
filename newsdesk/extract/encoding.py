"""Bytes of a page into text, whatever its server or its <meta> claims about the encoding."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def declared_charset(raw: bytes) -> str | None:
    """The charset a page's own <meta> names in its first 4 KB, if Python knows it."""
    match = _META_CHARSET.search(raw[:4096])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def decode_html(raw: bytes, header_charset: str | None = None) -> str:
    """Decode a page: BOM, then valid UTF-8, then a declaration that decodes cleanly, then detection.

    Declarations lie often (a server's default charset, a template copied from elsewhere), so a
    declared single-byte charset is only believed when UTF-8 fails, and only if it decodes.
    """
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
