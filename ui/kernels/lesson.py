"""The Kernels page's settings <-> its lesson link (cnn_core.lesson_links, page "kernels").

`apply_address` writes an address's values into the widgets' session state before they are drawn
(each widget's key and its kept value, ui.keep); `address_values` reads them back for the address.
The step position waits in STEP_PENDING until the output size is known (`place_step`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from cnn_core import kernels as K
from cnn_core import lesson_links as L
from ui import address, resources, state
from ui.keep import keep, last
from ui.kernels.inputs import KERNELS, VIEWS, start_grid
from ui.kernels.picture import SOURCES, SRC_DIGIT

STEP_PENDING = "k_step_from_address"  # (row, col) asked for by the address, placed by place_step
BASE = "kept-base:"  # ui.kernels.inputs.editor_start's plain key for a data editor's starting table


_set = address.set_widget


def _set_grid(grid) -> None:
    """The custom kernel's size and weights (None: the starting grid of size 3)."""
    size = len(grid) if grid is not None else 3
    table = start_grid(size) if grid is None else pd.DataFrame(grid, columns=[str(c + 1) for c in range(size)])
    _set("k_custom_size", size)
    key = f"k_custom_{size}"
    for k in (key, BASE + key):  # a data editor cannot be set: drop it, and it starts again from `table`
        st.session_state.pop(k, None)
    keep(key, table)


def apply_address(v: dict[str, Any]) -> list[str]:
    """Write the address's values into the page's widgets; returns notes about what could not be used."""
    notes = []
    src = v["src"]
    if src == "drawn" and st.session_state.get(state.DRAWN_DIGIT) is None:
        notes.append("The lesson uses a digit drawn on the Draw page; draw one there first. Showing an MNIST digit.")
        src = "digit"
    _set("k_source", SOURCES[src])
    if resources.mnist_is_cached():
        _set("k_digit", v["image"])
    elif v["image"] in resources.samples().indices.tolist():
        _set("k_digit_sample", v["image"])
    else:
        notes.append(f"Test image #{v['image']} needs the full MNIST set, which is not on this server yet.")
    _set("k_view", VIEWS[v["view"]])
    _set("k_kernel", KERNELS[v["kernel"]])
    _set("k_gauss_size", v["size"])
    _set("k_gauss_sigma", v["sigma"])
    _set_grid(v["grid"])
    _set("k_normalise", v["norm"])
    for key, name in (("k_padding", "padding"), ("k_stride", "stride"), ("k_flip", "flip"), ("k_raw", "raw")):
        _set(key, v[name])
    st.session_state[STEP_PENDING] = (v["row"], v["col"])
    return notes


def place_step(output_shape: tuple[int, int]) -> None:
    """Put the step sliders where the address asked, once the output's (rows, columns) are known."""
    pending = st.session_state.pop(STEP_PENDING, None)
    if pending is None:
        return
    for key, asked, n in (("k_row", pending[0], output_shape[0]), ("k_col", pending[1], output_shape[1])):
        st.session_state[f"{key}_n"] = n  # ui.kernels.sections._position keeps a value made for this size
        _set(key, min(asked, n - 1) if asked is not None else n // 2)


def _grid_values(size: int):
    try:
        return tuple(map(tuple, K.parse_kernel(last(f"k_custom_{size}", start_grid(size)))))
    except K.BadKernel:
        return None  # a cell being typed: the address keeps the kernel's name only


def address_values() -> dict[str, Any]:
    """The page's settings as the address holds them (cnn_core.lesson_links' names and values)."""
    back = {label: name for name, label in KERNELS.items()}
    kernel = back.get(last("k_kernel", None), "identity")
    view = {label: name for name, label in VIEWS.items()}.get(last("k_view", None), "filter")
    values = {
        "src": {label: name for name, label in SOURCES.items()}.get(last("k_source", SRC_DIGIT), "digit"),
        "image": last("k_digit", 0) if resources.mnist_is_cached() else last("k_digit_sample", None),
        "view": view,
        "kernel": kernel,
        "padding": last("k_padding", "valid"),
        "stride": int(last("k_stride", 1)),
        "flip": bool(last("k_flip", False)),
        "raw": bool(last("k_raw", True)),
    }
    if kernel == "gaussian-blur":
        values |= {"size": last("k_gauss_size", 5), "sigma": last("k_gauss_sigma", 1.0)}
    if kernel == L.CUSTOM:
        size = last("k_custom_size", 3)
        values |= {"grid": _grid_values(size), "norm": bool(last("k_normalise", False))}
    if view == "steps":
        values |= {"row": last("k_row", None), "col": last("k_col", None)}
    return values
