"""Where the Draw page's picture comes from: the canvas, an uploaded photo, or an MNIST test image.

Each helper returns plain values (a NumPy picture or None) for cnn_core to read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from cnn_core import lesson_links as L
from cnn_core.digits import MAX_SIDE, STEPS
from cnn_core.images import BadImage, decode_small
from ui import address, resources, state
from ui.errors import plain
from ui.keep import keep, last

CANVAS_SIZE = 280
CANVAS_GEN = "draw_canvas_gen"  # bumped by Clear: a new key gives a fresh, empty canvas
CANVAS_PREFIX = "draw_canvas_"  # the canvas key is CANVAS_PREFIX + generation
DRAW, UPLOAD = "Draw", "Upload a photo"
PAGE = "draw"  # the page's name in lesson links (cnn_core.lesson_links)
MODES = {"draw": DRAW, "upload": UPLOAD}  # address text -> the input control's option
FOCUS_PENDING = "draw_focus_from_address"  # (layer, map) asked for by the address, placed by place_focus


@dataclass
class DigitInput:
    """The Draw page's input before it is read: pixels from the canvas, an upload or an MNIST test image."""

    pixels: np.ndarray | None  # what cnn_core.digits reads; None when there is nothing yet
    source: str  # "canvas", "upload" or "test"
    is_mnist: bool = False  # already a 28x28 MNIST image: no preprocessing needed
    note: str = ""
    shrunk: bool = False  # an upload larger than digits.MAX_SIDE, shrunk while it was decoded


def canvas_key() -> str:
    return f"{CANVAS_PREFIX}{st.session_state.get(CANVAS_GEN, 0)}"


def _clear_canvas() -> None:
    st.session_state.pop(canvas_key(), None)
    st.session_state[CANVAS_GEN] = st.session_state.get(CANVAS_GEN, 0) + 1


def canvas() -> DigitInput:
    """The drawing canvas (white on black), its stroke width slider and a Clear button."""
    from streamlit_drawable_canvas import st_canvas  # registers its assets: needs a running app

    f = L.field_of(PAGE, "stroke")
    width = st.slider(
        "Stroke width",
        int(f.lo),
        int(f.hi),
        last("draw_stroke", f.default),
        help="Thicker strokes look more like MNIST's pen.",
        key="draw_stroke",
        disabled=address.locked(PAGE, "stroke"),
    )
    keep("draw_stroke", width)
    result = st_canvas(
        stroke_width=width,
        stroke_color="#FFFFFF",
        background_color="#000000",
        width=CANVAS_SIZE,
        height=CANVAS_SIZE,
        drawing_mode="freedraw",
        return_image_data=True,
        key=canvas_key(),
    )
    st.button("Clear", icon=":material/delete:", on_click=_clear_canvas)
    st.caption("Draw one digit, large, in the black square; the toolbar's arrows undo and redo strokes.")
    return DigitInput(result.image_data, "canvas")


def upload() -> DigitInput:
    """A photo or scan of a handwritten digit; None (with a friendly message) when it cannot be read."""
    f = st.file_uploader(
        "A photo of one handwritten digit (up to 10 MB)", type=["png", "jpg", "jpeg", "bmp", "gif", "webp"]
    )
    if f is None:
        return DigitInput(None, "upload", note="Upload a picture of a single digit, dark on light or light on dark.")
    try:
        d = decode_small(f.getvalue(), MAX_SIDE)  # never held full size (a 36-megapixel photo is 108 MB)
    except BadImage as e:
        st.error(f"{plain(f.name)} cannot be used: {e}", icon=":material/image_not_supported:")
        return DigitInput(None, "upload", note="Try another picture, or draw the digit instead.")
    return DigitInput(d.pixels, "upload", shrunk=d.shrunk)


def _back_to_drawing() -> None:
    st.session_state[state.DRAW_TEST_IMAGE] = None


def test_image(index: int) -> DigitInput:
    """MNIST test image `index`, sent from the Evaluate page, with a button back to drawing."""
    st.button(
        "Back to drawing", icon=":material/draw:", on_click=_back_to_drawing, disabled=address.locked(PAGE, "input")
    )
    try:
        image, label = resources.samples().by_test_index(index)
    except KeyError:
        data = resources.mnist_with_progress_bar()
        if data is None:
            return DigitInput(None, "test", note="This test image needs the full MNIST dataset.")
        (_, _), (x, y) = data
        if not 0 <= index < len(x):
            st.warning(f"There is no test image #{index}; the test set has {len(x):,}.")
            return DigitInput(None, "test")
        image, label = x[index], int(y[index])
    st.image(image, caption=f"MNIST test image #{index} (its label: {label})", width=CANVAS_SIZE)
    return DigitInput(image, "test", is_mnist=True, note=f"MNIST test image #{index}, label {label}")


def picture() -> DigitInput:
    """The learner's input: a test image sent from Evaluate if any, else the canvas or an upload."""
    index = st.session_state.get(state.DRAW_TEST_IMAGE)
    if index is not None:
        return test_image(int(index))
    mode = st.segmented_control(
        "Input",
        [DRAW, UPLOAD],
        default=last("draw_source", DRAW),
        key="draw_source",
        disabled=address.locked(PAGE, "input"),
    )
    keep("draw_source", mode or DRAW)
    return canvas() if (mode or DRAW) == DRAW else upload()


def apply_address(v: dict) -> list[str]:
    """A lesson link's settings into the page's widgets, before they are drawn."""
    address.set_widget("draw_source", MODES[v["input"]])
    address.set_widget("draw_stroke", v["stroke"])
    address.set_widget("draw_steps", [s for s in STEPS if s not in v["off"]])
    st.session_state[state.DRAW_TEST_IMAGE] = v["test"]
    st.session_state[FOCUS_PENDING] = (v["layer"], v["map"])
    return []


def place_focus(layers: dict) -> str | None:
    """Select the address's layer and feature map once the model's `layers` ({name: output}) are known;
    a note when the model has no such layer."""
    layer, n = st.session_state.pop(FOCUS_PENDING, (None, None))
    names = [name for name, out in layers.items() if out.ndim == 3]
    if layer is None or not names:
        return None
    if layer not in names:
        return f"This model has no layer '{layer}' with feature maps (it has {', '.join(names)})."
    st.session_state["draw_focus_layer"] = layer
    st.session_state[f"draw_focus_map_{layer}"] = min(n or 1, layers[layer].shape[-1])
    return None


def address_values() -> dict:
    """The page's settings as the address holds them (cnn_core.lesson_links' names and values)."""
    layer = st.session_state.get("draw_focus_layer")
    return {
        "input": {label: name for name, label in MODES.items()}.get(last("draw_source", DRAW), "draw"),
        "stroke": last("draw_stroke", L.field_of(PAGE, "stroke").default),
        "test": st.session_state.get(state.DRAW_TEST_IMAGE),
        "off": tuple(s for s in STEPS if s not in last("draw_steps", STEPS)),
        "layer": layer,
        "map": st.session_state.get(f"draw_focus_map_{layer}") if layer else None,
    }
