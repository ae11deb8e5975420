"""Lead images of simulated articles: small PNGs drawn from the article's name, stdlib only."""

import hashlib
import struct
import zlib

WIDTH, HEIGHT = 320, 180


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def draw_image(name: str) -> bytes:
    """A PNG of two colour bands and a diagonal, the same for the same name."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=6).digest()
    top, bottom = digest[:3], digest[3:]
    rows = []
    for y in range(HEIGHT):
        edge = WIDTH * y // HEIGHT
        row = bytearray(b"\x00")  # filter type: none
        for x in range(WIDTH):
            row += top if x > edge else bottom
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + _chunk(b"IEND", b""))
