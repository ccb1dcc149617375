"""One call for the Kernels page: filter a grey picture with a library kernel and explain the result.

Pure NumPy, no TensorFlow. Builds on cnn_core.convolution (the sums) and
cnn_core.formulas (the output-size formula).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cnn_core import convolution as C
from cnn_core.kernels import Kernel, flip, is_symmetric_180


def to_picture(a: np.ndarray) -> np.ndarray:
    """(H, W) values of any range -> uint8 0..255 by a linear min-max rescale (constant -> all 0)."""
    a = np.asarray(a, dtype=np.float64)
    lo, hi = float(a.min()), float(a.max())
    if hi - lo < 1e-12:
        return np.zeros(a.shape, np.uint8)
    return np.round((a - lo) / (hi - lo) * 255).astype(np.uint8)


@dataclass(frozen=True)
class Filtered:
    """The result of sliding a kernel over a picture, with what the page says about it.

    image : (H, W) grey input, 0..255.   output : (OH, OW) raw sums.
    picture : (OH, OW) uint8, the output rescaled to 0..255.
    aligned : (OH, OW) input pixel under each window's centre, so difference = output - aligned.
    weights, second : the (K, K) kernel(s) actually slid (flipped for true convolution).
    """

    image: np.ndarray
    output: np.ndarray
    picture: np.ndarray
    aligned: np.ndarray
    difference: np.ndarray
    weights: np.ndarray
    second: np.ndarray | None
    padding: str
    stride: int
    pads: tuple[int, int, int, int]
    formula_h: str
    formula_w: str
    notes: list[str] = field(default_factory=list)

    @property
    def signed(self) -> bool:
        return bool(self.output.min() < 0)


def filter_image(
    image: np.ndarray, kernel: Kernel, padding: str = "valid", stride: int = 1, convolve: bool = False
) -> Filtered:
    """Cross-correlate (or, with convolve=True, convolve) a grey picture with `kernel`.

    Parameters
    ----------
    image : (H, W) grey picture (any range; 0..255 expected).
    kernel : a cnn_core.kernels.Kernel; with `kernel.second`, the output is the gradient magnitude.
    padding : one of convolution.PADDINGS.  stride : 1 or more.
    convolve : flip the kernel(s) by 180 degrees first (true convolution).

    Raises convolution.BadConvolution with a friendly message when no window fits.
    """
    image = np.asarray(image, dtype=np.float64)
    w1 = flip(kernel.weights) if convolve else kernel.weights
    w2 = None if kernel.second is None else (flip(kernel.second) if convolve else kernel.second)
    out = C.correlate2d(image, w1, padding, stride)
    if w2 is not None:
        out = C.gradient_magnitude(out, C.correlate2d(image, w2, padding, stride))
    k = kernel.size
    h, w = image.shape
    pads = C.pad_amounts(h, w, k, padding, stride)
    # input pixel under each window's centre (for even K, the pixel just above-left of the centre)
    rows = np.clip(np.arange(out.shape[0]) * stride + (k - 1) // 2 - pads[0], 0, h - 1)
    cols = np.clip(np.arange(out.shape[1]) * stride + (k - 1) // 2 - pads[2], 0, w - 1)
    aligned = image[np.ix_(rows, cols)]
    notes = _notes(kernel, padding, stride, pads, convolve)
    return Filtered(
        image=image,
        output=out,
        picture=to_picture(out),
        aligned=aligned,
        difference=out - aligned,
        weights=w1,
        second=w2,
        padding=padding,
        stride=stride,
        pads=pads,
        formula_h=C.size_formula(h, k, padding, stride),
        formula_w=C.size_formula(w, k, padding, stride),
        notes=notes,
    )


def _notes(kernel: Kernel, padding: str, stride: int, pads, convolve: bool) -> list[str]:
    k = kernel.size
    notes = []
    if padding != "valid" and k % 2 == 0:
        notes.append(
            f"A {k}x{k} kernel has no centre pixel, so 'same' padding cannot be equal on both sides: "
            "as in Keras, the extra pixel goes on the bottom and the right."
        )
    if padding != "valid" and stride > 1 and (pads[0] + pads[1]) != k - 1:
        notes.append(
            f"At stride {stride}, Keras' 'same' pads only what the last window needs: here {pads[0]} px top, "
            f"{pads[1]} bottom, {pads[2]} left, {pads[3]} right (not {k - 1} in total as at stride 1)."
        )
    if convolve:
        same = is_symmetric_180(kernel.weights) and (kernel.second is None or is_symmetric_180(kernel.second))
        if kernel.second is not None and not same:
            same = True  # flipping Sobel only changes its sign, and the magnitude squares it away
        notes.append(
            "Flipping changes nothing here: this kernel looks the same rotated by 180 degrees, so convolution "
            "and cross-correlation agree."
            if same
            else "The kernel was flipped (rotated by 180 degrees) before sliding: that is true convolution, and "
            "its output differs from the cross-correlation Keras computes."
        )
    return notes


@dataclass(frozen=True)
class StepView:
    """One output pixel explained, with a crop of the padded input around its window.

    steps : one convolution.Step per kernel (two for a gradient magnitude).
    crop : (h, w) padded-input values around the window; crop_padded marks padding cells.
    window_at : (top, left) of the window inside `crop`.  value : the output pixel.
    """

    steps: list[C.Step]
    crop: np.ndarray
    crop_padded: np.ndarray
    window_at: tuple[int, int]
    origin: tuple[int, int]  # (row, col) of crop[0, 0] in padded coordinates
    value: float


def explain(f: Filtered, row: int, col: int, max_side: int = 40, margin: int = 6) -> StepView:
    """The window, products and sum behind output (row, col) of `f`; the crop is the whole padded input
    when it is at most `max_side` pixels, else the window plus `margin` pixels around it."""
    kernels = [f.weights] if f.second is None else [f.weights, f.second]
    steps = [C.step(f.image, w, f.padding, f.stride, row, col) for w in kernels]
    s = steps[0]
    k = s.kernel.shape[0]
    padded, _ = C.pad(f.image, k, f.padding, f.stride)
    mask = np.ones(padded.shape, bool)
    t, _, lft, _ = s.pads
    mask[t : t + f.image.shape[0], lft : lft + f.image.shape[1]] = False
    if max(padded.shape) <= max_side:
        r0 = c0 = 0
        r1, c1 = padded.shape
    else:
        r0, c0 = max(s.top - margin, 0), max(s.left - margin, 0)
        r1, c1 = min(s.top + k + margin, padded.shape[0]), min(s.left + k + margin, padded.shape[1])
    return StepView(
        steps=steps,
        crop=padded[r0:r1, c0:c1],
        crop_padded=mask[r0:r1, c0:c1],
        window_at=(s.top - r0, s.left - c0),
        origin=(r0, c0),
        value=float(f.output[row, col]),
    )
