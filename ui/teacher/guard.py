"""The teacher key in front of the Teacher page: typed into a password field, never in the address
or on screen; a right key opens the page for this browser session, a wrong one waits a second."""

from __future__ import annotations

import time

import streamlit as st

from cnn_core.teacher_key import is_teacher_key, teacher_key
from ui.teacher import text

UNLOCKED = "teacher_unlocked"  # session_state: this browser session typed the teacher key
KEY_BOX = "teacher_key_box"  # session_state: the password field (emptied as soon as it is read)
WRONG = "teacher_key_wrong"  # session_state: the last key typed was wrong (said once)
WRONG_KEY_WAIT = 1.0  # seconds before a wrong key is answered: slows guessing to one a second


def unlocked() -> bool:
    """True when this session may use the Teacher page; otherwise draw the key form and return False."""
    if st.session_state.get(UNLOCKED):
        return True
    _, where = teacher_key()
    st.markdown(
        "This page shows and steers every learner's work, so it asks for the server's teacher key. "
        + text.key_where(where)
    )
    with st.form("teacher_key", clear_on_submit=True):
        st.text_input("Teacher key", type="password", max_chars=200, key=KEY_BOX)
        st.form_submit_button("Open the Teacher page", type="primary", icon=":material/key:", on_click=_check)
    if st.session_state.pop(WRONG, False):
        st.error(text.WRONG_KEY, icon=":material/lock:")
    return False


def _check() -> None:
    """Submit callback: compare the typed key, then forget it (it never stays in the session)."""
    given = st.session_state.get(KEY_BOX, "")
    st.session_state[KEY_BOX] = ""
    if is_teacher_key(given):
        st.session_state[UNLOCKED] = True
    else:
        time.sleep(WRONG_KEY_WAIT)
        st.session_state[WRONG] = True


def lock_button() -> None:
    """'Lock this page': forget the key for this session (before leaving the projector, say)."""
    if st.button("Lock this page", icon=":material/lock:", help="Asks for the teacher key again."):
        st.session_state.pop(UNLOCKED, None)
        st.rerun()
