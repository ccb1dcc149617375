"""Kernels page inputs: the picture, the kernel and the sliding settings, returned as plain values.

Each helper draws its widgets, shows a friendly message for bad input, and returns
None when there is nothing usable (the page then stops with an st.info).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from cnn_core import channels as CH
from cnn_core import kernels as K
from cnn_core.architecture import LIMITS, SEED
from cnn_core.convolution import PADDING_LABELS, PADDINGS
from cnn_core.formulas import shape_text
from cnn_core.images import BadImage, Decoded, decode_image, decode_small, downscale, to_grey
from ui import resources, state
from ui.errors import plain
from ui.keep import keep, last, last_index

ASTRONAUT = Path(__file__).resolve().parents[2] / "cnn_core" / "assets" / "astronaut.png"
MAX_SIDE = 512
SRC_DIGIT, SRC_PHOTO, SRC_UPLOAD, SRC_DRAWN = (
    "MNIST digit",
    "Photo (astronaut, public domain)",
    "Upload a picture",
    "Digit drawn on the Draw page",
)
CUSTOM = "Custom (type your own)"
VIEW_FILTER, VIEW_STEPS, VIEW_POOLING = "Input, kernel and output", "One window at a time", "Pooling"
VIEW_COLOUR = "Colour: one filter over red, green, blue"
CUSTOM_MIX = "Custom"


@dataclass
class KernelPicture:
    """The picture the Kernels page slides its kernels over, in grey (and in colour when it has colour)."""

    grey: np.ndarray  # (H, W) float64 in 0..255: what the kernels slide over
    colour: np.ndarray | None  # (H, W, 3) uint8 when the source is in colour
    label: str
    notes: list[str] = field(default_factory=list)


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


@st.cache_resource(show_spinner=False)
def astronaut() -> np.ndarray:
    """The shipped colour photo, (512, 512, 3) uint8, decoded once per server."""
    return decode_image(ASTRONAUT.read_bytes())


def _mnist_test() -> tuple[np.ndarray, np.ndarray] | None:
    """The full test set when MNIST is already on disk (never fetched from here: the samples do)."""
    if not resources.mnist_is_cached():
        return None
    m = resources.mnist_with_progress_bar()  # a cached resource: loaded once per server
    return None if m is None else m[1]


def _digit() -> KernelPicture:
    test = _mnist_test()
    if test is not None:
        top = len(test[0]) - 1
        label = f"MNIST test image number (0-{top})"
        i = keep("k_digit", st.number_input(label, 0, top, last("k_digit", 0), key="k_digit"))
        return KernelPicture(test[0][i].astype(np.float64), None, f"MNIST test image #{i}, label {test[1][i]}")
    s = resources.samples()
    options = s.indices.tolist()
    i = st.selectbox(
        "MNIST test image number (shipped samples)",
        options,
        last_index("k_digit_sample", options),
        key="k_digit_sample",
    )
    keep("k_digit_sample", i)
    img, label = s.by_test_index(i)
    return KernelPicture(img.astype(np.float64), None, f"MNIST test image #{i}, label {label}")


def _colour_picture(rgb: np.ndarray, label: str, original: tuple[int, int] | None = None) -> KernelPicture:
    """A picture ready to filter: long side at most MAX_SIDE, grey for the kernels, colour kept for display.

    `original` is the (height, width) in the file when the picture was already shrunk while decoding.
    """
    small, shrunk = downscale(rgb, MAX_SIDE)
    h, w = original or rgb.shape[:2]
    notes = []
    if shrunk or (h, w) != small.shape[:2]:
        notes.append(
            f"Downscaled from {shape_text((h, w))} to {shape_text(small.shape[:2])} pixels (rows x columns; long side at most {MAX_SIDE})."
        )
    if small.ndim == 3:
        notes.append("A colour picture: it is shown in colour, but kernels slide over its grey version (luminance).")
        return KernelPicture(to_grey(small, unit_to=255), small, label, notes)
    return KernelPicture(to_grey(small, unit_to=255), None, label, notes)


def upload_picture(data: bytes, name: str) -> KernelPicture:
    """An uploaded file -> KernelPicture, shrunk while decoding (a 36-megapixel photo is never held full size)."""
    d: Decoded = decode_small(data, MAX_SIDE)
    return _colour_picture(d.pixels, f"Your picture {name}", (d.height, d.width))


def pick_picture() -> KernelPicture | None:
    """The picture to filter, from the source the learner chooses; None (with a message) if unusable."""
    sources = [SRC_DIGIT, SRC_PHOTO, SRC_UPLOAD]
    drawn = st.session_state.get(state.DRAWN_DIGIT)
    if drawn is not None:
        sources.append(SRC_DRAWN)
    src = keep(
        "k_source", st.radio("Picture", sources, last_index("k_source", sources), horizontal=True, key="k_source")
    )
    if src == SRC_PHOTO:
        return _colour_picture(astronaut(), "Astronaut Eileen Collins (NASA, public domain)")
    if src == SRC_DRAWN and drawn is not None:
        drawn = np.asarray(drawn)
        label = f"The digit you last drew on the Draw page ({shape_text(drawn.shape)})"
        return KernelPicture(to_grey(drawn, unit_to=255), None, label)
    if src == SRC_UPLOAD:
        up = st.file_uploader(
            "A PNG or JPEG picture (up to 10 MB)",
            type=["png", "jpg", "jpeg", "bmp", "gif", "webp", "tif", "tiff"],
            key="k_upload",
        )
        if up is None:
            st.info("Choose a picture file to filter it.")
            return None
        try:
            return upload_picture(up.getvalue(), up.name)
        except BadImage as e:
            st.error(f"{plain(up.name)}: {e}", icon=":material/broken_image:")
            return None
    return _digit()


def _custom_kernel() -> K.Kernel | None:
    sizes = (2, 3, 4, 5)
    size = st.radio(
        "Custom kernel size", sizes, last_index("k_custom_size", sizes, 1), horizontal=True, key="k_custom_size"
    )
    keep("k_custom_size", size)
    start = np.zeros((size, size))
    start[(size - 1) // 2, (size - 1) // 2] = 1.0
    cols = [str(c + 1) for c in range(size)]
    key = f"k_custom_{size}"
    df = st.data_editor(
        editor_start(key, pd.DataFrame(start, columns=cols)),
        key=key,
        num_rows="fixed",
        hide_index=True,
        column_config={c: st.column_config.NumberColumn(c, format="%.3g") for c in cols},
    )
    keep(key, df)
    normalise = st.toggle(
        "Normalise to sum 1",
        last("k_normalise", False),
        key="k_normalise",
        help="Divide every weight by their sum, so the picture keeps its brightness.",
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
    name = keep("k_kernel", st.selectbox("Kernel", names, last_index("k_kernel", names), key="k_kernel"))
    if name == CUSTOM:
        return _custom_kernel()
    size, sigma = 5, 1.0
    if name == "Gaussian blur":
        size = st.select_slider("Gaussian size", K.GAUSSIAN_SIZES, value=last("k_gauss_size", 5), key="k_gauss_size")
        sigma = st.slider(
            "Gaussian sigma (spread, in pixels)", 0.3, 5.0, last("k_gauss_sigma", 1.0), 0.1, key="k_gauss_sigma"
        )
        keep("k_gauss_size", size), keep("k_gauss_sigma", sigma)
    return K.library(size, sigma)[name]


def pick_settings() -> Settings:
    padding = st.selectbox(
        "Border (padding)", PADDINGS, last_index("k_padding", PADDINGS), format_func=PADDING_LABELS.get, key="k_padding"
    )
    stride = st.number_input("Stride (1-4)", 1, 4, last("k_stride", 1), key="k_stride")
    convolve = st.toggle("Flip the kernel (true convolution)", last("k_flip", False), key="k_flip")
    raw = st.toggle(
        "Raw output values", last("k_raw", True), key="k_raw", help="Off: the output rescaled to a 0-255 picture."
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
