"""Q19 beside real planes: a sample digit through the shipped network's first layer (NumPy, no TensorFlow)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core.formulas import shape_text
from cnn_core.samples import load_samples
from cnn_core.seed_facts import first_layer_map, load_facts
from ui import figures
from ui.keep import keep, last

SHOWN = 4  # planes side by side


@st.cache_resource(show_spinner=False)
def _facts():
    return load_facts()


@st.cache_resource(show_spinner=False)
def _samples():
    return load_samples()


def planes() -> None:
    """Four planes of the first layer for one sample digit, each under the filter that made it."""
    s, f = _samples(), _facts()
    row = keep(
        "arch_q19_digit", st.slider("Sample digit", 1, len(s.labels), last("arch_q19_digit", 1), key="arch_q19_digit")
    )
    first = keep(
        "arch_q19_filter",
        st.slider("First filter shown", 1, f.filters - SHOWN + 1, last("arch_q19_filter", 1), key="arch_q19_filter"),
    )
    img = s.images[row - 1]
    maps = [first_layer_map(img, f, i) for i in range(first - 1, first - 1 + SHOWN)]
    top = max(float(m.response.max()) for m in maps) or 1.0
    items = [
        dict(z=m.response, title=f"plane {first + i}", colorbar="response", zrange=(0.0, top))
        for i, m in enumerate(maps)
    ]
    st.plotly_chart(figures.panels(items, height=230), key="arch_q19_planes", config={"displayModeBar": False})
    lim = max(float(np.abs(m.kernel).max()) for m in maps)
    kernels = [
        dict(z=m.kernel, title=f"filter {first + i}", colorbar="weight", zrange=(-lim, lim), scale=figures.DIVERGING)
        for i, m in enumerate(maps)
    ]
    st.plotly_chart(figures.panels(kernels, height=200), key="arch_q19_filters", config={"displayModeBar": False})
    lit = [float((m.response > 0.5 * top).mean()) for m in maps]
    k = maps[0].kernel.shape[0]
    best = int(np.argmax([m.response.max() for m in maps]))
    st.caption(
        f"Sample digit {row} (a {int(s.labels[row - 1])}) through filters {first}-{first + SHOWN - 1} of the shipped "
        f"network's first layer: each plane is {shape_text(maps[0].response.shape)}, one number per position, on one "
        f"colour scale (0 to {top:.3g}). Bright above half the top: "
        + ", ".join(f"plane {first + i} {p:.0%}" for i, p in enumerate(lit))
        + f" of its positions; plane {first + best} responds most strongly. Below, the {k}x{k} weights that made each "
        "(blue negative, red positive). Computed here in NumPy from the model's saved weights."
    )
