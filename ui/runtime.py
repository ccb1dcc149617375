"""Process-wide Streamlit settings the app needs, applied once from app.py."""

from __future__ import annotations


def _keep_keras_state() -> None:
    """Nothing to clean: the app's Keras models are built once and shared."""


def keep_keras_state() -> None:
    """Stop Streamlit from calling `keras.backend.clear_session()` after every script run.

    Once Keras is imported, Streamlit's script runner clears Keras' global state at the end of
    every rerun of every session (`script_runner._clean_problem_modules`). Here that cost about
    200 ms of CPU per Draw-page rerun (235 -> 34 ms, bench/bench_server.py), dropped the compiled
    kernels so the next model call was slow again, and reset Keras' state under training threads.
    The app builds its models once (st.cache_resource) and never relies on that cleanup.
    """
    from streamlit.runtime.scriptrunner import script_runner

    current = getattr(script_runner, "_clean_problem_modules", None)
    if current is not None and current is not _keep_keras_state:
        script_runner._streamlit_clean_problem_modules = current  # kept for the benchmark's baseline
        script_runner._clean_problem_modules = _keep_keras_state
