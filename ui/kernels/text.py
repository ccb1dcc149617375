"""The Kernels page's explanations (answers to the seed questions, in our own words)."""

from __future__ import annotations

import numpy as np

from cnn_core.data import SIDE
from cnn_core.formulas import conv_output_size

INTRO = """
A **kernel** (or filter) is a small grid of numbers. Slide it over a picture: at each
place, multiply the pixels under it by the matching weights and add the products up.
That one number becomes one pixel of a new picture, the **feature map** (Q6, Q15). Which
weights you choose decides what the new picture shows: a blur, sharper strokes, or only
the edges (Q7). A CNN does exactly this, except that it *learns* its weights from examples
instead of being handed them.
"""

NOT_SPOILED = """
**Does filtering spoil the picture? (Q8)** The input is never changed: the filter writes a
new array beside it. Some detail is thrown away on purpose (a blur hides fine noise, an edge
detector forgets flat areas), because the point is to keep what matters for recognising the
digit. A CNN keeps many filters side by side, so what one drops, another can keep.
"""

KERNEL_SHAPES = """
**What kernels look like (Q10-Q14).** The simplest is 3x3: nine weights. Two things decide what a
kernel does. First, **the sum of its weights**: on a patch of even grey the output is that grey
times the sum. A sum of 1 keeps the picture's brightness; a sum of 0 wipes out every even patch and
keeps only the places where brightness changes. Second, **the signs**: all positive weights
average the neighbourhood and blur (box, Gaussian). A centre of one sign against neighbours of the
other sign compares each pixel with its surroundings; that same pattern *sharpens* when the sum is 1
(Sharpen, unsharp mask) and *finds edges* when the sum is 0 (Laplacian, Outline). Weights that are
positive on one side and negative on the opposite side answer to brightness changing in one
direction (Sobel, Prewitt; emboss does it on top of the picture). Kernels can be bigger (5x5,
15x15) and follow any pattern; in a CNN they are whatever training finds useful.
"""


def borders_text(stride: int) -> str:
    """Q9: the padding modes; what 'keeps the size' means depends on the stride."""
    if stride == 1:
        size = "so at stride 1, as here, the output keeps the input's size"
    else:
        size = (
            f"so the output is as large as the input *before* the stride; at stride {stride}, as here, it then "
            f"shrinks to about 1/{stride} of the input's width and height"
        )
    side, out = SIDE, conv_output_size(SIDE, 3)
    return f"""
**What happens at the border? (Q9)** A window centred on a border pixel hangs over the edge.
*No padding (valid)*: only windows that fit are used, so the output shrinks by K - 1 pixels
(a {side}x{side} digit becomes {out}x{out} with a 3x3 kernel at stride 1, Q20). The other modes invent the
missing pixels, {size}: *zero* adds black pixels (Keras' `padding="same"`),
*reflect* mirrors the picture, *replicate* repeats the edge pixel, *wrap* takes pixels from
the opposite side.
"""


STRIDE = """
**Stride (Q21).** The stride is how far the window jumps between two outputs. With stride 2 it
skips every other position, so the output is about half as wide and high (a quarter of the
pixels) and the work is cut as much; detail between the positions is not looked at.
"""

NEGATIVE = """
Edge kernels have negative weights, so their outputs can be negative (a dark-to-bright step
one way gives a positive answer, the other way a negative one). A picture cannot show a
negative brightness, so the **raw** view uses blue for negative, red for positive and white
for 0; the **0-255 picture** view stretches the smallest output to black and the largest to white.
"""

STEP = """
**How the kernel is applied, one window at a time (Q15, Q16).** Pick an output pixel: its
window is outlined on the input (with padding marked by x), then the window's values, the
kernel, their element-wise products and the sum. The sum *is* the output pixel.
"""

FLIP = """
**Cross-correlation or convolution?** Keras' `Conv2D` slides the kernel as it is: that is
*cross-correlation*. Textbook *convolution* first rotates the kernel by 180 degrees. For
symmetric kernels (blurs, Laplacian) the two agree; for Sobel, emboss or a lopsided custom
kernel they differ. A CNN learns its weights, so it does not matter which one it computes,
as long as we name it honestly.
"""

POOLING = """
**Pooling (Q24, Q25).** Pooling shrinks a feature map by replacing each small window with one
number, and forgets where exactly inside the window things were; that makes the network cheaper
and a little less sensitive to small shifts of the digit. What the one number is depends on the mode.
**Max pooling** keeps the largest value of each window, the strongest response of the filter
there (the most common choice in CNNs). **Average pooling** keeps the mean of the window, so a
strong response next to weak ones is diluted: it smooths. Pooling has no weights to learn.
Edit the matrix below and watch both.
"""


def _side(dx: float, dy: float) -> str:
    """The direction (image coordinates: y grows downwards) a weight imbalance points to."""
    v = "bottom" if dy > 1e-9 else "top" if dy < -1e-9 else ""
    h = "right" if dx > 1e-9 else "left" if dx < -1e-9 else ""
    return "-".join(p for p in (v, h) if p)


def _opposite(side: str) -> str:
    swap = {"top": "bottom", "bottom": "top", "left": "right", "right": "left"}
    return "-".join(swap[p] for p in side.split("-"))


def one_sided(w: np.ndarray) -> bool:
    """True when, the centre left aside, every weight faces its negative across the centre (Sobel, Prewitt, emboss)."""
    off = np.array(w, dtype=np.float64)
    c = off.shape[0] // 2
    off[c, c] = 0.0
    return bool(np.abs(off).max() > 0) and bool(np.allclose(off, -off[::-1, ::-1]))


def centre_against_neighbours(w: np.ndarray) -> bool:
    """True when the centre weight has one sign and every other non-zero weight the other."""
    w = np.asarray(w, dtype=np.float64)
    c = w.shape[0] // 2
    centre = w[c, c]
    others = np.delete(w.ravel(), c * w.shape[0] + c)
    others = others[np.abs(others) > 1e-12]
    return centre != 0 and others.size > 0 and bool((np.sign(others) == -np.sign(centre)).all())


def weights_text(w: np.ndarray) -> str:
    """What one kernel's weights do, read from the weights themselves: their sum and their sign pattern."""
    w = np.asarray(w, dtype=np.float64)
    s = float(w.sum())
    negative = bool((w < 0).any())
    if abs(s - 1) < 1e-9:
        total = "Its weights add up to **1**, so a patch of even grey comes out exactly as grey as it went in"
    elif abs(s) < 1e-9:
        total = (
            "Its weights add up to **0**, so any patch of even grey comes out as 0: only changes in brightness remain"
        )
    else:
        total = f"Its weights add up to **{s:.4g}**, so a patch of even grey comes out {s:.4g} times as bright"
    if not negative:
        if np.count_nonzero(w) == 1:
            return total + "; a single non-zero weight just moves or scales the picture."
        return total + "; with no negative weight it averages the neighbourhood, which blurs."
    if one_sided(w):
        off = w.copy()
        c = w.shape[0] // 2
        off[c, c] = 0.0
        ys, xs = np.mgrid[-c : c + 1, -c : c + 1]
        side = _side(float((off * xs).sum()), float((off * ys).sum()))
        keep = "" if abs(s) < 1e-9 else "on top of the picture, "
        return (
            total + f". Positive on one side, negative on the other: {keep}it answers where the picture gets brighter "
            f"towards the {side} (positive) or towards the {_opposite(side)} (negative)."
        )
    if centre_against_neighbours(w):
        if abs(s - 1) < 1e-9:
            return total + (
                ". The centre is weighed against its neighbours, so a pixel that differs from its surroundings "
                "is pushed further away from them: the picture stays, with its contrasts enlarged (sharpening)."
            )
        if abs(s) < 1e-9:
            return total + (
                ". The centre is weighed against its neighbours, so the output is the pixel's difference from its "
                "surroundings and nothing else: it finds edges and thin strokes."
            )
        return total + ". The centre is weighed against its neighbours."
    return total + "; it mixes positive and negative weights."


def kernel_text(kernel) -> str:
    """weights_text for a library or custom kernel; a two-kernel operation gets one sentence per kernel."""
    if kernel.second is None:
        return weights_text(kernel.weights)
    return " ".join(
        f"{name}: {weights_text(w)[0].lower()}{weights_text(w)[1:]}"
        for name, w in (("Sobel x", kernel.weights), ("Sobel y", kernel.second))
    )


COLOUR = """
**A colour picture (Q2; the article's next step, CIFAR-style photos).** A colour picture holds
three numbers per pixel: how much red, green and blue. A `Conv2D` filter on such an input is
not one K x K grid but a *stack* of three, one slice per channel. Each channel is
cross-correlated with its own slice, the three results are **added up** with the filter's one
bias, and the filter gives **one** output map, however many channels went in. Choose how
much of the kernel above each slice gets: with the luminance factors the sum is exactly the
grey picture's output of the other views (the sums are linear); *Red minus blue* answers to
red things and is pushed down by blue ones.
"""


def colour_params_text(k: int, c_in: int, filters: int, per_filter: int, total: str, grey_total: int) -> str:
    """The layer's parameter count worked out, the input-channel term named (numbers from channels.LayerParams)."""
    return (
        f"**Parameters of a Conv2D layer with {filters} such filters.** Each filter holds {k}x{k} weights for each "
        f"of the {c_in} input channels, {k}x{k}x{c_in} = {per_filter} in all, plus one bias: "
        f"K×K×C_in×F + F = {total.replace('*', '×')}. The input-channel term C_in = {c_in} multiplies the weights, not the biases: "
        f"the same layer on a grey picture (C_in = 1) has {grey_total:,}. Each filter still makes one map, so the "
        f"layer's output has {filters} maps."
    )
