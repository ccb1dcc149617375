"""Widget values that survive a change of view or of page.

Streamlit deletes the state of every widget that a script run did not draw, so a
setting on a hidden view (or another page) would come back at its default. Each
kept widget also writes its value to a plain session key (not a widget key, so
Streamlit never deletes it) and is created with that value as its default:

    stride = keep("k_stride", st.number_input("Stride", 1, 4, last("k_stride", 1), key="k_stride"))

While the widget lives, its own state wins over the default (its identity is its key).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import streamlit as st

PREFIX = "kept:"
RUN = "kept-run"  # counts full script runs (app.py), so a page can tell what the previous run drew
T = TypeVar("T")


def last(key: str, default: Any) -> Any:
    """The value the widget `key` had when it was last drawn, else `default`."""
    return st.session_state.get(PREFIX + key, default)


def last_index(key: str, options: Sequence, default: int = 0) -> int:
    """Index in `options` of the widget's last value (for radio and selectbox); `default` if it is gone."""
    value = st.session_state.get(PREFIX + key)
    options = list(options)
    return options.index(value) if value in options else default


def keep(key: str, value: T) -> T:
    """Remember `value` as the widget's last value; returns it."""
    st.session_state[PREFIX + key] = value
    return value


def count_run() -> None:
    """Called once per full script run, by app.py."""
    st.session_state[RUN] = st.session_state.get(RUN, 0) + 1


def run_number() -> int:
    """How many full script runs this session has had (fragment reruns do not count)."""
    return st.session_state.get(RUN, 0)
