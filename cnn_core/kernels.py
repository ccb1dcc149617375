"""A library of classic image kernels (filters), plus checks for kernels a learner types in.

Pure NumPy, no TensorFlow. Every kernel is meant for cross-correlation (what
Keras' Conv2D computes): the weight at row r, column c multiplies the pixel at
the same place in the window; nothing is flipped. So "Sobel x" answers positive
where the picture gets brighter to the right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_core.cells import parse_cells

MAX_WEIGHT = 1000.0  # larger weights only overflow the picture; we refuse them with a message
CUSTOM_SIZES = (3, 5)
GAUSSIAN_SIZES = tuple(range(3, 16, 2))


class BadKernel(ValueError):
    """A kernel we cannot use; the message says why in plain words."""


@dataclass(frozen=True)
class Kernel:
    """A named filter. `second` is set for a two-kernel operation (gradient magnitude).

    weights, second : (K, K) float64 arrays.
    With `second`, the output is sqrt(a**2 + b**2) where a, b are the two cross-correlations.
    """

    name: str
    purpose: str
    weights: np.ndarray
    second: np.ndarray | None = None
    family: str = ""
    sigma: float | None = None  # set for the Gaussian: the spread its weights were built with

    @property
    def size(self) -> int:
        return int(self.weights.shape[0])

    @property
    def signed(self) -> bool:
        """True when outputs can be negative (some weight is negative) and it is not a magnitude."""
        return self.second is None and bool((self.weights < 0).any())


def gaussian_bell(x, sigma: float) -> np.ndarray:
    """exp(-x^2 / (2 sigma^2)) at offsets `x` (pixels from the centre, any shape): the Gaussian before scaling."""
    x = np.asarray(x, dtype=np.float64)
    return np.exp(-(x**2) / (2 * sigma**2))


def _gaussian_offsets(size: int, sigma: float) -> np.ndarray:
    """(size,) offsets of the cells from the centre, -(size-1)/2 .. (size-1)/2, after checking size and sigma."""
    if size < 1 or size % 2 == 0:
        raise BadKernel(f"A Gaussian kernel needs an odd size (3, 5, 7, ...), not {size}.")
    if not sigma > 0:
        raise BadKernel("The Gaussian's sigma must be above 0.")
    return np.arange(size) - (size - 1) / 2


def gaussian(size: int = 5, sigma: float = 1.0) -> np.ndarray:
    """(size, size) Gaussian weights exp(-(x^2 + y^2) / (2 sigma^2)), normalised to sum 1.

    size must be odd and >= 1 (the centre is a pixel); sigma > 0, in pixels.
    """
    g1 = gaussian_bell(_gaussian_offsets(size, sigma), sigma)
    g = np.outer(g1, g1)  # exp(-(x^2 + y^2) / 2s^2) = exp(-x^2 / 2s^2) * exp(-y^2 / 2s^2)
    return g / g.sum()


@dataclass(frozen=True)
class GaussianProfile:
    """The Gaussian kernel's centre row, and the continuous curve those weights are samples of.

    offsets : (K,) cell offsets from the centre, in pixels.   row : (K,) the centre row of `gaussian(K, sigma)`.
    x : (N,) fine offsets from -(K-1)/2 to (K-1)/2.   curve : (N,) gaussian_bell(x, sigma) / total.
    total : the sum of exp(-(x^2 + y^2) / (2 sigma^2)) over the K x K cells, the normaliser
        (the centre weight is 1 / total).
    """

    size: int
    sigma: float
    offsets: np.ndarray
    row: np.ndarray
    x: np.ndarray
    curve: np.ndarray
    total: float


def gaussian_profile(size: int = 5, sigma: float = 1.0, per_pixel: int = 40) -> GaussianProfile:
    """The centre row of `gaussian(size, sigma)` and the continuous curve through it (same bell, same normaliser).

    The curve is sampled `per_pixel` times per pixel, so every cell's offset is one of its points.
    """
    offsets = _gaussian_offsets(size, sigma)
    weights = gaussian(size, sigma)
    total = float(gaussian_bell(offsets, sigma).sum() ** 2)  # the 2-D sum factorises into two 1-D sums
    x = np.linspace(offsets[0], offsets[-1], (size - 1) * per_pixel + 1)
    return GaussianProfile(
        size, float(sigma), offsets, weights[size // 2].copy(), x, gaussian_bell(x, sigma) / total, total
    )


def _a(rows) -> np.ndarray:
    return np.array(rows, dtype=np.float64)


SOBEL_X = _a([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
SOBEL_Y = SOBEL_X.T.copy()
PREWITT_X = _a([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]])
_BINOMIAL5 = np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]) / 256.0
_DELTA5 = np.zeros((5, 5))
_DELTA5[2, 2] = 1.0

NAMES = (
    "Identity",
    "Box blur 3x3",
    "Box blur 5x5",
    "Gaussian blur",
    "Sharpen",
    "Unsharp mask 5x5",
    "Laplacian (4-neighbour)",
    "Laplacian (8-neighbour)",
    "Sobel x",
    "Sobel y",
    "Prewitt x",
    "Prewitt y",
    "Gradient magnitude (Sobel)",
    "Emboss",
    "Outline",
)


def library(gauss_size: int = 5, gauss_sigma: float = 1.0) -> dict[str, Kernel]:
    """Every kernel of the library by name (in NAMES order); the Gaussian uses the size and sigma given."""
    ks = [
        Kernel(
            "Identity",
            "Copies the picture: 1 in the centre, 0 elsewhere.",
            _a([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
            family="other",
        ),
        Kernel(
            "Box blur 3x3",
            "Blurs: each pixel becomes the mean of its 3x3 neighbourhood.",
            np.full((3, 3), 1 / 9),
            family="blur",
        ),
        Kernel(
            "Box blur 5x5", "Blurs more: the mean of the 5x5 neighbourhood.", np.full((5, 5), 1 / 25), family="blur"
        ),
        Kernel(
            "Gaussian blur",
            f"Smooth blur: near pixels weigh more than far ones (size {gauss_size}, sigma {gauss_sigma:g}).",
            gaussian(gauss_size, gauss_sigma),
            family="blur",
            sigma=float(gauss_sigma),
        ),
        Kernel(
            "Sharpen",
            "Sharpens: 5 times the centre minus its 4 neighbours (5 - 4 = 1, so the picture stays).",
            _a([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
            family="sharpen",
        ),
        Kernel(
            "Unsharp mask 5x5",
            "Sharpens: the picture plus (picture minus its blur).",
            2 * _DELTA5 - _BINOMIAL5,
            family="sharpen",
        ),
        Kernel(
            "Laplacian (4-neighbour)",
            "Finds edges in every direction: centre against its 4 neighbours.",
            _a([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
            family="edge",
        ),
        Kernel(
            "Laplacian (8-neighbour)",
            "Finds edges in every direction: centre against all 8 neighbours.",
            _a([[1, 1, 1], [1, -8, 1], [1, 1, 1]]),
            family="edge",
        ),
        Kernel(
            "Sobel x",
            "Finds vertical edges: positive where the picture gets brighter to the right.",
            SOBEL_X,
            family="edge",
        ),
        Kernel(
            "Sobel y",
            "Finds horizontal edges: positive where the picture gets brighter downwards.",
            SOBEL_Y,
            family="edge",
        ),
        Kernel("Prewitt x", "Like Sobel x, with equal weights on the three rows.", PREWITT_X, family="edge"),
        Kernel(
            "Prewitt y", "Like Sobel y, with equal weights on the three columns.", PREWITT_X.T.copy(), family="edge"
        ),
        Kernel(
            "Gradient magnitude (Sobel)",
            "Edge strength in any direction: sqrt(Sobel x² + Sobel y²), two kernels combined.",
            SOBEL_X,
            second=SOBEL_Y,
            family="edge",
        ),
        Kernel(
            "Emboss",
            "Makes a relief: light from the top-left, shadow to the bottom-right.",
            _a([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
            family="other",
        ),
        Kernel(
            "Outline",
            "Keeps only outlines: 8 times the centre minus its 8 neighbours (8 - 8 = 0, so flat areas vanish).",
            _a([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
            family="edge",
        ),
    ]
    return {k.name: k for k in ks}


def parse_kernel(values) -> np.ndarray:
    """Cells typed by a learner (nested lists, a DataFrame, an array) -> a checked (K, K) float64 kernel.

    Raises BadKernel, with a sentence a learner understands, for empty cells, text,
    NaN, infinity, weights beyond +-MAX_WEIGHT, or a grid that is not square (see `cells.parse_cells`).
    """
    return parse_cells(values, BadKernel, "kernel", MAX_WEIGHT, square=True)


def normalise(k: np.ndarray) -> np.ndarray:
    """(K, K) kernel scaled so its weights sum to 1 (keeps the picture's brightness).

    Raises BadKernel when the weights sum to (about) 0, as edge detectors do: there is
    nothing to divide by.
    """
    s = float(np.sum(k))
    if abs(s) < 1e-12:
        raise BadKernel(
            "These weights sum to 0 (as edge detectors do), so they cannot be scaled to sum 1; "
            "the kernel is used as typed."
        )
    return k / s


def flip(k: np.ndarray) -> np.ndarray:
    """The kernel rotated by 180 degrees: correlating with flip(k) is convolving with k."""
    return np.asarray(k)[::-1, ::-1].copy()


def is_symmetric_180(k: np.ndarray) -> bool:
    """True when flipping changes nothing, so convolution and cross-correlation give the same output."""
    return bool(np.allclose(k, flip(k)))
