"""Kernels page, colour view: one Conv2D filter over a colour picture, channel by channel, then summed.

The sums come from cnn_core.channels (checked against tf.nn.conv2d); the parameter count from
cnn_core.formulas.conv_params through channels.LayerParams. No maths here.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core import channels as CH
from cnn_core.convolution import BadConvolution
from cnn_core.formulas import shape_text
from cnn_core.images import downscale
from cnn_core.kernels import Kernel, flip
from ui.errors import plain
from ui.kernels import text as T
from ui.kernels.figures import grid, grid_row
from ui.kernels.inputs import KernelPicture, Settings, astronaut, pick_colour

SIDE = 128  # the colour view works on a small copy: eight pictures are drawn at once


def colour_picture(pic: KernelPicture) -> tuple[np.ndarray, str, list[str]]:
    """(H, W, 3) uint8 picture for the colour view, its label, and notes (the shipped photo if `pic` is grey)."""
    notes = []
    rgb, label = pic.colour, pic.label
    if rgb is None:
        rgb, label = astronaut(), "Astronaut Eileen Collins (NASA, public domain)"
        notes.append(f"{pic.label} has no colour, so this view uses the shipped colour photo instead.")
    small, shrunk = downscale(rgb, SIDE)
    if shrunk:
        notes.append(
            f"Shown at {shape_text(small.shape[:2])} pixels (from {shape_text(rgb.shape[:2])}) so the pictures below "
            "stay quick to draw."
        )
    return small, label, notes


def _chart(fig, key: str) -> None:
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False, "displayModeBar": False}, key=key)


def show_colour(pic: KernelPicture, kernel: Kernel, s: Settings) -> None:
    """The three channels, the three slices, the three outputs, their sum, and the layer's parameter count."""
    st.markdown(T.COLOUR)
    c = pick_colour()
    rgb, label, notes = colour_picture(pic)
    for n in notes:
        st.caption(n)
    if kernel.second is not None:
        st.info("A Conv2D filter is one stack of weights; this view uses the first of the two Sobel kernels.")
    w = flip(kernel.weights) if s.convolve else kernel.weights
    try:
        r = CH.correlate_channels(rgb, CH.stack_kernel(w, c.mix), s.padding, s.stride, c.bias)
    except BadConvolution as e:
        st.warning(plain(e), icon=":material/crop_free:")
        return
    k, (oh, ow) = w.shape[0], r.total.shape
    names = [ch.capitalize() for ch in CH.CHANNELS]
    cols = st.columns(4)
    cols[0].image(rgb, caption=f"{plain(label)}: {shape_text(rgb.shape)} (height x width x channels)")
    for col, name, i in zip(cols[1:], names, range(3), strict=True):
        col.image(rgb[..., i], caption=f"{name} channel: 0 (none) black to 255 (full) white", clamp=True)
    panels = [
        (r.kernel[..., i], f"{name} slice = {m:.3g} x kernel", dict(signed=True, colorbar="weight"))
        for i, (name, m) in enumerate(zip(names, c.mix, strict=True))
    ]
    _chart(grid_row(panels, fmt=".2~g", height=260 if k <= 7 else 340), key="k_col_slices")
    st.caption(f"The filter's {k}x{k}x3 weights, one {k}x{k} slice per channel (blue negative, red positive).")
    signed = bool((r.per_channel < 0).any())  # grey when nothing is negative; one scale for all three
    scale = dict(signed=True) if signed else dict(zrange=(0.0, max(float(r.per_channel.max()), 1e-9)))
    outs = st.columns(3)
    for col, name, i in zip(outs, names, range(3), strict=True):
        with col:
            title = f"{name} channel x {name.lower()} slice"
            _chart(grid(r.per_channel[i], title, colorbar="sum", height=320, **scale), key=f"k_col_out_{i}")
    legend = "blue below 0, red above, white 0" if signed else "black 0, white the largest of the three"
    st.caption(
        f"Each channel cross-correlated with its own slice ({plain(kernel.name)}, padding {s.padding}, stride {s.stride}): "
        f"three {shape_text((oh, ow))} maps; {legend}."
    )
    total_signed = bool((r.total < 0).any())
    title = f"Sum of the three + bias {c.bias:g}: the filter's one output map"
    _chart(grid(r.total, title, signed=total_signed, colorbar="sum", height=380), key="k_col_total")
    i, j = oh // 2, ow // 2
    parts = " + ".join(f"{n.lower()} {r.per_channel[q, i, j]:.4g}" for q, n in enumerate(names))
    st.markdown(f"At output pixel ({i}, {j}): {parts} + bias {c.bias:g} = **{r.total[i, j]:.4g}**.")
    st.caption(f"The filter's output, {shape_text((oh, ow))}, values from {r.total.min():.4g} to {r.total.max():.4g}.")
    p = CH.LayerParams(k, rgb.shape[2], c.filters)
    st.markdown(T.colour_params_text(k, p.c_in, p.filters, p.per_filter, p.text, p.grey_total))
