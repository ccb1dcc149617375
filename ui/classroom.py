"""Joining a class from its link (`?class=<code>`), and the sidebar line saying who you are.

A join link opens a short form (a nickname) in front of whatever page it names; once joined, the
learner's private token replaces the class code in the address, so a reload keeps who they are.
"""

from __future__ import annotations

import streamlit as st

from cnn_core.store import learners
from cnn_core.store.db import StoreError
from ui import ownership
from ui.errors import plain
from ui.store import store

CLASS_PARAM = "class"


def handle_join_link() -> None:
    """If the address carries a class code this learner has not joined yet, show the join form and stop."""
    raw = st.query_params.get(CLASS_PARAM)
    if raw is None:
        return
    room = learners.find_class(store(), raw)
    me = ownership.learner()
    if room is not None and me is not None and me.class_id == room.id:
        st.query_params.pop(CLASS_PARAM, None)  # already in this class: the link has done its job
        return
    st.title("Join a class")
    if room is None or room.closed is not None:
        st.error(
            "No open class has this code. Check the code on your teacher's screen, or ask them for the link again."
            if room is None
            else "This class has been closed by its teacher, so nobody can join it any more.",
            icon=":material/group_off:",
        )
        _work_alone_button()
        st.stop()
    st.markdown(f"Class **{plain(room.name)}** (code `{room.code}`).")
    with st.form("join"):
        nick = st.text_input(
            "Your nickname",
            max_chars=learners.NICKNAME_MAX,
            help="How your teacher and the class see your runs and drawings. Letters, digits, spaces, - _ . '",
        )
        joined = st.form_submit_button("Join the class", type="primary", icon=":material/login:")
    if joined:
        try:
            who, token = learners.join(store(), room.code, nick)
        except (learners.JoinError, StoreError) as e:
            st.error(plain(e), icon=":material/badge:")
        else:
            ownership.become(token, who)
            st.query_params.pop(CLASS_PARAM, None)
            st.rerun()
    _work_alone_button()
    st.stop()


def _work_alone_button() -> None:
    if st.button("Use the app on my own instead", icon=":material/person:"):
        st.query_params.pop(CLASS_PARAM, None)
        st.rerun()


def who_am_i() -> None:
    """The sidebar line: your nickname and class, or where your own work is kept."""
    me = ownership.learner()
    if me is None:
        return
    room = learners.class_of(store(), me)
    if room is not None:
        st.caption(
            f"You are **{plain(me.nickname)}** in class **{plain(room.name)}**. Your runs and drawings are kept; "
            "this tab's address is your private link (do not share it)."
        )
    else:
        st.caption(
            "Your runs are kept under a private address: bookmark this page to come back to them later "
            "(anyone with that address can act as you, so keep it to yourself)."
        )
