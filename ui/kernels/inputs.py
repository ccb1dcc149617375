"""Kernels page inputs: the kernel, the sliding settings and the view, returned as plain values
(the picture is ui/kernels/picture.py's).

Each helper draws its widgets, shows a friendly message for bad input, and returns
None when there is nothing usable (the page then stops with an st.info).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from cnn_core import channels as CH
from cnn_core import kernels as K
from cnn_core import lesson_links as L
from cnn_core.architecture import LIMITS, SEED
from cnn_core.convolution import PADDING_LABELS, PADDINGS
from ui import address
from ui.errors import plain
from ui.keep import keep, last, last_index
from ui.kernels.picture import (  # noqa: F401 - the picture's helpers, long imported from here
    PAGE,
    SOURCES,
    KernelPicture,
    astronaut,
    pick_picture,
    upload_picture,
)

CUSTOM = "Custom (type your own)"
VIEW_FILTER, VIEW_STEPS, VIEW_POOLING = "Input, kernel and output", "One window at a time", "Pooling"
VIEW_COLOUR = "Colour: one filter over red, green, blue"
CUSTOM_MIX = "Custom"
VIEWS = {"filter": VIEW_FILTER, "steps": VIEW_STEPS, "colour": VIEW_COLOUR, "pooling": VIEW_POOLING}
KERNELS = {**L.KERNEL_SLUGS, L.CUSTOM: CUSTOM}  # address text -> the kernel selector's option


@dataclass
class ColourSettings:
    """How the picked kernel becomes a K x K x 3 Conv2D filter, and the layer it belongs to."""

    mix_name: str
    mix: tuple[float, float, float]  # slice c = mix[c] * kernel
    filters: int  # filters in the imagined Conv2D layer (for its parameter count)
    bias: float


@dataclass
class Settings:
    padding: str
    stride: int
    convolve: bool
    raw: bool


def _locked(name: str) -> bool:
    return address.locked(PAGE, name)


def start_grid(size: int) -> pd.DataFrame:
    """A new custom kernel: 1 in the centre (the top-left of the centre for an even size), 0 elsewhere."""
    start = np.zeros((size, size))
    start[(size - 1) // 2, (size - 1) // 2] = 1.0
    return pd.DataFrame(start, columns=[str(c + 1) for c in range(size)])


def _custom_kernel() -> K.Kernel | None:
    sizes = L.GRID_SIZES
    size = st.radio(
        "Custom kernel size",
        sizes,
        last_index("k_custom_size", sizes, 1),
        horizontal=True,
        key="k_custom_size",
        disabled=_locked("grid"),
    )
    keep("k_custom_size", size)
    cols = [str(c + 1) for c in range(size)]
    key = f"k_custom_{size}"
    df = st.data_editor(
        editor_start(key, start_grid(size)),
        key=key,
        num_rows="fixed",
        hide_index=True,
        column_config={c: st.column_config.NumberColumn(c, format="%.3g") for c in cols},
        disabled=_locked("grid"),
    )
    keep(key, df)
    normalise = st.toggle(
        "Normalise to sum 1",
        last("k_normalise", False),
        key="k_normalise",
        help="Divide every weight by their sum, so the picture keeps its brightness.",
        disabled=_locked("grid"),
    )
    keep("k_normalise", normalise)
    try:
        w = K.parse_kernel(df)
    except K.BadKernel as e:
        st.error(plain(e), icon=":material/grid_off:")  # quotes the typed cell
        return None
    if normalise:
        try:
            w = K.normalise(w)
        except K.BadKernel as e:
            st.warning(plain(e))
    return K.Kernel("Custom", "Your own weights.", w)


def pick_kernel() -> K.Kernel | None:
    """A kernel from the library (with Gaussian size and sigma) or typed by the learner; None if invalid."""
    names = (*K.NAMES, CUSTOM)
    name = keep(
        "k_kernel",
        st.selectbox("Kernel", names, last_index("k_kernel", names), key="k_kernel", disabled=_locked("kernel")),
    )
    if name == CUSTOM:
        return _custom_kernel()
    size, sigma = 5, 1.0
    if name == "Gaussian blur":
        size = st.select_slider(
            "Gaussian size",
            K.GAUSSIAN_SIZES,
            value=last("k_gauss_size", 5),
            key="k_gauss_size",
            disabled=_locked("size"),
        )
        sigma = L.field_of(PAGE, "sigma")
        sigma = st.slider(
            "Gaussian sigma (spread, in pixels)",
            sigma.lo,
            sigma.hi,
            last("k_gauss_sigma", sigma.default),
            0.1,
            key="k_gauss_sigma",
            disabled=_locked("sigma"),
        )
        keep("k_gauss_size", size), keep("k_gauss_sigma", sigma)
    return K.library(size, sigma)[name]


def pick_settings() -> Settings:
    padding = st.selectbox(
        "Border (padding)",
        PADDINGS,
        last_index("k_padding", PADDINGS),
        format_func=PADDING_LABELS.get,
        key="k_padding",
        disabled=_locked("padding"),
    )
    f = L.field_of(PAGE, "stride")
    lo, hi = int(f.lo), int(f.hi)
    stride = st.number_input(
        f"Stride ({lo}-{hi})", lo, hi, last("k_stride", f.default), key="k_stride", disabled=_locked("stride")
    )
    convolve = st.toggle(
        "Flip the kernel (true convolution)", last("k_flip", False), key="k_flip", disabled=_locked("flip")
    )
    raw = st.toggle(
        "Raw output values",
        last("k_raw", True),
        key="k_raw",
        help="Off: the output rescaled to a 0-255 picture.",
        disabled=_locked("raw"),
    )
    for k, v in (("k_padding", padding), ("k_stride", stride), ("k_flip", convolve), ("k_raw", raw)):
        keep(k, v)
    return Settings(padding, int(stride), convolve, raw)


def pick_view() -> str:
    """Which part of the page to show (one at a time keeps each change quick to redraw)."""
    views = (VIEW_FILTER, VIEW_STEPS, VIEW_COLOUR, VIEW_POOLING)
    view = st.radio(
        "Show",
        views,
        last_index("k_view", views),
        horizontal=True,
        key="k_view",
        help="The kernel and border settings apply to the first two views; pooling has its own.",
        disabled=_locked("view"),
    )
    return keep("k_view", view)


def pick_colour() -> ColourSettings:
    """The channel mix (a preset or three typed factors), the layer's filter count and the bias."""
    names = (*CH.MIXES, CUSTOM_MIX)
    a, b, c = st.columns([2, 1, 1])
    with a:
        name = keep("k_mix", st.selectbox("Slice per channel", names, last_index("k_mix", names), key="k_mix"))
    with b:
        lo, hi = LIMITS.filters
        filters = keep(
            "k_filters",
            st.number_input(
                f"Filters in the layer ({lo}-{hi})",
                lo,
                hi,
                last("k_filters", SEED.conv_blocks[0].filters),
                key="k_filters",
            ),
        )
    with c:
        bias = keep("k_bias", st.number_input("Bias", -1000.0, 1000.0, last("k_bias", 0.0), 1.0, key="k_bias"))
    mix = CH.MIXES.get(name, CH.MIXES[CH.LUMINANCE])
    if name == CUSTOM_MIX:
        cols = st.columns(3)
        mix = tuple(
            keep(
                f"k_mix_{ch}",
                col.number_input(
                    f"{ch.capitalize()} factor", -10.0, 10.0, last(f"k_mix_{ch}", m), 0.1, key=f"k_mix_{ch}"
                ),
            )
            for col, ch, m in zip(cols, CH.CHANNELS, CH.MIXES[CH.LUMINANCE], strict=True)
        )
    return ColourSettings(name, tuple(float(m) for m in mix), int(filters), float(bias))


def editor_start(key: str, default: pd.DataFrame) -> pd.DataFrame:
    """The table a data editor starts from: its last contents if Streamlit dropped it, else `default`.

    Stored under a plain key and changed only when the editor is (re)created, so the editor's
    identity (which includes its data) stays the same while the learner types.
    """
    base = f"kept-base:{key}"
    if key not in st.session_state or base not in st.session_state:
        st.session_state[base] = last(key, default)
    return st.session_state[base]
