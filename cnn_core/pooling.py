"""Max and average pooling (no padding, as Keras' default 'valid'), and the windows each output reads.

Pure NumPy, no TensorFlow; tests compare with Keras' MaxPooling2D / AveragePooling2D.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cnn_core import formulas
from cnn_core.cells import parse_cells

MODES = ("max", "average")
MAX_VALUE = 1e6  # larger numbers in the example matrix are refused with a message


class BadPooling(ValueError):
    """Pooling cannot run with these settings or values; the message says why."""


def output_shape(h: int, w: int, size: int, stride: int | None = None) -> tuple[int, int]:
    """(OH, OW) from formulas.pool_output_size: floor((W - F) / S) + 1 per axis."""
    return formulas.pool_output_size(h, size, stride), formulas.pool_output_size(w, size, stride)


def _check(x: np.ndarray, size: int, stride: int) -> tuple[int, int]:
    if np.ndim(x) != 2:
        raise BadPooling("Pooling here works on one grey (H, W) picture or matrix.")
    if size < 1 or stride < 1:
        raise BadPooling("Pool size and stride must be 1 or more.")
    oh, ow = output_shape(*np.shape(x), size, stride)
    if oh < 1 or ow < 1:
        h, w = np.shape(x)
        raise BadPooling(
            f"A {size}x{size} pooling window does not fit in the {h}x{w} input "
            f"(output size {formulas.pool_size_text(min(h, w), size, stride)}): choose a smaller pool size."
        )
    return oh, ow


def pool2d(x: np.ndarray, size: int = 2, stride: int | None = None, mode: str = "max") -> np.ndarray:
    """Max or average of each size x size window, windows `stride` apart (default: stride = size).

    Parameters
    ----------
    x : (H, W) array.
    size : the window's side F.  stride : step S between windows.
    mode : 'max' or 'average'.

    Returns
    -------
    (OH, OW) float64 array, OH = floor((H - F) / S) + 1 (likewise OW). Leftover rows/columns
    that no full window covers are dropped, as Keras does with 'valid' pooling.
    """
    stride = size if stride is None else stride
    if mode not in MODES:
        raise BadPooling(f"Unknown pooling '{mode}'; choose max or average.")
    oh, ow = _check(x, size, stride)
    win = sliding_window_view(np.asarray(x, dtype=np.float64), (size, size))[::stride, ::stride][:oh, :ow]
    return win.max(axis=(2, 3)) if mode == "max" else win.mean(axis=(2, 3))


@dataclass(frozen=True)
class PoolWindow:
    """The input window (top, left, size) behind output (row, col), its values and the pooled value."""

    row: int
    col: int
    top: int
    left: int
    size: int
    values: np.ndarray  # (size, size)
    result: float
    argmax: tuple[int, int]  # where the max sits inside the window


def windows(x: np.ndarray, size: int = 2, stride: int | None = None, mode: str = "max") -> list[PoolWindow]:
    """Every pooling window in row-major output order (for highlighting), with its pooled value."""
    stride = size if stride is None else stride
    oh, ow = _check(x, size, stride)
    x = np.asarray(x, dtype=np.float64)
    out = []
    for i in range(oh):
        for j in range(ow):
            v = x[i * stride : i * stride + size, j * stride : j * stride + size]
            res = float(v.max() if mode == "max" else v.mean())
            am = np.unravel_index(int(np.argmax(v)), v.shape)
            out.append(PoolWindow(i, j, i * stride, j * stride, size, v.copy(), res, (int(am[0]), int(am[1]))))
    return out


def parse_matrix(values) -> np.ndarray:
    """Cells typed by a learner -> a checked (H, W) float64 matrix; BadPooling for empty/NaN/inf/huge cells."""
    return parse_cells(values, BadPooling, "matrix", MAX_VALUE)


# A 6x6 example with a clear structure: a bright diagonal stroke on a dim background,
# so max pooling keeps the stroke and average pooling smears it.
EXAMPLE = np.array(
    [
        [9, 1, 0, 0, 2, 0],
        [2, 8, 1, 0, 0, 1],
        [0, 1, 7, 2, 0, 0],
        [0, 0, 3, 9, 1, 0],
        [1, 0, 0, 1, 6, 2],
        [0, 2, 0, 0, 3, 8],
    ],
    dtype=np.float64,
)
