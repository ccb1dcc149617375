"""2-D cross-correlation written by hand, with stride and five border modes (NumPy, no TensorFlow).

Keras' Conv2D computes cross-correlation: the kernel slides over the picture
*without* being flipped, and each output pixel is sum(window * kernel). True
convolution flips the kernel first (see `cnn_core.kernels.flip`).

What runs where, honestly:
- `correlate2d_windows` is the definition, loop-free: NumPy's sliding_window_view
  gives every K x K window, and one einsum multiplies and sums each with the kernel.
- `correlate2d` is what the page runs on whole pictures. It computes the same sums
  faster: a kernel of rank 1 (Gaussian, box, Sobel, Prewitt) is applied as one row
  pass and one column pass, and any other kernel as K*K shifted, weighted copies of
  the picture added together (a loop over kernel cells, never over pixels). Tests
  check both against each other, against `scipy.signal.correlate2d` /
  `scipy.ndimage.correlate`, and against `tf.nn.conv2d`.
- `step` explains one output pixel: its window, the products, their sum.

Border modes: 'valid' (no padding, the output shrinks), 'zero' (Keras' 'same'),
'reflect' (mirror without repeating the edge: d c b | a b c d | c b a),
'replicate' (repeat the edge pixel), 'wrap' (the other side of the picture).
Every mode but 'valid' pads as Keras' 'same' does (`formulas.same_pads`): O = ceil(W / S)
and a total of max((O - 1) * S + K - W, 0) pixels per axis, the extra one (odd total, e.g.
an even kernel) on the bottom/right.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cnn_core import formulas

PADDINGS = ("valid", "zero", "reflect", "replicate", "wrap")
PADDING_LABELS = {  # a table of labels: alike in shape to digits.STEP_TITLES, nothing shared
    "valid": "No padding (valid)",
    "zero": "Zero padding (same)",
    "reflect": "Reflect",
    "replicate": "Replicate edge",
    "wrap": "Wrap around",
}
_NP_MODE = {"zero": "constant", "reflect": "reflect", "replicate": "edge", "wrap": "wrap"}


class BadConvolution(ValueError):
    """The kernel cannot slide over this picture with these settings; the message says why."""


def _check(image: np.ndarray, kernel: np.ndarray, padding: str, stride: int) -> None:
    if padding not in PADDINGS:
        raise BadConvolution(f"Unknown padding '{padding}'; choose one of {', '.join(PADDINGS)}.")
    if int(stride) != stride or stride < 1:
        raise BadConvolution(f"The stride must be a whole number of pixels, 1 or more (got {stride}).")
    if np.ndim(image) != 2 or np.ndim(kernel) != 2 or kernel.shape[0] != kernel.shape[1] or kernel.size == 0:
        raise BadConvolution("Expected a grey (H, W) picture and a square (K, K) kernel.")


def output_shape(h: int, w: int, k: int, padding: str = "valid", stride: int = 1) -> tuple[int, int]:
    """(OH, OW) from cnn_core.formulas; 'valid' uses P = 0, every other mode Keras' 'same'."""
    p = 0 if padding == "valid" else "same"
    return formulas.conv_output_size(h, k, p, stride), formulas.conv_output_size(w, k, p, stride)


def size_formula(n: int, k: int, padding: str = "valid", stride: int = 1) -> str:
    """formulas.conv_size_text for a border mode: 'valid' pads nothing, every other mode as Keras' 'same'."""
    return formulas.conv_size_text(n, k, 0 if padding == "valid" else "same", stride)


def pad_amounts(h: int, w: int, k: int, padding: str = "valid", stride: int = 1) -> tuple[int, int, int, int]:
    """Pixels added (top, bottom, left, right): formulas.same_pads for every mode but 'valid'."""
    if padding == "valid":
        return 0, 0, 0, 0
    return (*formulas.same_pads(h, k, stride), *formulas.same_pads(w, k, stride))


def pad(
    image: np.ndarray, k: int, padding: str = "valid", stride: int = 1
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """(H, W) picture -> (H + top + bottom, W + left + right) padded float64 picture, and the four amounts."""
    image = np.asarray(image, dtype=np.float64)
    t, b, lft, r = pad_amounts(*image.shape, k, padding, stride)
    if padding == "valid" or t + b + lft + r == 0:
        return image, (t, b, lft, r)
    kw = {"constant_values": 0.0} if padding == "zero" else {}
    return np.pad(image, ((t, b), (lft, r)), mode=_NP_MODE[padding], **kw), (t, b, lft, r)


def _padded_checked(image, kernel, padding, stride):
    kernel = np.asarray(kernel, dtype=np.float64)
    _check(image, kernel, padding, stride)
    k = kernel.shape[0]
    oh, ow = output_shape(*np.shape(image), k, padding, stride)
    if oh < 1 or ow < 1:
        h, w = np.shape(image)
        n, side = (h, "tall") if oh < 1 else (w, "wide")
        raise BadConvolution(
            f"A {k}x{k} kernel does not fit in a picture {n} pixels {side} without padding: "
            f"O = {size_formula(n, k, padding, stride)}, and an output needs at least 1 pixel. "
            "Choose a padding mode or a smaller kernel."
        )
    p, _ = pad(image, k, padding, stride)
    return p, kernel, k, oh, ow


def correlate2d_windows(image: np.ndarray, kernel: np.ndarray, padding: str = "valid", stride: int = 1) -> np.ndarray:
    """Cross-correlation by its definition, loop-free: every window times the kernel, summed.

    Parameters
    ----------
    image : (H, W) array.
    kernel : (K, K) array, not flipped.
    padding : one of PADDINGS.
    stride : step between windows, in pixels.

    Returns
    -------
    (OH, OW) float64 array, OH and OW from `output_shape`.
    """
    p, kernel, k, oh, ow = _padded_checked(image, kernel, padding, stride)
    windows = sliding_window_view(p, (k, k))[::stride, ::stride][:oh, :ow]  # (OH, OW, K, K), a view
    return np.einsum("ijkl,kl->ij", windows, kernel)


def _rank1(kernel: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(u, v) with kernel == outer(u, v), if the kernel has rank 1 (up to rounding)."""
    u, s, vt = np.linalg.svd(kernel)
    if s[0] == 0 or (len(s) > 1 and s[1] > 1e-12 * s[0]):
        return None
    r = math.sqrt(s[0])
    return u[:, 0] * r, vt[0] * r


def correlate2d(image: np.ndarray, kernel: np.ndarray, padding: str = "valid", stride: int = 1) -> np.ndarray:
    """Same result as `correlate2d_windows`, computed faster (row + column passes, or shift-and-add).

    Parameters and returns as `correlate2d_windows`: (H, W), (K, K) -> (OH, OW) float64.
    Raises BadConvolution (friendly message) when no window fits or the settings are wrong.
    """
    p, kernel, k, oh, ow = _padded_checked(image, kernel, padding, stride)
    span_h, span_w = (oh - 1) * stride + 1, (ow - 1) * stride + 1
    uv = _rank1(kernel) if k > 1 else None
    if uv is not None:
        u, v = uv
        rows = sliding_window_view(p[: span_h + k - 1], k, axis=1)[:, :span_w:stride] @ v  # (Hp', OW)
        return sliding_window_view(rows, k, axis=0)[:span_h:stride] @ u  # (OH, OW)
    out = np.zeros((oh, ow))
    for r in range(k):
        for c in range(k):
            if kernel[r, c] != 0:
                out += kernel[r, c] * p[r : r + span_h : stride, c : c + span_w : stride]
    return out


def gradient_magnitude(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """sqrt(a**2 + b**2), elementwise, for two same-shaped outputs (e.g. Sobel x and Sobel y)."""
    return np.hypot(a, b)


@dataclass(frozen=True)
class Step:
    """One output pixel explained. Arrays are (K, K); coordinates are 0-based.

    `top`, `left` locate the window in the padded picture; `padded` marks window
    cells that are padding, not picture. `total` == the output pixel (row, col).
    """

    row: int
    col: int
    top: int
    left: int
    window: np.ndarray
    kernel: np.ndarray
    products: np.ndarray
    total: float
    padded: np.ndarray
    pads: tuple[int, int, int, int]


def step(image: np.ndarray, kernel: np.ndarray, padding: str, stride: int, row: int, col: int) -> Step:
    """The window under output pixel (row, col), the element-wise products and their sum."""
    p, kernel, k, oh, ow = _padded_checked(image, kernel, padding, stride)
    if not (0 <= row < oh and 0 <= col < ow):
        raise BadConvolution(f"Output position ({row}, {col}) is outside the {oh}x{ow} output.")
    t, b, lft, r = pad_amounts(*np.shape(image), k, padding, stride)
    top, left = row * stride, col * stride
    window = p[top : top + k, left : left + k].copy()
    h, w = np.shape(image)
    rr, cc = np.meshgrid(np.arange(top, top + k) - t, np.arange(left, left + k) - lft, indexing="ij")
    padded = (rr < 0) | (rr >= h) | (cc < 0) | (cc >= w)
    products = window * kernel + 0.0  # + 0.0 turns -0.0 into 0.0 for display
    return Step(row, col, top, left, window, kernel, products, float(products.sum()), padded, (t, b, lft, r))
