"""A small reader and writer for the IDX format that MNIST is published in.

Header: two zero bytes, a type code (0x08 = unsigned byte), the number of
dimensions, then one big-endian uint32 per dimension, then the data.
"""

from __future__ import annotations

import numpy as np


class IDXError(ValueError):
    """The bytes are not a well-formed IDX file of unsigned bytes."""


def parse_idx(data: bytes, name: str = "IDX file") -> np.ndarray:
    """Parse IDX bytes into a uint8 array of the shape the header gives.

    Raises IDXError naming what is wrong (magic number, size) when the bytes
    are truncated, too long or not IDX at all.
    """
    if len(data) < 4:
        raise IDXError(f"{name}: only {len(data)} bytes, too short to be an IDX file.")
    if data[0] != 0 or data[1] != 0:
        raise IDXError(f"{name}: wrong magic number (first bytes {data[:4].hex()}), not an IDX file.")
    if data[2] != 0x08:
        raise IDXError(f"{name}: type code 0x{data[2]:02x}; only unsigned bytes (0x08) are supported.")
    ndim = data[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(data) < header:
        raise IDXError(f"{name}: header for {ndim} dimensions is truncated.")
    shape = tuple(int(x) for x in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    expected = header + int(np.prod(shape))
    if len(data) != expected:
        kind = "truncated" if len(data) < expected else "too long"
        raise IDXError(f"{name}: {kind}: header says {shape} ({expected} bytes) but the file has {len(data)}.")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def to_idx(array: np.ndarray) -> bytes:
    """Serialise a uint8 array as IDX bytes (the inverse of parse_idx)."""
    a = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, a.ndim]) + np.asarray(a.shape, dtype=">u4").tobytes()
    return header + a.tobytes()
