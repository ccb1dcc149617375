"""Evaluate page inputs: the test image to look at, kept in the page's address (lesson links)."""

from __future__ import annotations

import streamlit as st

from cnn_core import lesson_links
from ui import address
from ui.keep import keep, last

PAGE = "evaluate"  # the page's name in lesson links (cnn_core.lesson_links)
IMAGE_KEY = "eval_image"
DEFAULT_IMAGE = lesson_links.field_of(PAGE, "image").default  # the article's example (Q39)


def apply_address(values: dict) -> list[str]:
    """A lesson link's test image, for the number box below."""
    address.set_widget(IMAGE_KEY, values["image"])
    return []


def test_image(n: int) -> int:
    """The test image number (0 to n - 1) the learner looks at."""
    i = st.number_input(
        "Test image number",
        0,
        n - 1,
        min(last(IMAGE_KEY, DEFAULT_IMAGE), n - 1),
        help=f"0 to {n - 1:,}",
        key=IMAGE_KEY,
        disabled=address.locked(PAGE, "image"),
    )
    return keep(IMAGE_KEY, int(i))
