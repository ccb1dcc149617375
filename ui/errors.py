"""Friendly errors: a learner sees a plain sentence and an optional details expander, never a stack trace."""

from __future__ import annotations

import re
import traceback
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner import RerunException, StopException

RECONNECTING = (
    "Reconnecting to the database: it is not answering right now (it may be restarting). "
    "This page tries again by itself every few seconds; nothing already saved is lost."
)
GAVE_UP = (
    "The database has still not answered after {minutes} minutes. Reload this page in a while, "
    "or tell your teacher: the database server may need to be started again."
)
RETRY_SECONDS = 3
RETRY_LIMIT = 60  # tries (3 minutes), then the page stops trying and says so
_TRIES = "database_retries"  # session_state: tries since the database went away


def show_error(message: str, exc: BaseException | None = None) -> None:
    st.error(plain(message), icon=":material/error:")  # may quote what a learner typed
    if exc is not None:
        with st.expander("Details for your teacher"):
            st.code("".join(traceback.format_exception_only(type(exc), exc)).strip(), language=None)


@contextmanager
def friendly_errors(what: str = "this page", retry_page: bool = False):
    """Catch any exception from a page body and show it as a friendly message.

    A database that does not answer gets a short "Reconnecting" message; with `retry_page` (the
    whole page's handler in app.py, not a fragment's, whose own timer tries again) the page also
    reruns by itself once the database answers (`reconnecting`)."""
    try:
        yield
        st.session_state.pop(_TRIES, None)  # the database answered: a later outage starts counting again
    except (RerunException, StopException):
        raise  # Streamlit's own control flow: st.rerun(), st.stop()
    except Exception as e:  # noqa: BLE001 - the last line of defence in front of a student
        if database_away(e):
            reconnecting(retry_page)
        elif type(e).__module__.startswith("cnn_core."):
            show_error(str(e), e)  # our own errors are written for learners
        else:
            show_error(
                f"Something went wrong while drawing {what}. Try again, or change the last setting you touched.", e
            )


def database_away(e: BaseException) -> bool:
    """True when `e`, or the error behind it, is the database server not answering (stopped, restarting,
    unreachable). SQLite has no server: its faults are explained by cnn_core.store.db.friendly instead."""
    from sqlalchemy import exc

    seen = 0
    while e is not None and seen < 10:  # the chain StoreError <- sqlalchemy <- psycopg, bounded
        if isinstance(e, exc.OperationalError | exc.InterfaceError):
            return type(getattr(e, "orig", e)).__module__ != "sqlite3"
        e, seen = e.__cause__, seen + 1
    return False


def reconnecting(retry_page: bool) -> None:
    """The database is away: a short plain message and, with `retry_page`, a check every RETRY_SECONDS
    (at most RETRY_LIMIT times) that reruns the page once the database answers again."""
    st.warning(RECONNECTING, icon=":material/sync:")
    if retry_page:
        _retry_when_back()


@st.fragment(run_every=RETRY_SECONDS)
def _retry_when_back() -> None:
    tries = st.session_state.get(_TRIES, 0) + 1
    st.session_state[_TRIES] = tries
    if tries > RETRY_LIMIT:
        st.error(GAVE_UP.format(minutes=RETRY_LIMIT * RETRY_SECONDS // 60), icon=":material/cloud_off:")
        return
    if tries > 1 and _database_answers():
        st.session_state[_TRIES] = 0
        st.rerun(scope="app")


def _database_answers() -> bool:
    from sqlalchemy import exc

    from ui.store import store

    try:
        with store().engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return True
    except (exc.DBAPIError, RuntimeError):  # RuntimeError: cnn_core.store.db.StoreError from opening it
        return False


_MARKDOWN_SPECIALS = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation mark


def plain(text: str) -> str:
    """`text` (a file name, anything a learner typed) escaped so Markdown shows it as it is.

    CommonMark lets a backslash escape any ASCII punctuation, so links, emphasis, HTML,
    `$` maths and `:icon:` codes in a name are shown as characters, never interpreted.
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))
