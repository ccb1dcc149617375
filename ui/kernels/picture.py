"""The Kernels page's picture: an MNIST test digit, the astronaut photo, an upload, or the digit drawn
on the Draw page, returned as a plain KernelPicture (None, with a message, when there is nothing usable)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import streamlit as st

from cnn_core.formulas import shape_text
from cnn_core.images import BadImage, Decoded, decode_image, decode_small, downscale, to_grey
from ui import address, resources, state
from ui.errors import plain
from ui.keep import keep, last, last_index

PAGE = "kernels"  # the page's name in lesson links (cnn_core.lesson_links)
ASTRONAUT = Path(__file__).resolve().parents[2] / "cnn_core" / "assets" / "astronaut.png"
MAX_SIDE = 512
SRC_DIGIT, SRC_PHOTO, SRC_UPLOAD, SRC_DRAWN = (
    "MNIST digit",
    "Photo (astronaut, public domain)",
    "Upload a picture",
    "Digit drawn on the Draw page",
)
SOURCES = {"digit": SRC_DIGIT, "photo": SRC_PHOTO, "upload": SRC_UPLOAD, "drawn": SRC_DRAWN}  # address text -> option


@dataclass
class KernelPicture:
    """The picture the Kernels page slides its kernels over, in grey (and in colour when it has colour)."""

    grey: np.ndarray  # (H, W) float64 in 0..255: what the kernels slide over
    colour: np.ndarray | None  # (H, W, 3) uint8 when the source is in colour
    label: str
    notes: list[str] = field(default_factory=list)


def _locked(name: str) -> bool:
    return address.locked(PAGE, name)


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
        i = keep(
            "k_digit", st.number_input(label, 0, top, last("k_digit", 0), key="k_digit", disabled=_locked("image"))
        )
        return KernelPicture(test[0][i].astype(np.float64), None, f"MNIST test image #{i}, label {test[1][i]}")
    s = resources.samples()
    options = s.indices.tolist()
    i = st.selectbox(
        "MNIST test image number (shipped samples)",
        options,
        last_index("k_digit_sample", options),
        key="k_digit_sample",
        disabled=_locked("image"),
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
        "k_source",
        st.radio(
            "Picture",
            sources,
            last_index("k_source", sources),
            horizontal=True,
            key="k_source",
            disabled=_locked("src"),
        ),
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
