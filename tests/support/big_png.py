"""Huge pictures that are tiny on disk: a flat 1-bit PNG written row by row (never held as pixels)."""

from __future__ import annotations

import struct
import zlib


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def flat_png(width: int, height: int, white: bool = True) -> bytes:
    """A width x height 1-bit grey PNG of one flat colour; 20,000 x 20,000 takes about 50 kB."""
    row = b"\x00" + (b"\xff" if white else b"\x00") * ((width + 7) // 8)  # filter byte 0, then the bits
    z = zlib.compressobj(9)
    idat = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # bit depth 1, grey
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
