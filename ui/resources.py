"""Cached, read-only resources shared by every session of the server.

Models and MNIST arrays are loaded once per server process (`st.cache_resource`)
and never mutated. Anything a learner changes lives in `st.session_state`.
"""

from __future__ import annotations

import streamlit as st

from cnn_core import data
from cnn_core.samples import Samples, load_samples


@st.cache_resource(show_spinner=False)
def samples() -> Samples:
    """About 100 MNIST test digits shipped with the app (works offline, without the full dataset)."""
    return load_samples()


def mnist_is_cached() -> bool:
    return data.is_cached()


@st.cache_resource(show_spinner=False)
def _mnist_cached():
    return data.load_mnist(sources=("cache",))


def mnist(progress=None):
    """The full MNIST arrays; fetches them on first use (showing `progress`).

    Raises data.MNISTUnavailable with a readable message when no source works.
    """
    if not data.is_cached():
        data.load_mnist(progress=progress)  # fetch into the cache, then load through the cached resource
    try:
        return _mnist_cached()
    except data.MNISTUnavailable:
        _mnist_cached.clear()  # the cache was corrupted since: fetch again
        data.load_mnist(progress=progress)
        return _mnist_cached()


def mnist_with_progress_bar():
    """The full MNIST; on first use, a visible progress bar while it is fetched. None if it cannot be had."""
    if data.is_cached():
        try:
            return _mnist_cached()
        except data.MNISTUnavailable:
            _mnist_cached.clear()
    bar = st.progress(0.0, text="Fetching MNIST (about 12 MB, once)...")
    try:
        result = mnist(progress=lambda f, m: bar.progress(min(max(f, 0.0), 1.0), text=m))
    except data.MNISTUnavailable as e:
        bar.empty()
        st.warning(
            "The full MNIST dataset could not be fetched, so this part needs the shipped sample "
            "digits instead. The rest of the app still works."
        )
        with st.expander("What was tried, and how to fix it"):
            st.code(str(e), language=None)
        return None
    bar.empty()
    return result
