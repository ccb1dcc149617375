"""Friendly errors: a learner sees a plain sentence and an optional details expander, never a stack trace."""

from __future__ import annotations

import re
import traceback
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner import RerunException, StopException


def show_error(message: str, exc: BaseException | None = None) -> None:
    st.error(plain(message), icon=":material/error:")  # may quote what a learner typed
    if exc is not None:
        with st.expander("Details for your teacher"):
            st.code("".join(traceback.format_exception_only(type(exc), exc)).strip(), language=None)


@contextmanager
def friendly_errors(what: str = "this page"):
    """Catch any exception from a page body and show it as a friendly message."""
    try:
        yield
    except (RerunException, StopException):
        raise  # Streamlit's own control flow: st.rerun(), st.stop()
    except Exception as e:  # noqa: BLE001 - the last line of defence in front of a student
        if type(e).__module__.startswith("cnn_core."):
            show_error(str(e), e)  # our own errors are written for learners
        else:
            show_error(
                f"Something went wrong while drawing {what}. Try again, or change the last setting you touched.", e
            )


_MARKDOWN_SPECIALS = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation mark


def plain(text: str) -> str:
    """`text` (a file name, anything a learner typed) escaped so Markdown shows it as it is.

    CommonMark lets a backslash escape any ASCII punctuation, so links, emphasis, HTML,
    `$` maths and `:icon:` codes in a name are shown as characters, never interpreted.
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))
