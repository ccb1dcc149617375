"""Move a digit by whole pixels and count how many of its numbers change (NumPy, no TensorFlow)."""

from __future__ import annotations

import numpy as np

MAX_SHIFT = 3  # pixels; a 28x28 MNIST digit sits in a 20x20 box, so 3 px keeps it (almost) whole


def shift(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """(H, W) picture moved `dy` pixels down and `dx` right (negative: up, left); uncovered pixels are 0.

    Pixels pushed past the border are lost, as a digit written off the edge would be.
    """
    a = np.asarray(image)
    h, w = a.shape
    dy, dx = int(dy), int(dx)
    out = np.zeros_like(a)
    if abs(dy) >= h or abs(dx) >= w:
        return out
    out[max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = a[
        max(-dy, 0) : h + min(-dy, 0), max(-dx, 0) : w + min(-dx, 0)
    ]
    return out


def changed(a: np.ndarray, b: np.ndarray) -> int:
    """How many positions hold a different number in `a` and `b` (same shape)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"Different shapes: {a.shape} and {b.shape}.")
    return int(np.count_nonzero(a != b))


def shift_grid(max_shift: int = MAX_SHIFT) -> np.ndarray:
    """(S, 2) int every (dy, dx) with |dy|, |dx| <= max_shift, row by row (dy first)."""
    r = np.arange(-max_shift, max_shift + 1)
    dy, dx = np.meshgrid(r, r, indexing="ij")
    return np.stack([dy.ravel(), dx.ravel()], axis=1)
